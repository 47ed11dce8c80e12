// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-abi.c - KVM ABI conformance checks for kvm-lite.
 *
 * kvm-lite is a third x86 backend next to kvm-intel and kvm-amd, so almost
 * every ioctl below is answered by the generic code in virt/kvm/kvm_main.c
 * and arch/x86/kvm/x86.c of Linux 6.12.  Each expectation is the one that
 * code (or Documentation/virt/kvm/api.rst) gives; the comments name the
 * place.  Where kvm-lite legitimately differs from VMX/SVM (no nested
 * virtualization, no TSC scaling, no SMM, no SYSENTER for guests, no world
 * switch yet), the expectation is kvm-lite's documented behaviour.
 *
 * The ioctls are issued in an order that matters: the in-kernel irqchip and
 * the identity map address must be set before the first vCPU exists, and
 * KVM_RUN comes last so that nothing before it depends on a vCPU that has
 * tried to enter the guest.
 *
 * Built as a static i386 binary (gcc -m32 -static -O2 -Wall -Wextra, with
 * tests/lib and the uapi headers on the include path) and run as root in
 * the test VM against /dev/kvm with kvm.ko and kvm-lite.ko loaded.
 */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/kvm_lite.h>

#include "ktest.h"

/* Overridable only to exercise the failure paths without KVM. */
#ifndef KVM_DEV_PATH
#define KVM_DEV_PATH		"/dev/kvm"
#endif

#define PAGE_SZ			4096UL
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Architectural bits, spelled out so only <linux/kvm.h> is needed. */
#define CR0_PE			(1ULL << 0)
#define CR0_ET			(1ULL << 4)
#define CR0_NE			(1ULL << 5)
#define CR0_NW			(1ULL << 29)
#define CR0_CD			(1ULL << 30)
#define CR0_PG			(1ULL << 31)

#define CR4_PSE			(1ULL << 4)
#define CR4_OSFXSR		(1ULL << 9)
#define CR4_OSXMMEXCPT		(1ULL << 10)
#define CR4_VMXE		(1ULL << 13)
#define CR4_SMXE		(1ULL << 14)

#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

#define RFLAGS_CF		0x001ULL
#define RFLAGS_FIXED		0x002ULL
#define RFLAGS_ZF		0x040ULL
#define RFLAGS_SF		0x080ULL
#define RFLAGS_OF		0x800ULL

#define MSR_IA32_TSC		0x010
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277
#define MSR_VMX_FIRST		0x480	/* MSR_IA32_VMX_BASIC */
#define MSR_VMX_LAST		0x491	/* MSR_IA32_VMX_VMFUNC */
#define MSR_UNKNOWN		0xdeadbeef
#define PAT_DEFAULT		0x0007040600070406ULL

#define CPUID_1_ECX_MONITOR	(1U << 3)
#define CPUID_1_ECX_VMX		(1U << 5)
#define CPUID_1_ECX_PCID	(1U << 17)
#define CPUID_1_EDX_SEP		(1U << 11)
#define CPUID_EXT1_ECX_SVM	(1U << 2)
#define KVM_CPUID_SIGNATURE	0x40000000U
#define KVM_CPUID_FEATURES	0x40000001U

/* Limits from arch/x86/include/asm/kvm_host.h and arch/x86/kvm/x86.c. */
#define MAX_CPUID_ENTRIES	256	/* KVM_MAX_CPUID_ENTRIES */
#define MAX_IO_MSRS		256	/* x86.c: msr_io() */

#define DR6_ACTIVE_LOW		0xffff0ff0ULL
#define DR7_FIXED_1		0x400ULL

#define APIC_DEFAULT_BASE	0xfee00000ULL
#define APICBASE_BSP		(1ULL << 8)
#define APICBASE_ENABLE		(1ULL << 11)
#define APIC_ID_REG		0x20
#define IOAPIC_DEFAULT_BASE	0xfec00000ULL

/* Offsets into the legacy (FXSAVE) part of struct kvm_xsave. */
#define XSAVE_MXCSR		24
#define XSAVE_XSTATE_BV		512
#define XFEATURE_MASK_FPSSE	0x3ULL
#define MXCSR_DEFAULT		0x1f80U

/* A value no KVM exit reason has, to see whether KVM_RUN wrote one. */
#define EXIT_REASON_SENTINEL	0x6b766d21U

/* Seconds before a KVM_RUN that should never block is interrupted. */
#define RUN_WATCHDOG		10

struct vcpu {
	int fd;
	struct kvm_run *run;
};

static int kvm_fd = -1;
static long run_size;
static struct kvm_cpuid2 *supported;	/* from KVM_GET_SUPPORTED_CPUID */

static int vm_fd = -1;		/* VM with the in-kernel irqchip */
static int plain_fd = -1;	/* VM without an in-kernel irqchip */
static struct vcpu bsp = { -1, NULL };	/* vCPU 0 of vm_fd */
static struct vcpu ap = { -1, NULL };	/* vCPU 1 of vm_fd */
static struct vcpu plain = { -1, NULL };	/* vCPU 0 of plain_fd */

/* Set by run_vcpu() when its watchdog alarm went off. */
static int watchdog_fired;

/*
 * A setup step failed: report the assertions that cannot run as one
 * failure, so the runner sees the gap instead of a shorter list.
 */
static int need(int ok, const char *what)
{
	if (!ok)
		ktest_report(0, "an earlier setup step failed",
			     "%s skipped", what);
	return ok;
}

static long check_ext(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap);
}

/* Only there so that SIGALRM interrupts KVM_RUN instead of killing us. */
static void on_watchdog(int sig)
{
	(void)sig;
}

/*
 * KVM_RUN with a watchdog: if kvm-lite ever blocked where it must not, the
 * SIGALRM makes the ioctl return (EINTR) instead of hanging the test VM.
 * alarm(0) returns 0 only if the alarm already went off.  errno is that of
 * the ioctl.
 */
static int run_vcpu(struct vcpu *v)
{
	int r, e;

	alarm(RUN_WATCHDOG);
	r = ioctl(v->fd, KVM_RUN, 0);
	e = errno;
	watchdog_fired = alarm(0) == 0;
	errno = e;
	return r;
}

static struct kvm_cpuid2 *cpuid_alloc(unsigned int nent)
{
	struct kvm_cpuid2 *c;

	c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
	if (c)
		c->nent = nent;
	return c;
}

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, __u32 fn,
					   __u32 index)
{
	unsigned int i;

	for (i = 0; c && i < c->nent; i++) {
		if (c->entries[i].function == fn &&
		    c->entries[i].index == index)
			return &c->entries[i];
	}
	return NULL;
}

static struct kvm_msrs *msrs_alloc(unsigned int n)
{
	struct kvm_msrs *m;

	m = calloc(1, sizeof(*m) + n * sizeof(m->entries[0]));
	if (m)
		m->nmsrs = n;
	return m;
}

/*
 * One MSR through KVM_GET_MSRS or KVM_SET_MSRS (ioctl_nr); *val is read
 * from or written back.  Returns the ioctl's count (or -1 with errno).
 */
static int msr_io_one(int fd, unsigned long ioctl_nr, __u32 index, __u64 *val)
{
	struct kvm_msrs *m = msrs_alloc(1);
	int r, e;

	if (!m) {
		errno = ENOMEM;
		return -1;
	}
	m->entries[0].index = index;
	m->entries[0].data = *val;
	r = ioctl(fd, ioctl_nr, m);
	e = errno;
	*val = m->entries[0].data;
	free(m);
	errno = e;
	return r;
}

static int msr_get(int fd, __u32 index, __u64 *val)
{
	*val = 0;
	return msr_io_one(fd, KVM_GET_MSRS, index, val);
}

static int msr_set(int fd, __u32 index, __u64 val)
{
	return msr_io_one(fd, KVM_SET_MSRS, index, &val);
}

