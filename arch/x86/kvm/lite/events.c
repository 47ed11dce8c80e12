// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite event injection bookkeeping.
 *
 * KVM's common code decides *which* interrupt, NMI or exception a vCPU
 * gets next; a hardware backend then writes it into the VMCS/VMCB and the
 * CPU delivers it on entry.  kvm-lite records it in struct
 * lite_pending_event instead, and the world switch delivers it through
 * the guest's IDT before resuming the guest.
 */
#include "lite.h"

#include <asm/kvm_host.h>
#include "lapic.h"
#include "x86.h"

static void lite_queue_event(struct vcpu_lite *lite, u8 vector, bool soft,
			     bool has_error_code, u32 error_code)
{
	lite->event.valid = true;
	lite->event.vector = vector;
	lite->event.soft = soft;
	lite->event.has_error_code = has_error_code;
	lite->event.error_code = error_code;
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
	struct kvm_queued_interrupt *irq = &vcpu->arch.interrupt;

	lite_queue_event(to_lite(vcpu), irq->nr, irq->soft, false, 0);
	++vcpu->stat.irq_injections;
}

void lite_inject_nmi(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite_queue_event(lite, NMI_VECTOR, false, false, 0);
	/* Delivering an NMI blocks further NMIs until the guest's iret. */
	lite->nmi_masked = true;
	++vcpu->stat.nmi_injections;
}

void lite_inject_exception(struct kvm_vcpu *vcpu)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;

	kvm_deliver_exception_payload(vcpu, ex);
	lite_queue_event(to_lite(vcpu), ex->vector,
			 kvm_exception_is_soft(ex->vector),
			 ex->has_error_code, ex->error_code);
}

/*
 * The entry was abandoned after KVM injected an event.  KVM's own
 * "injected" flags still name the event, and it re-injects from them on
 * the next attempt, so dropping our copy is all that is needed.
 */
void lite_cancel_injection(struct kvm_vcpu *vcpu)
{
	to_lite(vcpu)->event.valid = false;
}

static bool lite_interrupt_blocked(struct vcpu_lite *lite)
{
	return !(lite->rflags & X86_EFLAGS_IF) || lite->interrupt_shadow;
}

int lite_interrupt_allowed(struct kvm_vcpu *vcpu, bool for_injection)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	/* One event per entry: the switch has a single delivery slot. */
	if (for_injection && lite->event.valid)
		return -EBUSY;
	return !lite_interrupt_blocked(lite);
}

int lite_nmi_allowed(struct kvm_vcpu *vcpu, bool for_injection)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	if (for_injection && lite->event.valid)
		return -EBUSY;
	return !lite->nmi_masked &&
	       !(lite->interrupt_shadow & KVM_X86_SHADOW_INT_MOV_SS);
}

bool lite_get_nmi_mask(struct kvm_vcpu *vcpu)
{
	return to_lite(vcpu)->nmi_masked;
}

void lite_set_nmi_mask(struct kvm_vcpu *vcpu, bool masked)
{
	to_lite(vcpu)->nmi_masked = masked;
}

/*
 * Windows: KVM wants to know as soon as the guest can take an NMI or an
 * interrupt.  The world switch checks these flags when the guest changes
 * its (virtual) IF or executes iret.
 */
void lite_enable_nmi_window(struct kvm_vcpu *vcpu)
{
	to_lite(vcpu)->nmi_window_requested = true;
}

void lite_enable_irq_window(struct kvm_vcpu *vcpu)
{
	to_lite(vcpu)->irq_window_requested = true;
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
