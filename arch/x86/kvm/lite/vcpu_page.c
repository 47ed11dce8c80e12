// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page a paravirtual guest shares with kvm-lite, one per vCPU
 * (struct kvm_lite_vcpu_page in include/uapi/linux/kvm_lite.h).
 *
 * Its point is the interrupt flag.  A ring-1 guest's cli and sti trap,
 * and an exit for every spin_lock_irqsave() is ruinous; with the page,
 * the guest flips irq_enabled with a plain store, and the host looks at
 * it when it has a reason to: at every exit, which is when KVM decides
 * about interrupts anyway.  If an interrupt is waiting the host raises
 * irq_pending, and the guest that turns interrupts back on calls in.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>

#include <linux/math64.h>

#include "lite.h"

static int lite_vcpu_page_write(struct vcpu_lite *lite, unsigned int offset,
				u32 value)
{
	return kvm_write_guest_offset_cached(lite->vcpu.kvm, &lite->page_ghc,
					     &value, offset, sizeof(value));
}

long lite_vcpu_page_register(struct vcpu_lite *lite, u32 gpa, u32 flags)
{
	struct kvm *kvm = lite->vcpu.kvm;
	struct kvm_lite_vcpu_page page = {
		.version = KVM_LITE_VCPU_PAGE_VERSION,
		.hole_start = lite_hole,
	};

	/* Without a page, EFLAGS.IF carries the guest's IF again. */
	if (lite->has_vcpu_page && !lite->page_irq_enabled)
		lite->rflags &= ~X86_EFLAGS_IF;
	lite->has_vcpu_page = false;
	lite->kernel_rpl0 = false;
	lite_timer_reset(lite);
	if (!gpa)
		return 0;
	if ((gpa & ~PAGE_MASK) || (flags & ~KVM_LITE_VCPU_PAGE_KERNEL_RPL0))
		return -KVM_EINVAL;
	/* The guest's own irq_enabled stands; everything else starts clean. */
	if (kvm_gfn_to_hva_cache_init(kvm, &lite->page_ghc, gpa, sizeof(page)) ||
	    kvm_read_guest_offset_cached(kvm, &lite->page_ghc,
					 &page.irq_enabled,
					 LITE_VCPU_PAGE_FIELD(irq_enabled),
					 sizeof(page.irq_enabled)) ||
	    kvm_write_guest_cached(kvm, &lite->page_ghc, &page, sizeof(page)))
		return -KVM_EFAULT;
	lite->has_vcpu_page = true;
	lite->kernel_rpl0 = flags & KVM_LITE_VCPU_PAGE_KERNEL_RPL0;
	lite->page_irq_enabled = !!page.irq_enabled;
	lite->rflags |= X86_EFLAGS_IF;
	lite_vcpu_page_update_time(lite);
	return 0;
}

/*
 * At every exit: what did the guest do to irq_enabled meanwhile?  If it
 * turned interrupts on, let KVM look for one to deliver.  And did it
 * leave a timer deadline (timer.c)?
 */
void lite_vcpu_page_sync(struct vcpu_lite *lite)
{
	struct kvm_lite_vcpu_page page;
	unsigned int from = LITE_VCPU_PAGE_FIELD(irq_enabled);
	unsigned int to = offsetofend(struct kvm_lite_vcpu_page,
				      timer_deadline);

	/* One read for both things the guest may have left us. */
	if (!lite->has_vcpu_page ||
	    kvm_read_guest_offset_cached(lite->vcpu.kvm, &lite->page_ghc,
					 (void *)&page + from, from,
					 to - from))
		return;
	if (page.irq_enabled && !lite->page_irq_enabled)
		kvm_make_request(KVM_REQ_EVENT, &lite->vcpu);
	lite->page_irq_enabled = !!page.irq_enabled;
	lite_timer_sync(lite, page.timer_seq, page.timer_deadline);
}

/*
 * The guest's interrupt flag.  Once the page is shared it is irq_enabled
 * alone, and EFLAGS.IF stays set underneath.  Keeping both would not
 * work: a ring-1 kernel's cli traps and could clear EFLAGS.IF, but its
 * popf cannot set it again (popf outside ring 0 leaves IF alone without
 * a fault), so an ordinary pushf; cli; ...; popf would leave interrupts
 * off for good.
 */
bool lite_irq_enabled(struct vcpu_lite *lite)
{
	if (lite->has_vcpu_page)
		return lite->page_irq_enabled;
	return lite->rflags & X86_EFLAGS_IF;
}

