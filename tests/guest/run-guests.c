// SPDX-License-Identifier: GPL-2.0
/*
 * run-guests: the host side of the guest tests.  For each flat 32-bit
 * guest image (tests/guest/t-*.c) it creates a VM with raw /dev/kvm
 * ioctls, starts the guest in protected mode and serves its exits:
 *
 *   port 0xe9 out		console: the guest's "ok"/"not ok" lines
 *   port 0xf4 out		the guest is done; the value is its status
 *   port 0xf8 out/in		echo: in returns the last value written + 1
 *   port 0xfa out		raise an interrupt vector (KVM_INTERRUPT)
 *   port 0xfb in		how many KVM_EXIT_HLT exits so far
 *   port 0xfc out		inject an NMI (KVM_NMI)
 *   port 0xfd in		the vCPU's "exits" statistic
 *   0xd0000000 (MMIO)		echo: a read returns the last write inverted
 *   HLT			resume (no irqchip) after counting it
 *   IRQ_WINDOW_OPEN		inject the raised interrupt
 *
 * The vCPU gets the CPUID KVM supports, as a VMM would give it.
 *
 * Usage: run-guests [--irqchip] IMAGE...
 * Every guest must finish with status 0 within 20 s.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "ktest.h"
#include "guest-abi.h"

#define GUEST_MEM_SIZE	(8 << 20)
#define IMAGE_BASE	0x100000

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

struct guest {
	const char *name;
	int vm, vcpu;
	struct kvm_run *run;
	u8 *mem;
	char line[256];
	unsigned int line_len;
	u32 echo_port, echo_mmio;
	unsigned int hlt_exits, io_exits, mmio_exits;
	int irq_pending;		/* raised, not yet injected */
	u8 irq_vector;
	int stats_fd;			/* KVM_GET_STATS_FD, or -1 */
	off_t exits_offset;		/* where "exits" is in it */
	int done, status;
};

static int kvm_fd = -1;
static int use_irqchip;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static u64 gdt_entry(u32 base, u32 limit, u32 flags)
{
	return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)flags << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)(base >> 24) << 56);
}

/* Flags: type | S | DPL | P (bits 40-47), AVL L DB G (bits 52-55). */
#define FLAT_CODE(dpl)	(0xc09a | ((dpl) << 5))
#define FLAT_DATA(dpl)	(0xc092 | ((dpl) << 5))

static void setup_tables(struct guest *g)
{
	u64 *gdt = (u64 *)(g->mem + GDT_BASE);
	u32 *tss = (u32 *)(g->mem + TSS_BASE);

	gdt[0] = 0;
	gdt[1] = gdt_entry(0, 0xfffff, FLAT_CODE(0));
	gdt[2] = gdt_entry(0, 0xfffff, FLAT_DATA(0));
	gdt[3] = gdt_entry(0, 0xfffff, FLAT_CODE(3));
	gdt[4] = gdt_entry(0, 0xfffff, FLAT_DATA(3));
	gdt[5] = gdt_entry(TSS_BASE, 0x67, 0x89);	/* 32-bit TSS */
	tss[1] = 0x70000;				/* esp0 */
	tss[2] = SEL_KDATA;				/* ss0 */
	/* I/O map base beyond the limit: no bitmap, ring-3 I/O faults. */
	tss[25] = 0x68 << 16;
}

static void flat_seg(struct kvm_segment *s, u16 sel, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 0xb : 0x3;
	s->s = 1;
	s->present = 1;
	s->db = 1;
	s->g = 1;
}

/*
 * The vCPU's binary statistics: find the "exits" counter once, so that
 * the guest can ask how often it left (PORT_EXITS).
 */
static void open_stats(struct guest *g)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t size;
	char *descs;
	u32 i;

	g->stats_fd = ioctl(g->vcpu, KVM_GET_STATS_FD, NULL);
	if (g->stats_fd < 0 || pread(g->stats_fd, &h, sizeof(h), 0) != sizeof(h))
		return;
	size = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, size);
	if (!descs)
		return;
	if (pread(g->stats_fd, descs, size * h.num_desc, h.desc_offset) ==
	    (ssize_t)(size * h.num_desc)) {
		for (i = 0; i < h.num_desc; i++) {
			d = (struct kvm_stats_desc *)(descs + i * size);
			if (!strcmp(d->name, "exits"))
				g->exits_offset = h.data_offset + d->offset;
		}
	}
	free(descs);
}

