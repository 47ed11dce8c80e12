// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-lite reads the guest's GDT at every exit and remembers where in
 * guest memory it found it, as a CPU's TLB remembers a translation
 * (arch/x86/kvm/lite/run.c, lite_translate()).  So a guest that maps
 * its GDT's virtual page onto another physical page, and flushes with
 * invlpg or a CR3 load, must get the new page's descriptors from that
 * exit on.  A translation kept across the flush would show the old one.
 */
#include "guest.h"

#define WINDOW		0x700000	/* the GDT's virtual page */
#define NR_DESC		8
#define SEL_TEST	0x30
#define BASE_A		0x00200000
#define BASE_B		0x00201000
#define PTE_P		0x001
#define PTE_W		0x002

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 other_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));
static u32 other_table[1024] __attribute__((aligned(4096)));
/* Two GDTs, a page each, that differ in SEL_TEST's base only. */
static u64 gdt_a[512] __attribute__((aligned(4096)));
static u64 gdt_b[512] __attribute__((aligned(4096)));

static u32 *window_pte(u32 *table)
{
	return &table[(WINDOW >> 12) & 1023];
}

static void make_gdt(u64 *gdt, u32 base)
{
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_TEST / 8] = make_desc(base, 0xfff, DESC_DATA(0));
}

/*
 * The first 8 MB identity-mapped, except WINDOW: page_dir shows gdt_a
 * there, other_dir (which shares the first table) gdt_b.
 */
static void paging_on(void)
{
	u32 i;

	for (i = 0; i < 2048; i++)
		page_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W;
	for (i = 0; i < 1024; i++)
		other_table[i] = page_tables[1][i];
	*window_pte(page_tables[1]) = (u32)gdt_a | PTE_P | PTE_W;
	*window_pte(other_table) = (u32)gdt_b | PTE_P | PTE_W;
	page_dir[0] = (u32)page_tables[0] | PTE_P | PTE_W;
	page_dir[1] = (u32)page_tables[1] | PTE_P | PTE_W;
	other_dir[0] = page_dir[0];
	other_dir[1] = (u32)other_table | PTE_P | PTE_W;
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG);
}

int guest_main(void)
{
	struct desc_ptr through_window = { NR_DESC * 8 - 1, WINDOW };
	u32 seen[5];

	*(volatile u32 *)BASE_A = 0xaaaa;
	*(volatile u32 *)BASE_B = 0xbbbb;
	make_gdt(gdt_a, BASE_A);
	make_gdt(gdt_b, BASE_B);
	paging_on();
	lgdt(&through_window);
	/* Each step's exit comes before its load; no check in between. */
	seen[0] = read_gs0(SEL_TEST);
	hypercall(KVM_HC_LITE_RELOAD_GDT, 0, 0, 0, 0);
	seen[1] = read_gs0(SEL_TEST);
	write_cr3((u32)other_dir);
	seen[2] = read_gs0(SEL_TEST);
	write_cr3((u32)page_dir);
	seen[3] = read_gs0(SEL_TEST);
	*window_pte(page_tables[1]) = (u32)gdt_b | PTE_P | PTE_W;
	invlpg(WINDOW);
	seen[4] = read_gs0(SEL_TEST);
	asm volatile("movw %w0, %%gs" : : "r"(0));

	check_eq(seen[0], 0xaaaa, "a GDT loaded through the window: page A");
	check_eq(seen[1], 0xaaaa, "  ... and still after another exit");
	check_eq(seen[2], 0xbbbb,
		 "a CR3 load to tables that map the window to page B");
	check_eq(seen[3], 0xaaaa, "  ... and back: page A");
	check_eq(seen[4], 0xbbbb,
		 "the window's PTE changed to page B, then invlpg: page B");
	guest_exit(0);
	return 0;
}
