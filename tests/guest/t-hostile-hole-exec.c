// SPDX-License-Identifier: GPL-2.0
/*
 * Executing the hole.  Code the guest writes into its own CPU's page A
 * runs, in ring 1, like any guest code; user mode cannot even fetch from
 * the hole.  Paging treats ring 1 as supervisor, so the guest kernel can
 * also run the switcher's own code: it finds an exit stub by its bytes
 * and jumps to it.  The stub gets no further than its first privileged
 * step, loading kvm-lite's DPL-0 data segment: a #GP, which kvm-lite
 * hands straight to the guest (KVM's emulator cannot fetch from the
 * hole, which is no guest memory).
 */
#include "guest.h"

#define HOLE_SIZE	0x200000
#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

static volatile u32 saved_esp, user_pf_eip, user_pf_error;

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	if (f->vector == 14 && (f->cs & 3) == 3) {
		user_pf_eip = f->eip;
		user_pf_error = f->error_code;
	}
	if (fixup_eip)
		f->eip = fixup_eip;
}

/* The stub of @vector: pushl $0; pushl $vector; jmp (6a 00 6a vv). */
static u32 find_stub(u32 text, u8 vector)
{
	const u8 *p = (const u8 *)text;
	u32 i;

	for (i = 0; i < 4096 - 4; i++)
		if (p[i] == 0x6a && p[i + 1] == 0 && p[i + 2] == 0x6a &&
		    p[i + 3] == vector)
			return text + i;
	return 0;
}

/* Jump to @addr in ring 1; any trap comes back here with ESP restored. */
static void jump_in_ring1(u32 addr)
{
	asm volatile("pushl %%ebp\n\t"
		     "movl %%esp, saved_esp\n\t"
		     "movl $1f, fixup_eip\n\t"
		     "jmp *%0\n"
		     "1:\tmovl saved_esp, %%esp\n\t"
		     "popl %%ebp\n\t"
		     "movl $0, fixup_eip"
		     : : "r"(addr)
		     : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory");
}

static void run_stub(u32 hole)
{
	u32 stub = find_stub(hole, 0x20), before;

	check(stub != 0, "the exit stub for vector 0x20 is readable in ring 1");
	if (!stub)
		return;
	before = trap_count;
	jump_in_ring1(stub);
	check(trap_count == before + 1 && last_vector == 13 &&
	      last_error == 0x58,
	      "the exit stub in ring 1 ends in #GP(0x58), in the guest");
}

/* mov $0x1234abcd, %eax; jmp *%ebx */
static const u8 page_a_code[] = {
	0xb8, 0xcd, 0xab, 0x34, 0x12, 0xff, 0xe3,
};

/*
 * Our CPU's page A is writable (the CPU pushes exit frames there); code
 * written to it runs like any guest code, in ring 1.  A vCPU that
 * migrates between the copy and the jump finds another CPU's page
 * there, hence a few tries.
 */
static int run_in_page_a(void)
{
	u32 eax = 0, cs = 0, try, a;

	for (try = 0; try < 5 && eax != 0x1234abcd; try++) {
		a = copy_to_this_cpu_page_a(page_a_code, sizeof(page_a_code));
		if (!a)
			continue;
		asm volatile("movl $1f, %%ebx\n\t"
			     "movl $1f, fixup_eip\n\t"
			     "jmp *%2\n"
			     "1:\tmovl %%cs, %1\n\t"
			     "movl $0, fixup_eip"
			     : "+a"(eax), "=r"(cs) : "r"(a)
			     : "ebx", "memory");
	}
	return eax == 0x1234abcd && (cs & 3) == 1;
}

static void user_jump(void)
{
	asm volatile("movl $1f, fixup_eip\n\t"
		     "jmp *%0\n"
		     "1:" : : "r"(hole_base()) : "memory");
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	u32 hole = hole_base();

	set_gate(13, trap_entry_13, 0);
	set_gate(14, trap_entry_14, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;

	check(run_in_page_a(),
	      "code written to our page A runs, in ring 1, and returns");
	enter_user(user_jump, USER_STACK_TOP);
	check(user_pf_eip == hole && (user_pf_error & 7) == 5,
	      "user mode jumping into the hole faults (#PF U|P at the target)");
	run_stub(hole);
	guest_exit(0);
	return 0;
}
