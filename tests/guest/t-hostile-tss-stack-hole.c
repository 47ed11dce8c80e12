// SPDX-License-Identifier: GPL-2.0
/*
 * User mode's system call, with the kernel stack for entries from ring
 * 3 (KVM_HC_LITE_SET_STACK, used by a direct trap) inside the
 * switcher's hole.  The CPU's push onto that stack faults; kvm-lite
 * must then deliver the page fault to the guest kernel on the same
 * stack, cannot (the hole is no guest memory), and shuts the guest
 * down (KVM_EXIT_SHUTDOWN).  Nothing is written into the hole.
 */
#include "guest.h"

#define USER_STACK_TOP	0x60000

static void user_main(void)
{
	asm volatile("int $0x80" : : : "memory");
}

int guest_main(void)
{
	u32 hole = hole_base();

	set_gate(14, trap_entry_14, 0);
	set_trap_gate(0x80, trap_entry_128, 3);
	check_eq(hypercall(KVM_HC_LITE_SET_STACK, SEL_KDATA, hole + 0x800, 0, 0),
		 0, "SET_STACK takes an ESP inside the hole (it is only an address)");
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0), 0,
		 "int $0x80 is a direct trap");

	expect("shutdown");
	enter_user(user_main, USER_STACK_TOP);
	check(0, "the system call on a stack in the hole came back");
	guest_exit(1);
	return 0;
}
