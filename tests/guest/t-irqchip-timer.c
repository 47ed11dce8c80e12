// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC's timer drives a ring-1 guest: periodic ticks
 * on vector 0x30, each ended with an EOI, and a "sti; hlt" idle loop that
 * must really sleep until the next tick (one loop turn per tick), the way
 * every kernel's idle loop does.  Run with --irqchip.
 */
#include "guest.h"

#define LVT_MASKED	0x10000
#define LVT_PERIODIC	0x20000
#define VECTOR		0x30
#define PERIOD		1000000	/* bus cycles: 1 ms with KVM's 1 ns cycle */
#define TICKS		5
#define MAX_TURNS	10000000

static volatile u32 ticks;

static void tick_hook(struct trap_frame *f)
{
	if (f->vector == VECTOR) {
		ticks++;
		lapic_write(APIC_EOI, 0);
	}
}

static void start_timer(void)
{
	u32 c0, c1, try;

	lapic_write(APIC_SVR, SVR_ENABLE | 0xff);
	lapic_write(APIC_TDCR, TDCR_DIV_1);
	lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | VECTOR);
	lapic_write(APIC_TMICT, PERIOD);
	check_eq(lapic_read(APIC_LVT_TIMER), LVT_PERIODIC | VECTOR,
		 "LVT timer reads back: periodic, vector 0x30");
	/*
	 * Between a period's end and the host's timer interrupt that starts
	 * the next one, the count reads 0; on a busy machine two reads can
	 * both fall there.  A count that never moves stays 0 (or stuck)
	 * through every try.
	 */
	for (try = 0; try < 100; try++) {
		c0 = lapic_read(APIC_TMCCT);
		c1 = lapic_read(APIC_TMCCT);
		if (c0 != c1)
			break;
	}
	check(c0 <= PERIOD && c1 <= PERIOD && c0 != c1,
	      "the current count moves within the period");
}

static void stop_timer(void)
{
	lapic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR);
	lapic_write(APIC_TMICT, 0);
}

int guest_main(void)
{
	u32 turns = 0;

	set_gate(VECTOR, trap_entry_48, 0);
	trap_hook = tick_hook;
	check_eq(lapic_read(APIC_VERSION) & 0xff, 0x14,
		 "the in-kernel LAPIC answers MMIO (version 0x14)");

	cli();
	start_timer();
	/* The handler's interrupt gate leaves IF clear: no tick is lost. */
	while (ticks < TICKS && turns < MAX_TURNS) {
		asm volatile("sti\n\thlt" : : : "memory");
		turns++;
	}
	stop_timer();

	check_eq(ticks, TICKS, "five timer ticks arrived");
	puts("# ");
	put_dec(turns);
	puts(" idle-loop turns for ");
	put_dec(ticks);
	puts(" ticks\n");
	check(turns <= ticks + 1, "hlt sleeps until the next tick");
	guest_exit(0);
	return 0;
}