static u32 read_exits(struct guest *g)
{
	u64 v;

	if (g->stats_fd < 0 || !g->exits_offset ||
	    pread(g->stats_fd, &v, sizeof(v), g->exits_offset) != sizeof(v))
		return ~0u;
	return v;
}

/* What every VMM does first: give the vCPU the CPUID KVM supports. */
static int setup_cpuid(struct guest *g)
{
	int n = 100;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) +
					  n * sizeof(cpuid->entries[0]));
	int ret = -1;

	if (!cpuid)
		return -1;
	cpuid->nent = n;
	if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) &&
	    !ioctl(g->vcpu, KVM_SET_CPUID2, cpuid))
		ret = 0;
	free(cpuid);
	return ret;
}

static int setup_cpu(struct guest *g)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		return -1;
	flat_seg(&sregs.cs, SEL_KCODE, 1);
	flat_seg(&sregs.ds, SEL_KDATA, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.selector = SEL_TSS;
	sregs.tr.base = TSS_BASE;
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xb;
	sregs.tr.present = 1;
	sregs.gdt.base = GDT_BASE;
	sregs.gdt.limit = 6 * 8 - 1;
	sregs.idt.base = IDT_BASE;
	sregs.idt.limit = 256 * 8 - 1;
	sregs.cr0 = 0x11;	/* PE, ET */
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs))
		return -1;

	memset(&regs, 0, sizeof(regs));
	regs.rip = IMAGE_BASE;
	regs.rsp = GUEST_STACK_TOP;
	regs.rflags = 0x2;
	return ioctl(g->vcpu, KVM_SET_REGS, &regs);
}

static int load_image(struct guest *g, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) ||
	    st.st_size > GUEST_MEM_SIZE - IMAGE_BASE) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = read(fd, g->mem + IMAGE_BASE, st.st_size);
	close(fd);
	return n == st.st_size ? 0 : -1;
}

static int create_guest(struct guest *g, const char *path)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM_SIZE,
	};
	long run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	g->vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return -1;
	if (use_irqchip && ioctl(g->vm, KVM_CREATE_IRQCHIP, 0))
		return -1;
	g->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -1;
	region.userspace_addr = (uintptr_t)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -1;
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0 || run_size <= 0)
		return -1;
	g->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu, 0);
	if (g->run == MAP_FAILED)
		return -1;
	setup_tables(g);
	open_stats(g);
	if (load_image(g, path) || setup_cpuid(g))
		return -1;
	return setup_cpu(g);
}

/* A console line: guest results become ours, tagged with the image. */
static void console_line(struct guest *g)
{
	const char *p = g->line;

	g->line[g->line_len] = 0;
	g->line_len = 0;
	if (!strncmp(p, "ok - guest: ", 12)) {
		ktest_report(1, NULL, "%s", p + 12);
	} else if (!strncmp(p, "not ok - guest: ", 16)) {
		ktest_report(0, NULL, "%s", p + 16);
	} else {
		printf("# %s: %s\n", g->name, p);
	}
}

static void io_console(struct guest *g, u8 *data, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n' || g->line_len == sizeof(g->line) - 1)
			console_line(g);
		if (data[i] != '\n')
			g->line[g->line_len++] = data[i];
	}
}

static void io_echo(struct guest *g, u8 *data, int out)
{
	u32 v;

	if (out) {
		memcpy(&g->echo_port, data, 4);
	} else {
		v = g->echo_port + 1;
		memcpy(data, &v, 4);
	}
}

/* One pending vector, like a single interrupt line; see inject_irq(). */
static void io_irq(struct guest *g, u8 vector)
{
	g->irq_vector = vector;
	g->irq_pending = 1;
}

static void io_nmi(struct guest *g)
{
	if (ioctl(g->vcpu, KVM_NMI, 0))
		ktest_report(0, strerror(errno), "KVM_NMI failed");
}

static void handle_io(struct guest *g)
{
	struct kvm_run *r = g->run;
	u8 *data = (u8 *)r + r->io.data_offset;
	int out = r->io.direction == KVM_EXIT_IO_OUT;
	u32 v;

	g->io_exits++;
	if (r->io.port == PORT_CONSOLE && out) {
		io_console(g, data, r->io.count * r->io.size);
	} else if (r->io.port == PORT_EXIT && r->io.size == 4) {
		memcpy(&v, data, 4);
		g->status = v;
		g->done = 1;
	} else if (r->io.port == PORT_ECHO && r->io.size == 4) {
		io_echo(g, data, out);
	} else if (r->io.port == PORT_IRQ && r->io.size == 1 && out) {
		io_irq(g, data[0]);
	} else if (r->io.port == PORT_HLT_COUNT && r->io.size == 4 && !out) {
		memcpy(data, &g->hlt_exits, 4);
	} else if (r->io.port == PORT_NMI && out) {
		io_nmi(g);
	} else if (r->io.port == PORT_EXITS && r->io.size == 4 && !out) {
		v = read_exits(g);
		memcpy(data, &v, 4);
	} else {
		printf("# %s: unexpected I/O port %#x\n", g->name, r->io.port);
	}
}

