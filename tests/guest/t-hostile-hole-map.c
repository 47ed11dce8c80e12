// SPDX-License-Identifier: GPL-2.0
/*
 * A guest page table that maps the hole's addresses to the guest's own
 * page.  The hole's page-directory slot is always kvm-lite's, whatever
 * the guest's tables say: through those addresses the guest must never
 * reach its own page, nor write the switcher, nor read what kvm-lite
 * does not show it.  Every attempt is an ordinary page fault delivered
 * to the guest, and its page stays untouched.
 */
#include "guest.h"

#define MARKER		0x600d600d
#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 low_tables[2][1024] __attribute__((aligned(4096)));
static u32 hole_table[1024] __attribute__((aligned(4096)));
/* The page the guest maps over the whole hole. */
static volatile u32 own_page[1024] __attribute__((aligned(4096)));

static volatile u32 pf_count, pf_error, pf_cr2, pf_eip, user_value;

static void hook(struct trap_frame *f)
{
	if (f->vector == 14) {
		pf_count++;
		pf_error = f->error_code;
		pf_cr2 = read_cr2();
		pf_eip = f->eip;
		if (fixup_eip)
			f->eip = fixup_eip;
	} else if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
	}
}

/* Identity-map 8 MB, and map every page of the hole's 4 MB to own_page. */
static void build_tables(u32 hole)
{
	u32 i, own = (u32)own_page | PTE_P | PTE_W | PTE_U;

	for (i = 0; i < 2048; i++)
		low_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W | PTE_U;
	for (i = 0; i < 1024; i++)
		hole_table[i] = own;
	for (i = 0; i < 2; i++)
		page_dir[i] = (u32)low_tables[i] | PTE_P | PTE_W | PTE_U;
	page_dir[hole >> 22] = (u32)hole_table | PTE_P | PTE_W | PTE_U;
	for (i = 0; i < 1024; i++)
		own_page[i] = MARKER;
}

static void access(u32 addr, int write)
{
	if (write)
		asm volatile("movl $1f, fixup_eip\n\t"
			     "movl $0xbad0bad0, (%0)\n"
			     "1:\tmovl $0, fixup_eip"
			     : : "r"(addr) : "memory");
	else
		asm volatile("movl $1f, fixup_eip\n\t"
			     "movl (%0), %%eax\n"
			     "1:\tmovl $0, fixup_eip"
			     : : "r"(addr) : "eax", "memory");
}

static void expect_pf(u32 addr, int write, u32 want_err, const char *what)
{
	u32 before = pf_count;

	access(addr, write);
	check(pf_count == before + 1 && pf_cr2 == addr &&
	      (pf_error & 7) == want_err, what);
}

static void write_access(u32 addr)
{
	access(addr, 1);
}

/* A write to this CPU's page B must be P|W. */
static void expect_pf_page_b_write(const char *what)
{
	u32 traps, addr = fault_on_this_cpu_page_b(write_access, &traps);

	check(traps == 1 && pf_cr2 == addr && (pf_error & 7) == 3, what);
}

static int own_page_intact(void)
{
	u32 i;

	for (i = 0; i < 1024; i++)
		if (own_page[i] != MARKER)
			return 0;
	return 1;
}

static void user_main(void)
{
	u32 v = 0;

	asm volatile("movl $1f, fixup_eip\n\t"
		     "movl (%1), %0\n"
		     "1:" : "+r"(v) : "r"(hole_base()) : "memory");
	user_value = v;
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	u32 hole = hole_base(), text_word, before;
	struct desc_ptr gdtr;
	u32 page_b, unused = hole + 0x100000;

	sgdt(&gdtr);
	page_b = gdtr.base & ~0xfff;
	set_gate(14, trap_entry_14, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;
	build_tables(hole);
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG | X86_CR0_WP);
	check(read_cr0() & X86_CR0_PG,
	      "paging is on, with the hole's addresses mapped to our page");

	text_word = *(volatile u32 *)hole;
	check(text_word != MARKER,
	      "reading the hole shows the switcher's text, not our page");
	expect_pf(hole, 1, 3, "writing the switcher text faults (P|W)");
	expect_pf_page_b_write("writing the GDT page faults (P|W)");
	expect_pf(page_b + 0x1000, 0, 0,
		  "reading the host's page faults (not present)");
	expect_pf(unused, 0, 0,
		  "reading an unused hole page faults although we map it");
	expect_pf(unused, 1, 2,
		  "writing an unused hole page faults although we map it");

	/* Code in our page, reached through the hole: must not run. */
	own_page[0] = 0x90909090;
	before = pf_count;
	asm volatile("movl $1f, fixup_eip\n\t"
		     "jmp *%0\n"
		     "1:\tmovl $0, fixup_eip" : : "r"(unused) : "memory");
	check(pf_count == before + 1 && pf_eip == unused && pf_cr2 == unused,
	      "jumping to our code through the hole faults at the jump target");
	own_page[0] = MARKER;

	enter_user(user_main, USER_STACK_TOP);
	check(pf_cr2 == hole && (pf_error & 7) == 5 && user_value == 0,
	      "user mode reading the hole faults (U|P), although our PTE has U");

	check(own_page_intact(), "our own page was never written");
	check_eq(*(volatile u32 *)hole, text_word,
		 "the switcher text is unchanged");
	guest_exit(0);
	return 0;
}
