// SPDX-License-Identifier: GPL-2.0
/*
 * Every vCPU of the VM (run-guests --vcpus N; one by default) adds 1 to
 * a shared counter NR_ADDS times with lock xadd, natively, each in its
 * own world switch on its own host CPU when there are several.  Each
 * must see the values it got back only grow, and at the end the
 * counter must hold exactly N * NR_ADDS: no increment lost, none twice.
 */
#include "guest.h"

#define NR_ADDS		100000
#define MAX_CPUS	4

static volatile u32 counter, started, finished;
/* How often a vCPU's xadd skipped values: another vCPU got in between. */
static volatile u32 interleaved[MAX_CPUS];

static u32 xadd(volatile u32 *p, u32 v)
{
	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

/* Start together, add, and say whether the values only grew. */
static int add_all(u32 cpu)
{
	u32 i, old, last = 0, grew = 1;

	xadd(&started, 1);
	while (started < nr_cpus)
		asm volatile("pause");
	for (i = 0; i < NR_ADDS; i++) {
		old = xadd(&counter, 1);
		if (i && old <= last)
			grew = 0;
		if (i && old != last + 1)
			interleaved[cpu]++;
		last = old;
	}
	xadd(&finished, 1);
	return grew;
}

int guest_ap_main(u32 cpu)
{
	check(add_all(cpu),
	      "vCPU >0: its 100000 lock xadds saw the counter only grow");
	return 0;
}

int guest_main(void)
{
	u32 i, skips = 0;

	check(nr_cpus >= 1 && nr_cpus <= MAX_CPUS, "the VM has 1 to 4 vCPUs");
	check(add_all(0), "vCPU 0: its 100000 lock xadds saw the counter only grow");
	while (finished < nr_cpus)
		asm volatile("pause");
	check_eq(counter, nr_cpus * NR_ADDS,
		 "the counter holds exactly vCPUs * 100000");
	for (i = 0; i < nr_cpus; i++)
		skips += interleaved[i];
	puts("# vCPUs: ");
	put_dec(nr_cpus);
	puts(", xadds that found another vCPU's increments: ");
	put_dec(skips);
	puts("\n");
	guest_exit(0);
	return 0;
}
