// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite event injection: interrupts, NMIs and exceptions for a guest.
 *
 * KVM's common code decides *which* event a vCPU gets next and calls
 * inject_irq, inject_nmi or inject_exception; a hardware backend writes
 * it into the VMCS/VMCB and the CPU delivers it on entry.  There is no
 * such CPU here, so kvm-lite delivers the event itself, at once, exactly
 * as the CPU would through the guest's IDT: it builds the interrupt frame
 * on the guest's stack and points the guest at its handler.  These
 * callbacks run preemptible, so guest memory may be touched.
 *
 * Since the event is in guest memory once injected, KVM's "injected"
 * state is cleared before every entry (lite_vcpu_run) and when an entry
 * is abandoned (lite_cancel_injection): there is nothing to re-inject.
 */
#include "lite.h"

#include <asm/kvm_host.h>
#include "desc.h"
#include "lapic.h"
#include "x86.h"
#include "kvm_cache_regs.h"

/* Gate @vector of the guest's IDT, decoded. */
int lite_read_gate(struct vcpu_lite *lite, unsigned int vector,
		   struct lite_gate *gate)
{
	u64 raw;

	if (vector * 8 + 7 > lite->idt.size ||
	    lite_read_guest(&lite->vcpu, lite->idt.address + vector * 8,
			    &raw, sizeof(raw)))
		return -EFAULT;
	gate->offset = (raw & 0xffff) | ((raw >> 32) & 0xffff0000);
	gate->selector = raw >> 16;
	gate->type = (raw >> 40) & 0x1f;	/* S bit included: must be 0 */
	gate->dpl = (raw >> 45) & 3;
	gate->present = (raw >> 47) & 1;
	return 0;
}

/*
 * The guest's kernel stack for ring 0: what it told us by hypercall, or
 * else what the CPU would read, from the TSS it loaded with ltr.
 */
static int lite_ring0_stack(struct vcpu_lite *lite, u16 *ss, u32 *esp)
{
	struct kvm_segment *tr = &lite->segs[VCPU_SREG_TR];
	u32 tss[3];		/* link, esp0, ss0 */

	if (lite->ring0_stack_valid) {
		*ss = lite->ring0_ss;
		*esp = lite->ring0_esp;
		return 0;
	}
	if (tr->unusable || tr->limit < sizeof(tss) - 1 ||
	    lite_read_guest(&lite->vcpu, tr->base, tss, sizeof(tss)))
		return -EFAULT;
	*esp = tss[1];
	*ss = tss[2];
	return 0;
}

/* Load a segment register of KVM's view from the guest's GDT. */
static int lite_load_segment(struct vcpu_lite *lite, int seg, u16 selector)
{
	if (!(lite_guest_desc(lite, selector) & LITE_DESC_P))
		return -EFAULT;
	lite_segment_from_selector(lite, seg, selector);
	return 0;
}

/*
 * CS as the CPU holds it: a guest kernel's CS has RPL 1, unless the
 * guest asked to see RPL 0 (KVM_LITE_VCPU_PAGE_KERNEL_RPL0).
 */
static u32 lite_hw_cs(struct vcpu_lite *lite, int cpl)
{
	u16 cs = lite->segs[VCPU_SREG_CS].selector;

	if (cpl)
		return cs;
	return (cs & ~SEGMENT_RPL_MASK) | (lite->kernel_rpl0 ? 0 : 1);
}

/*
 * Deliver @vector through the guest's IDT, as a 32-bit CPU would: check
 * the gate, switch to the ring-0 stack from the guest's TSS when coming
 * from user mode, push [SS, ESP,] EFLAGS, CS, EIP[, error code], and jump
 * to the handler.  CS and SS are pushed as the CPU holds them, so a guest
 * kernel's frames carry RPL 1 and its iret stays in ring 1.
 *
 * @insn_len is the length of a software interrupt instruction (the frame
 * returns past it), 0 for everything else.
 */
