// SPDX-License-Identifier: GPL-2.0
/*
 * The host half of 'make bench': the same operations the guest times in
 * tests/guest/b-bench.c, done natively by a process of the test machine,
 * in TSC cycles per operation so the two can be divided.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOOPS		20000
#define PF_PAGES	2048

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* getppid through int $0x80, the path a kvm-lite guest's user mode uses. */
static void bench_getppid(void)
{
	uint64_t t0 = rdtsc();
	long r;
	int i;

	for (i = 0; i < LOOPS; i++)
		asm volatile("int $0x80" : "=a"(r) : "a"(SYS_getppid) : "memory");
	printf("bench host-getppid %llu\n",
	       (unsigned long long)((rdtsc() - t0) / LOOPS));
}

/* First touches of fresh anonymous pages: one page fault each. */
static void bench_page_fault(void)
{
	volatile char *p = mmap(NULL, PF_PAGES * 4096L, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;
	int i;

	if (p == MAP_FAILED)
		return;
	t0 = rdtsc();
	for (i = 0; i < PF_PAGES; i++)
		p[i * 4096L] = 1;
	printf("bench host-page-fault %llu\n",
	       (unsigned long long)((rdtsc() - t0) / PF_PAGES));
	munmap((void *)p, PF_PAGES * 4096L);
}

int main(void)
{
	bench_getppid();
	bench_page_fault();
	return 0;
}
