// SPDX-License-Identifier: GPL-2.0
/*
 * Guest PAE paging, which can reach guest-physical addresses above
 * 4 GB: a memslot added at 4 GB reads back the harness's contents, an
 * address at 6 GB with no memslot is an MMIO exit that names all of its
 * 64 bits, and the low 8 MB stay identity-mapped through 2 MB pages.
 * kvm-lite's own reads of guest memory reach above 4 GB too: a GDT kept
 * in the memslot at 4 GB serves a segment load.
 */
#include "guest.h"

#define X86_CR4_PAE	0x00000020
#define PDE_PS_PAE	0x80ULL
#define GB		0x40000000ULL
#define VA_SLOT		0x40000000	/* -> 4 GB */
#define VA_NO_SLOT	0x40200000	/* -> 6 GB */
#define VA_HIGH_GDT	(VA_SLOT + 0x1000)
#define SEL_TEST	0x30
#define BASE_TEST	0x00200000
#define BASE_DECOY	0x00201000

static u64 pdpt[4] __attribute__((aligned(32)));
static u64 pd0[512] __attribute__((aligned(4096)));
static u64 pd1[512] __attribute__((aligned(4096)));
static volatile struct mmio_log log;

/*
 * A copy of the harness's GDT with one more data segment, in the memslot
 * at 4 GB: the segment loaded after the lgdt exit must read BASE_TEST.
 * The same slot of the harness's own GDT, where an address cut to 32
 * bits would land (4 GB + 0x1000 -> GDT_BASE), says BASE_DECOY.
 */
static u32 read_through_high_gdt(void)
{
	struct desc_ptr harness_gdt = { 6 * 8 - 1, GDT_BASE };
	struct desc_ptr high = { SEL_TEST + 7, VA_HIGH_GDT };
	u64 *gdt = (u64 *)VA_HIGH_GDT, *low = (u64 *)GDT_BASE;
	u32 seen;
	int i;

	for (i = 0; i < SEL_TEST / 8; i++)
		gdt[i] = low[i];
	gdt[SEL_TEST / 8] = make_desc(BASE_TEST, 0xfff, DESC_DATA(0));
	low[SEL_TEST / 8] = make_desc(BASE_DECOY, 0xfff, DESC_DATA(0));
	*(volatile u32 *)BASE_TEST = 0x4a4a;
	*(volatile u32 *)BASE_DECOY = 0xdec0;
	lgdt(&high);
	seen = read_gs0(SEL_TEST);
	asm volatile("movw %w0, %%gs" : : "r"(0));
	lgdt(&harness_gdt);
	return seen;
}

static void paging_on(void)
{
	u32 i;

	for (i = 0; i < 4; i++)		/* 0..8 MB, 2 MB pages */
		pd0[i] = (i << 21) | PDE_PS_PAE | PTE_P | PTE_W;
	pd1[0] = (4 * GB) | PDE_PS_PAE | PTE_P | PTE_W;
	pd1[1] = (6 * GB) | PDE_PS_PAE | PTE_P | PTE_W;
	pdpt[0] = (u32)pd0 | PTE_P;
	pdpt[1] = (u32)pd1 | PTE_P;
	write_cr4(read_cr4() | X86_CR4_PAE);
	write_cr3((u32)pdpt);
	write_cr0(read_cr0() | X86_CR0_PG);
}

int guest_main(void)
{
	struct harness_req req = { .op = HREQ_MMIO_LOG, .gpa_lo = (u32)&log };
	struct harness_req add = {
		.op = HREQ_MEMSLOT_ADD, .slot = 1, .gpa_lo = 0, .gpa_hi = 1,
		.pages = 2, .arg = 0x4b000000,
	};
	u32 count;

	check_eq(harness(&req), 0, "the harness logs MMIO exits for us");
	check_eq(harness(&add), 0, "a memslot at 4 GB is added");
	paging_on();
	check(read_cr4() & X86_CR4_PAE, "PAE paging is on");
	check_eq(*(volatile u32 *)(VA_SLOT + 4 * 1500), 0x4b0005dc,
		 "the memslot at 4 GB reads back the harness's contents");
	*(volatile u32 *)(VA_SLOT + 8) = 0xfeed;
	check_eq(*(volatile u32 *)(VA_SLOT + 8), 0xfeed, "  ... and keeps a write");
	count = log.count;
	*(volatile u32 *)(VA_NO_SLOT + 0x10) = 0x600d;
	check(log.count == count + 1 && log.gpa_hi == 1 &&
	      log.gpa_lo == 0x80000010 && log.is_write && log.data_lo == 0x600d,
	      "a write at 6 GB is an MMIO exit with the 64-bit address");
	check_eq(read_through_high_gdt(), 0x4a4a,
		 "a GDT in the memslot at 4 GB serves a segment load");
	check_eq(read_cs() & 3, 1, "the guest still runs natively");
	guest_exit(0);
	return 0;
}
