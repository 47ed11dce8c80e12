// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite: KVM's third x86 backend, for 32-bit CPUs without VT-x/AMD-V.
 *
 * A tour, in the spirit of lguest.  kvm-intel and kvm-amd let the CPU do
 * three things: hold the guest's state, enter the guest, and come back on
 * anything interesting.  kvm-lite does them in software:
 *
 *  - the guest's state is plain memory (struct vcpu_lite, see lite.h,
 *    regs.c, msr.c, events.c);
 *  - entering and leaving is a small world switch that runs the guest
 *    kernel in ring 1 and its user space in ring 3 (the next milestone);
 *  - everything else is KVM's: memslots, the shadow MMU (there is no EPT
 *    or NPT, so tdp_enabled is false), the instruction emulator, the
 *    in-kernel LAPIC/IOAPIC/PIC, irqfd/ioeventfd and dirty logging.
 *
 * This file registers the backend: it checks the CPU, trims what KVM
 * would advertise down to what a ring-1 guest can use, and fills in the
 * kvm_x86_ops table.  See Documentation/virt/kvm/x86/lite.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <asm/cpufeature.h>
#include <asm/tlbflush.h>

#include "lite.h"
#include "x86.h"
#include "cpuid.h"
#include "lapic.h"
#include "mmu.h"
#include "pmu.h"

MODULE_AUTHOR("kvm-lite developers");
MODULE_DESCRIPTION("KVM backend for x86 CPUs without VT-x or AMD-V");
MODULE_LICENSE("GPL");

/* What kvm-lite needs from the host CPU, and why, for the refusal message. */
static const struct {
	u16 feature;
	const char *name;
	const char *why;
} lite_required_features[] = {
	{ X86_FEATURE_FXSR, "fxsr", "KVM keeps guest FPU state in fxsave format" },
	{ X86_FEATURE_TSC, "tsc", "guest time is derived from the host TSC" },
	{ X86_FEATURE_PAE, "pae", "shadow page tables are PAE page tables" },
	{ X86_FEATURE_SEP, "sep",
	  "the exit path keeps the host CR3 in MSR_IA32_SYSENTER_ESP" },
};

/* Returns the index of the first missing feature on this CPU, or -1. */
static int lite_missing_feature(const struct cpuinfo_x86 *c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(lite_required_features); i++)
		if (!cpu_has(c, lite_required_features[i].feature))
			return i;
	return -1;
}

static int lite_check_processor_compatibility(void)
{
	int cpu = smp_processor_id();
	int missing = lite_missing_feature(&cpu_data(cpu));

	if (missing < 0)
		return 0;
	pr_err("CPU %d lacks '%s' (%s); not loading\n", cpu,
	       lite_required_features[missing].name,
	       lite_required_features[missing].why);
	return -EOPNOTSUPP;
}

/*
 * There is no VMXON.  What a CPU needs before it can run a guest is
 * global pages off: a host kernel TLB entry marked global would survive
 * the switch to a guest's page table, where the guest kernel lives at
 * the very same addresses, and ring 1 could use it.  KVM calls this on
 * every CPU, including ones that come online or resume later.
 */
static int lite_enable_virtualization_cpu(void)
{
	cr4_clear_bits(X86_CR4_PGE);
	return 0;
}

static void lite_disable_virtualization_cpu(void)
{
	if (boot_cpu_has(X86_FEATURE_PGE))
		cr4_set_bits(X86_CR4_PGE);
}

static void lite_emergency_disable_virtualization_cpu(void)
{
}

/*
 * Trim KVM's CPUID to what a guest kernel in ring 1 can use.  KVM's
 * defaults assume hardware that intercepts selectively; we must hide:
 *  - VMX/SVM/SMX: there is no nested virtualization without them;
 *  - SEP and SYSCALL: SYSENTER/SYSCALL jump straight to ring 0, which a
 *    guest never owns;
 *  - MONITOR/MWAIT: would idle the real CPU on guest-chosen lines;
 *  - PCID/INVPCID/PKU/LA57/LM: 64-bit or CR4 features a 32-bit host
 *    cannot let a guest use.
 */
