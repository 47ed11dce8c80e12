// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: kvm-lite's launcher, in the spirit of kvmtool (its command and
 * option names).  Every input is checked before a VM exists, so a bad
 * one costs one clear line and exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm_lite.h>

#include "lkvm.h"

#define CMDLINE_SIZE	4096

static const char usage[] =
"usage: lkvm run -k BZIMAGE [options]\n"
"       lkvm version\n"
"       lkvm --help\n"
"\n"
"Boot a Linux bzImage with kvm-lite guest support as a paravirtual guest\n"
"of kvm-lite (KVM on 32-bit x86 without VT-x/AMD-V), through /dev/kvm.\n"
"\n"
"run options:\n"
"  -k, --kernel BZIMAGE    the guest kernel (must carry the kvm-lite note)\n"
"  -i, --initrd FILE       an initrd or initramfs\n"
"  -m, --mem MB            guest memory, 32..2048 MB (default 128)\n"
"  -p, --params TEXT       appended to the kernel command line\n"
"  -d, --disk IMAGE        a raw disk image, /dev/vda (virtio-blk)\n"
"  -n, --network tap:IF    eth0 on the existing host tap IF (virtio-net)\n"
"      --rng               /dev/hwrng from the host's /dev/urandom\n"
"      --console serial|virtio\n"
"                          ttyS0 (8250 UART, the default) or hvc0\n"
"\n"
"The guest console is stdin/stdout; on a terminal Ctrl-A x quits.\n"
"\n"
"exit status:\n"
"  0  the guest powered off\n"
"  1  bad input, or lkvm failed or was stopped (SIGINT, SIGTERM)\n"
"  2  the guest crashed: \"lkvm: guest crashed: REASON\" on stderr\n";

static void parse_mem(const char *arg, struct options *opt)
{
	char *end;
	unsigned long mb;

	errno = 0;
	mb = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		die("-m '%s': not a number of megabytes", arg);
	if (mb < MEM_MIN_MB || mb > MEM_MAX_MB)
		die("-m %s: guest memory must be %d..%d MB", arg, MEM_MIN_MB,
		    MEM_MAX_MB);
	opt->mem_mb = mb;
}

static void set_once(const char **slot, const char *arg, const char *what)
{
	if (*slot)
		die("only one %s is supported", what);
	*slot = arg;
}

/* --name=value or --name value, -x value */
static const char *value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		die("option '%s' needs an argument", argv[*i]);
	return argv[++*i];
}

static bool is(const char *arg, size_t len, const char *s, const char *l)
{
	return (s && strlen(s) == len && !strncmp(arg, s, len)) ||
	       (l && strlen(l) == len && !strncmp(arg, l, len));
}

static void parse_run(int argc, char **argv, struct options *opt)
{
	const char *arg, *eq;
	size_t len;
	int i;

	opt->mem_mb = MEM_DEFAULT_MB;
	for (i = 2; i < argc; i++) {
		arg = argv[i];
		eq = !strncmp(arg, "--", 2) ? strchr(arg, '=') : NULL;
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		if (is(arg, len, "-h", "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (is(arg, len, "-k", "--kernel")) {
			set_once(&opt->kernel, value(argc, argv, &i, eq),
				 "kernel (-k)");
		} else if (is(arg, len, "-i", "--initrd")) {
			set_once(&opt->initrd, value(argc, argv, &i, eq),
				 "initrd (-i)");
		} else if (is(arg, len, "-m", "--mem")) {
			parse_mem(value(argc, argv, &i, eq), opt);
		} else if (is(arg, len, "-p", "--params")) {
			set_once(&opt->params, value(argc, argv, &i, eq),
				 "parameter string (-p)");
		} else if (is(arg, len, "-d", "--disk")) {
			set_once(&opt->disk, value(argc, argv, &i, eq),
				 "disk (-d)");
		} else if (is(arg, len, "-n", "--network")) {
			arg = value(argc, argv, &i, eq);
			if (strncmp(arg, "tap:", 4))
				die("-n '%s': expected tap:IFNAME", arg);
			set_once(&opt->tap, arg + 4, "network (-n)");
		} else if (is(arg, len, NULL, "--rng") && !eq) {
			opt->rng = true;
		} else if (is(arg, len, NULL, "--console")) {
			arg = value(argc, argv, &i, eq);
			if (!strcmp(arg, "serial"))
				opt->console = CONSOLE_SERIAL;
			else if (!strcmp(arg, "virtio"))
				opt->console = CONSOLE_VIRTIO;
			else
				die("--console '%s': expected serial or virtio",
				    arg);
		} else {
			die("unknown option '%s' (see lkvm --help)", arg);
		}
	}
	if (!opt->kernel)
		die("run: no kernel given (-k BZIMAGE)");
}

/*
 * noreplace-smp: with one CPU, Linux rewrites every lock prefix of its
 * text at boot, each with a text_poke() that switches page tables twice.
 * In a guest that is some 5000 pokes of about six exits each, a third of
 * the boot; the lock prefixes cost next to nothing by comparison.
 */
static void build_cmdline(const struct options *opt, char *buf, size_t size)
{
	char devs[512];

	virtio_mmio_cmdline(devs, sizeof(devs));
	/* Ours first: the user's text may end in "-- args for init". */
	snprintf(buf, size, "%s noreplace-smp%s%s%s",
		 opt->console == CONSOLE_SERIAL ?
		 "console=ttyS0 earlyprintk=serial" : "console=hvc0",
		 devs, opt->params ? " " : "", opt->params ? opt->params : "");
	if (strlen(buf) == size - 1)
		die("kernel command line too long");
}

static int run(int argc, char **argv)
{
	struct options opt = { 0 };
	struct bzimage bz;
	char cmdline[CMDLINE_SIZE];
	int disk_fd = -1, tap_fd = -1, fd, status;
	uint64_t disk_size = 0;

	parse_run(argc, argv, &opt);
	bzimage_read(opt.kernel, &bz);
	if (opt.initrd) {
		fd = open(opt.initrd, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die_perror("cannot read initrd '%s'", opt.initrd);
		close(fd);
	}
	if (opt.disk)
		disk_fd = disk_open(opt.disk, &disk_size);
	if (opt.tap)
		tap_fd = tap_open(opt.tap);
	kvm_open();

	kvm_create_vm((uint64_t)opt.mem_mb << 20);
	serial_init(opt.console == CONSOLE_SERIAL);
	if (opt.console == CONSOLE_VIRTIO)
		virtio_console_init();
	if (opt.disk)
		virtio_blk_init(disk_fd, disk_size);
	if (opt.tap)
		virtio_net_init(tap_fd);
	if (opt.rng)
		virtio_rng_init();
	build_cmdline(&opt, cmdline, sizeof(cmdline));
	boot_setup(&opt, &bz, cmdline);
	free(bz.file);

	term_init();
	ioloop_start();
	status = kvm_run_vcpu();
	if (status < 0) {
		/*
		 * A reboot: the simplest complete reset of the VM, its
		 * devices and our threads is to start over.
		 */
		warn("guest rebooting");
		term_restore();
		execv("/proc/self/exe", argv);
		die_perror("cannot restart for the guest's reboot");
	}
	return status;
}

int main(int argc, char **argv)
{
	/* A closed stdout must not kill us before the guest is done. */
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2)
		die("no command (see lkvm --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("lkvm (kvmtool-lite) %s, kvm-lite guest ABI %d\n",
		       LKVM_VERSION, KVM_LITE_GUEST_ABI_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return run(argc, argv);
	die("unknown command '%s' (see lkvm --help)", argv[1]);
}