static int set_region(int fd, __u32 slot, __u32 flags, __u64 gpa,
		      __u64 size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(uintptr_t)hva,
	};

	return ioctl(fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static int create_vcpu(int vmfd, unsigned long id, struct vcpu *v)
{
	v->fd = ioctl(vmfd, KVM_CREATE_VCPU, id);
	v->run = NULL;
	return v->fd;
}

/* The kvm_run area is what KVM_RUN reports through; map it. */
static int map_run(struct vcpu *v)
{
	void *p;

	if (v->fd < 0 || run_size <= 0)
		return -1;
	p = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	v->run = p;
	return 0;
}

/* ---------------------------------------------------------------- system */

struct cap_name {
	long cap;
	const char *name;
};

#define CAP(c)	{ c, #c }

/* Capabilities kvm-lite must offer (generic KVM code answers most). */
static const struct cap_name caps_present[] = {
	CAP(KVM_CAP_USER_MEMORY),
	CAP(KVM_CAP_DESTROY_MEMORY_REGION_WORKS),
	CAP(KVM_CAP_JOIN_MEMORY_REGIONS_WORKS),
	CAP(KVM_CAP_SET_TSS_ADDR),
	CAP(KVM_CAP_EXT_CPUID),
	CAP(KVM_CAP_MP_STATE),
	CAP(KVM_CAP_IRQ_ROUTING),
	CAP(KVM_CAP_IRQCHIP),
	CAP(KVM_CAP_HLT),
	CAP(KVM_CAP_NR_VCPUS),
	CAP(KVM_CAP_MAX_VCPUS),
	CAP(KVM_CAP_MAX_VCPU_ID),
	CAP(KVM_CAP_NR_MEMSLOTS),
	CAP(KVM_CAP_READONLY_MEM),
	CAP(KVM_CAP_SET_IDENTITY_MAP_ADDR),
	CAP(KVM_CAP_IMMEDIATE_EXIT),
	CAP(KVM_CAP_PIT2),
	CAP(KVM_CAP_IRQ_INJECT_STATUS),
	CAP(KVM_CAP_USER_NMI),
	CAP(KVM_CAP_DEBUGREGS),
	CAP(KVM_CAP_XSAVE),
	CAP(KVM_CAP_ADJUST_CLOCK),
};

/* Capabilities kvm-lite has no hardware (or no config) for. */
static const struct cap_name caps_absent[] = {
	CAP(KVM_CAP_NESTED_STATE),	/* no nested_ops->get_state */
	CAP(KVM_CAP_TSC_CONTROL),	/* no TSC scaling */
	CAP(KVM_CAP_X86_SMM),		/* has_emulated_msr(SMBASE) false */
	CAP(KVM_CAP_HYPERV),		/* built without CONFIG_KVM_HYPERV */
};

static void check_system(void)
{
	unsigned int i;
	long r, nr, max;

	ktest_set_group("system");

	KT_EXPECT_EQ(ioctl(kvm_fd, KVM_GET_API_VERSION, 0), 12,
		     "KVM_GET_API_VERSION is 12");
	/* kvm_dev_ioctl(): a non-zero argument is rejected. */
	KT_EXPECT_ERRNO(ioctl(kvm_fd, KVM_GET_API_VERSION, 1), EINVAL,
			"KVM_GET_API_VERSION with an argument fails");

	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	KT_CHECK(run_size >= (long)PAGE_SZ,
		 "KVM_GET_VCPU_MMAP_SIZE (%ld) is at least one page",
		 run_size);
	KT_CHECK(run_size > 0 && run_size % PAGE_SZ == 0,
		 "KVM_GET_VCPU_MMAP_SIZE (%ld) is a page multiple", run_size);
	/* kvm_run page + PIO data page + coalesced MMIO ring (x86). */
	KT_EXPECT_EQ(run_size, 3 * PAGE_SZ,
		     "KVM_GET_VCPU_MMAP_SIZE is 3 pages on x86");

	for (i = 0; i < ARRAY_SIZE(caps_present); i++) {
		r = check_ext(kvm_fd, caps_present[i].cap);
		KT_CHECK(r > 0, "%s is reported (%ld)",
			 caps_present[i].name, r);
	}
	for (i = 0; i < ARRAY_SIZE(caps_absent); i++) {
		KT_EXPECT_EQ(check_ext(kvm_fd, caps_absent[i].cap), 0,
			     "%s is not reported", caps_absent[i].name);
	}

	/* No TDP, so no KVM_X86_SW_PROTECTED_VM (x86.c: kvm_x86_vendor_init) */
	KT_EXPECT_EQ(check_ext(kvm_fd, KVM_CAP_VM_TYPES),
		     1U << KVM_X86_DEFAULT_VM,
		     "KVM_CAP_VM_TYPES is only KVM_X86_DEFAULT_VM");

	nr = check_ext(kvm_fd, KVM_CAP_NR_VCPUS);
	max = check_ext(kvm_fd, KVM_CAP_MAX_VCPUS);
	KT_CHECK(nr > 0 && nr <= max,
		 "KVM_CAP_NR_VCPUS (%ld) <= KVM_CAP_MAX_VCPUS (%ld)", nr, max);

	KT_EXPECT_EQ(check_ext(kvm_fd, 0x7fffffff), 0,
		     "an unknown extension number reports 0");

	/* kvm_arch_dev_ioctl() default case. */
	KT_EXPECT_ERRNO(ioctl(kvm_fd, _IO(KVMIO, 0xfe)), EINVAL,
			"an unknown ioctl on the system fd fails");
	KT_EXPECT_ERRNO(ioctl(kvm_fd, KVM_CREATE_VCPU, 0), EINVAL,
			"KVM_CREATE_VCPU (a VM ioctl) on the system fd fails");

	/* kvm_arch_init_vm(): !kvm_is_vm_type_supported(type). */
	r = ioctl(kvm_fd, KVM_CREATE_VM, 0x1234);
	KT_EXPECT_ERRNO(r, EINVAL, "KVM_CREATE_VM with type 0x1234 fails");
	if (r >= 0)
		close(r);
}

/* ------------------------------------------------------ MSR index list */

static void check_msr_index_list(void)
{
	struct kvm_msr_list *list;
	unsigned int i, needed;
	int has_cs = 0, has_tsc = 0, has_vmx = 0;

	ktest_set_group("msr-list");

	/* Room for one index; the kernel must not write past it. */
	list = calloc(1, sizeof(*list) + sizeof(list->indices[0]));
	if (!need(list != NULL, "KVM_GET_MSR_INDEX_LIST"))
		return;
	list->nmsrs = 1;
	KT_EXPECT_ERRNO(ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, list), E2BIG,
			"KVM_GET_MSR_INDEX_LIST with nmsrs=1 fails");
	needed = list->nmsrs;
	KT_CHECK(needed > 1,
		 "E2BIG updates nmsrs to the needed count (%u)", needed);
	free(list);

	list = calloc(1, sizeof(*list) + needed * sizeof(list->indices[0]));
	if (!need(list != NULL && needed > 1, "full MSR index list"))
		goto out;
	list->nmsrs = needed;
	if (!KT_EXPECT_OK(ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, list),
			  "KVM_GET_MSR_INDEX_LIST with nmsrs=%u", needed))
		goto out;
	KT_EXPECT_EQ(list->nmsrs, needed, "the full list has the same count");

	for (i = 0; i < list->nmsrs && i < needed; i++) {
		__u32 idx = list->indices[i];

		has_cs |= idx == MSR_IA32_SYSENTER_CS;
		has_tsc |= idx == MSR_IA32_TSC;
		has_vmx |= idx >= MSR_VMX_FIRST && idx <= MSR_VMX_LAST;
	}
	KT_CHECK(has_cs, "the list contains MSR_IA32_SYSENTER_CS");
	KT_CHECK(has_tsc, "the list contains MSR_IA32_TSC");
	KT_CHECK(!has_vmx, "the list contains no VMX MSR (0x480-0x491)");
out:
	free(list);
}

/* ----------------------------------------------------------------- cpuid */

static void check_supported_cpuid(void)
{
	struct kvm_cpuid2 *c;
	struct kvm_cpuid_entry2 *e;
	char sig[12];

	ktest_set_group("cpuid");

	/* cpuid.c: get_next_cpuid() runs out of room -> -E2BIG. */
	c = cpuid_alloc(1);
	if (!need(c != NULL, "KVM_GET_SUPPORTED_CPUID"))
		return;
	KT_EXPECT_ERRNO(ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c), E2BIG,
			"KVM_GET_SUPPORTED_CPUID with nent=1 fails");
	free(c);

	c = cpuid_alloc(100);
	if (!need(c != NULL, "KVM_GET_SUPPORTED_CPUID"))
		return;
	if (!KT_EXPECT_OK(ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c),
			  "KVM_GET_SUPPORTED_CPUID with nent=100")) {
		free(c);
		return;
	}
	supported = c;
	KT_CHECK(c->nent > 0 && c->nent <= 100,
		 "nent is updated to the entries returned (%u)", c->nent);

	e = cpuid_find(c, 1, 0);
	if (KT_CHECK(e != NULL, "leaf 1 is present")) {
		KT_CHECK(!(e->ecx & CPUID_1_ECX_VMX),
			 "leaf 1 ECX.VMX is clear");
		KT_CHECK(!(e->ecx & CPUID_1_ECX_MONITOR),
			 "leaf 1 ECX.MONITOR is clear");
		KT_CHECK(!(e->ecx & CPUID_1_ECX_PCID),
			 "leaf 1 ECX.PCID is clear");
		/* kvm-lite: ring-1 guests cannot use SYSENTER. */
		KT_CHECK(!(e->edx & CPUID_1_EDX_SEP),
			 "leaf 1 EDX.SEP is clear");
	}

	e = cpuid_find(c, 0x80000001, 0);
	KT_CHECK(!e || !(e->ecx & CPUID_EXT1_ECX_SVM),
		 "leaf 0x80000001 ECX.SVM is clear (leaf %s)",
		 e ? "present" : "absent");

	/* cpuid.c: __do_cpuid_func(), case KVM_CPUID_SIGNATURE. */
	e = cpuid_find(c, KVM_CPUID_SIGNATURE, 0);
	if (KT_CHECK(e != NULL, "leaf 0x40000000 is present")) {
		memcpy(sig, &e->ebx, 4);
		memcpy(sig + 4, &e->ecx, 4);
		memcpy(sig + 8, &e->edx, 4);
		KT_CHECK(!memcmp(sig, "KVMKVMKVM\0\0\0", 12),
			 "leaf 0x40000000 signature is KVMKVMKVM");
		KT_EXPECT_EQ(e->eax, KVM_CPUID_FEATURES,
			     "leaf 0x40000000 EAX is 0x40000001");
	}
}

