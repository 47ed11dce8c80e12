// SPDX-License-Identifier: GPL-2.0
/*
 * An exception through a 16-bit interrupt gate, which would push a
 * 16-bit frame and truncate EIP.  kvm-lite delivers only through 32-bit
 * gates and must shut such a guest down (KVM_EXIT_SHUTDOWN) rather than
 * deliver half a frame.
 */
#include "guest.h"

int guest_main(void)
{
	u32 *gate = (u32 *)(IDT_BASE + 6 * 8);
	u32 entry = (u32)trap_entry_6;

	/* Present, DPL 0, type 6: a 16-bit interrupt gate. */
	gate[0] = (SEL_KCODE << 16) | (entry & 0xffff);
	gate[1] = (entry & 0xffff0000) | 0x8600;
	clear_gate(8);
	check(1, "the #UD gate is a 16-bit interrupt gate");

	expect("shutdown");
	asm volatile("ud2");
	check(0, "#UD through a 16-bit gate came back");
	guest_exit(1);
	return 0;
}
