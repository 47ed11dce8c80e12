// SPDX-License-Identifier: GPL-2.0
/*
 * The guest kernel's virtual IF.  The real IF stays set while a kvm-lite
 * guest runs; cli and sti trap and only change the IF that KVM sees.  So
 * an interrupt user space raises (KVM_INTERRUPT, see PORT_IRQ) must wait
 * while the guest has cli'd, however many exits happen meanwhile, and
 * arrive exactly where a real CPU would take it: after the instruction
 * following sti, or as the wake-up of "sti; hlt".
 *
 * An interrupt gate clears the virtual IF, and the guest's iret cannot
 * set it again (a documented hole): every test starts with its own cli
 * or sti.
 */
#include "guest.h"

#define VECTOR		0x30

static volatile u32 expect_eip;

static void raise_irq(void)
{
	outb(PORT_IRQ, VECTOR);
}

/* Work that exits (port I/O) and work that does not, all with IF = 0. */
static void busy_with_exits(void)
{
	volatile u32 sum = 0;
	u32 i;

	for (i = 0; i < 300; i++) {
		sum += i;
		if (i % 10 == 0) {
			outl(PORT_ECHO, i);
			sum += inl(PORT_ECHO);
		}
	}
}

static void test_masked_until_sti(void)
{
	u32 before;

	cli();
	before = trap_count;
	raise_irq();
	busy_with_exits();
	check_eq(trap_count - before, 0,
		 "no interrupt while IF=0, across 60 port exits");

	asm volatile("movl $1f, expect_eip\n\t"
		     "sti\n\t"
		     "nop\n"
		     "1:" : : : "memory");
	check_eq(trap_count - before, 1, "sti: the interrupt arrives");
	check_eq(last_vector, VECTOR, "sti: it is the raised vector");
	check_eq(last_eip, expect_eip,
		 "sti: it arrives after the instruction following sti");
}

/* With IF=1, the interrupt arrives as soon as the out that raised it ends. */
static void test_immediate(void)
{
	u32 before = trap_count;

	sti();
	asm volatile("movl $1f, expect_eip\n\t"
		     "outb %%al, %%dx\n"
		     "1:" : : "a"((u8)VECTOR), "d"((u16)PORT_IRQ) : "memory");
	check_eq(trap_count - before, 1, "IF=1: the interrupt arrives");
	check_eq(last_eip, expect_eip,
		 "IF=1: it arrives right after the out that raised it");
}

/* cli'd, then "sti; hlt": the halt ends with the pending interrupt. */
static void test_sti_hlt(void)
{
	u32 before, halts;

	cli();
	before = trap_count;
	raise_irq();
	halts = inl(PORT_HLT_COUNT);
	asm volatile("movl $1f, expect_eip\n\t"
		     "sti\n\t"
		     "hlt\n"
		     "1:" : : : "memory");
	check_eq(trap_count - before, 1, "sti; hlt: the interrupt arrives");
	check_eq(last_eip, expect_eip,
		 "sti; hlt: it arrives after the hlt (the halt's wake-up)");
	check_eq(inl(PORT_HLT_COUNT) - halts, 1,
		 "sti; hlt: the vCPU halted (one KVM_EXIT_HLT)");
}

int guest_main(void)
{
	set_gate(VECTOR, trap_entry_48, 0);
	test_masked_until_sti();
	test_immediate();
	test_sti_hlt();
	guest_exit(0);
	return 0;
}
