// SPDX-License-Identifier: GPL-2.0
/*
 * A TLB shootdown between vCPUs (run with --vcpus 2; alone, vCPU 0 does
 * both parts in turn).  Both share one page directory; vCPU 1 flips the
 * page-table entry of an address in the top gigabyte between two pages
 * and tells vCPU 0, which spins reading that address, to invlpg it.
 * After its invlpg vCPU 0 must see the page vCPU 1 chose, every time:
 * the top gigabyte is where kvm-lite runs the guest on a copy of KVM's
 * shadow page directory, rebuilt at each entry.
 */
#include "guest.h"

#define VA		0xc0400000
#define NR_ROUNDS	200
#define MARK_X		0x11111111
#define MARK_Y		0x22222222

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 high_table[1024] __attribute__((aligned(4096)));
static volatile u32 page_x[1024] __attribute__((aligned(4096)));
static volatile u32 page_y[1024] __attribute__((aligned(4096)));
static volatile u32 ready, asked, done, wrong, expected;

static void paging_on(void)
{
	write_cr4(read_cr4() | X86_CR4_PSE);
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG);
}

static void build_tables(void)
{
	page_dir[0] = 0 | PDE_PS | PTE_P | PTE_W;
	page_dir[1] = 0x400000 | PDE_PS | PTE_P | PTE_W;
	page_dir[VA >> 22] = (u32)high_table | PTE_P | PTE_W;
	high_table[(VA >> 12) & 1023] = (u32)page_x | PTE_P | PTE_W;
	page_x[0] = MARK_X;
	page_y[0] = MARK_Y;
	expected = MARK_X;
}

/* The writer's part of round @n: remap VA, then ask for the invlpg. */
static void remap(u32 n)
{
	int y = n & 1;

	high_table[(VA >> 12) & 1023] = (u32)(y ? page_y : page_x) | PTE_P | PTE_W;
	expected = y ? MARK_Y : MARK_X;
	asked = n;
}

/* The reader's part of round @n. */
static void reread(u32 n)
{
	while (asked != n)
		(void)*(volatile u32 *)VA;
	asm volatile("invlpg (%0)" : : "r"(VA) : "memory");
	if (*(volatile u32 *)VA != expected)
		wrong++;
	done = n;
}

int guest_ap_main(u32 cpu)
{
	u32 n;

	if (cpu != 1)
		return 0;
	while (!ready)			/* for vCPU 0's page tables */
		asm volatile("pause");
	paging_on();
	for (n = 1; n <= NR_ROUNDS; n++) {
		remap(n);
		while (done != n)
			asm volatile("pause");
	}
	return 0;
}

int guest_main(void)
{
	u32 n;

	build_tables();
	paging_on();
	check_eq(*(volatile u32 *)VA, MARK_X, "the top-gigabyte address maps page X");
	ready = 1;
	for (n = 1; n <= NR_ROUNDS; n++) {
		if (nr_cpus < 2)
			remap(n);
		reread(n);
	}
	check_eq(wrong, 0,
		 "after each remap and invlpg, the reader sees the new page (200 rounds)");
	guest_exit(0);
	return 0;
}
