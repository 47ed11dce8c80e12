// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: the VM, its memory, its one vCPU and the loop that runs it.
 * Everything goes through the ordinary /dev/kvm ioctls; what makes this
 * kvm-lite is only the guest we boot (see boot.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/kvm.h>
#include <linux/kvm_lite.h>

#include "lkvm.h"

/* Unused by kvm-lite (it has no VMCS to point at it), but asked for. */
#define TSS_ADDR	0xfffbd000

int kvm_fd = -1, vm_fd = -1, vcpu_fd = -1;
struct kvm_run *kvm_run;
uint8_t *guest_ram;
uint64_t ram_size;

static volatile sig_atomic_t stop_signal, grace_over, dump_wanted;
/* The guest called KVM_SYSTEM_EVENT_CRASH; see system_event(). */
static bool crash_reported;

void kvm_open(void)
{
	struct stat st;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die_perror("cannot open /dev/kvm");
	/*
	 * lkvm boots a paravirtual kernel that only kvm-lite can run: on
	 * kvm-intel or kvm-amd it would die in ways hard to explain.
	 */
	if (stat("/sys/module/kvm_lite", &st) < 0)
		die("/dev/kvm is not provided by kvm-lite (no /sys/module/kvm_lite); lkvm runs only on kvm-lite");
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("/dev/kvm speaks an unknown KVM API version");
}

/*
 * KVM reports the APIC ID of whichever host CPU answered; the guest's
 * must match its local APIC and the MP table (vCPU 0: 0).
 */
static void set_apic_id(struct kvm_cpuid2 *cpuid, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (id << 24);
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = id;
	}
}