static void lite_set_cpu_caps(void)
{
	kvm_set_cpu_caps();

	/* kvm_cpu_cap_clear() wants compile-time constants: no table. */
	kvm_cpu_cap_clear(X86_FEATURE_VMX);
	kvm_cpu_cap_clear(X86_FEATURE_SVM);
	kvm_cpu_cap_clear(X86_FEATURE_SMX);
	kvm_cpu_cap_clear(X86_FEATURE_SEP);
	kvm_cpu_cap_clear(X86_FEATURE_SYSCALL);
	kvm_cpu_cap_clear(X86_FEATURE_MWAIT);
	kvm_cpu_cap_clear(X86_FEATURE_PCID);
	kvm_cpu_cap_clear(X86_FEATURE_INVPCID);
	kvm_cpu_cap_clear(X86_FEATURE_PKU);
	kvm_cpu_cap_clear(X86_FEATURE_LA57);
	kvm_cpu_cap_clear(X86_FEATURE_LM);
}

static __init int lite_hardware_setup(void)
{
	/* No EPT/NPT: KVM's shadow MMU translates guest page tables. */
	kvm_configure_mmu(false, 0, 0, 0);
	/* No posted interrupts or virtual APIC page: plain IRR + kick. */
	enable_apicv = false;
	lite_set_cpu_caps();
	return 0;
}

static void lite_hardware_unsetup(void)
{
}

static int lite_vm_init(struct kvm *kvm)
{
	return 0;
}

static int lite_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	/* CR3 holds 32 bits: the PAE root must sit below 4 GB (lowmem). */
	lite->pdpt = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	lite->pd3 = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!lite->pdpt || !lite->pd3) {
		free_page((unsigned long)lite->pdpt);
		free_page((unsigned long)lite->pd3);
		return -ENOMEM;
	}
	lite->pd3_stale = true;
	lite_timer_init(lite);
	return 0;
}

static void lite_vcpu_free(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite_timer_destroy(lite);
	free_page((unsigned long)lite->pdpt);
	free_page((unsigned long)lite->pd3);
}

static void lite_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite_reset_segments(lite);
	lite->dr7 = DR7_FIXED_1;
	lite->interrupt_shadow = 0;
	lite->nmi_masked = false;
	lite->exit.vector = LITE_EXIT_NONE;
	lite->skip_len = 0;
	lite->ring0_stack_valid = false;
	lite->direct_vector = 0;
	lite->has_vcpu_page = false;

	/* INIT keeps MSRs (SDM: "Processor State After Reset"). */
	if (!init_event) {
		lite->sysenter_cs = 0;
		lite->sysenter_esp = 0;
		lite->sysenter_eip = 0;
		lite->star = 0;
		lite->feature_control = 0;
	}
}

static void lite_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
}

/*
 * SYSENTER jumps to whatever MSR_IA32_SYSENTER_CS names; from a guest in
 * ring 3 that would be the host kernel.  Zero it (sysenter then faults)
 * before the first entry, and give the host its value back whenever the
 * vCPU thread leaves the CPU or returns to user space: both go through
 * vcpu_put first.  With CS zero, MSR_IA32_SYSENTER_ESP means nothing to
 * the CPU, and no guest can read it: the exit path finds the host's CR3
 * there (run.c).
 */
static void lite_vcpu_put(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	if (lite->sysenter_msrs_ours) {
		wrmsr(MSR_IA32_SYSENTER_ESP, lite->host_sysenter_esp, 0);
		wrmsr(MSR_IA32_SYSENTER_CS, current->thread.sysenter_cs, 0);
		lite->sysenter_msrs_ours = false;
	}
}

static void lite_prepare_switch_to_guest(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	u32 high;

	if (!lite->sysenter_msrs_ours) {
		rdmsr(MSR_IA32_SYSENTER_ESP, lite->host_sysenter_esp, high);
		wrmsr(MSR_IA32_SYSENTER_CS, 0, 0);
		lite->host_cr3_msr = 0;		/* run.c writes it */
		lite->sysenter_msrs_ours = true;
	}
}

/* Every exception from a ring-1 guest reaches the host anyway. */
static void lite_update_exception_bitmap(struct kvm_vcpu *vcpu)
{
}

static void lite_sync_dirty_debug_regs(struct kvm_vcpu *vcpu)
{
}

/*
 * Every entry loads CR3, and with global pages off that flushes all the
 * guest could have cached.  What a flush must still do is refresh our
 * copy of KVM's top page directory (run.c): KVM flushes after every
 * change to an entry that was present.  And forget the translations
 * kvm-lite keeps for its own accesses to guest memory (run.c).
 */