static void handle_mmio(struct guest *g)
{
	struct kvm_run *r = g->run;
	u32 v = 0;

	g->mmio_exits++;
	if (r->mmio.phys_addr != MMIO_ECHO || r->mmio.len != 4) {
		printf("# %s: unexpected MMIO at %#llx len %u\n", g->name,
		       (unsigned long long)r->mmio.phys_addr, r->mmio.len);
		return;
	}
	if (r->mmio.is_write) {
		memcpy(&g->echo_mmio, r->mmio.data, 4);
	} else {
		v = ~g->echo_mmio;
		memcpy(r->mmio.data, &v, 4);
	}
}

static void dump_state(struct guest *g)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (!ioctl(g->vcpu, KVM_GET_REGS, &regs) &&
	    !ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		printf("#   eip %#llx esp %#llx eflags %#llx cs %#x ss %#x cr0 %#llx\n",
		       (unsigned long long)regs.rip,
		       (unsigned long long)regs.rsp,
		       (unsigned long long)regs.rflags, sregs.cs.selector,
		       sregs.ss.selector, (unsigned long long)sregs.cr0);
}

/*
 * Before each KVM_RUN: inject the raised interrupt if KVM said at the
 * last exit that the guest can take one (IF set, no interrupt shadow);
 * otherwise ask for an exit as soon as it can.  KVM_INTERRUPT itself
 * does not wait for IF: honouring ready_for_interrupt_injection is our
 * job, as it is any VMM's without an in-kernel irqchip.
 */
static void inject_irq(struct guest *g)
{
	struct kvm_run *r = g->run;
	struct kvm_interrupt irq = { .irq = g->irq_vector };

	if (g->irq_pending && r->ready_for_interrupt_injection) {
		if (ioctl(g->vcpu, KVM_INTERRUPT, &irq))
			ktest_report(0, strerror(errno), "KVM_INTERRUPT failed");
		g->irq_pending = 0;
	}
	r->request_interrupt_window = g->irq_pending;
}

static void run_guest(struct guest *g)
{
	struct kvm_run *r = g->run;

	timed_out = 0;
	alarm(20);
	while (!g->done && !timed_out) {
		inject_irq(g);
		if (ioctl(g->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			ktest_report(0, strerror(errno), "KVM_RUN failed");
			break;
		}
		switch (r->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(g);
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(g);
			break;
		case KVM_EXIT_HLT:
			g->hlt_exits++;
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
			break;		/* inject_irq() does the rest */
		default:
			ktest_report(0, NULL, "unexpected exit reason %u (suberror/reason %#llx)",
				     r->exit_reason,
				     (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
			dump_state(g);
			g->done = -1;
		}
	}
	alarm(0);
	if (timed_out) {
		ktest_report(0, NULL, "the guest did not finish within 20 s");
		dump_state(g);
	}
	if (g->done == 1)
		KT_EXPECT_EQ(g->status, 0, "the guest finished with status 0");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int i;

	sigaction(SIGALRM, &sa, NULL);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ktest_set_group("guest");
	if (!KT_EXPECT_OK(kvm_fd, "open /dev/kvm"))
		return ktest_exit();

	for (i = 1; i < argc; i++) {
		struct guest g = { .stats_fd = -1 };
		const char *slash = strrchr(argv[i], '/');

		if (!strcmp(argv[i], "--irqchip")) {
			use_irqchip = 1;
			continue;
		}
		g.name = slash ? slash + 1 : argv[i];
		ktest_set_group(g.name);
		if (!KT_EXPECT_OK(create_guest(&g, argv[i]) ? -1 : 0,
				  "VM set up in protected mode"))
			continue;
		run_guest(&g);
		if (g.stats_fd >= 0)
			close(g.stats_fd);
		close(g.vcpu);
		close(g.vm);
		munmap(g.mem, GUEST_MEM_SIZE);
	}
	return ktest_exit();
}
