// SPDX-License-Identifier: GPL-2.0
/*
 * A far call through a call gate.  kvm-lite drops gates from the GDT
 * the CPU uses (a gate is how a descriptor leads to a more privileged
 * ring), so the CPU faults and KVM's emulator gets the instruction; the
 * emulator does not do call gates, so KVM_RUN must end with
 * KVM_EXIT_INTERNAL_ERROR (an emulation failure at the lcall, 9a), and
 * the guest never runs a single instruction in ring 0.
 */
#include "guest.h"

#define NR_DESC		8
#define SEL_GATE	0x30

static u64 gdt[NR_DESC] __attribute__((aligned(8)));

static void gate_target(void)
{
	check(0, "the call gate was followed");
	guest_exit(1);
}

int guest_main(void)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	/* A DPL-3 gate into the kernel's code: what a ring-3 caller uses. */
	gdt[SEL_GATE / 8] = gate_desc(SEL_KCODE, (u32)gate_target,
				      DESC_CALL_GATE(3));
	lgdt(&new);
	check(1, "a GDT with a call gate into ring 0 is loaded");

	expect("internal-error 9a");
	asm volatile("lcall %0, $0" : : "i"(SEL_GATE) : "memory");
	check(0, "the far call through the gate came back");
	guest_exit(1);
	return 0;
}
