// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against privilege: kvm-lite's own GDT slots (TSS,
 * ring-0 code and data) and software interrupts on the vectors the host
 * uses.  (A far call through a call gate ends the guest with
 * KVM_EXIT_INTERNAL_ERROR: KVM's emulator does not do call gates.)  None may get the guest out
 * of ring 1; each must end in what a real CPU would do to a guest
 * kernel: a #GP, or delivery through the guest's own IDT.
 */
#include "guest.h"

volatile u32 resume_at;

static void resume_hook(struct trap_frame *f)
{
	(void)f;
	if (f->vector == 13)
		trap_resume = resume_at;
}

/* Load @sel into DS; after a fault, resume and restore DS. */
static void load_ds(u16 sel)
{
	asm volatile("movl $1f, resume_at\n\t"
		     "movw %0, %%ds\n"
		     "1:\tmovw %1, %%ds"
		     : : "r"(sel), "r"((u16)SEL_KDATA) : "memory");
}

static void check_gp_on_load(u16 sel, const char *what)
{
	u32 before = trap_count;

	load_ds(sel);
	check(trap_count == before + 1 && last_vector == 13 &&
	      last_error == (sel & ~3u), what);
}

int guest_main(void)
{
	u32 cs, before;

	set_gate(13, trap_entry_13, 0);
	trap_hook = resume_hook;

	check_gp_on_load(0x48, "loading kvm-lite's TSS slot as data is #GP");
	check_gp_on_load(0x50, "loading kvm-lite's ring-0 code slot is #GP");
	check_gp_on_load(0x58, "loading kvm-lite's ring-0 data slot is #GP");

	asm volatile("mov %%cs, %0" : "=r"(cs));
	check_eq(cs & 3, 1, "the guest kernel is still in ring 1");

	/* Host vectors as software interrupts reach only our own gates. */
	set_gate(0x20, trap_entry_32, 0);
	before = trap_count;
	asm volatile("int $0x20" : : : "memory");
	check(trap_count == before + 1 && last_vector == 32,
	      "int $0x20 arrives at the guest's own handler");
	set_gate(2, trap_entry_0, 0);
	before = trap_count;
	asm volatile("int $0x2" : : : "memory");
	check(trap_count == before + 1 && last_vector == 0,
	      "int $2 (the NMI vector) arrives at the guest's own gate");
	guest_exit(0);
	return 0;
}
