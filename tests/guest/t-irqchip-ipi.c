// SPDX-License-Identifier: GPL-2.0
/*
 * A self-IPI through the in-kernel local APIC's ICR.  While the guest has
 * cli'd it must wait in the IRR, then arrive after the instruction that
 * follows sti, be in service (ISR) until the handler's EOI, and be gone
 * after it.  Run with --irqchip.
 */
#include "guest.h"

#define ICR_SELF	0x40000		/* destination shorthand: self */
#define ICR_ASSERT	0x4000
#define VECTOR		0x30

static volatile u32 expect_eip, isr_in_handler;

static void ipi_hook(struct trap_frame *f)
{
	if (f->vector != VECTOR)
		return;
	isr_in_handler = lapic_vector_bit(APIC_ISR, VECTOR);
	lapic_write(APIC_EOI, 0);
}

int guest_main(void)
{
	u32 before, i;

	set_gate(VECTOR, trap_entry_48, 0);
	trap_hook = ipi_hook;
	lapic_write(APIC_SVR, SVR_ENABLE | 0xff);

	cli();
	before = trap_count;
	lapic_write(APIC_ICR_LOW, ICR_SELF | ICR_ASSERT | VECTOR);
	for (i = 0; i < 20; i++)
		outl(PORT_ECHO, i);
	check_eq(trap_count - before, 0, "no IPI while IF=0");
	check(lapic_vector_bit(APIC_IRR, VECTOR), "the IPI waits in the IRR");

	asm volatile("movl $1f, expect_eip\n\t"
		     "sti\n\t"
		     "nop\n"
		     "1:" : : : "memory");
	check_eq(trap_count - before, 1, "sti: the IPI arrives");
	check_eq(last_vector, VECTOR, "sti: on its vector");
	check_eq(last_eip, expect_eip,
		 "sti: after the instruction following sti");
	check(isr_in_handler, "the handler runs with the vector in service");
	check(!lapic_vector_bit(APIC_ISR, VECTOR) && !lapic_vector_bit(APIC_IRR, VECTOR),
	      "after EOI it is neither in service nor pending");
	guest_exit(0);
	return 0;
}