static void lite_flush_tlb(struct kvm_vcpu *vcpu)
{
	to_lite(vcpu)->pd3_stale = true;
	lite_tlb_flush(to_lite(vcpu));
}

static void lite_flush_tlb_gva(struct kvm_vcpu *vcpu, gva_t addr)
{
	lite_flush_tlb(vcpu);
}

/* The root is read at every entry from KVM's MMU (run.c). */
static void lite_load_mmu_pgd(struct kvm_vcpu *vcpu, hpa_t root_hpa,
			      int root_level)
{
	lite_flush_tlb(vcpu);
}

/*
 * Once per KVM_RUN: pick up a GDT changed by KVM_SET_SREGS and co, with
 * fresh translations (the VMM may have changed guest memory under them).
 */
static int lite_vcpu_pre_run(struct kvm_vcpu *vcpu)
{
	lite_tlb_flush(to_lite(vcpu));
	lite_refresh_gdt(to_lite(vcpu));
	return 1;
}

/*
 * No hardware tells us the length of the instruction that exited: unless
 * we decoded it ourselves (a hypercall), let the emulator step over it.
 */
static int lite_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	if (lite->skip_len) {
		kvm_rip_write(vcpu, kvm_rip_read(vcpu) + lite->skip_len);
		lite->skip_len = 0;
	} else if (!kvm_emulate_instruction(vcpu, EMULTYPE_SKIP)) {
		return 0;
	}
	lite->interrupt_shadow = 0;
	return 1;
}

/*
 * KVM's hypercall instruction for Intel CPUs.  A CPU without VMX raises
 * #UD on it, which reaches the host like every other guest exception.
 */
static void lite_patch_hypercall(struct kvm_vcpu *vcpu, unsigned char *insn)
{
	insn[0] = 0x0f;
	insn[1] = 0x01;
	insn[2] = 0xc1;
}

static void lite_refresh_apicv_exec_ctrl(struct kvm_vcpu *vcpu)
{
}

/*
 * VMX needs these two for real mode without "unrestricted guest"; we
 * have no VMCS to point at them.  Accept and ignore, as SVM does, so
 * VMMs that always call them (QEMU, kvmtool) work unchanged.
 */
static int lite_set_tss_addr(struct kvm *kvm, unsigned int addr)
{
	return 0;
}

static int lite_set_identity_map_addr(struct kvm *kvm, u64 ident_addr)
{
	return 0;
}

static bool lite_has_wbinvd_exit(void)
{
	return true;
}

static u64 lite_get_l2_tsc_offset(struct kvm_vcpu *vcpu)
{
	return 0;
}

static u64 lite_get_l2_tsc_multiplier(struct kvm_vcpu *vcpu)
{
	return kvm_caps.default_tsc_scaling_ratio;
}

/*
 * rdtsc runs natively in ring 1 and 3: the guest reads the host's TSC and
 * no offset can be applied.  KVM's offset is kept for its bookkeeping
 * only (a known hole: see lite.rst, "Holes no trap can close").
 */
static void lite_write_tsc_offset(struct kvm_vcpu *vcpu)
{
}

static void lite_write_tsc_multiplier(struct kvm_vcpu *vcpu)
{
}

/*
 * For the kvm_exit tracepoint: the "exit reason" of kvm-lite is the
 * vector the guest left through; info1 is CR2, info2 the error code.
 * (The tracepoint prints it with VMX's names: read the number.)
 */
static void lite_get_exit_info(struct kvm_vcpu *vcpu, u32 *reason, u64 *info1,
			       u64 *info2, u32 *intr_info, u32 *error_code)
{
	struct lite_exit *e = &to_lite(vcpu)->exit;

	*reason = e->vector;
	*info1 = e->cr2;
	*info2 = e->error_code;
	*intr_info = 0;
	*error_code = e->error_code;
}

static int lite_check_intercept(struct kvm_vcpu *vcpu,
				struct x86_instruction_info *info,
				enum x86_intercept_stage stage,
				struct x86_exception *exception)
{
	return X86EMUL_CONTINUE;
}

static void lite_setup_mce(struct kvm_vcpu *vcpu)
{
}

static int lite_check_emulate_instruction(struct kvm_vcpu *vcpu, int emul_type,
					  void *insn, int insn_len)
{
	return X86EMUL_CONTINUE;
}

