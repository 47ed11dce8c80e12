// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite's hypercalls (see include/uapi/linux/kvm_lite.h for the ABI).
 *
 * The hypercall instruction raises #UD here; exits.c recognises it and
 * sends kvm-lite's numbers here and everything else to KVM's own
 * kvm_emulate_hypercall().  Every argument is checked against the
 * guest's own tables: a bad one is an error code for the guest, never a
 * problem for the host.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>

#include "lite.h"
#include "desc.h"
#include "x86.h"
#include "kvm_cache_regs.h"
#include "cpuid.h"
#include "lapic.h"

static long lite_hc_set_stack(struct vcpu_lite *lite, u32 ss, u32 esp)
{
	u64 desc = ss > 0xffff ? 0 : lite_guest_desc(lite, ss);

	if (!(ss & ~SEGMENT_RPL_MASK) || !lite_desc_is_writable_data(desc) ||
	    lite_desc_dpl(desc) != 0)
		return -KVM_EINVAL;
	lite->ring0_ss = ss & ~SEGMENT_RPL_MASK;
	lite->ring0_esp = esp;
	lite->ring0_stack_valid = true;
	return 0;
}

/* The hardware gate for a direct trap: the guest's handler, in ring 1. */
static long lite_hc_direct_trap(struct vcpu_lite *lite, u32 vector,
				u32 enable)
{
	struct lite_gate gate;
	u64 code;

	if (!enable) {
		lite->direct_vector = 0;
		return 0;
	}
	if (vector < FIRST_EXTERNAL_VECTOR || vector > 255 ||
	    !lite->ring0_stack_valid || lite_read_gate(lite, vector, &gate))
		return -KVM_EINVAL;

	code = lite_guest_desc(lite, gate.selector);
	/* Present, 32-bit trap gate, DPL 3, into the guest kernel's code. */
	if (!gate.present || gate.type != LITE_GATE_TRAP32 || gate.dpl != 3 ||
	    !lite_desc_is_code(code) || lite_desc_dpl(code) != 0)
		return -KVM_EINVAL;

	lite->direct_vector = vector;
	lite->direct_gate.offset_low = gate.offset & 0xffff;
	lite->direct_gate.offset_middle = gate.offset >> 16;
	lite->direct_gate.segment = (gate.selector & ~SEGMENT_RPL_MASK) | 1;
	lite->direct_gate.bits = (struct idt_bits) {
		.type = LITE_GATE_TRAP32, .dpl = 3, .p = 1,
	};
	return 0;
}

/* The longest stretch of code the guest may keep interrupts out of. */
#define LITE_NOIRQ_RANGE_MAX	256

static long lite_hc_noirq_range(struct vcpu_lite *lite, u32 start, u32 end)
{
	if (start > end || end - start > LITE_NOIRQ_RANGE_MAX)
		return -KVM_EINVAL;
	lite->noirq_start = start;
	lite->noirq_end = end;
	return 0;
}

/*
 * A write to the in-kernel local APIC without the MMIO exit's page walk
 * and instruction decode: the registers a tickless guest writes at every
 * interrupt (EOI) and every timer reprogramming.  KVM takes it as it
 * takes VT-x's APIC-write exits: the value lands in the register page,
 * then the register's write side effects run.
 */
/* The in-kernel xAPIC page is there: enabled, not in x2APIC mode. */
bool lite_xapic_enabled(struct kvm_vcpu *vcpu)
{
	return lapic_in_kernel(vcpu) &&
	       (vcpu->arch.apic_base &
		(MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)) ==
	       MSR_IA32_APICBASE_ENABLE;
}

long lite_apic_write(struct kvm_vcpu *vcpu, u32 reg, u32 value)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (!lite_xapic_enabled(vcpu))
		return -KVM_EOPNOTSUPP;
	if (reg != APIC_EOI && reg != APIC_LVTT && reg != APIC_TMICT &&
	    reg != APIC_TDCR)
		return -KVM_EINVAL;
	*(u32 *)(apic->regs + reg) = value;
	kvm_apic_write_nodecode(vcpu, reg);
	return 0;
}

