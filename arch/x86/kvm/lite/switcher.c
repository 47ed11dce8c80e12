// SPDX-License-Identifier: GPL-2.0-only
/*
 * Setting up the memory hole and the switcher in it (see switcher.h).
 *
 * At load time we take the 2 MB LDT remap area at LDT_BASE_ADDR, which
 * only page-table isolation uses, and hang our own page table under its
 * page-directory slot in init_mm (whose kernel page directories every
 * process shares on 32-bit PAE).  Into it go the switcher text and three
 * pages per possible CPU.  Each CPU also gets a second, guest-side page
 * table for the same slot that maps only the text and that CPU's pages A
 * and B: that is what a guest sees of the hole.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/desc.h>
#include <asm/pgalloc.h>
#include <asm/tlbflush.h>

#include "lite.h"
#include "switcher.h"

unsigned long lite_hole;			/* LDT_BASE_ADDR, set at load */
static pte_t *lite_host_pt;		/* the hole, as the host maps it */
static pte_t **lite_guest_pt;		/* per CPU: the hole a guest sees */
static struct page *lite_text_page;
static struct page **lite_cpu_page;	/* LITE_PAGES_PER_CPU per CPU */

static unsigned long lite_hole_page_addr(unsigned int index)
{
	return lite_hole + index * PAGE_SIZE;
}

static unsigned int lite_cpu_page_index(int cpu, int which)
{
	return LITE_TEXT_PAGES + cpu * LITE_PAGES_PER_CPU + which;
}

struct lite_cpu_pages *lite_pages(int cpu)
{
	return (void *)lite_hole_page_addr(lite_cpu_page_index(cpu, 0));
}

/*
 * The hole's slot in the kernel's page directory.  Without page-table
 * isolation, 32-bit PAE kernels share their kernel page directories
 * between all address spaces, so the current one will do.
 */
static pmd_t *lite_hole_pmd(void)
{
	pgd_t *pgd = pgd_offset(current->active_mm, lite_hole);
	p4d_t *p4d = p4d_offset(pgd, lite_hole);
	pud_t *pud = pud_offset(p4d, lite_hole);

	return pmd_offset(pud, lite_hole);
}

static pte_t lite_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

/* The page-directory entry that makes @cpu's guest-side table the hole. */
u64 lite_guest_hole_pde(int cpu)
{
	return __pa(lite_guest_pt[cpu]) | _PAGE_PRESENT | _PAGE_RW |
	       _PAGE_ACCESSED;
}

static void lite_map_cpu_pages(int cpu)
{
	struct page **pages = &lite_cpu_page[cpu * LITE_PAGES_PER_CPU];
	unsigned int a = lite_cpu_page_index(cpu, 0);
	pte_t *gpt = lite_guest_pt[cpu];

	/* The host can write all three pages. */
	lite_host_pt[a] = lite_pte(pages[0], PAGE_KERNEL);
	lite_host_pt[a + 1] = lite_pte(pages[1], PAGE_KERNEL);
	lite_host_pt[a + 2] = lite_pte(pages[2], PAGE_KERNEL);

	/*
	 * The guest: text and page B read-only (the CPU only reads them
	 * while it runs), page A writable (the CPU pushes the trap frame
	 * there), page C absent.  Supervisor pages: a guest's user space
	 * cannot even read them; its ring-1 kernel can read, never write.
	 */
	gpt[0] = lite_pte(lite_text_page, PAGE_KERNEL_RO);
	gpt[a] = lite_pte(pages[0], PAGE_KERNEL);
	gpt[a + 1] = lite_pte(pages[1], PAGE_KERNEL_RO);
}

/* A flat 4 GB ring-0 segment, accessed bit preset (our GDTs are RO). */
static void lite_flat_segment(struct desc_struct *d, u16 flags)
{
	*d = (struct desc_struct)GDT_ENTRY_INIT(flags, 0, 0xfffff);
}

static void lite_set_tss_desc(struct desc_struct *d,
			      struct x86_hw_tss *tss)
{
	set_tssldt_descriptor(d, (unsigned long)tss, DESC_TSS,
			      sizeof(*tss) - 1);
}

/* Gate @v of a CPU's IDT leads to the switcher's stub for @v. */
void lite_set_stub_gate(struct lite_cpu_pages *p, unsigned int v)
{
	struct idt_bits bits = { .type = GATE_INTERRUPT, .p = 1 };
	unsigned long addr = lite_hole_page_addr(0) + lite_stub_offsets[v];

	p->b.idt[v].offset_low = (u16)addr;
	p->b.idt[v].offset_middle = (u16)(addr >> 16);
	p->b.idt[v].segment = LITE_CS;
	p->b.idt[v].bits = bits;
}

/* Page B of @cpu: the IDT of stubs, the TSS, our GDT slots. */
static void lite_init_cpu_tables(int cpu)
{
	struct lite_cpu_pages *p = lite_pages(cpu);
	struct lite_page_b *b = &p->b;
	int v;

	for (v = 0; v < IDT_ENTRIES; v++)
		lite_set_stub_gate(p, v);
	b->idt_desc.size = sizeof(b->idt) - 1;
	b->idt_desc.address = (unsigned long)b->idt;
	b->gdt_desc.size = sizeof(b->gdt) - 1;
	b->gdt_desc.address = (unsigned long)b->gdt;

	/* Traps from ring 1 or 3 push the guest's frame at the end of A. */
	b->tss.ss0 = LITE_DS;
	b->tss.sp0 = (unsigned long)(&p->a.regs + 1);
	/* No I/O bitmap: every in/out from the guest faults. */
	b->tss.io_bitmap_base = IO_BITMAP_OFFSET_INVALID;
	lite_set_switcher_gdt_entries(b->gdt, &b->tss);
}