static bool lite_apic_init_signal_blocked(struct kvm_vcpu *vcpu)
{
	return false;
}

/* Every guest MSR access traps, so a filter change needs no update. */
static void lite_msr_filter_changed(struct kvm_vcpu *vcpu)
{
}

static void lite_vcpu_after_set_cpuid(struct kvm_vcpu *vcpu)
{
}

/*
 * No nested virtualization: the vCPU is never in guest mode, so KVM only
 * ever calls the callbacks that must exist for the common paths.
 */
static void lite_leave_nested(struct kvm_vcpu *vcpu)
{
}

static void lite_nested_triple_fault(struct kvm_vcpu *vcpu)
{
}

static int lite_nested_check_events(struct kvm_vcpu *vcpu)
{
	return 0;
}

static bool lite_nested_is_exception_vmexit(struct kvm_vcpu *vcpu, u8 vector,
					    u32 error_code)
{
	return false;
}

static struct kvm_x86_nested_ops lite_nested_ops = {
	.leave_nested = lite_leave_nested,
	.triple_fault = lite_nested_triple_fault,
	.check_events = lite_nested_check_events,
	.is_exception_vmexit = lite_nested_is_exception_vmexit,
};

static struct kvm_x86_ops lite_x86_ops __initdata = {
	.name = KBUILD_MODNAME,

	.check_processor_compatibility = lite_check_processor_compatibility,
	.enable_virtualization_cpu = lite_enable_virtualization_cpu,
	.disable_virtualization_cpu = lite_disable_virtualization_cpu,
	.emergency_disable_virtualization_cpu =
		lite_emergency_disable_virtualization_cpu,
	.hardware_unsetup = lite_hardware_unsetup,
	.has_emulated_msr = lite_has_emulated_msr,
	.vcpu_after_set_cpuid = lite_vcpu_after_set_cpuid,

	.vm_size = sizeof(struct kvm),
	.vm_init = lite_vm_init,

	.vcpu_create = lite_vcpu_create,
	.vcpu_free = lite_vcpu_free,
	.vcpu_reset = lite_vcpu_reset,
	.prepare_switch_to_guest = lite_prepare_switch_to_guest,
	.vcpu_load = lite_vcpu_load,
	.vcpu_put = lite_vcpu_put,

	.update_exception_bitmap = lite_update_exception_bitmap,
	.get_feature_msr = lite_get_feature_msr,
	.get_msr = lite_get_msr,
	.set_msr = lite_set_msr,
	.get_segment_base = lite_get_segment_base,
	.get_segment = lite_get_segment,
	.set_segment = lite_set_segment,
	.get_cpl = lite_get_cpl,
	.get_cs_db_l_bits = lite_get_cs_db_l_bits,
	.is_valid_cr0 = lite_is_valid_cr0,
	.set_cr0 = lite_set_cr0,
	.is_valid_cr4 = lite_is_valid_cr4,
	.set_cr4 = lite_set_cr4,
	.set_efer = lite_set_efer,
	.get_idt = lite_get_idt,
	.set_idt = lite_set_idt,
	.get_gdt = lite_get_gdt,
	.set_gdt = lite_set_gdt,
	.sync_dirty_debug_regs = lite_sync_dirty_debug_regs,
	.set_dr7 = lite_set_dr7,
	.cache_reg = lite_cache_reg,
	.get_rflags = lite_get_rflags,
	.set_rflags = lite_set_rflags,
	.get_if_flag = lite_get_if_flag,

	.flush_tlb_all = lite_flush_tlb,
	.flush_tlb_current = lite_flush_tlb,
	.flush_tlb_gva = lite_flush_tlb_gva,
	.flush_tlb_guest = lite_flush_tlb,

	.vcpu_pre_run = lite_vcpu_pre_run,
	.vcpu_run = lite_vcpu_run,
	.handle_exit = lite_handle_exit,
	.skip_emulated_instruction = lite_skip_emulated_instruction,
	.set_interrupt_shadow = lite_set_interrupt_shadow,
	.get_interrupt_shadow = lite_get_interrupt_shadow,
	.patch_hypercall = lite_patch_hypercall,
	.inject_irq = lite_inject_irq,
	.inject_nmi = lite_inject_nmi,
	.inject_exception = lite_inject_exception,
	.cancel_injection = lite_cancel_injection,
	.interrupt_allowed = lite_interrupt_allowed,
	.nmi_allowed = lite_nmi_allowed,
	.get_nmi_mask = lite_get_nmi_mask,
	.set_nmi_mask = lite_set_nmi_mask,
	.enable_nmi_window = lite_enable_nmi_window,
	.enable_irq_window = lite_enable_irq_window,
	.refresh_apicv_exec_ctrl = lite_refresh_apicv_exec_ctrl,
	.deliver_interrupt = lite_deliver_interrupt,