/* -------------------------------------------------------------------- VM */

static void check_vm(void)
{
	struct kvm_regs regs;
	struct kvm_enable_cap cap;
	__u64 ident = 0xfffbc000;

	ktest_set_group("vm");

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	KT_EXPECT_OK(vm_fd, "KVM_CREATE_VM(KVM_X86_DEFAULT_VM)");
	plain_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	KT_EXPECT_OK(plain_fd, "a second VM can be created");
	if (!need(vm_fd >= 0, "VM fd checks"))
		return;

	/* kvm_arch_has_readonly_mem(): no protected state. */
	KT_EXPECT_EQ(check_ext(vm_fd, KVM_CAP_READONLY_MEM), 1,
		     "KVM_CAP_READONLY_MEM on the VM fd is 1");

	/* Accepted and ignored: kvm-lite has no real-mode TSS. */
	KT_EXPECT_OK(ioctl(vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL),
		     "KVM_SET_TSS_ADDR(0xfffbd000)");
	/* x86.c: kvm_vm_ioctl_set_tss_addr(), addr > -3 * PAGE_SIZE. */
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_SET_TSS_ADDR, 0xfffff000UL), EINVAL,
			"KVM_SET_TSS_ADDR above 4G - 3 pages fails");
	KT_EXPECT_OK(ioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident),
		     "KVM_SET_IDENTITY_MAP_ADDR(0xfffbc000) before vCPUs");

	/* kvm_arch_vm_ioctl() default case is -ENOTTY. */
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_GET_REGS, &regs), ENOTTY,
			"KVM_GET_REGS (a vCPU ioctl) on the VM fd fails");

	/* x86.c: kvm_vm_ioctl_enable_cap() rejects any flags. */
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_MAX_VCPU_ID;
	cap.flags = 1;
	cap.args[0] = 4;
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_ENABLE_CAP, &cap), EINVAL,
			"KVM_ENABLE_CAP with non-zero flags fails");
}

/* --------------------------------------------------------------- irqchip */

static void check_irqchip(void)
{
	struct kvm_irq_level lvl;
	struct kvm_irqchip chip, back;
	struct kvm_pit_config pit;

	ktest_set_group("irqchip");
	if (!need(vm_fd >= 0, "irqchip checks"))
		return;

	KT_EXPECT_OK(ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0),
		     "KVM_CREATE_IRQCHIP");
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0), EEXIST,
			"a second KVM_CREATE_IRQCHIP fails");

	memset(&lvl, 0, sizeof(lvl));
	lvl.irq = 4;
	lvl.level = 1;
	KT_EXPECT_OK(ioctl(vm_fd, KVM_IRQ_LINE, &lvl),
		     "KVM_IRQ_LINE raises GSI 4");
	/*
	 * Lowering GSI 4: the PIC (IMR 0 after creation) and the IOAPIC
	 * each return 1 from their set function and kvm_set_irq() adds
	 * them up (i8259.c: pic_set_irq1, ioapic.c: ioapic_set_irq).
	 */
	lvl.irq = 4;
	lvl.level = 0;
	if (KT_EXPECT_OK(ioctl(vm_fd, KVM_IRQ_LINE_STATUS, &lvl),
			 "KVM_IRQ_LINE_STATUS lowers GSI 4"))
		KT_EXPECT_EQ(lvl.status, 2,
			     "status counts the PIC and the IOAPIC");
	/* No route for the GSI: kvm_set_irq() returns -1, ioctl still 0. */
	lvl.irq = 1000;
	lvl.level = 1;
	if (KT_EXPECT_OK(ioctl(vm_fd, KVM_IRQ_LINE_STATUS, &lvl),
			 "KVM_IRQ_LINE_STATUS on unrouted GSI 1000"))
		KT_EXPECT_EQ(lvl.status, -1, "status of an unrouted GSI is -1");

	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_PIC_MASTER;
	if (KT_EXPECT_OK(ioctl(vm_fd, KVM_GET_IRQCHIP, &chip),
			 "KVM_GET_IRQCHIP(PIC master)")) {
		chip.chip.pic.imr = 0xa5;
		KT_EXPECT_OK(ioctl(vm_fd, KVM_SET_IRQCHIP, &chip),
			     "KVM_SET_IRQCHIP(PIC master) with IMR 0xa5");
		memset(&back, 0, sizeof(back));
		back.chip_id = KVM_IRQCHIP_PIC_MASTER;
		if (KT_EXPECT_OK(ioctl(vm_fd, KVM_GET_IRQCHIP, &back),
				 "KVM_GET_IRQCHIP(PIC master) again"))
			KT_EXPECT_EQ(back.chip.pic.imr, 0xa5,
				     "PIC master IMR reads back 0xa5");
		/* Unmask again so the PIC is as the guest would find it. */
		chip.chip.pic.imr = 0;
		ioctl(vm_fd, KVM_SET_IRQCHIP, &chip);
	}

	/* x86.c: kvm_vm_ioctl_get_irqchip() default case. */
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = 3;
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_GET_IRQCHIP, &chip), EINVAL,
			"KVM_GET_IRQCHIP with chip_id 3 fails");

	/* ioapic.c: kvm_ioapic_reset() masks every pin. */
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	if (KT_EXPECT_OK(ioctl(vm_fd, KVM_GET_IRQCHIP, &chip),
			 "KVM_GET_IRQCHIP(IOAPIC)")) {
		KT_EXPECT_EQ(chip.chip.ioapic.base_address,
			     IOAPIC_DEFAULT_BASE,
			     "IOAPIC base is 0xfec00000");
		KT_EXPECT_EQ(chip.chip.ioapic.redirtbl[0].fields.mask, 1,
			     "IOAPIC pin 0 is masked after reset");
	}

	memset(&pit, 0, sizeof(pit));
	KT_EXPECT_OK(ioctl(vm_fd, KVM_CREATE_PIT2, &pit), "KVM_CREATE_PIT2");
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_CREATE_PIT2, &pit), EEXIST,
			"a second KVM_CREATE_PIT2 fails");

	if (!need(plain_fd >= 0, "no-irqchip VM checks"))
		return;
	/* Without an in-kernel irqchip (x86.c, kvm_arch_vm_ioctl). */
	lvl.irq = 4;
	lvl.level = 1;
	KT_EXPECT_ERRNO(ioctl(plain_fd, KVM_IRQ_LINE, &lvl), ENXIO,
			"KVM_IRQ_LINE without an irqchip fails");
	memset(&chip, 0, sizeof(chip));
	KT_EXPECT_ERRNO(ioctl(plain_fd, KVM_GET_IRQCHIP, &chip), ENXIO,
			"KVM_GET_IRQCHIP without an irqchip fails");
	memset(&pit, 0, sizeof(pit));
	KT_EXPECT_ERRNO(ioctl(plain_fd, KVM_CREATE_PIT2, &pit), ENOENT,
			"KVM_CREATE_PIT2 without a PIC fails");
}

/* ----------------------------------------------------------------- clock */

static void check_clock(void)
{
	const __u64 t = 1000000000000ULL;	/* 1000 s of guest time */
	struct kvm_clock_data clk;

	ktest_set_group("clock");
	if (!need(vm_fd >= 0, "kvmclock checks"))
		return;

	memset(&clk, 0, sizeof(clk));
	clk.clock = t;
	KT_EXPECT_OK(ioctl(vm_fd, KVM_SET_CLOCK, &clk), "KVM_SET_CLOCK");
	memset(&clk, 0, sizeof(clk));
	if (KT_EXPECT_OK(ioctl(vm_fd, KVM_GET_CLOCK, &clk), "KVM_GET_CLOCK"))
		/* The clock runs on from the value set; allow a minute. */
		KT_CHECK(clk.clock >= t && clk.clock - t < 60000000000ULL,
			 "KVM_GET_CLOCK (%llu ns) continues from %llu ns",
			 (unsigned long long)clk.clock,
			 (unsigned long long)t);

	/* Bit 0 is not in KVM_CLOCK_VALID_FLAGS. */
	memset(&clk, 0, sizeof(clk));
	clk.clock = t;
	clk.flags = 1;
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_SET_CLOCK, &clk), EINVAL,
			"KVM_SET_CLOCK with an unknown flag fails");
}

/* --------------------------------------------------------------- memslot */

#define SLOT_SZ		0x10000UL	/* 16 pages */

