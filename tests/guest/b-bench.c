// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of 'make bench' (tests/bench/host-bench.c measures the
 * host's side).  Each loop is timed with the TSC, which a kvm-lite guest
 * reads natively (it is the host's), and printed on the console as
 * "bench NAME CYCLES-PER-OPERATION" for tests/machine/suites/bench-*.sh.
 */
#include "guest.h"

#define LOOPS		2000
#define PF_PAGES	256
#define PF_BASE		0x400000	/* 4 MB: the second page table */
#define PAGE_DIR	0x10000
#define PAGE_TABLES	0x11000		/* two: 0-4 MB and 4-8 MB */
#define USER_STACK_TOP	0x60000

static void report(const char *name, u64 cycles, u32 ops)
{
	puts("bench ");
	puts(name);
	puts(" ");
	put_dec((u32)(cycles / ops));
	puts("\n");
}

static void bench_hypercall(void)
{
	u64 t0 = rdtsc();
	int i;

	for (i = 0; i < LOOPS; i++)
		hypercall(0x4c54ffff, 0, 0, 0, 0);	/* kvm-lite's, unknown */
	report("guest-hypercall", rdtsc() - t0, LOOPS);
}

static void bench_io_exit(void)
{
	u64 t0 = rdtsc();
	int i;

	for (i = 0; i < LOOPS; i++)
		outl(PORT_ECHO, i);
	report("guest-io-exit", rdtsc() - t0, LOOPS);
}

/* ---- page faults: the handler maps the page and lets the access retry */

static u32 *page_table(u32 addr)
{
	return (u32 *)(PAGE_TABLES + (addr >> 22) * 4096);
}

static void pf_hook(struct trap_frame *f)
{
	u32 addr = read_cr2() & ~0xfff;

	if (f->vector == 14)
		page_table(addr)[(addr >> 12) & 1023] = addr | 3;
}

static void enable_paging(void)
{
	u32 *pd = (u32 *)PAGE_DIR, addr;

	for (addr = 0; addr < 0x800000; addr += 4096)
		page_table(addr)[(addr >> 12) & 1023] =
			addr < PF_BASE ? addr | 7 : 0;
	pd[0] = PAGE_TABLES | 7;
	pd[1] = (PAGE_TABLES + 4096) | 7;
	asm volatile("mov %0, %%cr3" : : "r"(PAGE_DIR));
	asm volatile("mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0"
		     : : : "eax");
}

static void bench_page_fault(void)
{
	volatile u32 *p;
	u64 t0;
	int i;

	set_gate(14, trap_entry_14, 0);
	trap_hook = pf_hook;
	t0 = rdtsc();
	for (i = 0; i < PF_PAGES; i++) {
		p = (volatile u32 *)(PF_BASE + i * 4096);
		*p = i;
	}
	report("guest-page-fault", rdtsc() - t0, PF_PAGES);
	trap_hook = 0;
}

/* ---- system calls from ring 3, through a direct trap ------------------ */

static volatile u64 syscall_cycles;

/* Ring 3: LOOPS system calls, then one that says "done". */
static void user_code(void)
{
	u64 t0 = rdtsc();
	int i;

	for (i = 0; i < LOOPS; i++)
		asm volatile("int $0x80" : : "a"(0) : "memory");
	syscall_cycles = rdtsc() - t0;
	asm volatile("int $0x80" : : "a"(1) : "memory");
	for (;;)
		;
}

/* The cheapest system call handler: straight back, unless "done". */
extern void syscall_entry(void);
asm(".text\n"
    "syscall_entry:\n"
    "	cmpl $1, %eax\n"
    "	je trap_entry_128\n"
    "	iret\n");

static void done_hook(struct trap_frame *f)
{
	if (f->vector == 128)
		leave_user(f, 0);
}

static void bench_syscall(const char *name, int direct)
{
	set_trap_gate(0x80, syscall_entry, 3);	/* a direct trap needs these */
	if (direct) {
		hypercall(0x4c540001, SEL_KDATA, 0x70000, 0, 0);
		hypercall(0x4c540002, 0x80, 1, 0, 0);
	} else {
		hypercall(0x4c540002, 0x80, 0, 0, 0);
	}
	trap_hook = done_hook;
	enter_user(user_code, USER_STACK_TOP);
	trap_hook = 0;
	report(name, syscall_cycles, LOOPS);
}

int guest_main(void)
{
	bench_hypercall();
	bench_io_exit();
	bench_syscall("guest-syscall-direct", 1);
	bench_syscall("guest-syscall-exit", 0);
	enable_paging();
	bench_page_fault();
	guest_exit(0);
	return 0;
}
