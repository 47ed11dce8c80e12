// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux as a kvm-lite guest.
 *
 * kvm-lite runs this kernel in ring 1 on a CPU without VT-x or AMD-V.
 * Everything privileged still works there, because it traps and the host
 * emulates it, but three things would be wrong or slow without help, and
 * this file is that help:
 *
 *  - The interrupt flag.  Ring 1 cannot clear the real EFLAGS.IF (the
 *    host needs its interrupts), and "pushf" would always show it set.
 *    So the flag lives in memory, in a page shared with the host
 *    (struct kvm_lite_vcpu_page): cli and sti become stores, and the host
 *    looks at the page before it injects anything.
 *
 *  - iret.  Returning from an interrupt must restore that flag from the
 *    frame in the same breath as the iret itself.  The host promises
 *    never to inject inside a small stretch of code we name to it, and
 *    our iret lives there.
 *
 *  - Hot traps.  System calls enter directly through a trap gate, and
 *    CR2, CPUID and the stack for user-mode entries come from hypercalls
 *    or the shared page rather than trapped instructions.
 *
 * Page-table writes in Linux's lazy MMU mode go to the host in batches
 * (mmu.c).  Everything else (GDT and IDT loads, CR3 and CR4, MSRs, other
 * page-table writes, port I/O) is trapped and emulated by KVM, exactly
 * as it would be for an unmodified kernel: slower, but never wrong.
 *
 * The guest is uniprocessor: the shared page is a single global one, so
 * that the iret path, which runs with user segments already loaded,
 * reaches it with an absolute address.
 */
#include <linux/elfnote.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/pm.h>
#include <linux/smp.h>
#include <linux/kvm.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>

#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/fixmap.h>
#include <asm/irq_vectors.h>
#include <asm/kvm_lite_guest.h>
#include <asm/paravirt.h>
#include <asm/pci_x86.h>
#include <asm/reboot.h>
#include <asm/segment.h>
#include <asm/timer.h>
#include <asm/tsc.h>
#include <asm/x86_init.h>

/* The vmlinux note launchers look for before they boot us in ring 1. */
ELFNOTE32(KVM_LITE_ELFNOTE_NAME, KVM_LITE_ELFNOTE_GUEST,
	  KVM_LITE_GUEST_ABI_VERSION);

struct kvm_lite_vcpu_page kvm_lite_vcpu __page_aligned_bss;

/*
 * The assembly half.  The interrupt-flag operations are "callee-save"
 * paravirt ops: they may change only %eax, which is why they are not C.
 */
void kvm_lite_save_fl(void);
void kvm_lite_irq_disable(void);
void kvm_lite_irq_enable(void);
void kvm_lite_read_cr2(void);
void kvm_lite_iret(void);
void kvm_lite_safe_halt(void);
extern const char kvm_lite_noirq_start[], kvm_lite_noirq_end[];

#define VP(field)	"i" (offsetof(struct kvm_lite_vcpu_page, field))