static void check_memslots(void)
{
	struct kvm_dirty_log log;
	unsigned char bitmap[64];
	long nslots;
	char *mem;
	int fd;

	ktest_set_group("memslot");

	/* A VM of its own, so the slots cannot disturb the vCPU checks. */
	fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	if (!need(KT_EXPECT_OK(fd, "KVM_CREATE_VM for the memslot checks"),
		  "memslot checks"))
		return;
	mem = mmap(NULL, 4 * SLOT_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!need(mem != MAP_FAILED, "memslot checks (no anonymous memory)")) {
		close(fd);
		return;
	}
	nslots = check_ext(kvm_fd, KVM_CAP_NR_MEMSLOTS);

	KT_EXPECT_OK(set_region(fd, 0, 0, 0, SLOT_SZ, mem),
		     "slot 0: 64K at GPA 0");

	/* kvm_main.c: __kvm_set_memory_region() sanity checks. */
	KT_EXPECT_ERRNO(set_region(fd, 1, 0, 0x100800, SLOT_SZ,
				   mem + SLOT_SZ), EINVAL,
			"an unaligned guest_phys_addr fails");
	KT_EXPECT_ERRNO(set_region(fd, 1, 0, 0x100000, SLOT_SZ,
				   mem + SLOT_SZ + 0x800), EINVAL,
			"an unaligned userspace_addr fails");
	KT_EXPECT_ERRNO(set_region(fd, 1, 0, 0x100000, 0x1800,
				   mem + SLOT_SZ), EINVAL,
			"a memory_size that is not a page multiple fails");
	KT_EXPECT_ERRNO(set_region(fd, 1, 0, 0x8000, SLOT_SZ,
				   mem + SLOT_SZ), EEXIST,
			"a GPA range overlapping slot 0 fails");
	/* kvm_vm_ioctl_set_memory_region(): slot >= KVM_USER_MEM_SLOTS */
	KT_EXPECT_ERRNO(set_region(fd, (__u32)nslots, 0, 0x100000, SLOT_SZ,
				   mem + SLOT_SZ), EINVAL,
			"slot id %ld (KVM_CAP_NR_MEMSLOTS) fails", nslots);
	/* kvm_vm_ioctl(): flags beyond KVM_SET_USER_MEMORY_REGION_V1_FLAGS */
	KT_EXPECT_ERRNO(set_region(fd, 1, 0x80, 0x100000, SLOT_SZ,
				   mem + SLOT_SZ), EINVAL,
			"an unknown flags bit fails");
	/* Modifying a slot may change its GPA and flags, nothing else. */
	KT_EXPECT_ERRNO(set_region(fd, 0, 0, 0, SLOT_SZ, mem + SLOT_SZ),
			EINVAL, "changing a slot's userspace_addr fails");
	KT_EXPECT_ERRNO(set_region(fd, 0, KVM_MEM_READONLY, 0, SLOT_SZ, mem),
			EINVAL, "toggling KVM_MEM_READONLY on a slot fails");
	KT_EXPECT_ERRNO(set_region(fd, 5, 0, 0x500000, 0, mem), EINVAL,
			"deleting a slot that does not exist fails");

	KT_EXPECT_OK(set_region(fd, 0, 0, 0, 0, mem),
		     "deleting slot 0 (memory_size 0)");
	KT_EXPECT_OK(set_region(fd, 1, 0, 0x8000, SLOT_SZ, mem + SLOT_SZ),
		     "slot 1 at the range slot 0 used to overlap");
	KT_EXPECT_OK(set_region(fd, 1, 0, 0x300000, SLOT_SZ, mem + SLOT_SZ),
		     "moving slot 1 to a new GPA");

	KT_EXPECT_OK(set_region(fd, 2, KVM_MEM_READONLY, 0x100000, SLOT_SZ,
				mem + 2 * SLOT_SZ),
		     "slot 2 with KVM_MEM_READONLY");
	KT_EXPECT_OK(set_region(fd, 3, KVM_MEM_LOG_DIRTY_PAGES, 0x200000,
				SLOT_SZ, mem + 3 * SLOT_SZ),
		     "slot 3 with KVM_MEM_LOG_DIRTY_PAGES");

	memset(&log, 0, sizeof(log));
	memset(bitmap, 0xff, sizeof(bitmap));
	log.slot = 3;
	log.dirty_bitmap = bitmap;
	if (KT_EXPECT_OK(ioctl(fd, KVM_GET_DIRTY_LOG, &log),
			 "KVM_GET_DIRTY_LOG on the dirty-logging slot"))
		/* 16 pages, nothing ran: the first 16 bits are clear. */
		KT_CHECK(bitmap[0] == 0 && bitmap[1] == 0,
			 "the dirty bitmap is all zero (%02x %02x)",
			 bitmap[0], bitmap[1]);

	/* kvm_get_dirty_log_protect(): no dirty_bitmap -> -ENOENT. */
	log.slot = 2;
	KT_EXPECT_ERRNO(ioctl(fd, KVM_GET_DIRTY_LOG, &log), ENOENT,
			"KVM_GET_DIRTY_LOG on a slot without dirty logging");
	log.slot = 0;
	KT_EXPECT_ERRNO(ioctl(fd, KVM_GET_DIRTY_LOG, &log), ENOENT,
			"KVM_GET_DIRTY_LOG on a deleted slot");

	close(fd);
	munmap(mem, 4 * SLOT_SZ);
}

/* ------------------------------------------------------------ vCPU setup */

static void check_vcpu_create(void)
{
	struct kvm_enable_cap cap;
	struct vcpu extra;
	__u64 ident = 0xfffbc000;
	long max_id;

	ktest_set_group("vcpu");
	if (!need(vm_fd >= 0, "vCPU creation checks"))
		return;

	/* kvm_vm_ioctl_create_vcpu(): id >= KVM_MAX_VCPU_IDS. */
	max_id = check_ext(vm_fd, KVM_CAP_MAX_VCPU_ID);
	if (create_vcpu(vm_fd, max_id, &extra) >= 0)
		close(extra.fd);
	KT_EXPECT_ERRNO(extra.fd, EINVAL,
			"KVM_CREATE_VCPU with id %ld (KVM_CAP_MAX_VCPU_ID)",
			max_id);

	KT_EXPECT_OK(create_vcpu(vm_fd, 0, &bsp), "KVM_CREATE_VCPU(0)");
	if (create_vcpu(vm_fd, 0, &extra) >= 0)
		close(extra.fd);
	KT_EXPECT_ERRNO(extra.fd, EEXIST,
			"KVM_CREATE_VCPU(0) a second time fails");
	KT_EXPECT_OK(create_vcpu(vm_fd, 1, &ap), "KVM_CREATE_VCPU(1)");

	/* x86.c: KVM_SET_IDENTITY_MAP_ADDR once vCPUs exist. */
	KT_EXPECT_ERRNO(ioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident),
			EINVAL, "KVM_SET_IDENTITY_MAP_ADDR after a vCPU fails");

	KT_EXPECT_OK(map_run(&bsp), "mmap of vCPU 0's kvm_run area");
	KT_EXPECT_OK(map_run(&ap), "mmap of vCPU 1's kvm_run area");

	if (!need(plain_fd >= 0, "KVM_CAP_MAX_VCPU_ID checks"))
		return;
	/*
	 * x86.c: kvm_vm_ioctl_enable_cap() stores max_vcpu_ids once;
	 * kvm_arch_vcpu_precreate() then rejects id >= max_vcpu_ids.
	 */
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_MAX_VCPU_ID;
	cap.args[0] = 2;
	KT_EXPECT_OK(ioctl(plain_fd, KVM_ENABLE_CAP, &cap),
		     "KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID, 2)");
	if (create_vcpu(plain_fd, 2, &extra) >= 0)
		close(extra.fd);
	KT_EXPECT_ERRNO(extra.fd, EINVAL,
			"KVM_CREATE_VCPU(2) fails once max id is 2");
	KT_EXPECT_OK(create_vcpu(plain_fd, 0, &plain),
		     "KVM_CREATE_VCPU(0) below the lowered max id");
	cap.args[0] = 4;
	KT_EXPECT_ERRNO(ioctl(plain_fd, KVM_ENABLE_CAP, &cap), EINVAL,
			"KVM_CAP_MAX_VCPU_ID cannot be changed once set");
}

static void check_vcpu_fds(void)
{
	struct kvm_regs regs;
	char buf[128];
	int fd;

	ktest_set_group("vcpu");
	if (!need(bsp.fd >= 0, "vCPU fd checks"))
		return;

	fd = dup(bsp.fd);
	if (fd >= 0)
		close(fd);
	KT_EXPECT_ERRNO(ioctl(fd, KVM_GET_REGS, &regs), EBADF,
			"KVM_GET_REGS on a closed fd fails");

	fd = open("/dev/null", O_RDWR);
	if (need(fd >= 0, "KVM_GET_REGS on /dev/null")) {
		/* No ioctl method at all: vfs_ioctl() returns -ENOTTY. */
		KT_EXPECT_ERRNO(ioctl(fd, KVM_GET_REGS, &regs), ENOTTY,
				"KVM_GET_REGS on /dev/null fails");
		close(fd);
	}

	/* kvm_vcpu_ioctl(): _IOC_TYPE(ioctl) != KVMIO. */
	KT_EXPECT_ERRNO(ioctl(bsp.fd, TCGETS, buf), EINVAL,
			"a non-KVM ioctl (TCGETS) on a vCPU fd fails");
	/* kvm_arch_vcpu_ioctl() default case. */
	KT_EXPECT_ERRNO(ioctl(bsp.fd, _IO(KVMIO, 0xfe)), EINVAL,
			"an unknown KVM ioctl on a vCPU fd fails");
}

/* ------------------------------------------------------------------ regs */

struct reg_field {
	size_t off;
	const char *name;
};

#define REG(f)	{ offsetof(struct kvm_regs, f), #f }

