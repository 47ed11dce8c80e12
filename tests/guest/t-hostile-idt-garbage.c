// SPDX-License-Identifier: GPL-2.0
/*
 * An exception whose IDT gate is garbage: present, but a task gate with
 * a selector that leads nowhere.  kvm-lite delivers only through 32-bit
 * interrupt and trap gates; anything else must shut the guest down
 * (KVM_EXIT_SHUTDOWN), as a CPU that cannot deliver the double fault
 * would, never follow the garbage.
 */
#include "guest.h"

static void set_raw_gate(int vector, u32 lo, u32 hi)
{
	u32 *gate = (u32 *)(IDT_BASE + vector * 8);

	gate[0] = lo;
	gate[1] = hi;
}

int guest_main(void)
{
	/* Present (0x8000), DPL 0, type 5 (task gate), selector 0xfff8. */
	set_raw_gate(13, 0xfff8dead, 0xbeef8500);
	set_raw_gate(8, 0xfff8dead, 0xbeef8500);
	check(1, "the #GP and #DF gates are task gates into garbage");

	expect("shutdown");
	/* A selector beyond the GDT: #GP. */
	asm volatile("movl %0, %%ds" : : "r"(0xfff8) : "memory");
	check(0, "#GP through a garbage gate came back");
	guest_exit(1);
	return 0;
}
