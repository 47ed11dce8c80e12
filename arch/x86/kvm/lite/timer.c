// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC timer without an exit per reprogramming.
 *
 * A ticking Linux guest writes TMICT once per tick, and under kvm-lite
 * every write is an exit: half of what a CPU-bound guest costs in exits.
 * Yet the host looks at the vCPU page at every exit anyway.  So the guest
 * may leave its next deadline there (a TSC value, timer_deadline, with
 * timer_seq bumped) and go on; the host turns it into the TMICT write
 * the guest would have made, at its next exit.
 *
 * That is only good enough if the next exit comes before the deadline.
 * The host says by when it will look again (timer_check_by): when KVM's
 * timer is armed, its deadline (its interrupt is an exit); when a tick
 * has just fired, a "pickup" timer of our own, one tick period later.
 * The guest keeps its store to itself only when its deadline is not
 * earlier than that, and the promise still lies ahead; otherwise it
 * calls KVM_HC_LITE_TIMER_SYNC, an exit like any other.
 *
 * A periodic tick then costs one exit, the pickup, where the new
 * deadline is due and KVM delivers it at once, instead of two.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <linux/math64.h>

#include "lapic.h"
#include "lite.h"

/* Ticks further apart than this, or closer, get no pickup. */
#define LITE_PICKUP_MIN_NS	(20 * NSEC_PER_USEC)
#define LITE_PICKUP_MAX_NS	NSEC_PER_SEC

static u64 lite_tsc_to_ns(u64 cycles)
{
	return mul_u64_u32_div(cycles, 1000000, tsc_khz);
}

static u64 lite_ns_to_tsc(u64 ns)
{
	return mul_u64_u32_div(ns, tsc_khz, 1000000);
}

static void lite_timer_publish(struct vcpu_lite *lite, u64 check_by)
{
	kvm_write_guest_offset_cached(lite->vcpu.kvm, &lite->page_ghc,
				      &check_by,
				      LITE_VCPU_PAGE_FIELD(timer_check_by),
				      sizeof(check_by));
}

/* The deadline can stand in for TMICT only in one-shot xAPIC mode. */
static bool lite_timer_oneshot(struct kvm_vcpu *vcpu)
{
	return lite_xapic_enabled(vcpu) &&
	       vcpu->arch.apic->lapic_timer.timer_mode == APIC_LVT_TIMER_ONESHOT;
}

/* The TMICT count that lasts @left TSC cycles, 1 if none are left. */
static u32 lite_tmict_for(struct kvm_vcpu *vcpu, s64 left)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u64 count;

	if (left <= 0)
		return 1;
	count = div64_u64(lite_tsc_to_ns(left),
			  vcpu->kvm->arch.apic_bus_cycle_ns *
			  apic->divide_count);
	return clamp_t(u64, count, 1, U32_MAX);
}

/*
 * KVM's timer has fired (or is about to, at once) for the deadline we
 * armed, and its interrupt is on its way in: the guest's handler will
 * want the next one.  Promise an exit one period after this deadline,
 * the period being the distance from the last one, as a ticking guest's
 * next deadline will be.  Deadlines carry a little jitter (the guest
 * converts nanoseconds at the moment it writes), hence the slack on
 * both sides of the promise.
 */
static void lite_timer_fired(struct vcpu_lite *lite)
{
	u64 deadline = lite->timer_armed, last = lite->timer_last_fired;
	u64 period = deadline - last, slack, ns;

	lite->timer_last_fired = deadline;
	lite->timer_armed = 0;
	ns = last && (s64)period > 0 ? lite_tsc_to_ns(period) : 0;
	if (ns < LITE_PICKUP_MIN_NS || ns > LITE_PICKUP_MAX_NS) {
		lite_timer_publish(lite, 0);
		return;
	}
	slack = lite_ns_to_tsc(KVM_LITE_TIMER_SLACK_NS / 2);
	/* Now, not the deadline, is what the hrtimer's clock can give. */
	ns = lite_tsc_to_ns(max_t(s64, deadline + period + slack - rdtsc(), 0));
	hrtimer_start(&lite->timer_pickup, ns_to_ktime(ns),
		      HRTIMER_MODE_REL_PINNED_HARD);
	lite_timer_publish(lite, deadline + period - slack);
}

static void lite_timer_apply(struct vcpu_lite *lite, u64 deadline)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	s64 left = deadline - rdtsc();

	hrtimer_cancel(&lite->timer_pickup);
	lite->timer_armed = 0;
	if (!lite_timer_oneshot(vcpu)) {
		lite_timer_publish(lite, 0);
		return;
	}
	lite_apic_write(vcpu, APIC_TMICT,
			deadline ? lite_tmict_for(vcpu, left) : 0);
	if (!deadline) {
		lite_timer_publish(lite, 0);
		return;
	}
	lite->timer_armed = deadline;
	/*
	 * Due now (typically at a pickup): KVM's timer fires before we are
	 * back in the guest, at no exit we would see; the tick is now.
	 */
	if (left < (s64)lite_ns_to_tsc(LITE_PICKUP_MIN_NS)) {
		lite_timer_fired(lite);
		return;
	}
	/* Otherwise KVM's timer interrupt at the deadline is an exit. */
	lite_timer_publish(lite, deadline);
}

static enum hrtimer_restart lite_timer_pickup_fn(struct hrtimer *timer)
{
	struct vcpu_lite *lite = container_of(timer, struct vcpu_lite,
					      timer_pickup);

	/* Out of the guest, or out of hlt: the exit reads the page. */
	kvm_vcpu_kick(&lite->vcpu);
	return HRTIMER_NORESTART;
}

/*
 * At every exit, with the page's timer fields as just read: take over a
 * deadline the guest left.  Nothing new: a promise that has come due
 * simply lapses (the guest compares timer_check_by with its TSC too).
 */
void lite_timer_sync(struct vcpu_lite *lite, u32 seq, u64 deadline)
{
	if (seq != lite->timer_seq && tsc_khz) {
		lite->timer_seq = seq;
		lite_timer_apply(lite, deadline);
	}
}

/*
 * An interrupt is going in: if it is KVM's timer interrupt for the
 * deadline we armed, that deadline has fired.  (Seen here, not at the
 * exit its hrtimer caused: the hrtimer may also fire while the vCPU is
 * out of the guest, and then no exit of its own follows.)
 */
void lite_timer_delivering(struct vcpu_lite *lite, u32 vector)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;

	if (lite->timer_armed && lapic_in_kernel(vcpu) &&
	    vector == (kvm_lapic_get_reg(vcpu->arch.apic, APIC_LVTT) &
		       APIC_VECTOR_MASK) &&
	    (s64)(rdtsc() - lite->timer_armed) >= 0)
		lite_timer_fired(lite);
}

/* A new page (or none): nothing armed by it, nothing promised. */
void lite_timer_reset(struct vcpu_lite *lite)
{
	hrtimer_cancel(&lite->timer_pickup);
	lite->timer_seq = 0;
	lite->timer_armed = 0;
	lite->timer_last_fired = 0;
}

void lite_timer_init(struct vcpu_lite *lite)
{
	hrtimer_init(&lite->timer_pickup, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_HARD);
	lite->timer_pickup.function = lite_timer_pickup_fn;
}

void lite_timer_destroy(struct vcpu_lite *lite)
{
	hrtimer_cancel(&lite->timer_pickup);
}