/*
 * Set the guest's interrupt flag: delivery through an interrupt gate, or
 * EFLAGS.IF written by KVM (an emulated cli, sti, popf or iret, or the
 * VMM's KVM_SET_REGS).
 */
void lite_set_irq_enabled(struct vcpu_lite *lite, bool enabled)
{
	if (!lite->has_vcpu_page) {
		if (enabled)
			lite->rflags |= X86_EFLAGS_IF;
		else
			lite->rflags &= ~X86_EFLAGS_IF;
		return;
	}
	if (enabled == lite->page_irq_enabled)
		return;
	if (enabled)
		kvm_make_request(KVM_REQ_EVENT, &lite->vcpu);
	lite->page_irq_enabled = enabled;
	lite_vcpu_page_write(lite, LITE_VCPU_PAGE_FIELD(irq_enabled), enabled);
}

void lite_vcpu_page_set_pending(struct vcpu_lite *lite, bool pending)
{
	if (lite->has_vcpu_page)
		lite_vcpu_page_write(lite, LITE_VCPU_PAGE_FIELD(irq_pending),
				     pending);
}

/*
 * TSC cycles to nanoseconds as a 32.32 fixed-point multiplier and a
 * shift, chosen so that the multiplier keeps as many bits as it can.
 */
static void lite_tsc_scale(u32 tsc_khz, u32 *mul, s32 *shift)
{
	u64 ns_per_tsc_32 = div_u64(1000000ULL << 32, tsc_khz);

	*shift = 0;
	while (ns_per_tsc_32 > U32_MAX) {
		ns_per_tsc_32 >>= 1;
		(*shift)++;
	}
	while (!(ns_per_tsc_32 & BIT(31)) && *shift > -31) {
		ns_per_tsc_32 <<= 1;
		(*shift)--;
	}
	*mul = ns_per_tsc_32;
}

/*
 * Publish the clock: the VM's kvmclock time and the host TSC, read
 * together, plus the TSC's rate.  Done at sharing time, after the vCPU
 * moves to another CPU (TSCs of different CPUs may drift), and every few
 * hundred milliseconds so that errors in the rate cannot add up.
 */
void lite_vcpu_page_update_time(struct vcpu_lite *lite)
{
	struct kvm_lite_vcpu_page t = {};
	struct kvm *kvm = lite->vcpu.kvm;
	unsigned long flags;
	u32 version;

	if (!lite->has_vcpu_page || !tsc_khz)
		return;
	if (kvm_read_guest_offset_cached(kvm, &lite->page_ghc, &version,
					 LITE_VCPU_PAGE_FIELD(time_version),
					 sizeof(version)))
		return;

	local_irq_save(flags);
	t.tsc_timestamp = rdtsc();
	t.system_time = ktime_get_boottime_ns() + kvm->arch.kvmclock_offset;
	local_irq_restore(flags);
	lite_tsc_scale(tsc_khz, &t.tsc_to_ns_mul, &t.tsc_shift);

	/* Odd while the fields change, even again once they are whole. */
	version |= 1;
	lite_vcpu_page_write(lite, LITE_VCPU_PAGE_FIELD(time_version),
			     version);
	smp_wmb();	/* the odd version is visible before the fields */
	kvm_write_guest_offset_cached(kvm, &lite->page_ghc, &t.tsc_to_ns_mul,
				      LITE_VCPU_PAGE_FIELD(tsc_to_ns_mul),
				      offsetofend(struct kvm_lite_vcpu_page,
						  system_time) -
				      LITE_VCPU_PAGE_FIELD(tsc_to_ns_mul));
	smp_wmb();	/* the fields are whole before the even version */
	lite_vcpu_page_write(lite, LITE_VCPU_PAGE_FIELD(time_version),
			     version + 1);
	lite->time_updated = jiffies;
	lite->time_cpu = lite->vcpu.cpu;
}

/* At every exit: is the published clock due for a refresh? */
void lite_vcpu_page_maybe_update_time(struct vcpu_lite *lite)
{
	if (lite->has_vcpu_page &&
	    (lite->time_cpu != lite->vcpu.cpu ||
	     time_after(jiffies, lite->time_updated + HZ / 4)))
		lite_vcpu_page_update_time(lite);
}

void lite_vcpu_page_set_cr2(struct vcpu_lite *lite, u32 cr2)
{
	if (lite->has_vcpu_page)
		lite_vcpu_page_write(lite, LITE_VCPU_PAGE_FIELD(cr2), cr2);
}