static const struct reg_field reg_fields[] = {
	REG(rax), REG(rbx), REG(rcx), REG(rdx), REG(rsi), REG(rdi),
	REG(rsp), REG(rbp), REG(rip), REG(rflags),
};

static __u64 reg_val(const struct kvm_regs *r, size_t off)
{
	__u64 v;

	memcpy(&v, (const char *)r + off, sizeof(v));
	return v;
}

static void check_regs(struct vcpu *v)
{
	struct kvm_regs in, out;
	unsigned int i;

	ktest_set_group("vcpu-regs");
	if (!need(v->fd >= 0, "register checks"))
		return;

	/* x86.c: kvm_vcpu_reset() with no guest CPUID set yet. */
	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_REGS, &out),
			 "KVM_GET_REGS on a fresh vCPU")) {
		KT_EXPECT_EQ(out.rip, 0xfff0, "reset RIP is 0xfff0");
		KT_EXPECT_EQ(out.rflags, RFLAGS_FIXED, "reset RFLAGS is 0x2");
		KT_EXPECT_EQ(out.rdx, 0x600,
			     "reset RDX is 0x600 without guest CPUID");
	}

	memset(&in, 0, sizeof(in));
	in.rax = 0x11111111;
	in.rbx = 0x22222222;
	in.rcx = 0x33333333;
	in.rdx = 0x44444444;
	in.rsi = 0x55555555;
	in.rdi = 0x66666666;
	in.rsp = 0x77777000;
	in.rbp = 0x88888000;
	in.rip = 0x00100000;
	/* Bit 1 left clear on purpose: __set_regs() forces it. */
	in.rflags = RFLAGS_CF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF;
	KT_EXPECT_OK(ioctl(v->fd, KVM_SET_REGS, &in), "KVM_SET_REGS");

	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_REGS, &out),
			 "KVM_GET_REGS after KVM_SET_REGS")) {
		in.rflags |= RFLAGS_FIXED;
		for (i = 0; i < ARRAY_SIZE(reg_fields); i++) {
			size_t off = reg_fields[i].off;

			KT_EXPECT_EQ(reg_val(&out, off), reg_val(&in, off),
				     "%s reads back what was set",
				     reg_fields[i].name);
		}
	}

	/*
	 * A 32-bit host keeps unsigned long registers: the upper half of
	 * RAX is dropped and R8-R15 do not exist (regs.c: __set_regs()).
	 */
	in.rax = 0xdead000012345678ULL;
	in.r8 = 0x1234;
	KT_EXPECT_OK(ioctl(v->fd, KVM_SET_REGS, &in),
		     "KVM_SET_REGS with 64-bit values");
	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_REGS, &out),
			 "KVM_GET_REGS after 64-bit values")) {
		KT_EXPECT_EQ(out.rax, 0x12345678,
			     "RAX is truncated to 32 bits");
		KT_EXPECT_EQ(out.r8, 0, "R8 reads as 0 on a 32-bit host");
	}
}

/* ----------------------------------------------------------------- sregs */

static void flat_segment(struct kvm_segment *s, __u16 sel, __u8 type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = 1;
	s->s = 1;
	s->l = 0;
	s->g = 1;
	s->avl = 0;
}

/* The architectural fields; 'unusable' and padding are backend detail. */
static int segment_equal(const struct kvm_segment *a,
			 const struct kvm_segment *b)
{
	return a->base == b->base && a->limit == b->limit &&
	       a->selector == b->selector && a->type == b->type &&
	       a->present == b->present && a->dpl == b->dpl &&
	       a->db == b->db && a->s == b->s && a->l == b->l &&
	       a->g == b->g && a->avl == b->avl;
}

static void check_sregs_invalid(struct vcpu *v, const struct kvm_sregs *good)
{
	struct kvm_sregs s;

	/* regs.c: kvm_is_valid_cr0(). */
	s = *good;
	s.cr0 = CR0_PG | CR0_ET;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"CR0.PG without CR0.PE fails");
	s = *good;
	s.cr0 = CR0_PE | CR0_ET | CR0_NW;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"CR0.NW without CR0.CD fails");

	/* SMXE is always in CR4_RESERVED_BITS; VMXE without VMX caps. */
	s = *good;
	s.cr4 |= CR4_SMXE;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"CR4.SMXE (reserved for KVM guests) fails");
	s = *good;
	s.cr4 |= CR4_VMXE;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"CR4.VMXE (no VMX for kvm-lite guests) fails");

	/*
	 * 32-bit host: kvm_set_cpu_caps() has no LM, so EFER.LME stays in
	 * efer_reserved_bits (kvm_valid_efer()); EFER.LMA without
	 * LME+PG is refused by kvm_is_valid_sregs() itself.
	 */
	s = *good;
	s.efer = EFER_LME;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"EFER.LME on a 32-bit host fails");
	s = *good;
	s.efer = EFER_LMA;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"EFER.LMA outside long mode fails");
	s = *good;
	s.cs.l = 1;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_SREGS, &s), EINVAL,
			"a 64-bit code segment outside long mode fails");
}

static void check_sregs(struct vcpu *v)
{
	struct kvm_sregs s, out;

	ktest_set_group("sregs");
	if (!need(v->fd >= 0, "special register checks"))
		return;

	memset(&s, 0, sizeof(s));
	if (!KT_EXPECT_OK(ioctl(v->fd, KVM_GET_SREGS, &s),
			  "KVM_GET_SREGS on a fresh vCPU"))
		return;
	KT_EXPECT_EQ(s.cs.selector, 0xf000, "reset CS selector is 0xf000");
	KT_EXPECT_EQ(s.cs.base, 0xffff0000, "reset CS base is 0xffff0000");
	KT_EXPECT_EQ(s.cr0, CR0_CD | CR0_NW | CR0_ET,
		     "reset CR0 is 0x60000010");
	KT_EXPECT_EQ(s.cr4, 0, "reset CR4 is 0");
	KT_EXPECT_EQ(s.efer, 0, "reset EFER is 0");
	/* lapic.c: kvm_lapic_reset() for the BSP with an in-kernel APIC. */
	KT_EXPECT_EQ(s.apic_base,
		     APIC_DEFAULT_BASE | APICBASE_ENABLE | APICBASE_BSP,
		     "reset APIC base is 0xfee00900");

	/*
	 * Flat 32-bit protected mode without paging: CR0.PG stays clear so
	 * no PDPTEs or page tables are needed in guest memory.  TR and LDTR
	 * are passed back as read.
	 */
	s.cr0 = CR0_PE | CR0_ET | CR0_NE;
	s.cr2 = 0x12345000;
	s.cr3 = 0x3000;
	s.cr4 = CR4_PSE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s.cr8 = 5;
	s.efer = 0;
	s.gdt.base = 0x1000;
	s.gdt.limit = 0x17;
	s.idt.base = 0x2000;
	s.idt.limit = 0x7ff;
	flat_segment(&s.cs, 0x08, 0xb);
	flat_segment(&s.ds, 0x10, 0x3);
	flat_segment(&s.es, 0x10, 0x3);
	flat_segment(&s.fs, 0x10, 0x3);
	flat_segment(&s.gs, 0x10, 0x3);
	flat_segment(&s.ss, 0x10, 0x3);
	memset(s.interrupt_bitmap, 0, sizeof(s.interrupt_bitmap));

	if (!KT_EXPECT_OK(ioctl(v->fd, KVM_SET_SREGS, &s),
			  "KVM_SET_SREGS: flat 32-bit protected mode"))
		return;
	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_SREGS, &out),
			 "KVM_GET_SREGS after KVM_SET_SREGS")) {
		KT_EXPECT_EQ(out.cr0, s.cr0, "CR0 reads back");
		KT_EXPECT_EQ(out.cr2, s.cr2, "CR2 reads back");
		KT_EXPECT_EQ(out.cr3, s.cr3, "CR3 reads back");
		KT_EXPECT_EQ(out.cr4, s.cr4, "CR4 reads back");
		/* Through the in-kernel APIC's TPR (kvm_lapic_set_tpr). */
		KT_EXPECT_EQ(out.cr8, s.cr8, "CR8 reads back");
		KT_EXPECT_EQ(out.efer, s.efer, "EFER reads back");
		KT_CHECK(out.gdt.base == s.gdt.base &&
			 out.gdt.limit == s.gdt.limit, "GDTR reads back");
		KT_CHECK(out.idt.base == s.idt.base &&
			 out.idt.limit == s.idt.limit, "IDTR reads back");
		KT_CHECK(segment_equal(&out.cs, &s.cs), "CS reads back");
		KT_CHECK(segment_equal(&out.ds, &s.ds), "DS reads back");
		KT_CHECK(segment_equal(&out.es, &s.es), "ES reads back");
		KT_CHECK(segment_equal(&out.ss, &s.ss), "SS reads back");
	}

	check_sregs_invalid(v, &s);

	/* kvm_is_valid_sregs() runs before any state is touched. */
	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_SREGS, &out),
			 "KVM_GET_SREGS after the rejected sets"))
		KT_CHECK(out.cr0 == s.cr0 && out.cr4 == s.cr4 &&
			 out.efer == s.efer && segment_equal(&out.cs, &s.cs),
			 "rejected KVM_SET_SREGS calls changed nothing");
}

