// SPDX-License-Identifier: GPL-2.0
/*
 * Timer deadlines left in the vCPU page (timer_seq, timer_deadline,
 * timer_check_by): the host must take each one over at its next exit as
 * the TMICT write it stands for, in one-shot mode only, and must keep
 * its promise to exit by timer_check_by, so that a guest whose deadline
 * is not earlier can skip the exit.  Run with --irqchip.
 */
#include "guest.h"

#define VCPU_PAGE	0x20000
#define VECTOR		0x30
#define LVT_MASKED	0x10000
#define LVT_PERIODIC	0x20000
/* A tick period in TSC cycles: 5-10 ms at this machine's rates. */
#define PERIOD		20000000ULL
#define MAX_SPIN	2000000000ULL

static volatile struct kvm_lite_vcpu_page *page =
	(volatile struct kvm_lite_vcpu_page *)VCPU_PAGE;
static volatile u32 ticks;
static volatile u64 tick_tsc;

static void tick_hook(struct trap_frame *f)
{
	if (f->vector != VECTOR)
		return;
	tick_tsc = rdtsc();
	ticks++;
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_EOI, 0, 0, 0);
	/* Delivery cleared the virtual IF; our iret does not restore it. */
	page->irq_enabled = 1;
}

/* The store a paravirtual guest makes instead of writing TMICT. */
static void store_deadline(u64 deadline)
{
	page->timer_deadline = deadline;
	asm volatile("" : : : "memory");
	page->timer_seq = page->timer_seq + 1;
}

static void sync_deadline(u64 deadline)
{
	store_deadline(deadline);
	hypercall(KVM_HC_LITE_TIMER_SYNC, 0, 0, 0, 0);
}

/*
 * Spin with interrupts on and without exits of our own until the tick
 * count passes @want or the TSC passes @until: only the host's own exits
 * (its timers) can deliver anything meanwhile.
 */
static void spin_until(u32 want, u64 until)
{
	while (ticks < want && rdtsc() < until)
		asm volatile("pause" : : : "memory");
}

static void test_sync(void)
{
	u64 deadline, check_by;
	u32 tmict;

	check_eq(hypercall(KVM_HC_LITE_TIMER_SYNC, 0, 0, 0, 0), 0,
		 "KVM_HC_LITE_TIMER_SYNC returns 0");
	deadline = rdtsc() + 10 * PERIOD;
	sync_deadline(deadline);
	check_by = page->timer_check_by;
	tmict = lapic_read(APIC_TMICT);
	spin_until(1, rdtsc() + MAX_SPIN);
	check(tmict != 0, "a deadline taken over by the sync is a TMICT count");
	check(check_by == deadline,
	      "  ... and the host promises to look again at the deadline");
	check_eq(ticks, 1, "  ... and the timer fires");
	check(tick_tsc >= deadline, "  ... not before the deadline");

	sync_deadline(rdtsc() - PERIOD);
	spin_until(2, rdtsc() + MAX_SPIN);
	check_eq(ticks, 2, "a deadline already past fires at once");
}

static void test_lazy_moves(void)
{
	u64 first, later;

	first = rdtsc() + PERIOD;
	sync_deadline(first);
	later = first + 2 * PERIOD;
	store_deadline(later);		/* no exit: check_by is first */
	spin_until(3, later + 50 * PERIOD);
	check_eq(ticks, 3, "a later deadline left in the page fires once");
	check(tick_tsc >= later, "  ... at the later deadline, not the first");

	first = rdtsc() + PERIOD;
	sync_deadline(first);
	store_deadline(0);
	spin_until(4, first + 20 * PERIOD);
	check_eq(ticks, 3, "a stop left in the page stops the timer");
	check_eq(lapic_read(APIC_TMICT), 0, "  ... TMICT reads 0");
}

/*
 * A ticking guest: two ticks by sync, then each next deadline one period
 * on, left in the page as the tick's aftermath, with no exits of ours.
 * Nothing is printed until the ticks are done: every console byte is an
 * exit, and slow ones at that.
 */
static void test_promise(void)
{
	u64 d, second, check_by, best_late = ~0ULL;
	u32 two, lazy, synced;

	d = rdtsc() + PERIOD;
	sync_deadline(d);
	spin_until(4, d + 50 * PERIOD);
	d += PERIOD;
	sync_deadline(d);
	spin_until(5, d + 50 * PERIOD);
	two = ticks;
	check_by = page->timer_check_by;
	second = d;

	/*
	 * A tick that reaches us after the promise has lapsed (a busy build
	 * machine can delay one by a period) is followed, as in any guest,
	 * by a sync; the next tick can be left in the page again.
	 */
	for (lazy = 0, synced = 0; lazy < 5 && synced < 20; ) {
		u32 want = ticks + 1;
		int in_page;

		d += PERIOD;
		in_page = rdtsc() < page->timer_check_by &&
			  d >= page->timer_check_by;
		if (in_page)
			store_deadline(d);
		else
			sync_deadline(d);
		spin_until(want, d + 100 * PERIOD);
		if (ticks != want || tick_tsc < d)
			break;
		if (!in_page) {
			synced++;
			continue;
		}
		lazy++;
		if (tick_tsc - d < best_late)
			best_late = tick_tsc - d;
	}
	check_eq(two, 5, "two ticks one period apart fire");
	check(check_by <= second + PERIOD && check_by > second + PERIOD / 2,
	      "  ... then the host promises an exit one period later (less its slack)");
	if (synced) {
		puts("# ");
		put_dec(synced);
		puts(" tick(s) came after the promise had lapsed: synced\n");
	}
	check_eq(lazy, 5, "five ticks left in the page fire, none early");
	check(vcpu_page_tsc_ns(page->tsc_to_ns_mul, page->tsc_shift,
			       best_late) < 1000000,
	      "  ... within a millisecond of their deadline (the best of them)");
}

static void test_periodic_ignored(void)
{
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_LVT_TIMER,
		  LVT_MASKED | LVT_PERIODIC | VECTOR, 0, 0);
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_TMICT, 12345, 0, 0);
	sync_deadline(rdtsc() + PERIOD);
	check_eq(lapic_read(APIC_TMICT), 12345,
		 "in periodic mode a deadline in the page changes nothing");
	check(page->timer_check_by == 0, "  ... and the host promises nothing");
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_TMICT, 0, 0, 0);
}

int guest_main(void)
{
	set_gate(VECTOR, trap_entry_48, 0);
	trap_hook = tick_hook;
	cli();
	page->irq_enabled = 0;
	check_eq(hypercall(KVM_HC_LITE_VCPU_PAGE, VCPU_PAGE, 0, 0, 0), 0,
		 "the per-vCPU page is shared");
	check(page->timer_seq == 0 && page->timer_deadline == 0 &&
	      page->timer_check_by == 0, "  ... with its timer fields zeroed");
	lapic_write(APIC_SVR, SVR_ENABLE | 0xff);
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_TDCR, TDCR_DIV_1, 0, 0);
	hypercall(KVM_HC_LITE_APIC_WRITE, APIC_LVT_TIMER, VECTOR, 0, 0);
	sti();				/* irq_enabled = 1 */

	test_sync();
	test_lazy_moves();
	test_promise();
	test_periodic_ignored();
	guest_exit(0);
	return 0;
}