static int lite_deliver(struct vcpu_lite *lite, unsigned int vector,
			bool has_error, u32 error_code, unsigned int insn_len)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	int cpl = lite_get_cpl(vcpu), new_cpl;
	u32 frame[6], *f = frame + ARRAY_SIZE(frame);
	u32 esp = kvm_rsp_read(vcpu), ss_base, new_esp;
	u16 ss = lite->segs[VCPU_SREG_SS].selector;
	struct lite_gate gate;
	u64 code;

	if (lite_read_gate(lite, vector, &gate) || !gate.present ||
	    (gate.type != LITE_GATE_INT32 && gate.type != LITE_GATE_TRAP32))
		return -EFAULT;
	if (insn_len && gate.dpl < cpl) {
		/* A software interrupt the gate does not allow from here. */
		kvm_queue_exception_e(vcpu, GP_VECTOR, vector * 8 + 2);
		return 0;
	}
	code = lite_guest_desc(lite, gate.selector);
	if (!lite_desc_is_code(code) || lite_desc_dpl(code) > cpl)
		return -EFAULT;
	new_cpl = lite_desc_dpl(code);

	if (new_cpl != cpl) {
		*--f = ss;
		*--f = esp;
		if (new_cpl != 0 || lite_ring0_stack(lite, &ss, &esp) ||
		    lite_load_segment(lite, VCPU_SREG_SS, ss))
			return -EFAULT;
	}
	*--f = (lite->rflags & ~X86_EFLAGS_IF) |
	       (lite_irq_enabled(lite) ? X86_EFLAGS_IF : 0);
	*--f = lite_hw_cs(lite, cpl);
	*--f = kvm_rip_read(vcpu) + insn_len;
	if (has_error)
		*--f = error_code;

	new_esp = esp - (frame + ARRAY_SIZE(frame) - f) * 4;
	ss_base = lite->segs[VCPU_SREG_SS].base;
	if (lite_write_guest(vcpu, ss_base + new_esp, f,
			     (frame + ARRAY_SIZE(frame) - f) * 4) ||
	    lite_load_segment(lite, VCPU_SREG_CS,
			      (gate.selector & ~SEGMENT_RPL_MASK) |
			      (new_cpl ? 3 : 1)))
		return -EFAULT;
	if (new_cpl == 0)
		lite->segs[VCPU_SREG_SS].selector =
			(lite->segs[VCPU_SREG_SS].selector & ~SEGMENT_RPL_MASK) | 1;

	kvm_rsp_write(vcpu, new_esp);
	kvm_rip_write(vcpu, gate.offset);
	lite->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF |
			  X86_EFLAGS_VM);
	if (gate.type == LITE_GATE_INT32)
		lite_set_irq_enabled(lite, false);
	return 0;
}

/*
 * Deliver, or failing that (no usable gate, no stack), shut the guest
 * down: a real CPU would have escalated to a double and triple fault.
 */
static void lite_deliver_or_shutdown(struct vcpu_lite *lite,
				     unsigned int vector, bool has_error,
				     u32 error_code, unsigned int insn_len)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;

	if (!is_protmode(vcpu)) {
		kvm_inject_realmode_interrupt(vcpu, vector, insn_len);
		return;
	}
	if (lite_deliver(lite, vector, has_error, error_code, insn_len))
		kvm_make_request(KVM_REQ_TRIPLE_FAULT, vcpu);
}

int lite_deliver_soft(struct vcpu_lite *lite, unsigned int vector,
		      unsigned int insn_len)
{
	lite_deliver_or_shutdown(lite, vector, false, 0, insn_len);
	return 1;
}

void lite_set_interrupt_shadow(struct kvm_vcpu *vcpu, int mask)
{
	to_lite(vcpu)->interrupt_shadow = mask;
}

u32 lite_get_interrupt_shadow(struct kvm_vcpu *vcpu)
{
	return to_lite(vcpu)->interrupt_shadow;
}

void lite_inject_irq(struct kvm_vcpu *vcpu, bool reinjected)
{
	lite_timer_delivering(to_lite(vcpu), vcpu->arch.interrupt.nr);
	lite_vcpu_page_set_pending(to_lite(vcpu), false);
	lite_deliver_or_shutdown(to_lite(vcpu), vcpu->arch.interrupt.nr,
				 false, 0, 0);
	++vcpu->stat.irq_injections;
}