/* ------------------------------------------------------------- debugregs */

static void check_debugregs(struct vcpu *v)
{
	struct kvm_debugregs d, out;

	ktest_set_group("debugregs");
	if (!need(v->fd >= 0, "debug register checks"))
		return;

	/* x86.c: kvm_vcpu_reset(). */
	memset(&d, 0, sizeof(d));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_DEBUGREGS, &d),
			 "KVM_GET_DEBUGREGS")) {
		KT_EXPECT_EQ(d.dr6, DR6_ACTIVE_LOW, "reset DR6 is 0xffff0ff0");
		KT_EXPECT_EQ(d.dr7, DR7_FIXED_1, "reset DR7 is 0x400");
	}

	memset(&d, 0, sizeof(d));
	d.db[0] = 0x00101000;
	d.db[3] = 0x00203000;
	d.dr6 = DR6_ACTIVE_LOW;
	d.dr7 = DR7_FIXED_1 | 0x1;	/* L0 */
	KT_EXPECT_OK(ioctl(v->fd, KVM_SET_DEBUGREGS, &d), "KVM_SET_DEBUGREGS");
	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_DEBUGREGS, &out),
			 "KVM_GET_DEBUGREGS after KVM_SET_DEBUGREGS"))
		KT_CHECK(out.db[0] == d.db[0] && out.db[3] == d.db[3] &&
			 out.dr7 == d.dr7, "DR0, DR3 and DR7 read back");

	/* regs.c: kvm_vcpu_ioctl_x86_set_debugregs(). */
	d.dr7 = DR7_FIXED_1 | (1ULL << 32);
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_DEBUGREGS, &d), EINVAL,
			"DR7 with bits 63:32 set fails");
	d.dr7 = DR7_FIXED_1;
	d.flags = 1;
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_DEBUGREGS, &d), EINVAL,
			"KVM_SET_DEBUGREGS with non-zero flags fails");

	/* Leave no breakpoint armed for later checks. */
	memset(&d, 0, sizeof(d));
	d.dr6 = DR6_ACTIVE_LOW;
	d.dr7 = DR7_FIXED_1;
	ioctl(v->fd, KVM_SET_DEBUGREGS, &d);
}

/* ------------------------------------------------------------------- fpu */

static __u32 xsave_u32(const struct kvm_xsave *x, size_t byte)
{
	__u32 v;

	memcpy(&v, (const char *)x->region + byte, sizeof(v));
	return v;
}

static void xsave_put_u32(struct kvm_xsave *x, size_t byte, __u32 v)
{
	memcpy((char *)x->region + byte, &v, sizeof(v));
}

static void check_xsave(struct vcpu *v)
{
	static struct kvm_xsave x;	/* 4 KiB: keep it off the stack */
	__u64 bv;

	if (!KT_EXPECT_OK(ioctl(v->fd, KVM_GET_XSAVE, &x), "KVM_GET_XSAVE"))
		return;
	/*
	 * KVM_SET_FPU never touches MXCSR, so it is still the reset value
	 * (fpstate_init_fxstate(), or the init state on an XSAVE host).
	 */
	KT_EXPECT_EQ(xsave_u32(&x, XSAVE_MXCSR), MXCSR_DEFAULT,
		     "MXCSR is still 0x1f80 after KVM_SET_FPU");

	/* Round to zero; FP+SSE in XSTATE_BV so MXCSR is taken. */
	xsave_put_u32(&x, XSAVE_MXCSR, MXCSR_DEFAULT | 0x6000);
	memcpy(&bv, (char *)x.region + XSAVE_XSTATE_BV, sizeof(bv));
	bv |= XFEATURE_MASK_FPSSE;
	memcpy((char *)x.region + XSAVE_XSTATE_BV, &bv, sizeof(bv));
	KT_EXPECT_OK(ioctl(v->fd, KVM_SET_XSAVE, &x),
		     "KVM_SET_XSAVE with MXCSR 0x7f80");
	memset(&x, 0, sizeof(x));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_XSAVE, &x),
			 "KVM_GET_XSAVE after KVM_SET_XSAVE"))
		KT_EXPECT_EQ(xsave_u32(&x, XSAVE_MXCSR), MXCSR_DEFAULT | 0x6000,
			     "MXCSR reads back 0x7f80");

	/* fpu/core.c: MXCSR bits outside mxcsr_feature_mask -> -EINVAL. */
	xsave_put_u32(&x, XSAVE_MXCSR, MXCSR_DEFAULT | 0x80000000U);
	memcpy((char *)x.region + XSAVE_XSTATE_BV, &bv, sizeof(bv));
	KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XSAVE, &x), EINVAL,
			"KVM_SET_XSAVE with reserved MXCSR bit 31 fails");

	xsave_put_u32(&x, XSAVE_MXCSR, MXCSR_DEFAULT);
	ioctl(v->fd, KVM_SET_XSAVE, &x);
}

static void check_fpu(struct vcpu *v)
{
	/* 1.0 as an 80-bit extended value, in an FXSAVE 16-byte slot. */
	static const __u8 one[16] = {
		0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f,
	};
	struct kvm_fpu f, out;
	int i;

	ktest_set_group("fpu");
	if (!need(v->fd >= 0, "FPU checks"))
		return;

	/* fpu/core.c: fpstate_init_fxstate(). */
	memset(&f, 0, sizeof(f));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_FPU, &f), "KVM_GET_FPU")) {
		KT_EXPECT_EQ(f.fcw, 0x37f, "reset FCW is 0x37f");
		/*
		 * x86.c: kvm_arch_vcpu_ioctl_get_fpu() never fills mxcsr and
		 * kvm_vcpu_ioctl() hands out a zeroed struct kvm_fpu.
		 */
		KT_EXPECT_EQ(f.mxcsr, 0,
			     "kvm_fpu.mxcsr is not transferred (reads 0)");
	}

	f.fcw = 0x027f;		/* double precision, exceptions masked */
	f.fsw = 0x3800;		/* TOP = 7 */
	f.ftwx = 0x80;		/* abridged tag: register 7 valid */
	memcpy(f.fpr[0], one, sizeof(one));
	for (i = 0; i < 16; i++) {
		f.xmm[0][i] = i;
		f.xmm[7][i] = 0xf0 | i;
	}
	f.mxcsr = MXCSR_DEFAULT | 0x6000;	/* ignored by KVM_SET_FPU */
	KT_EXPECT_OK(ioctl(v->fd, KVM_SET_FPU, &f), "KVM_SET_FPU");

	memset(&out, 0, sizeof(out));
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_FPU, &out),
			 "KVM_GET_FPU after KVM_SET_FPU")) {
		KT_EXPECT_EQ(out.fcw, f.fcw, "FCW reads back");
		KT_EXPECT_EQ(out.fsw, f.fsw, "FSW reads back");
		KT_EXPECT_EQ(out.ftwx, f.ftwx, "FTW reads back");
		KT_CHECK(!memcmp(out.fpr[0], f.fpr[0], sizeof(f.fpr[0])),
			 "ST0 reads back");
		KT_CHECK(!memcmp(out.xmm[0], f.xmm[0], sizeof(f.xmm[0])),
			 "XMM0 reads back");
		KT_CHECK(!memcmp(out.xmm[7], f.xmm[7], sizeof(f.xmm[7])),
			 "XMM7 reads back");
	}

	/* MXCSR travels only through KVM_GET_XSAVE / KVM_SET_XSAVE. */
	check_xsave(v);
}

/* ------------------------------------------------------------------- msr */