static bool lite_system_event_known(u32 type)
{
	return type == KVM_SYSTEM_EVENT_SHUTDOWN ||
	       type == KVM_SYSTEM_EVENT_RESET || type == KVM_SYSTEM_EVENT_CRASH;
}

/*
 * Power off, reboot or crash: the VMM decides, through the same exit
 * other architectures' firmware calls produce.  Returns 0: to user space.
 */
static int lite_hc_system_event(struct kvm_vcpu *vcpu, u32 type)
{
	kvm_rax_write(vcpu, 0);
	kvm_skip_emulated_instruction(vcpu);
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	vcpu->run->system_event.type = type;
	return 0;
}

/* CPUID as KVM would emulate it. */
static void lite_hc_cpuid(struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf)
{
	u32 eax = leaf, ebx, ecx = subleaf, edx;

	kvm_cpuid(vcpu, &eax, &ebx, &ecx, &edx, false);
	kvm_rbx_write(vcpu, ebx);
	kvm_rcx_write(vcpu, ecx);
	kvm_rdx_write(vcpu, edx);
	kvm_rax_write(vcpu, eax);
}

bool lite_is_lite_hypercall(unsigned long nr)
{
	return nr - KVM_HC_LITE_BASE < 0x10000;
}

/* A kvm-lite hypercall; the instruction was @insn_len bytes long. */
int lite_hypercall(struct kvm_vcpu *vcpu, unsigned int insn_len)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	unsigned long nr = kvm_rax_read(vcpu);
	u32 a0 = kvm_rbx_read(vcpu), a1 = kvm_rcx_read(vcpu);
	long ret;

	++vcpu->stat.hypercalls;
	/* Skipping through KVM keeps single-stepping (TF) exact. */
	lite->skip_len = insn_len;
	if (lite_get_cpl(vcpu) != 0) {
		ret = -KVM_EPERM;
	} else if (nr == KVM_HC_LITE_CPUID) {
		/* The one call with four results writes its own. */
		lite_hc_cpuid(vcpu, a0, a1);
		return kvm_skip_emulated_instruction(vcpu);
	} else if (nr == KVM_HC_LITE_SYSTEM_EVENT) {
		if (lite_system_event_known(a0))
			return lite_hc_system_event(vcpu, a0);
		ret = -KVM_EINVAL;
	} else if (nr == KVM_HC_LITE_VCPU_PAGE) {
		ret = lite_vcpu_page_register(lite, a0, a1);
	} else if (nr == KVM_HC_LITE_IRQ_ENABLED ||
		   nr == KVM_HC_LITE_RELOAD_GDT ||
		   nr == KVM_HC_LITE_TIMER_SYNC) {
		/* The exit itself was the point (see lite_handle_exit()). */
		ret = 0;
	} else if (nr == KVM_HC_LITE_SET_STACK) {
		ret = lite_hc_set_stack(lite, a0, a1);
	} else if (nr == KVM_HC_LITE_DIRECT_TRAP) {
		ret = lite_hc_direct_trap(lite, a0, a1);
	} else if (nr == KVM_HC_LITE_APIC_WRITE) {
		ret = lite_apic_write(vcpu, a0, a1);
	} else if (nr == KVM_HC_LITE_MMU_BATCH) {
		ret = lite_hc_mmu_batch(vcpu, a0, a1);
	} else if (nr == KVM_HC_LITE_NOIRQ_RANGE) {
		ret = lite_hc_noirq_range(lite, a0, a1);
	} else {
		ret = -KVM_ENOSYS;
	}

	kvm_rax_write(vcpu, (u32)ret);
	return kvm_skip_emulated_instruction(vcpu);
}