static void __used kvm_lite_asm(void)
{
	asm volatile(
	".pushsection .text, \"ax\"\n"
	".globl kvm_lite_save_fl\n"
	"kvm_lite_save_fl:\n"
	"	movl kvm_lite_vcpu+%c[on], %%eax\n"
	"	shll $9, %%eax\n"		/* to EFLAGS.IF */
	"	ret\n"

	".globl kvm_lite_irq_disable\n"
	"kvm_lite_irq_disable:\n"
	"	movl $0, kvm_lite_vcpu+%c[on]\n"
	"	ret\n"

	/*
	 * An interrupt that arrived while we had them off waits for us to
	 * say we are open again; the hypercall's exit lets the host deliver.
	 */
	".globl kvm_lite_irq_enable\n"
	"kvm_lite_irq_enable:\n"
	"	movl $1, kvm_lite_vcpu+%c[on]\n"
	"	cmpl $0, kvm_lite_vcpu+%c[pending]\n"
	"	jne 1f\n"
	"	ret\n"
	"1:	movl %[hc_irq], %%eax\n"
	"	vmcall\n"
	"	ret\n"

	".globl kvm_lite_read_cr2\n"
	"kvm_lite_read_cr2:\n"
	"	movl kvm_lite_vcpu+%c[cr2], %%eax\n"
	"	ret\n"

	/*
	 * From here to kvm_lite_noirq_end the host injects nothing.
	 *
	 * iret: the frame is EIP, CS, EFLAGS[, ESP, SS].  The host shows
	 * our own kernel's CS with RPL 0 (so the entry code's "did this come
	 * from user mode?" tests need no change); put the real RPL 1 back
	 * before the CPU sees it.  Then the virtual IF becomes the frame's.
	 * User segments may already be loaded: address the page through %ss.
	 */
	".globl kvm_lite_iret\n"
	".globl kvm_lite_noirq_start\n"
	"kvm_lite_noirq_start:\n"
	"kvm_lite_iret:\n"
	"	pushl %%eax\n"
	"	testb $3, 8(%%esp)\n"
	"	jnz 1f\n"
	"	orb $1, 8(%%esp)\n"
	"1:	movl 12(%%esp), %%eax\n"
	"	shrl $9, %%eax\n"
	"	andl $1, %%eax\n"
	"	movl %%eax, %%ss:kvm_lite_vcpu+%c[on]\n"
	"	jz 2f\n"
	"	cmpl $0, %%ss:kvm_lite_vcpu+%c[pending]\n"
	"	jne kvm_lite_iret_pending\n"
	"2:	popl %%eax\n"
	"kvm_lite_iret_insn:\n"
	"	iret\n"

	/* Open up and sleep, with no gap for a wake-up to slip through. */
	".globl kvm_lite_safe_halt\n"
	"kvm_lite_safe_halt:\n"
	"	movl $1, kvm_lite_vcpu+%c[on]\n"
	"	hlt\n"
	".globl kvm_lite_noirq_end\n"
	"kvm_lite_noirq_end:\n"
	"	ret\n"

	/*
	 * Returning with interrupts on while one waits: take it here, on
	 * top of the frame we are about to pop, then pop it.
	 */
	"kvm_lite_iret_pending:\n"
	"	movl %[hc_irq], %%eax\n"
	"	vmcall\n"
	"	popl %%eax\n"
	"	jmp kvm_lite_iret_insn\n"
	_ASM_EXTABLE(kvm_lite_iret_insn, asm_iret_error)
	".popsection\n"
	: : [on] VP(irq_enabled), [pending] VP(irq_pending), [cr2] VP(cr2),
	    [hc_irq] "i" (KVM_HC_LITE_IRQ_ENABLED));
}

/* CPUID as the VMM configured it, minus what ring 1 cannot use. */
static void kvm_lite_cpuid(unsigned int *ax, unsigned int *bx,
			   unsigned int *cx, unsigned int *dx)
{
	unsigned int leaf = *ax, subleaf = *cx;

	asm volatile(KVM_HYPERCALL
		     : "=a" (*ax), "=b" (*bx), "=c" (*cx), "=d" (*dx)
		     : "a" (KVM_HC_LITE_CPUID), "b" (leaf), "c" (subleaf)
		     : "memory");

	switch (leaf) {
	case 1:
		/* No sysenter (SYSENTER_CS belongs to the host), no VMX. */
		*dx &= ~(BIT(X86_FEATURE_SEP & 31) | BIT(X86_FEATURE_VME & 31));
		*cx &= ~(BIT(X86_FEATURE_VMX & 31) | BIT(X86_FEATURE_SMX & 31) |
			 BIT(X86_FEATURE_MWAIT & 31) |
			 BIT(X86_FEATURE_PCID & 31) |
			 BIT(X86_FEATURE_XSAVE & 31) |
			 BIT(X86_FEATURE_TSC_DEADLINE_TIMER & 31) |
			 BIT(X86_FEATURE_OSXSAVE & 31));
		*cx |= BIT(X86_FEATURE_HYPERVISOR & 31);
		break;
	case 7:
		if (subleaf == 0) {
			*bx &= ~(BIT(X86_FEATURE_SMEP & 31) |
				 BIT(X86_FEATURE_SMAP & 31) |
				 BIT(X86_FEATURE_INVPCID & 31) |
				 BIT(X86_FEATURE_FSGSBASE & 31));
			*cx &= ~(BIT(X86_FEATURE_UMIP & 31) |
				 BIT(X86_FEATURE_PKU & 31));
		}
		break;
	case 0x80000001:
		*dx &= ~BIT(X86_FEATURE_SYSCALL & 31);
		*cx &= ~BIT(X86_FEATURE_SVM & 31);
		break;
	}
}

