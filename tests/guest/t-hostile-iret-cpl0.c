// SPDX-License-Identifier: GPL-2.0
/*
 * iret to CPL 0: the guest kernel, which believes it is in ring 0,
 * builds an iret frame with CS = 0x08 (RPL 0).  It really runs in ring
 * 1, so the CPU raises #GP; KVM's emulator does not emulate a
 * protected-mode iret, so KVM_RUN must end with KVM_EXIT_INTERNAL_ERROR
 * at the iret (cf) - a documented hole - and never in ring 0.
 */
#include "guest.h"

static void ring0_target(void)
{
	check(0, "the iret to RPL 0 arrived");
	guest_exit(1);
}

int guest_main(void)
{
	u32 cs = read_cs();

	check_eq(cs & 3, 1, "the guest kernel runs in ring 1");
	/* A same-ring iret, with the CS the CPU shows, works natively. */
	asm volatile("pushfl\n\t"
		     "pushl %0\n\t"
		     "pushl $1f\n\t"
		     "iret\n"
		     "1:" : : "r"(cs) : "memory");
	check(1, "an iret to CS RPL 1 returns natively");

	expect("internal-error cf");
	asm volatile("pushfl\n\t"
		     "pushl %0\n\t"
		     "pushl %1\n\t"
		     "iret"
		     : : "i"(SEL_KCODE), "r"(ring0_target) : "memory");
	check(0, "the iret to RPL 0 came back");
	guest_exit(1);
	return 0;
}
