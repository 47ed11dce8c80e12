// SPDX-License-Identifier: GPL-2.0
/*
 * A guest kernel whose stack pointer lies inside the switcher's hole
 * when an exception must be delivered.  kvm-lite pushes the frame
 * itself, through the guest's view of memory, where the hole is no
 * memory at all (paging is off: no memslot there): the exception
 * cannot be delivered, and the guest is shut down (KVM_EXIT_SHUTDOWN)
 * without anything written to the hole.
 */
#include "guest.h"

int guest_main(void)
{
	u32 hole = hole_base();

	set_gate(6, trap_entry_6, 0);
	set_gate(8, trap_entry_6, 0);
	set_gate(14, trap_entry_14, 0);
	check(1, "#UD, #DF and #PF have gates");

	expect("shutdown");
	asm volatile("movl %0, %%esp\n\t"
		     "ud2" : : "r"(hole + 0x800) : "memory");
	check(0, "the #UD with ESP in the hole came back");
	guest_exit(1);
	return 0;
}
