// SPDX-License-Identifier: GPL-2.0
/*
 * A guest kernel changing live page tables, as every kernel does: KVM's
 * shadow MMU write-protects them, so each write traps and is emulated,
 * and invlpg or a CR3 reload must make the new mapping visible.  A stale
 * shadow entry would show the old page.
 */
#include "guest.h"

#define WINDOW		0x700000	/* one virtual page we remap */
#define PTE_P		0x001
#define PTE_W		0x002
#define PF_P		0x1

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));
static volatile u32 page_a[1024] __attribute__((aligned(4096)));
static volatile u32 page_b[1024] __attribute__((aligned(4096)));
static volatile u32 resume_at;

static volatile u32 *window_pte(void)
{
	return &page_tables[WINDOW >> 22][(WINDOW >> 12) & 1023];
}

static u32 window_read(void)
{
	return *(volatile u32 *)WINDOW;
}

static void resume_hook(struct trap_frame *f)
{
	(void)f;
	trap_resume = resume_at;
}

static void paging_on(void)
{
	u32 i;

	for (i = 0; i < 2048; i++)
		page_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W;
	for (i = 0; i < 2; i++)
		page_dir[i] = (u32)page_tables[i] | PTE_P | PTE_W;
	*window_pte() = (u32)page_a | PTE_P | PTE_W;
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG);
}

int guest_main(void)
{
	u32 before;

	set_gate(14, trap_entry_14, 0);
	trap_hook = resume_hook;
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	paging_on();
	check_eq(window_read(), 0xaaaa, "the window shows page A");

	*window_pte() = (u32)page_b | PTE_P | PTE_W;
	invlpg(WINDOW);
	check_eq(window_read(), 0xbbbb, "PTE rewritten + invlpg: page B");

	*window_pte() = (u32)page_a | PTE_P | PTE_W;
	write_cr3((u32)page_dir);
	check_eq(window_read(), 0xaaaa, "PTE rewritten + CR3 reload: page A");

	*(volatile u32 *)WINDOW = 0xa2a2;
	check_eq(page_a[0], 0xa2a2, "a write through the window lands in A");

	*window_pte() = 0;
	invlpg(WINDOW);
	before = trap_count;
	asm volatile("movl $1f, resume_at\n\t"
		     "movl (%0), %%eax\n"
		     "1:" : : "r"(WINDOW) : "eax", "memory");
	check(trap_count - before == 1 && last_vector == 14 &&
	      !(last_error & PF_P) && read_cr2() == WINDOW,
	      "PTE cleared + invlpg: #PF(not present) at the window");

	page_dir[WINDOW >> 22] = 0;
	*window_pte() = (u32)page_b | PTE_P | PTE_W;
	write_cr3((u32)page_dir);
	before = trap_count;
	asm volatile("movl $1f, resume_at\n\t"
		     "movl (%0), %%eax\n"
		     "1:" : : "r"(WINDOW) : "eax", "memory");
	check(trap_count - before == 1 && last_vector == 14 &&
	      !(last_error & PF_P),
	      "PDE cleared + CR3 reload: #PF(not present)");
	page_dir[WINDOW >> 22] = (u32)page_tables[1] | PTE_P | PTE_W;
	write_cr3((u32)page_dir);
	check_eq(window_read(), 0xbbbb, "PDE restored: the window shows B");
	guest_exit(0);
	return 0;
}
