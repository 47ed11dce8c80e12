// SPDX-License-Identifier: GPL-2.0
/*
 * EFLAGS.NT, which a ring-1 guest can set with popf, makes the next
 * iret a task return through the back link of the current TSS.  The
 * guest's TSS has none, so a CPU raises #TS; under kvm-lite the TSS in
 * force is kvm-lite's own, which must lead nowhere either: the guest
 * gets an exception, never a task switch.
 */
#include "guest.h"

#define EFLAGS_NT	0x4000

static volatile u32 resumed;

static void hook(struct trap_frame *f)
{
	f->eflags &= ~EFLAGS_NT;
	f->eip = resumed;
}

int guest_main(void)
{
	u32 before = trap_count;

	set_gate(10, trap_entry_13, 0);		/* #TS pushes an error code */
	set_gate(13, trap_entry_13, 0);
	trap_hook = hook;
	asm volatile("movl $1f, resumed\n\t"
		     "pushfl\n\t"
		     "orl %0, (%%esp)\n\t"
		     "popfl\n\t"
		     "pushfl\n\t"
		     "pushl %%cs\n\t"
		     "pushl $1f\n\t"
		     "iret\n"
		     "1:" : : "i"(EFLAGS_NT) : "memory");
	check(trap_count == before + 1 && (last_vector == 10 || last_vector == 13),
	      "iret with NT set is #TS or #GP for the guest");
	check_eq(read_cs() & 3, 1, "the guest kernel is still in ring 1");
	guest_exit(0);
	return 0;
}
