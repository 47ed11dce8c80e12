// SPDX-License-Identifier: GPL-2.0
/*
 * An NMI from user space (KVM_NMI, see PORT_NMI) reaches the guest's
 * vector 2 even with the virtual IF clear, at the instruction boundary
 * after the out that asked for it.
 *
 * A second NMI is not tested: an unmodified guest's iret does not tell
 * kvm-lite that the first one is done (a documented hole).
 */
#include "guest.h"

static volatile u32 expect_eip;

int guest_main(void)
{
	u32 before;

	set_gate(2, trap_entry_2, 0);
	cli();
	before = trap_count;
	asm volatile("movl $1f, expect_eip\n\t"
		     "outb %%al, %%dx\n"
		     "1:" : : "a"((u8)1), "d"((u16)PORT_NMI) : "memory");
	check_eq(trap_count - before, 1, "the NMI arrives although IF=0");
	check_eq(last_vector, 2, "through vector 2");
	check_eq(last_eip, expect_eip, "right after the out that asked for it");
	guest_exit(0);
	return 0;
}
