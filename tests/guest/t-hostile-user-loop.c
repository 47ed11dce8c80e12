// SPDX-License-Identifier: GPL-2.0
/*
 * A ring-3 process that spins forever under a ring-1 guest kernel.  The
 * kernel never gets control back, yet a signal to the vCPU thread must
 * end KVM_RUN with -EINTR (KVM_EXIT_INTR) at once.
 */
#include "guest.h"

#define USER_STACK_TOP	0x60000

static void user_spin(void)
{
	for (;;)
		asm volatile("" : : : "memory");
}

int guest_main(void)
{
	expect("intr");
	enter_user(user_spin, USER_STACK_TOP);
	check(0, "the user-mode loop ended");
	guest_exit(1);
	return 0;
}