static void check_msrs(struct vcpu *v)
{
	static const __u32 idx[3] = {
		MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
		MSR_IA32_SYSENTER_EIP,
	};
	static const __u64 val[3] = { 0x10, 0xc1234000, 0xc0100abc };
	struct kvm_msrs *m;
	__u64 data;
	int i;

	ktest_set_group("msr");
	if (!need(v->fd >= 0, "MSR checks"))
		return;

	m = msrs_alloc(3);
	if (!need(m != NULL, "SYSENTER MSR checks"))
		return;
	for (i = 0; i < 3; i++) {
		m->entries[i].index = idx[i];
		m->entries[i].data = val[i];
	}
	KT_EXPECT_EQ(ioctl(v->fd, KVM_SET_MSRS, m), 3,
		     "KVM_SET_MSRS of the 3 SYSENTER MSRs sets 3");
	for (i = 0; i < 3; i++)
		m->entries[i].data = 0;
	if (KT_EXPECT_EQ(ioctl(v->fd, KVM_GET_MSRS, m), 3,
			 "KVM_GET_MSRS of the 3 SYSENTER MSRs gets 3")) {
		for (i = 0; i < 3; i++)
			KT_EXPECT_EQ(m->entries[i].data, val[i],
				     "MSR %#x reads back", idx[i]);
	}
	free(m);

	/* api.rst 4.19: processing stops at the first failing MSR. */
	KT_EXPECT_EQ(msr_set(v->fd, MSR_UNKNOWN, 1), 0,
		     "KVM_SET_MSRS of unknown MSR 0xdeadbeef sets 0");
	m = msrs_alloc(2);
	if (need(m != NULL, "mixed KVM_SET_MSRS")) {
		m->entries[0].index = MSR_IA32_SYSENTER_CS;
		m->entries[0].data = 0x10;
		m->entries[1].index = MSR_UNKNOWN;
		m->entries[1].data = 1;
		KT_EXPECT_EQ(ioctl(v->fd, KVM_SET_MSRS, m), 1,
			     "KVM_SET_MSRS {SYSENTER_CS, unknown} sets 1");
		free(m);
	}
	KT_EXPECT_EQ(msr_get(v->fd, MSR_UNKNOWN, &data), 0,
		     "KVM_GET_MSRS of unknown MSR 0xdeadbeef gets 0");

	KT_EXPECT_EQ(msr_get(v->fd, MSR_IA32_TSC, &data), 1,
		     "MSR_IA32_TSC can be read");

	/* x86.c: kvm_vcpu_reset() and kvm_pat_valid(). */
	if (KT_EXPECT_EQ(msr_get(v->fd, MSR_IA32_CR_PAT, &data), 1,
			 "MSR_IA32_CR_PAT can be read"))
		KT_EXPECT_EQ(data, PAT_DEFAULT, "reset PAT is the default");
	KT_EXPECT_EQ(msr_set(v->fd, MSR_IA32_CR_PAT, 0x0007010600070106ULL), 1,
		     "PAT with a WC entry can be set");
	if (msr_get(v->fd, MSR_IA32_CR_PAT, &data) == 1)
		KT_EXPECT_EQ(data, 0x0007010600070106ULL, "PAT reads back");
	KT_EXPECT_EQ(msr_set(v->fd, MSR_IA32_CR_PAT, 0x0007040600070402ULL), 0,
		     "PAT with reserved memory type 2 is refused");
	msr_set(v->fd, MSR_IA32_CR_PAT, PAT_DEFAULT);

	/* x86.c: msr_io(), nmsrs >= MAX_IO_MSRS. */
	m = msrs_alloc(MAX_IO_MSRS);
	if (need(m != NULL, "KVM_GET_MSRS size limit")) {
		for (i = 0; i < MAX_IO_MSRS; i++)
			m->entries[i].index = MSR_IA32_TSC;
		KT_EXPECT_ERRNO(ioctl(v->fd, KVM_GET_MSRS, m), E2BIG,
				"KVM_GET_MSRS with nmsrs=256 fails");
		free(m);
	}
}

/* Fetch KVM_GET_MSR_INDEX_LIST (or the feature list); NULL on failure. */
static struct kvm_msr_list *msr_list_get(unsigned long ioctl_nr)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list;

	if (ioctl(kvm_fd, ioctl_nr, &probe) == 0 || errno != E2BIG)
		return NULL;
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(__u32));
	if (!list)
		return NULL;
	list->nmsrs = probe.nmsrs;
	if (ioctl(kvm_fd, ioctl_nr, list) < 0) {
		free(list);
		return NULL;
	}
	return list;
}

/*
 * An honest index list: a VMM saves every listed MSR with KVM_GET_MSRS
 * and restores it with KVM_SET_MSRS (QEMU aborts when either comes up
 * short), so each one must read, and take its own value back.
 */
static void check_msr_list_is_honest(struct vcpu *v)
{
	struct kvm_msr_list *list;
	unsigned int i, unreadable = 0, unwritable = 0;
	__u64 data;

	ktest_set_group("msr");
	list = msr_list_get(KVM_GET_MSR_INDEX_LIST);
	if (!need(v->fd >= 0 && list != NULL, "MSR index list honesty"))
		goto out;
	for (i = 0; i < list->nmsrs; i++) {
		if (msr_get(v->fd, list->indices[i], &data) != 1) {
			printf("#   listed MSR %#x cannot be read\n",
			       list->indices[i]);
			unreadable++;
		} else if (msr_set(v->fd, list->indices[i], data) != 1) {
			printf("#   listed MSR %#x rejects its own value %#llx\n",
			       list->indices[i], (unsigned long long)data);
			unwritable++;
		}
	}
	KT_EXPECT_EQ(unreadable, 0,
		     "all %u listed MSRs can be read with KVM_GET_MSRS",
		     list->nmsrs);
	KT_EXPECT_EQ(unwritable, 0,
		     "all %u listed MSRs take their own value back",
		     list->nmsrs);
out:
	free(list);
}

/* Feature MSRs: kvm-lite has no VMX capability MSRs to report. */
static void check_feature_msrs(void)
{
	struct kvm_msr_list *list;
	unsigned int i, vmx = 0;

	ktest_set_group("msr");
	list = msr_list_get(KVM_GET_MSR_FEATURE_INDEX_LIST);
	if (!need(list != NULL, "KVM_GET_MSR_FEATURE_INDEX_LIST"))
		return;
	for (i = 0; i < list->nmsrs; i++)
		vmx += list->indices[i] >= MSR_VMX_FIRST &&
		       list->indices[i] <= MSR_VMX_LAST;
	KT_EXPECT_EQ(vmx, 0, "no VMX MSR among the %u feature MSRs",
		     list->nmsrs);
	free(list);
}

/* ------------------------------------------------------------ vCPU cpuid */

static void check_vcpu_cpuid(struct vcpu *v)
{
	struct kvm_cpuid2 *c;

	ktest_set_group("cpuid");
	if (!need(v->fd >= 0, "vCPU CPUID checks"))
		return;

	/* A new vCPU has no CPUID table: cpuid_nent is 0. */
	c = cpuid_alloc(MAX_CPUID_ENTRIES);
	if (!need(c != NULL, "vCPU CPUID checks"))
		return;
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_CPUID2, c),
			 "KVM_GET_CPUID2 before KVM_SET_CPUID2"))
		KT_EXPECT_EQ(c->nent, 0, "a fresh vCPU has no CPUID entries");
	free(c);

	/* cpuid.c: kvm_vcpu_ioctl_set_cpuid2(). */
	c = cpuid_alloc(MAX_CPUID_ENTRIES + 1);
	if (need(c != NULL, "oversized KVM_SET_CPUID2")) {
		KT_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_CPUID2, c), E2BIG,
				"KVM_SET_CPUID2 with nent=257 fails");
		free(c);
	}

	if (!need(supported != NULL, "KVM_SET_CPUID2 of the supported table"))
		return;
	if (!KT_EXPECT_OK(ioctl(v->fd, KVM_SET_CPUID2, supported),
			  "KVM_SET_CPUID2 with KVM_GET_SUPPORTED_CPUID"))
		return;

	c = cpuid_alloc(MAX_CPUID_ENTRIES);
	if (!need(c != NULL, "KVM_GET_CPUID2"))
		return;
	if (KT_EXPECT_OK(ioctl(v->fd, KVM_GET_CPUID2, c), "KVM_GET_CPUID2"))
		KT_EXPECT_EQ(c->nent, supported->nent,
			     "KVM_GET_CPUID2 returns as many entries as set");
	/* cpuid.c: kvm_vcpu_ioctl_get_cpuid2(), nent < cpuid_nent. */
	c->nent = 1;
	if (supported->nent > 1)
		KT_EXPECT_ERRNO(ioctl(v->fd, KVM_GET_CPUID2, c), E2BIG,
				"KVM_GET_CPUID2 with nent=1 fails");
	free(c);
}

/* -------------------------------------------------------------- mp state */

static void check_mp_state(void)
{
	struct kvm_mp_state mp;

	ktest_set_group("mp-state");
	if (!need(bsp.fd >= 0 && ap.fd >= 0, "MP state checks"))
		return;

	/* x86.c: kvm_arch_vcpu_create(), in-kernel irqchip present. */
	mp.mp_state = 0xff;
	if (KT_EXPECT_OK(ioctl(bsp.fd, KVM_GET_MP_STATE, &mp),
			 "KVM_GET_MP_STATE on vCPU 0"))
		KT_EXPECT_EQ(mp.mp_state, KVM_MP_STATE_RUNNABLE,
			     "vCPU 0 (the BSP) is RUNNABLE");
	mp.mp_state = 0xff;
	if (KT_EXPECT_OK(ioctl(ap.fd, KVM_GET_MP_STATE, &mp),
			 "KVM_GET_MP_STATE on vCPU 1"))
		KT_EXPECT_EQ(mp.mp_state, KVM_MP_STATE_UNINITIALIZED,
			     "vCPU 1 (an AP) waits for INIT/SIPI");

	mp.mp_state = KVM_MP_STATE_HALTED;
	KT_EXPECT_OK(ioctl(bsp.fd, KVM_SET_MP_STATE, &mp),
		     "KVM_SET_MP_STATE(HALTED) with an in-kernel APIC");
	mp.mp_state = 0xff;
	if (ioctl(bsp.fd, KVM_GET_MP_STATE, &mp) == 0)
		KT_EXPECT_EQ(mp.mp_state, KVM_MP_STATE_HALTED,
			     "HALTED reads back");
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	KT_EXPECT_OK(ioctl(bsp.fd, KVM_SET_MP_STATE, &mp),
		     "KVM_SET_MP_STATE(RUNNABLE)");

	/* x86.c: kvm_arch_vcpu_ioctl_set_mpstate(). */
	mp.mp_state = 99;
	KT_EXPECT_ERRNO(ioctl(bsp.fd, KVM_SET_MP_STATE, &mp), EINVAL,
			"KVM_SET_MP_STATE with an unknown state fails");
	if (need(plain.fd >= 0, "MP state without an in-kernel APIC")) {
		mp.mp_state = KVM_MP_STATE_HALTED;
		KT_EXPECT_ERRNO(ioctl(plain.fd, KVM_SET_MP_STATE, &mp), EINVAL,
				"HALTED without an in-kernel APIC fails");
	}
}

