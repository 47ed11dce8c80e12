// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptors a guest kernel builds for itself with DPL 0.  kvm-lite
 * runs the kernel in ring 1 and turns DPL 0 into DPL 1, so the kernel
 * can use them, but they must lead nowhere a ring-1 guest may not go:
 * a data segment based at the hole still faults on the hole, a second
 * kernel code segment still runs in ring 1, and user mode can neither
 * load nor call any of them.
 */
#include "guest.h"

#define NR_DESC		10
#define SEL_HOLE_DS	0x30	/* DPL 0, base = the hole */
#define SEL_KCODE2	0x38	/* DPL 0 code, flat */
#define SEL_CONFORM	0x40	/* DPL 0 conforming code, flat */
#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

static u64 gdt[NR_DESC] __attribute__((aligned(8)));
static volatile u32 pf_cr2, gp_error, gp_count;
volatile u16 conforming_cs;

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	if (f->vector == 14)
		pf_cr2 = read_cr2();
	if (f->vector == 13) {
		gp_count++;
		gp_error = f->error_code;
	}
	if (fixup_eip)
		f->eip = fixup_eip;
}

static void load_gdt(u32 hole)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_HOLE_DS / 8] = make_desc(hole, 0xffffffff - hole, DESC_DATA(0));
	gdt[SEL_KCODE2 / 8] = make_desc(0, 0xffffffff, DESC_CODE(0));
	gdt[SEL_CONFORM / 8] = make_desc(0, 0xffffffff, DESC_CODE(0) | 0x4);
	lgdt(&new);
}

static void test_hole_segment(u32 hole)
{
	u32 before = trap_count;

	asm volatile("movw %0, %%fs\n\t"
		     "movl $1f, fixup_eip\n\t"
		     "movl $0xbad, %%fs:0\n"
		     "1:\tmovl $0, fixup_eip\n\t"
		     "movw %1, %%fs"
		     : : "r"((u16)SEL_HOLE_DS), "r"((u16)SEL_KDATA) : "memory");
	check(trap_count == before + 1 && last_vector == 14 && pf_cr2 == hole,
	      "a DPL-0 segment based at the hole loads, but writing there is #PF");
}

static void test_second_code_segment(void)
{
	u32 cs = 0;

	asm volatile("ljmp %1, $1f\n"
		     "1:\tmovl %%cs, %0\n\t"
		     "ljmp %2, $2f\n"
		     "2:"
		     : "=r"(cs) : "i"(SEL_KCODE2), "i"(SEL_KCODE) : "memory");
	check_eq(cs, SEL_KCODE2 | 1,
		 "a second DPL-0 code segment runs natively, in ring 1");
}

/* Far-called from ring 3: note the CS it runs with, return far. */
void conforming_code(void);
asm(".text\n"
    "conforming_code:\n\t"
    "movw %cs, conforming_cs\n\t"
    "lret");

/* Each of these is #GP(selector) from ring 3; the hook resumes past. */
static void user_main(void)
{
	asm volatile("movl $1f, fixup_eip\n\t"
		     "movw %0, %%fs\n"
		     "1:" : : "r"((u16)(SEL_HOLE_DS | 3)) : "memory");
	asm volatile("movl $1f, fixup_eip\n\t"
		     "lcall %0, $0\n"
		     "1:" : : "i"(SEL_KCODE2 | 3) : "memory");
	asm volatile("movl $1f, fixup_eip\n\t"
		     "lcall $0x53, $0\n"	/* kvm-lite's ring-0 code, RPL 3 */
		     "1:" : : : "memory");
	/* Conforming code may be called from ring 3, and stays in ring 3. */
	asm volatile("movl $0, fixup_eip\n\t"
		     "lcall %0, %1"
		     : : "i"(SEL_CONFORM | 3), "i"(conforming_code) : "memory");
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	u32 hole = hole_base();

	set_gate(13, trap_entry_13, 0);
	set_gate(14, trap_entry_14, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;
	load_gdt(hole);

	test_hole_segment(hole);
	test_second_code_segment();

	gp_count = 0;
	enter_user(user_main, USER_STACK_TOP);
	check_eq(gp_count, 3,
		 "ring 3: loading or calling the DPL-0 segments is #GP, 3 times");
	check_eq(conforming_cs & 3, 3,
		 "ring 3: DPL-0 conforming code runs, but in ring 3");
	check_eq(read_cs() & 3, 1, "the guest kernel is still in ring 1");
	guest_exit(0);
	return 0;
}
