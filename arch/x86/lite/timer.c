// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite guest: the local APIC timer's TMICT writes without an exit.
 *
 * Linux's own local APIC clockevent stays in charge; only its one-shot
 * TMICT writes take another road.  Instead of the hypercall, the count
 * becomes a TSC deadline in the vCPU page, and the host takes it over at
 * its next exit (arch/x86/kvm/lite/timer.c explains the promise that
 * makes this safe).  A ticking guest's next tick is almost always due
 * after the exit the host has promised, so a tick costs one exit, not
 * two.  /sys/module/kvm_lite_guest/parameters/timer_lazy_writes counts
 * the writes that needed no exit; kvm_lite_guest.lazy_timer=0 turns it
 * off.
 */
#include <linux/init.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>

#include <asm/apic.h>
#include <asm/kvm_lite_guest.h>
#include <asm/tsc.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "kvm_lite_guest."

static bool lazy_timer = true;
static unsigned int timer_lazy_writes;
module_param(lazy_timer, bool, 0444);
module_param(timer_lazy_writes, uint, 0444);

static bool timer_page_ok;	/* the host knows the timer fields */
static bool timer_oneshot;	/* LVTT as last written */
static u32 timer_divide = 1;	/* TDCR as last written, decoded */

/* KVM's APIC bus runs at 1 GHz: a TMICT count is @divide nanoseconds. */
static u64 kvm_lite_tmict_to_tsc(u32 count)
{
	return mul_u64_u32_div((u64)count * timer_divide, tsc_khz, 1000000);
}

static void kvm_lite_timer_store(u32 count)
{
	u64 deadline = count ? rdtsc() + kvm_lite_tmict_to_tsc(count) : 0;
	u64 check_by;

	WRITE_ONCE(kvm_lite_vcpu.timer_deadline, deadline);
	smp_wmb();	/* the deadline before the sequence that announces it */
	WRITE_ONCE(kvm_lite_vcpu.timer_seq, kvm_lite_vcpu.timer_seq + 1);
	smp_mb();	/* and both before we read the promise */
	check_by = READ_ONCE(kvm_lite_vcpu.timer_check_by);
	if (check_by && (s64)(rdtsc() - check_by) < 0 &&
	    (!deadline || deadline >= check_by)) {
		timer_lazy_writes++;
		return;
	}
	kvm_hypercall0(KVM_HC_LITE_TIMER_SYNC);
}

/*
 * From the APIC driver's write: true if the write was taken care of here.
 * Interrupts are off (clockevent calls), so the store and the check
 * cannot be split by our own interrupt handler reprogramming the timer.
 */
bool kvm_lite_timer_write(u32 reg, u32 v)
{
	u32 div;

	switch (reg) {
	case APIC_LVTT:
		timer_oneshot = (v & (3 << 17)) == APIC_LVT_TIMER_ONESHOT;
		return false;
	case APIC_TDCR:
		div = (v & 3) | ((v & 8) >> 1);
		timer_divide = 1 << ((div + 1) & 7);
		return false;
	case APIC_TMICT:
		if (!timer_page_ok || !timer_oneshot || !tsc_khz)
			return false;
		kvm_lite_timer_store(v);
		return true;
	}
	return false;
}

void __init kvm_lite_timer_setup(void)
{
	timer_page_ok = lazy_timer && kvm_lite_vcpu.version >= 3;
}
