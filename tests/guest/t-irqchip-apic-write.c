// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_HC_LITE_APIC_WRITE: the paravirtual guest's way to program the
 * local APIC timer and to EOI without an MMIO exit.  Each write must act
 * exactly as the store to the xAPIC page would: the timer set up by
 * hypercall fires once per one-shot count on its vector, reads back
 * through MMIO, and the EOI by hypercall retires the interrupt (ISR
 * clear), so the next one can come.  Registers outside the four it
 * serves are refused.  Run with --irqchip.
 */
#include "guest.h"

#define VECTOR		0x30
#define COUNT		200000	/* 200 us with KVM's 1 ns timer cycle */
#define SHOTS		3
#define MAX_TURNS	1000000

static volatile u32 ticks;

static u32 apic_hc(u32 reg, u32 value)
{
	return hypercall(KVM_HC_LITE_APIC_WRITE, reg, value, 0, 0);
}

static volatile u32 in_service_at_tick;

static void tick_hook(struct trap_frame *f)
{
	if (f->vector != VECTOR)
		return;
	ticks++;
	in_service_at_tick = lapic_vector_bit(APIC_ISR, VECTOR);
	apic_hc(APIC_EOI, 0);
}

/* Wait, halted, for the tick count to reach @want. */
static void wait_ticks(u32 want)
{
	u32 turns = 0;

	while (ticks < want && turns++ < MAX_TURNS)
		asm volatile("sti\n\thlt\n\tcli" : : : "memory");
}

static void test_refused(void)
{
	check_eq(apic_hc(APIC_SVR, SVR_ENABLE | 0xff), -KVM_EINVAL,
		 "APIC_WRITE refuses the spurious-vector register");
	check_eq(apic_hc(APIC_TMICT + 2, 1), -KVM_EINVAL,
		 "APIC_WRITE refuses an unaligned offset");
	check_eq(apic_hc(0x1000, 1), -KVM_EINVAL,
		 "APIC_WRITE refuses an offset beyond the page");
}

int guest_main(void)
{
	u32 shot;

	set_gate(VECTOR, trap_entry_48, 0);
	trap_hook = tick_hook;
	cli();
	lapic_write(APIC_SVR, SVR_ENABLE | 0xff);
	test_refused();

	check_eq(apic_hc(APIC_TDCR, TDCR_DIV_1), 0, "TDCR by hypercall");
	check_eq(apic_hc(APIC_LVT_TIMER, VECTOR), 0,
		 "LVT timer (one-shot) by hypercall");
	check_eq(lapic_read(APIC_LVT_TIMER), VECTOR,
		 "  ... reads back through MMIO");
	check_eq(lapic_read(APIC_TDCR) & 0xb, TDCR_DIV_1,
		 "  ... and so does TDCR");

	for (shot = 1; shot <= SHOTS; shot++) {
		apic_hc(APIC_TMICT, COUNT);
		wait_ticks(shot);
	}
	check_eq(ticks, SHOTS, "each one-shot count set by hypercall fires");
	check(in_service_at_tick, "  ... with its vector in service");
	check(!lapic_vector_bit(APIC_ISR, VECTOR), "EOI by hypercall retires it");

	guest_exit(0);
	return 0;
}