/*
 * System calls: user mode's "int $0x80" goes straight into our handler
 * through a trap gate in the real IDT, without an exit.  A trap gate,
 * because the host never lets a guest clear the real IF; the entry code
 * therefore starts with the virtual IF still on, which Linux's 32-bit
 * entry tolerates (an interrupt on the entry stack is copied to the task
 * stack exactly as an NMI there would be).
 */
static void kvm_lite_arm_syscall_trap(void)
{
	kvm_hypercall2(KVM_HC_LITE_DIRECT_TRAP, IA32_SYSCALL_VECTOR, 1);
}

static void kvm_lite_write_idt_entry(gate_desc *dt, int entry,
				     const gate_desc *g)
{
	gate_desc gate = *g;

	if (entry == IA32_SYSCALL_VECTOR)
		gate.bits.type = GATE_TRAP;
	native_write_idt_entry(dt, entry, &gate);
	if (entry == IA32_SYSCALL_VECTOR)
		kvm_lite_arm_syscall_trap();
}

/* A new IDT (the lidt traps) turns the direct trap off: turn it on. */
static void kvm_lite_load_idt(const struct desc_ptr *dtr)
{
	native_load_idt(dtr);
	kvm_lite_arm_syscall_trap();
}

/* The real TSS is the host's: tell it where user-mode entries land. */
static void kvm_lite_load_sp0(unsigned long sp0)
{
	native_load_sp0(sp0);
	kvm_hypercall2(KVM_HC_LITE_SET_STACK, __KERNEL_DS, sp0);
	kvm_lite_arm_syscall_trap();
}

/*
 * The CPU runs us on the host's copy of our GDT, refreshed at exits.  A
 * descriptor we store must reach it before a segment load uses it: on a
 * context switch the gs load comes before the exit that load_sp0 makes,
 * and set_thread_area() returns to user mode with no exit at all.
 */
static void kvm_lite_load_tls(struct thread_struct *t, unsigned int cpu)
{
	struct desc_struct *gdt = get_cpu_gdt_rw(cpu);
	unsigned int gs;

	if (!memcmp(&gdt[GDT_ENTRY_TLS_MIN], t->tls_array,
		    sizeof(t->tls_array)))
		return;		/* threads of one process, mostly */
	/*
	 * %gs may still hold the previous task's TLS selector (its value
	 * is already saved).  Left there, it would point at the next task's
	 * descriptor, maybe an empty one, which the host cannot load into a
	 * real segment register: it would step us in its emulator until
	 * __switch_to() loads the new %gs.
	 */
	savesegment(gs, gs);
	if ((gs >> 3) >= GDT_ENTRY_TLS_MIN && (gs >> 3) <= GDT_ENTRY_TLS_MAX)
		loadsegment(gs, 0);
	native_load_tls(t, cpu);
	kvm_hypercall0(KVM_HC_LITE_RELOAD_GDT);
}

static void kvm_lite_write_gdt_entry(struct desc_struct *dt, int entry,
				     const void *desc, int type)
{
	native_write_gdt_entry(dt, entry, desc, type);
	kvm_hypercall0(KVM_HC_LITE_RELOAD_GDT);
}

/*
 * The local APIC's hot registers by hypercall: an EOI after every
 * interrupt and a TMICT write for every timer event would otherwise each
 * be an MMIO exit with an instruction to decode.  The clockevent stays
 * Linux's own local APIC timer, which KVM counts at 1 GHz.
 */
static bool kvm_lite_apic_reg_is_pv(u32 reg)
{
	return reg == APIC_EOI || reg == APIC_LVTT || reg == APIC_TMICT ||
	       reg == APIC_TDCR;
}

