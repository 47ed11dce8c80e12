// SPDX-License-Identifier: GPL-2.0
/*
 * A triple fault: the guest loads an IDT of limit 0 and then raises an
 * exception.  No gate can be read, so the exception cannot be
 * delivered, nor can the double fault that follows; a real CPU shuts
 * down, and so must the guest: KVM_EXIT_SHUTDOWN, with the host unharmed.
 */
#include "guest.h"

int guest_main(void)
{
	struct desc_ptr empty = { .limit = 0, .base = IDT_BASE };
	u32 before = trap_count;

	/* First show that the same exception is delivered through a gate. */
	set_gate(6, trap_entry_6, 0);
	trap_hook = fixup_hook;
	asm volatile("movl $1f, fixup_eip\n\t"
		     "ud2\n"
		     "1:" : : : "memory");
	check(trap_count == before + 1 && last_vector == 6,
	      "ud2 reaches the guest's #UD handler through a full IDT");

	expect("shutdown");
	lidt(&empty);
	asm volatile("ud2");
	check(0, "ud2 with an empty IDT came back");
	guest_exit(1);
	return 0;
}
