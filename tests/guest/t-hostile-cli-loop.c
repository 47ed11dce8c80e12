// SPDX-License-Identifier: GPL-2.0
/*
 * cli; for (;;): a guest kernel that turns its (virtual) interrupts off
 * and spins, never exiting by itself, on every vCPU it has.  The real
 * IF stays on, so host interrupts still take the CPU back, and a signal
 * to a vCPU's thread must end its KVM_RUN with -EINTR (KVM_EXIT_INTR)
 * at once.
 */
#include "guest.h"

static void spin_forever(void)
{
	cli();
	expect("intr");
	for (;;)
		asm volatile("" : : : "memory");
}

int guest_ap_main(u32 cpu)
{
	(void)cpu;
	spin_forever();
	return 0;
}

int guest_main(void)
{
	spin_forever();
	return 0;
}