static void set_cpuid(void)
{
	struct kvm_cpuid2 *cpuid;
	int n = 100;

	cpuid = xmalloc(sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
	cpuid->nent = n;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
		die_perror("KVM_GET_SUPPORTED_CPUID");
	set_apic_id(cpuid, 0);
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die_perror("KVM_SET_CPUID2");
	free(cpuid);
}

/*
 * Guest RAM: untouched pages cost nothing, so a 2 GB guest fits a small
 * host.  Aligned to 2 MB and offered to transparent huge pages, so that
 * KVM can shadow the guest kernel's 2 MB mappings of its memory with 2 MB
 * entries: otherwise every 4 KB page the guest kernel touches first
 * costs an exit.
 */
static uint8_t *map_guest_ram(uint64_t bytes)
{
	const uintptr_t huge = 2 << 20;
	uint8_t *p, *aligned;

	p = mmap(NULL, bytes + huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die_perror("cannot map %llu MB of guest memory",
			   (unsigned long long)bytes >> 20);
	aligned = (uint8_t *)(((uintptr_t)p + huge - 1) & ~(huge - 1));
	if (aligned != p)
		munmap(p, aligned - p);
	munmap(aligned + bytes, p + huge - aligned);
	/* A host without THP says EINVAL: small pages work too. */
	madvise(aligned, bytes, MADV_HUGEPAGE);
	return aligned;
}

void kvm_create_vm(uint64_t mem_bytes)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_pit_config pit = { 0 };
	long run_size;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die_perror("KVM_CREATE_VM");
	if (ioctl(vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		die_perror("KVM_SET_TSS_ADDR");
	if (ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die_perror("KVM_CREATE_IRQCHIP");
	if (ioctl(vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		die_perror("KVM_CREATE_PIT2");

	guest_ram = map_guest_ram(mem_bytes);
	ram_size = mem_bytes;
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = mem_bytes;
	region.userspace_addr = (uintptr_t)guest_ram;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_perror("KVM_SET_USER_MEMORY_REGION");

	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die_perror("KVM_CREATE_VCPU");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*kvm_run))
		die_perror("KVM_GET_VCPU_MMAP_SIZE");
	kvm_run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vcpu_fd, 0);
	if (kvm_run == MAP_FAILED)
		die_perror("cannot map the vCPU's kvm_run");
	set_cpuid();
}

/* A pointer to guest memory, or NULL if [gpa, gpa + len) is not RAM. */
void *guest_ptr(uint64_t gpa, uint64_t len)
{
	if (gpa > ram_size || len > ram_size - gpa)
		return NULL;
	return guest_ram + gpa;
}

void kvm_irq_line(unsigned int irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(vm_fd, KVM_IRQ_LINE, &l) < 0)
		die_perror("KVM_IRQ_LINE %u", irq);
}

/*
 * SIGINT and SIGTERM end lkvm cleanly: KVM_RUN returns (immediate_exit
 * covers a signal that arrives just before it is entered) and the loop
 * exits through exit(), which restores the terminal.
 */
static void on_signal(int sig)
{
	stop_signal = sig;
	if (kvm_run)
		kvm_run->immediate_exit = 1;
}

static void on_alarm(int sig)
{
	(void)sig;
	grace_over = 1;
	if (kvm_run)
		kvm_run->immediate_exit = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	dump_wanted = 1;
	if (kvm_run)
		kvm_run->immediate_exit = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/* The registers, for a crash that is not a guest panic. */
static void dump_state(void)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	warn("eip %#llx esp %#llx eflags %#llx cs %#x ss %#x cr0 %#llx cr2 %#llx cr3 %#llx; %lu unemulated port and %lu MMIO accesses",
	     r.rip, r.rsp, r.rflags, s.cs.selector, s.ss.selector, s.cr0,
	     s.cr2, s.cr3, unknown_io_count, unknown_mmio_count);
}

/*
 * A guest that panicked says why on its console; that line beats
 * anything the exit itself tells us.
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
guest_crashed(const char *fmt, ...)
{
	const char *panic;
	char why[256];
	va_list ap;

	pthread_mutex_lock(&dev_lock);
	panic = console_panic_line();
	if (panic)
		crash("%s", panic);
	if (crash_reported)
		crash("the guest reported a crash");
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	warn("guest crashed: %s", why);
	dump_state();
	exit(EXIT_CRASHED);
}

/*
 * Returns EXIT_POWEROFF, -1 for a reboot, or 1 to run on.  A guest that
 * panicked and then reboots or powers off (panic=N) has crashed all the
 * same.  A guest that reports a crash before its console has shown why
 * (printk may still hold the panic line) runs on for a second's grace:
 * it prints, then reboots, stops, or is stopped by the alarm.
 */
static int system_event(void)
{
	bool panicked;

	pthread_mutex_lock(&dev_lock);
	panicked = console_panic_line() != NULL;
	pthread_mutex_unlock(&dev_lock);
	if (panicked || crash_reported)
		guest_crashed("the guest reported a crash");

	switch (kvm_run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return EXIT_POWEROFF;
	case KVM_SYSTEM_EVENT_RESET:
		return -1;
	case KVM_SYSTEM_EVENT_CRASH:
		crash_reported = true;
		alarm(1);
		return 1;
	default:
		guest_crashed("unknown system event %u",
			      kvm_run->system_event.type);
	}
}

static void io_exit(void)
{
	uint8_t *data = (uint8_t *)kvm_run + kvm_run->io.data_offset;
	uint32_t i;

	for (i = 0; i < kvm_run->io.count; i++) {
		ioport_exit(kvm_run->io.port, data, kvm_run->io.size,
			    kvm_run->io.direction == KVM_EXIT_IO_OUT);
		data += kvm_run->io.size;
	}
}

static void mmio_exit(void)
{
	if (!virtio_mmio_exit(kvm_run->mmio.phys_addr, kvm_run->mmio.data,
			      kvm_run->mmio.len, kvm_run->mmio.is_write)) {
		/* Nothing there: reads float high, writes go nowhere. */
		unknown_mmio_count++;
		if (!kvm_run->mmio.is_write)
			memset(kvm_run->mmio.data, 0xff, kvm_run->mmio.len);
	}
}

/*
 * Run the guest until it powers off (returns EXIT_POWEROFF), asks to
 * reboot (returns -1) or crashes (does not return: exit status 2).
 */
int kvm_run_vcpu(void)
{
	int ret;

	install_signals();
	for (;;) {
		ret = ioctl(vcpu_fd, KVM_RUN, 0);
		if (stop_signal)
			die("stopped by %s", strsignal(stop_signal));
		if (grace_over)
			guest_crashed("the guest reported a crash");
		if (dump_wanted) {
			dump_wanted = 0;
			kvm_run->immediate_exit = stop_signal || grace_over;
			debug_dump();
		}
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die_perror("KVM_RUN");
		}
		switch (kvm_run->exit_reason) {
		case KVM_EXIT_IO:
			io_exit();
			break;
		case KVM_EXIT_MMIO:
			mmio_exit();
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			ret = system_event();
			if (ret <= 0)
				return ret;
			break;
		case KVM_EXIT_SHUTDOWN:
			guest_crashed("triple fault");
		case KVM_EXIT_HLT:
			/* The in-kernel LAPIC halts: no interrupt can come. */
			guest_crashed("halted for good (KVM_EXIT_HLT)");
		case KVM_EXIT_FAIL_ENTRY:
			guest_crashed("entry failed, reason %#llx",
				      kvm_run->fail_entry.
				      hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			guest_crashed("internal error, suberror %u (data %#llx %#llx)",
				      kvm_run->internal.suberror,
				      kvm_run->internal.ndata > 0 ?
				      kvm_run->internal.data[0] : 0ULL,
				      kvm_run->internal.ndata > 1 ?
				      kvm_run->internal.data[1] : 0ULL);
		default:
			guest_crashed("unexpected exit reason %u",
				      kvm_run->exit_reason);
		}
	}
}