	.set_tss_addr = lite_set_tss_addr,
	.set_identity_map_addr = lite_set_identity_map_addr,
	.load_mmu_pgd = lite_load_mmu_pgd,
	.has_wbinvd_exit = lite_has_wbinvd_exit,

	.get_l2_tsc_offset = lite_get_l2_tsc_offset,
	.get_l2_tsc_multiplier = lite_get_l2_tsc_multiplier,
	.write_tsc_offset = lite_write_tsc_offset,
	.write_tsc_multiplier = lite_write_tsc_multiplier,

	.get_exit_info = lite_get_exit_info,
	.check_intercept = lite_check_intercept,
	.handle_exit_irqoff = lite_handle_exit_irqoff,
	.nested_ops = &lite_nested_ops,
	.setup_mce = lite_setup_mce,

	.check_emulate_instruction = lite_check_emulate_instruction,
	.apic_init_signal_blocked = lite_apic_init_signal_blocked,
	.msr_filter_changed = lite_msr_filter_changed,
	.complete_emulated_msr = kvm_complete_insn_gp,
	.vcpu_deliver_sipi_vector = kvm_vcpu_deliver_sipi_vector,
};

static struct kvm_x86_init_ops lite_init_ops __initdata = {
	.hardware_setup = lite_hardware_setup,
	.runtime_ops = &lite_x86_ops,
	.pmu_ops = &lite_pmu_ops,
};

static int __init lite_init(void)
{
	int missing = lite_missing_feature(&boot_cpu_data);
	int r;

	if (missing >= 0) {
		pr_err("this CPU lacks '%s' (%s); not loading\n",
		       lite_required_features[missing].name,
		       lite_required_features[missing].why);
		return -EOPNOTSUPP;
	}
	/* KVM derives guest time from it, and spins while it is unknown. */
	if (!tsc_khz) {
		pr_err("the TSC frequency is unknown (calibration failed); not loading\n");
		return -EOPNOTSUPP;
	}
	/*
	 * Ring 1 is "supervisor" to the paging unit: with SMAP a guest
	 * kernel could not touch its own user pages, with SMEP it could not
	 * run what KVM's shadow maps user-accessible for a CR0.WP=0 guest.
	 */
	if (cpu_feature_enabled(X86_FEATURE_SMAP) ||
	    cpu_feature_enabled(X86_FEATURE_SMEP)) {
		pr_err("SMAP/SMEP are on, which ring-1 guests cannot live with; boot with nosmap nosmep\n");
		return -EOPNOTSUPP;
	}

	/*
	 * A guest PMU needs counters that follow the guest across world
	 * switches; kvm-lite has none to offer.  KVM reads this knob when
	 * a backend registers, so set it first.
	 */
	enable_pmu = false;

	r = lite_switcher_init();
	if (r)
		return r;
	lite_run_init();
	lite_exits_init();

	r = kvm_x86_vendor_init(&lite_init_ops);
	if (r == -EEXIST)
		pr_err("another KVM backend (kvm-intel or kvm-amd) is loaded; unload it to use kvm-lite\n");
	if (r)
		goto out_switcher;

	r = kvm_init(sizeof(struct vcpu_lite), __alignof__(struct vcpu_lite),
		     THIS_MODULE);
	if (r)
		goto out_vendor;

	if (boot_cpu_has(X86_FEATURE_VMX) || boot_cpu_has(X86_FEATURE_SVM))
		pr_info("this CPU has VT-x or AMD-V: kvm-intel or kvm-amd would run guests faster\n");
	pr_info("registered: guests run in ring 1 under shadow paging\n");
	return 0;

out_vendor:
	kvm_x86_vendor_exit();
out_switcher:
	lite_switcher_exit();
	return r;
}
module_init(lite_init);

static void __exit lite_exit(void)
{
	kvm_exit();
	kvm_x86_vendor_exit();
	lite_switcher_exit();
}
module_exit(lite_exit);
