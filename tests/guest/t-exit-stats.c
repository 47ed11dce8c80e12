// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's per-vCPU "exits" statistic (KVM_GET_STATS_FD, read through
 * PORT_EXITS) is what tools like kvm_stat show and what the other guest
 * tests use to prove that something did not exit.  It must count each
 * exit once, as it does with kvm-intel and kvm-amd.
 */
#include "guest.h"

#define N	100

int guest_main(void)
{
	u32 before, after, i;

	before = inl(PORT_EXITS);
	check(before != ~0u, "the harness can read the exits statistic");
	before = inl(PORT_EXITS);
	for (i = 0; i < N; i++)
		outl(PORT_ECHO, i);
	after = inl(PORT_EXITS);
	/*
	 * N port writes and the second read: N + 1 exits, and perhaps a few
	 * host interrupts that fell into the loop.  Counting each exit twice
	 * would give 2N + 2.
	 */
	puts("# exits counted for 100 port writes: ");
	put_dec(after - before - 1);
	puts("\n");
	check(after - before >= N + 1 && after - before <= N + 1 + N / 10,
	      "100 port writes count as 100 exits (give or take host interrupts)");
	guest_exit(0);
	return 0;
}
