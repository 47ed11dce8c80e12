// SPDX-License-Identifier: GPL-2.0
/*
 * An exception whose IDT gate is not present.  On a real CPU that is a
 * #NP, whose gate is not present either, then a double fault through a
 * not-present gate: shutdown.  kvm-lite cannot use the gate and must
 * shut the guest down the same way (KVM_EXIT_SHUTDOWN).
 */
#include "guest.h"

int guest_main(void)
{
	u32 before = trap_count;

	set_gate(0, trap_entry_0, 0);
	trap_hook = fixup_hook;
	asm volatile("movl $1f, fixup_eip\n\t"
		     "xorl %%ecx, %%ecx\n\t"
		     "divl %%ecx\n"
		     "1:" : : "a"(1), "d"(0) : "ecx", "memory");
	check(trap_count == before + 1 && last_vector == 0,
	      "#DE reaches the guest's handler through a present gate");

	expect("shutdown");
	clear_gate(0);
	clear_gate(8);
	clear_gate(11);
	asm volatile("xorl %%ecx, %%ecx\n\t"
		     "divl %%ecx" : : "a"(1), "d"(0) : "ecx", "memory");
	check(0, "#DE through a not-present gate came back");
	guest_exit(1);
	return 0;
}
