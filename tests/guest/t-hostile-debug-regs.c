// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware breakpoints are the guest's: a data breakpoint the guest
 * kernel sets in DR0/DR7 must fire (#DB, with DR6 naming it) when the
 * guest writes the watched word, as on a CPU, and only then.
 */
#include "guest.h"

static volatile u32 watched, other;

static void hook(struct trap_frame *f)
{
	(void)f;
}

int guest_main(void)
{
	u32 before, dr6;

	set_soft_gate(1, 0);
	trap_hook = hook;
	asm volatile("movl %0, %%dr0" : : "r"((u32)&watched));
	/* L0, R/W0 = 01 (writes), LEN0 = 11 (4 bytes) */
	asm volatile("movl %0, %%dr7" : : "r"(0x000d0001));
	before = trap_count;
	other = 1;
	check_eq(trap_count - before, 0, "a write elsewhere does not trigger");
	watched = 1;
	asm volatile("nop");
	check(trap_count == before + 1 && last_vector == 1,
	      "a write to the watched word is a #DB");
	asm volatile("movl %%dr6, %0" : "=r"(dr6));
	check(dr6 & 1, "  ... and DR6 says breakpoint 0");
	asm volatile("movl %0, %%dr7" : : "r"(0));
	guest_exit(0);
	return 0;
}
