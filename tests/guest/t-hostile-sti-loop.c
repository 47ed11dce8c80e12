// SPDX-License-Identifier: GPL-2.0
/*
 * sti; for (;;): a guest kernel that spins with interrupts on and never
 * exits by itself.  A signal to the vCPU thread must end KVM_RUN with
 * -EINTR (KVM_EXIT_INTR) at once.
 */
#include "guest.h"

int guest_main(void)
{
	sti();
	expect("intr");
	for (;;)
		asm volatile("" : : : "memory");
	return 0;
}