static void kvm_lite_apic_write(u32 reg, u32 v)
{
	if (kvm_lite_timer_write(reg, v))
		return;
	if (kvm_lite_apic_reg_is_pv(reg))
		kvm_hypercall2(KVM_HC_LITE_APIC_WRITE, reg, v);
	else
		native_apic_mem_write(reg, v);
}

/*
 * KVM's paravirtual EOI: when the interrupt it delivers needs nothing but
 * the ISR bit cleared, KVM sets bit 0 here, and clearing it is the EOI,
 * which KVM completes at the next exit.  One exit fewer per interrupt.
 */
static unsigned long kvm_lite_pv_eoi __aligned(4);

static void kvm_lite_apic_eoi(void)
{
	if (__test_and_clear_bit(KVM_PV_EOI_BIT, &kvm_lite_pv_eoi))
		return;
	kvm_hypercall2(KVM_HC_LITE_APIC_WRITE, APIC_EOI, APIC_EOI_ACK);
}

/* Once the APIC driver is chosen, if the host's APIC takes hypercalls. */
static void __init kvm_lite_apic_post_init(void)
{
	if (kvm_hypercall2(KVM_HC_LITE_APIC_WRITE, APIC_TDCR,
			   native_apic_mem_read(APIC_TDCR)))
		return;
	kvm_lite_timer_setup();
	apic_update_callback(write, kvm_lite_apic_write);
	if (wrmsr_safe(MSR_KVM_PV_EOI_EN,
		       (u32)__pa(&kvm_lite_pv_eoi) | KVM_MSR_ENABLED, 0))
		pr_info("kvm-lite: no paravirtual EOI\n");
	apic_update_callback(eoi, kvm_lite_apic_eoi);
}

/* The TSC rate, from the scale the host publishes for the vCPU page. */
static unsigned long kvm_lite_tsc_khz(void)
{
	u64 num = 1000000ULL << 32;
	u32 mul = kvm_lite_vcpu.tsc_to_ns_mul;
	s32 shift = kvm_lite_vcpu.tsc_shift;

	if (!mul)
		return 0;
	if (shift >= 0)
		return div_u64(num >> shift, mul);
	return div_u64(num, mul) << -shift;
}

static void kvm_lite_system_event(u32 type)
{
	kvm_hypercall1(KVM_HC_LITE_SYSTEM_EVENT, type);
}

static void kvm_lite_power_off(void)
{
	kvm_lite_system_event(KVM_SYSTEM_EVENT_SHUTDOWN);
}

static void kvm_lite_restart(char *reason)
{
	kvm_lite_system_event(KVM_SYSTEM_EVENT_RESET);
}

static void kvm_lite_emergency_restart(void)
{
	kvm_lite_system_event(KVM_SYSTEM_EVENT_RESET);
}

static int kvm_lite_panic(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	kvm_lite_system_event(KVM_SYSTEM_EVENT_CRASH);
	return NOTIFY_DONE;
}

static struct notifier_block kvm_lite_panic_nb = {
	.notifier_call = kvm_lite_panic,
	/* After the console has printed why. */
	.priority = INT_MIN,
};

static void __init kvm_lite_setup_pv_ops(void)
{
	pv_info.name = "kvm-lite";

	pv_ops.irq.save_fl = __PV_IS_CALLEE_SAVE(kvm_lite_save_fl);
	pv_ops.irq.irq_disable = __PV_IS_CALLEE_SAVE(kvm_lite_irq_disable);
	pv_ops.irq.irq_enable = __PV_IS_CALLEE_SAVE(kvm_lite_irq_enable);
	pv_ops.irq.safe_halt = kvm_lite_safe_halt;
	pv_ops.mmu.read_cr2 = __PV_IS_CALLEE_SAVE(kvm_lite_read_cr2);

	pv_ops.cpu.iret = kvm_lite_iret;
	pv_ops.cpu.cpuid = kvm_lite_cpuid;
	pv_ops.cpu.load_sp0 = kvm_lite_load_sp0;
	pv_ops.cpu.load_idt = kvm_lite_load_idt;
	pv_ops.cpu.write_idt_entry = kvm_lite_write_idt_entry;
	pv_ops.cpu.load_tls = kvm_lite_load_tls;
	pv_ops.cpu.write_gdt_entry = kvm_lite_write_gdt_entry;

	kvm_lite_setup_mmu_ops();
}

