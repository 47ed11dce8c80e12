// SPDX-License-Identifier: GPL-2.0
/*
 * A debugger in user space (KVM_SET_GUEST_DEBUG, driven by run-guests
 * through PORT_DEBUG): single-steps and software breakpoints become
 * KVM_EXIT_DEBUG for the VMM, and the guest never sees the #DB or #BP.
 */
#include "guest.h"

int guest_main(void)
{
	u32 before;

	set_gate(1, trap_entry_0, 0);	/* a #DB here would be counted */
	set_gate(3, trap_entry_3, 3);

	before = inl(PORT_DEBUG);
	outb(PORT_DEBUG, 5);
	asm volatile("nop; nop; nop; nop; nop; nop; nop; nop");
	check_eq(inl(PORT_DEBUG) - before, 5,
		 "5 single-steps, 5 KVM_EXIT_DEBUG exits to the VMM");

	before = inl(PORT_DEBUG);
	outb(PORT_DEBUG, DEBUG_SW_BP);
	asm volatile("int3");
	check_eq(inl(PORT_DEBUG) - before, 1,
		 "an int3 under KVM_GUESTDBG_USE_SW_BP is the VMM's");
	check_eq(trap_count, 0, "the guest saw neither a #DB nor a #BP");

	/* Without the debugger, int3 is the guest's again. */
	asm volatile("int3");
	check(trap_count == 1 && last_vector == 3,
	      "with the debugger gone, int3 reaches the guest");
	guest_exit(0);
	return 0;
}
