// SPDX-License-Identifier: GPL-2.0
/*
 * Paging's user/supervisor and read/write bits against a ring-3 process
 * under a ring-1 kernel.  The paging unit treats ring 1 as supervisor,
 * so kvm-lite's guest kernel must keep its rights and user mode must get
 * the page faults (with U set in the error code) its own kernel expects.
 */
#include "guest.h"

#define SUPERVISOR_PAGE	0x600000	/* present, writable, no U */
#define USER_RO_PAGE	0x601000	/* present, U, read-only */
#define USER_STACK_TOP	0x60000
#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_U		0x004
#define PF_P		0x1
#define PF_W		0x2
#define PF_U		0x4
#define SYS_EXIT	2
#define MAX_PF		4

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));

static volatile u32 pf_count, pf_error[MAX_PF], pf_cr2[MAX_PF];
static volatile u32 pf_eip[MAX_PF], pf_cs[MAX_PF];
static volatile u32 pf_at[MAX_PF], pf_resume, user_read;

static u32 *pte(u32 addr)
{
	return &page_tables[addr >> 22][(addr >> 12) & 1023];
}

static void build_page_tables(void)
{
	u32 i;

	for (i = 0; i < 2048; i++)
		page_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W | PTE_U;
	*pte(SUPERVISOR_PAGE) &= ~PTE_U;
	*pte(USER_RO_PAGE) &= ~PTE_W;
	for (i = 0; i < 2; i++)
		page_dir[i] = (u32)page_tables[i] | PTE_P | PTE_W | PTE_U;
}

static void kernel_hook(struct trap_frame *f)
{
	if (f->vector == 14) {
		if (pf_count < MAX_PF) {
			pf_error[pf_count] = f->error_code;
			pf_cr2[pf_count] = read_cr2();
			pf_eip[pf_count] = f->eip;
			pf_cs[pf_count] = f->cs;
		}
		pf_count++;
		f->eip = pf_resume;
	} else if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
	}
}

/* ------------------------------------------------------------ user mode */

static void user_main(void)
{
	asm volatile("movl $1f, pf_at\n\t"
		     "movl $2f, pf_resume\n"
		     "1:\tmovl (%0), %%eax\n"
		     "2:" : : "r"(SUPERVISOR_PAGE + 8) : "eax", "memory");
	asm volatile("movl $1f, pf_at+4\n\t"
		     "movl $2f, pf_resume\n"
		     "1:\tmovl $1, (%0)\n"
		     "2:" : : "r"(USER_RO_PAGE + 12) : "memory");
	user_read = *(volatile u32 *)(USER_RO_PAGE + 12);
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

/* ---------------------------------------------------------- the kernel */

static void check_pf(int i, u32 error, u32 addr, const char *what)
{
	check(pf_error[i] == error && pf_cr2[i] == addr &&
	      pf_eip[i] == pf_at[i] && (pf_cs[i] & 3) == 3, what);
}

int guest_main(void)
{
	set_gate(14, trap_entry_14, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = kernel_hook;
	build_page_tables();
	*(volatile u32 *)(USER_RO_PAGE + 12) = 0x1234;
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG | X86_CR0_WP);

	*(volatile u32 *)(SUPERVISOR_PAGE + 8) = 0xabcd;
	check_eq(*(volatile u32 *)(SUPERVISOR_PAGE + 8), 0xabcd,
		 "the kernel reads and writes its supervisor page");
	check_eq(pf_count, 0, "without a fault");

	enter_user(user_main, USER_STACK_TOP);
	check_eq(pf_count, 2, "user mode took two page faults");
	check_pf(0, PF_U | PF_P, SUPERVISOR_PAGE + 8,
		 "user read of a supervisor page: #PF(U|P), CR2, user CS:EIP");
	check_pf(1, PF_U | PF_W | PF_P, USER_RO_PAGE + 12,
		 "user write to a read-only page: #PF(U|W|P), CR2, user CS:EIP");
	check_eq(user_read, 0x1234, "user mode reads its read-only page");
	check_eq(*(volatile u32 *)(USER_RO_PAGE + 12), 0x1234,
		 "the faulting user write did not take effect");
	guest_exit(0);
	return 0;
}