void lite_inject_nmi(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	u32 sp = kvm_rsp_read(vcpu);

	lite_deliver_or_shutdown(lite, NMI_VECTOR, false, 0, 0);
	/* Blocks further NMIs until the guest's handler returns. */
	lite->nmi_masked = true;
	lite->nmi_tracked = true;
	lite->nmi_from_user = lite_get_cpl(vcpu) == 3;
	lite->nmi_return_sp = sp;
	++vcpu->stat.nmi_injections;
}

/*
 * The guest's iret at the end of its NMI handler runs natively: no exit
 * tells us NMIs are unblocked.  Infer it at the next exit instead: the
 * guest is back in user mode, or its kernel stack has unwound past the
 * NMI frame.  (A paravirtual guest could say so; this covers every
 * guest.)
 */
void lite_nmi_check_return(struct vcpu_lite *lite)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;

	if (!lite->nmi_masked || !lite->nmi_tracked)
		return;
	if (lite_get_cpl(vcpu) == 3 ||
	    (!lite->nmi_from_user &&
	     kvm_rsp_read(vcpu) >= lite->nmi_return_sp)) {
		lite->nmi_masked = false;
		lite->nmi_tracked = false;
		kvm_make_request(KVM_REQ_EVENT, vcpu);
	}
}

void lite_inject_exception(struct kvm_vcpu *vcpu)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;

	kvm_deliver_exception_payload(vcpu, ex);
	if (ex->vector == PF_VECTOR)
		lite_vcpu_page_set_cr2(to_lite(vcpu), vcpu->arch.cr2);
	lite_deliver_or_shutdown(to_lite(vcpu), ex->vector,
				 ex->has_error_code, ex->error_code, 0);
}

/* The event is already in guest memory; make sure KVM does not repeat it. */
void lite_cancel_injection(struct kvm_vcpu *vcpu)
{
	vcpu->arch.exception.injected = false;
	vcpu->arch.interrupt.injected = false;
	vcpu->arch.nmi_injected = false;
}

/* The guest kernel is in code it asked never to be interrupted in. */
static bool lite_in_noirq_range(struct vcpu_lite *lite)
{
	u32 eip = kvm_rip_read(&lite->vcpu);

	return eip - lite->noirq_start < lite->noirq_end - lite->noirq_start &&
	       lite_get_cpl(&lite->vcpu) == 0;
}

static bool lite_interrupt_blocked(struct vcpu_lite *lite)
{
	return !lite_irq_enabled(lite) || lite->interrupt_shadow ||
	       lite_in_noirq_range(lite);
}

int lite_interrupt_allowed(struct kvm_vcpu *vcpu, bool for_injection)
{
	return !lite_interrupt_blocked(to_lite(vcpu));
}

int lite_nmi_allowed(struct kvm_vcpu *vcpu, bool for_injection)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	return !lite->nmi_masked &&
	       !(lite->interrupt_shadow & KVM_X86_SHADOW_INT_MOV_SS);
}

bool lite_get_nmi_mask(struct kvm_vcpu *vcpu)
{
	return to_lite(vcpu)->nmi_masked;
}

void lite_set_nmi_mask(struct kvm_vcpu *vcpu, bool masked)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite->nmi_masked = masked;
	lite->nmi_tracked = false;
}

/*
 * Windows: KVM wants to know as soon as the guest can take an NMI or an
 * interrupt.  Nothing to arm: every cli/sti of a ring-1 guest traps and
 * is emulated, KVM re-evaluates events after each, and the end of an
 * NMI handler is noticed at the next exit (lite_nmi_check_return).
 */
void lite_enable_nmi_window(struct kvm_vcpu *vcpu)
{
}

void lite_enable_irq_window(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	/* A paravirtual guest learns it should call back when it can. */
	if (!lite->page_irq_enabled)
		lite_vcpu_page_set_pending(lite, true);
}

/*
 * An interrupt for a vCPU's in-kernel local APIC.  Without posted
 * interrupts there is only one way: set the IRR bit, ask KVM to evaluate
 * events and kick the vCPU out of the guest (or out of halt).
 */
void lite_deliver_interrupt(struct kvm_lapic *apic, int delivery_mode,
			    int trig_mode, int vector)
{
	struct kvm_vcpu *vcpu = apic->vcpu;

	kvm_lapic_set_irr(vector, apic);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	kvm_vcpu_kick(vcpu);
}
