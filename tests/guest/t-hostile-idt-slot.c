// SPDX-License-Identifier: GPL-2.0
/*
 * An IDT gate into kvm-lite's own GDT slots.  Slots 9-11 of the GDT the
 * CPU uses hold kvm-lite's TSS and its ring-0 code and data; a guest
 * whose gate names slot 10 (0x50) must not reach kvm-lite's ring-0 code
 * segment.  The guest's own slot 10 is empty, so the exception cannot
 * be delivered: KVM_EXIT_SHUTDOWN.
 */
#include "guest.h"

#define NR_DESC		16
#define LITE_CS		0x50

static u64 gdt[NR_DESC] __attribute__((aligned(8)));

/* The harness's GDT, in a table long enough to have slots 9-11. */
static void load_long_gdt(void)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	lgdt(&new);
}

int guest_main(void)
{
	u32 *gate = (u32 *)(IDT_BASE + 6 * 8);
	u32 entry = (u32)trap_entry_6;

	load_long_gdt();
	gate[0] = (LITE_CS << 16) | (entry & 0xffff);
	gate[1] = (entry & 0xffff0000) | 0x8e00;
	clear_gate(8);
	clear_gate(13);
	check(1, "the #UD gate names selector 0x50, kvm-lite's ring-0 code");

	expect("shutdown");
	asm volatile("ud2");
	check(0, "#UD through a gate into slot 10 came back");
	guest_exit(1);
	return 0;
}
