// SPDX-License-Identifier: GPL-2.0
/*
 * A software interrupt on a host vector (0xef, the local APIC timer's)
 * with no guest gate behind it, and no #NP, #GP or #DF gate either.  It
 * must not reach the host's timer handler; kvm-lite cannot deliver it
 * and shuts the guest down (KVM_EXIT_SHUTDOWN), as a CPU would after
 * failing to deliver the double fault.
 */
#include "guest.h"

int guest_main(void)
{
	clear_gate(0xef);
	clear_gate(8);
	clear_gate(11);
	clear_gate(13);
	check(1, "no gate for vector 0xef, #NP, #GP or #DF");

	expect("shutdown");
	asm volatile("int $0xef" : : : "memory");
	check(0, "int $0xef without a gate came back");
	guest_exit(1);
	return 0;
}
