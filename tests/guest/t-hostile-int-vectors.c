// SPDX-License-Identifier: GPL-2.0
/*
 * Software interrupts on the vectors the host itself uses: 0x20 (its
 * first device vector), 0xef (local APIC timer), 0xfd, 0xff (spurious),
 * 2 (NMI) and 8 (double fault).  kvm-lite's IDT sends all of them to
 * the switcher; from the guest they must only ever reach the guest's
 * own gates, without an error code, returning past the instruction,
 * and never the host's handlers.  From ring 3 a DPL-0 gate is a #GP
 * (error code vector * 8 + 2), a DPL-3 gate is taken.  icebp (int1)
 * ignores gate DPL: a real CPU raises #DB past it, TCG's qemu32 model
 * #UD at it; either way it must reach the guest's own gate.
 */
#include "guest.h"

#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

static const u8 vectors[] = { 0x20, 0xef, 0xfd, 0xff, 2, 8 };

static volatile u32 int_at, want_error, user_traps, user_ok, user_gp_ok;

/* int $v, its address in int_at; the handler returns past it. */
#define SOFT_INT(v)							\
	asm volatile("movl $1f, int_at\n"				\
		     "1:\tint $" #v : : : "memory")

static void soft_int(u8 v)
{
	switch (v) {
	case 0x20: SOFT_INT(0x20); break;
	case 0xef: SOFT_INT(0xef); break;
	case 0xfd: SOFT_INT(0xfd); break;
	case 0xff: SOFT_INT(0xff); break;
	case 2: SOFT_INT(2); break;
	case 8: SOFT_INT(8); break;
	}
}

static int one_trap(u32 before, u8 vector)
{
	return trap_count == before + 1 && last_vector == vector &&
	       last_error == 0 && last_eip == int_at + 2;
}

static void test_kernel(void)
{
	unsigned int i, ok = 0;
	u32 before;

	for (i = 0; i < sizeof(vectors); i++) {
		set_soft_gate(vectors[i], 0);
		before = trap_count;
		soft_int(vectors[i]);
		if (one_trap(before, vectors[i]) && (last_cs & 3) == 1) {
			ok++;
		} else {
			puts("# wrong delivery of vector ");
			put_hex(vectors[i]);
			puts("\n");
		}
	}
	check_eq(ok, sizeof(vectors),
		 "ring 1: int $n (0x20 0xef 0xfd 0xff 2 8) reaches the guest's gate n, no error code, past the int");
}

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	if (f->vector == 6)
		f->eip++;		/* past the 1-byte icebp */
	if ((f->cs & 3) != 3)
		return;
	user_traps++;
	if (f->vector == 13) {
		user_gp_ok += f->error_code == want_error &&
			      f->eip == int_at;
		f->eip = int_at + 2;
	}
}

/* Ring 3 through DPL-3 gates: every vector is taken. */
static void user_dpl3(void)
{
	unsigned int i;
	u32 before;

	for (i = 0; i < sizeof(vectors); i++) {
		before = trap_count;
		soft_int(vectors[i]);
		user_ok += one_trap(before, vectors[i]);
	}
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

/* Ring 3 through DPL-0 gates: every vector is a #GP(v * 8 + 2). */
static void user_dpl0(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(vectors); i++) {
		want_error = vectors[i] * 8 + 2;
		soft_int(vectors[i]);
	}
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

static void test_user(void)
{
	unsigned int i;

	set_gate(13, trap_entry_13, 0);
	set_gate(0x80, trap_entry_128, 3);
	for (i = 0; i < sizeof(vectors); i++)
		set_soft_gate(vectors[i], 3);
	enter_user(user_dpl3, USER_STACK_TOP);
	check_eq(user_ok, sizeof(vectors),
		 "ring 3: every int $n through a DPL-3 gate reaches gate n");

	for (i = 0; i < sizeof(vectors); i++)
		set_soft_gate(vectors[i], 0);
	user_traps = 0;
	enter_user(user_dpl0, USER_STACK_TOP);
	check(user_traps == sizeof(vectors) && user_gp_ok == sizeof(vectors),
	      "ring 3: every int $n through a DPL-0 gate is #GP(n * 8 + 2)");
}

static void test_icebp(void)
{
	u32 before = trap_count, at;

	set_soft_gate(1, 0);
	set_gate(6, trap_entry_6, 0);
	fixup_eip = 0;
	asm volatile("movl $1f, %0\n\t"
		     "movl $2f, int_at\n"
		     "1:\t.byte 0xf1\n"
		     "2:" : "=m"(at) : : "memory");
	check(trap_count == before + 1 &&
	      ((last_vector == 1 && last_eip == int_at) ||
	       (last_vector == 6 && last_eip == at)),
	      "icebp (int1) is a #DB past it or a #UD at it, for the guest");
}

int guest_main(void)
{
	trap_hook = hook;
	test_kernel();
	test_user();
	test_icebp();
	check_eq(read_cs() & 3, 1, "the guest kernel is still in ring 1");
	guest_exit(0);
	return 0;
}
