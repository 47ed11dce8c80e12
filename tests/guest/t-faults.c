// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions of a ring-1 guest kernel reach its own IDT handlers, with the
 * vector, error code and EIP a real CPU would give: some are the CPU's own
 * (#DE), some kvm-lite re-creates through the emulator (#UD, #GP) or the
 * shadow MMU (#PF), and software interrupts arrive as #GP in the host and
 * must be turned back into what the guest asked for.
 */
#include "guest.h"

#define NOT_PRESENT_PAGE	0x600000
#define READ_ONLY_PAGE		0x601000
#define PTE_P			0x001
#define PTE_W			0x002

/* Two-level, non-PAE tables identity-mapping the harness's 8 MB. */
static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));

/* Where the faulting instruction is and where to resume after it. */
static volatile u32 fault_at, resume_at;

static void resume_hook(struct trap_frame *f)
{
	(void)f;
	trap_resume = resume_at;
}

/* Expect exactly one trap with @vector, @error and @eip since @before. */
static void expect_trap(u32 before, u32 vector, u32 error, u32 eip,
			const char *what)
{
	check_eq(trap_count - before, 1, join(what, ": exactly one trap"));
	check_eq(last_vector, vector, join(what, ": vector"));
	check_eq(last_error, error, join(what, ": error code"));
	check_eq(last_eip, eip, join(what, ": EIP in the frame"));
}

static void test_divide_error(void)
{
	u32 before = trap_count;

	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n\t"
		     "xorl %%ecx, %%ecx\n\t"
		     "movl $1, %%eax\n\t"
		     "xorl %%edx, %%edx\n"
		     "1:\tdivl %%ecx\n"
		     "2:"
		     : : : "eax", "ecx", "edx", "memory");
	expect_trap(before, 0, 0, fault_at, "#DE: divl by zero");
}

static void test_invalid_opcode(void)
{
	u32 before = trap_count;

	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n"
		     "1:\tud2\n"
		     "2:" : : : "memory");
	expect_trap(before, 6, 0, fault_at, "#UD: ud2");
}

/*
 * A selector beyond the GDT: the CPU's error code is the selector with
 * its RPL bits cleared.  %ds is restored by the handler's resume point.
 */
static void test_general_protection(void)
{
	u32 before = trap_count;

	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n\t"
		     "movl $0x1233, %%eax\n"
		     "1:\tmovl %%eax, %%ds\n"
		     "2:" : : : "eax", "memory");
	expect_trap(before, 13, 0x1230, fault_at,
		    "#GP: mov 0x1233 to %ds, beyond the GDT limit");
}

/* int3 and int $3 are traps: the frame points past the instruction. */
static void test_breakpoint(void)
{
	u32 before = trap_count;

	resume_at = 0;		/* a trap returns past itself */
	asm volatile("int3\n"
		     "1:\tmovl $1b, fault_at" : : : "memory");
	expect_trap(before, 3, 0, fault_at, "#BP: int3 (1 byte)");

	before = trap_count;
	asm volatile(".byte 0xcd, 0x03\n"	/* int $3, the 2-byte form */
		     "1:\tmovl $1b, fault_at" : : : "memory");
	expect_trap(before, 3, 0, fault_at, "#BP: int $3 (2 bytes)");
}

static void build_page_tables(void)
{
	u32 i;

	for (i = 0; i < 2048; i++)
		page_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W;
	page_tables[NOT_PRESENT_PAGE >> 22][(NOT_PRESENT_PAGE >> 12) & 1023] = 0;
	page_tables[READ_ONLY_PAGE >> 22][(READ_ONLY_PAGE >> 12) & 1023] &= ~PTE_W;
	for (i = 0; i < 2; i++)
		page_dir[i] = (u32)page_tables[i] | PTE_P | PTE_W;
}

static volatile u32 fault_cr2;

static void page_fault_hook(struct trap_frame *f)
{
	if (f->vector == 14)
		fault_cr2 = read_cr2();
	trap_resume = resume_at;
}

static void test_page_faults(void)
{
	u32 before;

	build_page_tables();
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG | X86_CR0_WP);
	check_eq(read_cr0() & (X86_CR0_PG | X86_CR0_WP), X86_CR0_PG | X86_CR0_WP,
		 "paging and write protection are on");
	trap_hook = page_fault_hook;

	before = trap_count;
	fault_cr2 = 0;
	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n"
		     "1:\tmovl (%0), %%eax\n"
		     "2:" : : "r"(NOT_PRESENT_PAGE + 0x10) : "eax", "memory");
	expect_trap(before, 14, 0, fault_at,
		    "#PF: read of a not-present page (error 0)");
	check_eq(fault_cr2, NOT_PRESENT_PAGE + 0x10,
		 "#PF: CR2 holds the not-present address");

	before = trap_count;
	fault_cr2 = 0;
	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n"
		     "1:\tmovl $1, (%0)\n"
		     "2:" : : "r"(READ_ONLY_PAGE + 0x24) : "memory");
	expect_trap(before, 14, 3, fault_at,
		    "#PF: write to a read-only page with CR0.WP (error 3)");
	check_eq(fault_cr2, READ_ONLY_PAGE + 0x24,
		 "#PF: CR2 holds the read-only address");

	/* Without CR0.WP the kernel may write through a read-only PTE. */
	before = trap_count;
	write_cr0(read_cr0() & ~X86_CR0_WP);
	*(volatile u32 *)(READ_ONLY_PAGE + 0x24) = 0x5a5a;
	check_eq(trap_count - before, 0,
		 "CR0.WP=0: the kernel writes a read-only page without a fault");
	check_eq(*(volatile u32 *)(READ_ONLY_PAGE + 0x24), 0x5a5a,
		 "CR0.WP=0: the write took effect");
	write_cr0(read_cr0() | X86_CR0_WP);

	before = trap_count;
	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, resume_at\n"
		     "1:\tmovl $2, (%0)\n"
		     "2:" : : "r"(READ_ONLY_PAGE + 0x24) : "memory");
	expect_trap(before, 14, 3, fault_at,
		    "#PF: CR0.WP back on, the page is read-only again");
	check_eq(*(volatile u32 *)(READ_ONLY_PAGE + 0x24), 0x5a5a,
		 "the faulting write did not take effect");
	trap_hook = resume_hook;
}

int guest_main(void)
{
	set_gate(0, trap_entry_0, 0);
	set_gate(3, trap_entry_3, 3);
	set_gate(6, trap_entry_6, 0);
	set_gate(13, trap_entry_13, 0);
	set_gate(14, trap_entry_14, 0);
	trap_hook = resume_hook;

	test_divide_error();
	test_invalid_opcode();
	test_general_protection();
	test_breakpoint();
	test_page_faults();
	guest_exit(0);
	return 0;
}