/* Our slots of a guest-time GDT; called again whenever it is rebuilt. */
void lite_set_switcher_gdt_entries(struct desc_struct *gdt,
				   struct x86_hw_tss *tss)
{
	lite_set_tss_desc(&gdt[LITE_GDT_ENTRY_TSS], tss);
	lite_flat_segment(&gdt[LITE_GDT_ENTRY_CS], DESC_CODE32);
	lite_flat_segment(&gdt[LITE_GDT_ENTRY_DS], DESC_DATA32);
}

/*
 * The host GDTs get LITE_CS and LITE_DS too, so that the switcher's
 * selectors mean the same thing whichever GDT is loaded.  Linux leaves
 * these slots empty.
 */
static void lite_set_host_gdt_entries(bool install)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct desc_struct *gdt = get_cpu_gdt_rw(cpu);
		struct desc_struct cs = {}, ds = {};

		if (install) {
			lite_flat_segment(&cs, DESC_CODE32);
			lite_flat_segment(&ds, DESC_DATA32);
		}
		write_gdt_entry(gdt, LITE_GDT_ENTRY_CS, &cs, 0);
		write_gdt_entry(gdt, LITE_GDT_ENTRY_DS, &ds, 0);
	}
}

static void lite_free_pages(void)
{
	int i;

	if (lite_cpu_page)
		for (i = 0; i < nr_cpu_ids * LITE_PAGES_PER_CPU; i++)
			if (lite_cpu_page[i])
				__free_page(lite_cpu_page[i]);
	kfree(lite_cpu_page);
	if (lite_guest_pt)
		for (i = 0; i < nr_cpu_ids; i++)
			free_page((unsigned long)lite_guest_pt[i]);
	kfree(lite_guest_pt);
	free_page((unsigned long)lite_host_pt);
	if (lite_text_page)
		__free_page(lite_text_page);
}

static int lite_alloc_pages(void)
{
	int i;

	lite_text_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	lite_host_pt = (pte_t *)get_zeroed_page(GFP_KERNEL);
	lite_guest_pt = kcalloc(nr_cpu_ids, sizeof(*lite_guest_pt), GFP_KERNEL);
	lite_cpu_page = kcalloc(nr_cpu_ids * LITE_PAGES_PER_CPU,
				sizeof(*lite_cpu_page), GFP_KERNEL);
	if (!lite_text_page || !lite_host_pt || !lite_guest_pt ||
	    !lite_cpu_page)
		return -ENOMEM;
	for (i = 0; i < nr_cpu_ids; i++) {
		lite_guest_pt[i] = (pte_t *)get_zeroed_page(GFP_KERNEL);
		if (!lite_guest_pt[i])
			return -ENOMEM;
	}
	for (i = 0; i < nr_cpu_ids * LITE_PAGES_PER_CPU; i++) {
		lite_cpu_page[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!lite_cpu_page[i])
			return -ENOMEM;
	}
	return 0;
}

static int lite_check_hole(void)
{
	size_t text = lite_switcher_end - lite_switcher_start;

	if (boot_cpu_has(X86_FEATURE_PTI)) {
		pr_err("page-table isolation is on; boot with pti=off to use kvm-lite\n");
		return -EOPNOTSUPP;
	}
	if (LITE_TEXT_PAGES + nr_cpu_ids * LITE_PAGES_PER_CPU >
	    LITE_HOLE_SIZE / PAGE_SIZE) {
		pr_err("%u CPUs do not fit the 2 MB switcher hole\n", nr_cpu_ids);
		return -EOPNOTSUPP;
	}
	if (WARN_ON(text > LITE_TEXT_PAGES * PAGE_SIZE) ||
	    WARN_ON(lite_hole < 0xc0000000UL || lite_hole % LITE_HOLE_SIZE))
		return -EINVAL;
	if (!pmd_none(*lite_hole_pmd())) {
		pr_err("the switcher hole at %#lx is already in use\n",
		       lite_hole);
		return -EBUSY;
	}
	return 0;
}

static void lite_flush_tlb_local(void *unused)
{
	__flush_tlb_all();
}

int lite_switcher_init(void)
{
	int cpu, r;

	/* Not a constant: it moves with the fixmap (reserve_top_address). */
	lite_hole = LDT_BASE_ADDR;
	r = lite_check_hole();
	if (r)
		return r;
	r = lite_alloc_pages();
	if (r) {
		lite_free_pages();
		return r;
	}

	memcpy(page_address(lite_text_page), lite_switcher_start,
	       lite_switcher_end - lite_switcher_start);
	lite_host_pt[0] = lite_pte(lite_text_page, PAGE_KERNEL_ROX);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		lite_map_cpu_pages(cpu);

	/* A non-present entry is never cached: no flush needed to add it. */
	set_pmd(lite_hole_pmd(), __pmd(__pa(lite_host_pt) | _KERNPG_TABLE));

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		lite_init_cpu_tables(cpu);
	lite_set_host_gdt_entries(true);
	pr_info("switcher at %#lx, %u bytes of text\n", lite_hole,
		(unsigned int)(lite_switcher_end - lite_switcher_start));
	return 0;
}

void lite_switcher_exit(void)
{
	lite_set_host_gdt_entries(false);
	pmd_clear(lite_hole_pmd());
	on_each_cpu(lite_flush_tlb_local, NULL, 1);
	lite_free_pages();
}