/* ------------------------------------------------------ LAPIC, interrupts */

static __u32 apic_reg(const struct kvm_lapic_state *l, unsigned int off)
{
	__u32 v;

	memcpy(&v, l->regs + off, sizeof(v));
	return v;
}

static void check_interrupts(void)
{
	static struct kvm_lapic_state lapic;
	struct kvm_interrupt irq;
	struct kvm_sregs s;

	ktest_set_group("irqchip");
	if (!need(bsp.fd >= 0 && ap.fd >= 0, "LAPIC and interrupt checks"))
		return;

	/* lapic.c: kvm_lapic_reset() sets the xAPIC ID to the vCPU id. */
	if (KT_EXPECT_OK(ioctl(bsp.fd, KVM_GET_LAPIC, &lapic),
			 "KVM_GET_LAPIC on vCPU 0"))
		KT_EXPECT_EQ(apic_reg(&lapic, APIC_ID_REG) >> 24, 0,
			     "vCPU 0's APIC ID is 0");
	if (KT_EXPECT_OK(ioctl(ap.fd, KVM_GET_LAPIC, &lapic),
			 "KVM_GET_LAPIC on vCPU 1"))
		KT_EXPECT_EQ(apic_reg(&lapic, APIC_ID_REG) >> 24, 1,
			     "vCPU 1's APIC ID is 1");

	/* x86.c: kvm_vcpu_ioctl_interrupt(), PIC in kernel. */
	irq.irq = 0x20;
	KT_EXPECT_ERRNO(ioctl(bsp.fd, KVM_INTERRUPT, &irq), ENXIO,
			"KVM_INTERRUPT with an in-kernel irqchip fails");
	KT_EXPECT_OK(ioctl(bsp.fd, KVM_NMI), "KVM_NMI");

	if (!need(plain.fd >= 0, "checks without an in-kernel irqchip"))
		return;
	KT_EXPECT_ERRNO(ioctl(plain.fd, KVM_GET_LAPIC, &lapic), EINVAL,
			"KVM_GET_LAPIC without an in-kernel APIC fails");
	irq.irq = 256;
	KT_EXPECT_ERRNO(ioctl(plain.fd, KVM_INTERRUPT, &irq), EINVAL,
			"KVM_INTERRUPT with vector 256 fails");
	/* Queued as injected, so KVM_GET_SREGS reports it (regs.c). */
	irq.irq = 0x20;
	KT_EXPECT_OK(ioctl(plain.fd, KVM_INTERRUPT, &irq),
		     "KVM_INTERRUPT(0x20) without an in-kernel irqchip");
	memset(&s, 0, sizeof(s));
	if (KT_EXPECT_OK(ioctl(plain.fd, KVM_GET_SREGS, &s),
			 "KVM_GET_SREGS after KVM_INTERRUPT"))
		KT_CHECK(s.interrupt_bitmap[0] == (1ULL << 0x20),
			 "interrupt_bitmap shows vector 0x20 pending");
}

/* ------------------------------------------------------------------- run */

/*
 * KVM_RUN on a vCPU whose VM has no memory at all.  The vCPU starts in
 * real mode, which kvm-lite steps with KVM's instruction emulator; the
 * first fetch from the reset vector finds no memslot, and KVM reports an
 * emulation failure (api.rst: KVM_EXIT_INTERNAL_ERROR, suberror
 * KVM_INTERNAL_ERROR_EMULATION) without touching the registers.  Real
 * guests are exercised by tests/guest/.
 */
static void check_run(void)
{
	struct vcpu fresh = { -1, NULL };
	struct kvm_vcpu_events events;
	struct kvm_regs before, after;
	int r, run_vm;
	void *low;

	ktest_set_group("run");
	if (!need(bsp.fd >= 0 && bsp.run, "KVM_RUN checks"))
		return;

	/* kvm_main.c: kvm_vcpu_ioctl(), case KVM_RUN. */
	KT_EXPECT_ERRNO(ioctl(bsp.fd, KVM_RUN, 1), EINVAL,
			"KVM_RUN with a non-zero argument fails");

	/*
	 * x86.c: kvm_arch_vcpu_ioctl_run() tests wants_to_run (i.e.
	 * !immediate_exit) before calling vcpu_pre_run, so the backend
	 * never sees this call and exit_reason keeps our sentinel.
	 */
	bsp.run->immediate_exit = 1;
	bsp.run->exit_reason = EXIT_REASON_SENTINEL;
	r = run_vcpu(&bsp);
	KT_EXPECT_ERRNO(r, EINTR, "KVM_RUN with immediate_exit=1 fails");
	KT_CHECK(!watchdog_fired, "immediate_exit returned without blocking");
	KT_EXPECT_EQ(bsp.run->exit_reason, EXIT_REASON_SENTINEL,
		     "immediate_exit returns before vcpu_pre_run");
	bsp.run->immediate_exit = 0;

	/*
	 * A fresh VM and vCPU, in the reset state, with some memory but
	 * none at the reset vector (the shadow MMU sizes its page budget
	 * from the memslots and has none without any).
	 */
	run_vm = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	low = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!need(run_vm >= 0 && low != MAP_FAILED &&
		  set_region(run_vm, 0, 0, 0, 0x10000, low) == 0 &&
		  create_vcpu(run_vm, 0, &fresh) >= 0 && map_run(&fresh) == 0,
		  "a fresh VM with 64K at GPA 0 and one vCPU"))
		return;

	memset(&before, 0, sizeof(before));
	ioctl(fresh.fd, KVM_GET_REGS, &before);
	fresh.run->exit_reason = EXIT_REASON_SENTINEL;
	r = run_vcpu(&fresh);
	KT_EXPECT_EQ(r, 0, "KVM_RUN returns 0 (errno %d)", r ? errno : 0);
	KT_EXPECT_EQ(fresh.run->exit_reason, KVM_EXIT_INTERNAL_ERROR,
		     "no memory at the reset vector: KVM_EXIT_INTERNAL_ERROR");
	KT_EXPECT_EQ(fresh.run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION,
		     "suberror is KVM_INTERNAL_ERROR_EMULATION");
	memset(&after, 0, sizeof(after));
	if (KT_EXPECT_OK(ioctl(fresh.fd, KVM_GET_REGS, &after),
			 "KVM_GET_REGS after the failed emulation"))
		KT_CHECK(after.rip == before.rip &&
			 after.rflags == before.rflags,
			 "a failed emulation leaves RIP and RFLAGS alone");

	/*
	 * x86.c: handle_emulation_failure() also queues #UD for the guest,
	 * as a CPU would raise for an instruction it cannot decode.
	 */
	memset(&events, 0, sizeof(events));
	if (KT_EXPECT_OK(ioctl(fresh.fd, KVM_GET_VCPU_EVENTS, &events),
			 "KVM_GET_VCPU_EVENTS after the failed emulation"))
		KT_CHECK((events.exception.pending ||
			  events.exception.injected) &&
			 events.exception.nr == 6,
			 "#UD is queued for the guest (nr %u)",
			 events.exception.nr);
	close(fresh.fd);
	close(run_vm);
	munmap(low, 0x10000);

	/*
	 * An AP still in UNINITIALIZED would block in kvm_vcpu_block();
	 * immediate_exit is checked first and returns -EINTR.
	 */
	if (!need(ap.fd >= 0 && ap.run, "KVM_RUN on an AP"))
		return;
	ap.run->immediate_exit = 1;
	r = run_vcpu(&ap);
	KT_EXPECT_ERRNO(r, EINTR,
			"KVM_RUN on an UNINITIALIZED AP with immediate_exit");
	KT_CHECK(!watchdog_fired, "the AP's KVM_RUN did not block");
	ap.run->immediate_exit = 0;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;	/* no SA_RESTART: KVM_RUN must end */
	sigaction(SIGALRM, &sa, NULL);

	ktest_set_group("system");
	kvm_fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (!KT_EXPECT_OK(kvm_fd, "open %s", KVM_DEV_PATH))
		return ktest_exit();

	check_system();
	check_msr_index_list();
	check_supported_cpuid();
	check_vm();
	check_irqchip();	/* before any vCPU: KVM_CREATE_IRQCHIP */
	check_clock();
	check_memslots();
	check_vcpu_create();
	check_vcpu_fds();
	check_regs(&bsp);
	check_sregs(&bsp);
	check_debugregs(&bsp);
	check_fpu(&bsp);
	check_msrs(&bsp);
	check_msr_list_is_honest(&bsp);
	check_feature_msrs();
	check_vcpu_cpuid(&bsp);
	check_mp_state();
	check_interrupts();
	check_run();		/* last: the only vCPU entry attempts */

	ktest_set_group("kvm-abi");
	return ktest_exit();
}