#ifdef CONFIG_PCI
/* No PCI bus: lkvm's devices are virtio-mmio.  Skip the probing. */
static int __init kvm_lite_pci_arch_init(void)
{
	return 0;
}
#endif

static void __init kvm_lite_setup_platform(void)
{
	x86_platform.calibrate_tsc = kvm_lite_tsc_khz;
	x86_platform.calibrate_cpu = kvm_lite_tsc_khz;
	x86_platform.legacy.rtc = 0;
	x86_platform.apic_post_init = kvm_lite_apic_post_init;
#ifdef CONFIG_PCI
	pci_probe = 0;
	x86_init.pci.arch_init = kvm_lite_pci_arch_init;
#endif
	x86_platform.legacy.i8042 = X86_LEGACY_I8042_PLATFORM_ABSENT;
	/* KVM's local APIC timer counts at 1 GHz: nothing to calibrate. */
	lapic_timer_period = NSEC_PER_SEC / HZ;
	/*
	 * The IO-APIC timer check counts PIT ticks against a delay loop;
	 * a vCPU that the host preempts fails it for no fault of the PIT's.
	 */
	no_timer_check = 1;

	setup_force_cpu_cap(X86_FEATURE_HYPERVISOR);
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	setup_force_cpu_cap(X86_FEATURE_TSC_RELIABLE);
	setup_force_cpu_cap(X86_FEATURE_CONSTANT_TSC);
	setup_force_cpu_cap(X86_FEATURE_NONSTOP_TSC);
	setup_clear_cpu_cap(X86_FEATURE_SEP);
	setup_clear_cpu_cap(X86_FEATURE_PCID);
	setup_clear_cpu_cap(X86_FEATURE_VMX);
	setup_clear_cpu_cap(X86_FEATURE_SVM);
	/*
	 * Our rdtsc reads the host's TSC, but KVM judges a TSC deadline
	 * against its offset guest TSC: the timer would never fire.
	 */
	setup_clear_cpu_cap(X86_FEATURE_TSC_DEADLINE_TIMER);

	pm_power_off = kvm_lite_power_off;
	machine_ops.restart = kvm_lite_restart;
	machine_ops.emergency_restart = kvm_lite_emergency_restart;
	machine_ops.halt = kvm_lite_power_off;
	machine_ops.power_off = kvm_lite_power_off;
	atomic_notifier_chain_register(&panic_notifier_list,
				       &kvm_lite_panic_nb);

	/* One vCPU: see the top of this file. */
	setup_max_cpus = 1;
}

void __init kvm_lite_guest_early_setup(void)
{
	/* Before anything can printk: native cli/sti would trap. */
	kvm_lite_setup_pv_ops();

	/*
	 * Interrupts stay off until start_kernel() turns them on.  From here
	 * on the virtual IF is irq_enabled alone (the host keeps EFLAGS.IF
	 * set underneath).
	 */
	kvm_lite_vcpu.irq_enabled = 0;
	if (kvm_hypercall2(KVM_HC_LITE_VCPU_PAGE, __pa(&kvm_lite_vcpu),
			   KVM_LITE_VCPU_PAGE_KERNEL_RPL0))
		panic("kvm-lite: the host refused the vCPU page");
	kvm_hypercall2(KVM_HC_LITE_NOIRQ_RANGE,
		       (unsigned long)kvm_lite_noirq_start,
		       (unsigned long)kvm_lite_noirq_end);

	/* The host's switcher lives at the top: stay below it. */
	reserve_top_address(-(unsigned long)kvm_lite_vcpu.hole_start);

	kvm_lite_setup_platform();
	pr_info("kvm-lite: paravirtual guest (ABI %u), host hole at %#x\n",
		KVM_LITE_GUEST_ABI_VERSION, kvm_lite_vcpu.hole_start);
}
