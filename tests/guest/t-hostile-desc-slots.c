// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that puts its own code segment in GDT slot 10, one of the
 * slots kvm-lite keeps for itself (its ring-0 code) in the GDT the CPU
 * uses.  The guest's jump there cannot be done natively (the CPU sees
 * kvm-lite's DPL-0 segment; even the switcher's iret into it faults),
 * so every instruction it runs with that CS goes through KVM's
 * emulator: slowly, but correctly, and never with kvm-lite's segment.
 */
#include "guest.h"

#define NR_DESC		16
#define SEL_SLOT10	0x50

static u64 gdt[NR_DESC] __attribute__((aligned(8)));

int guest_main(void)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	u16 cs_there = 0, cs_back = 0;
	u32 sum = 0, echo = 0, i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_SLOT10 / 8] = make_desc(0, 0xffffffff, DESC_CODE(0));
	lgdt(&new);

	asm volatile("ljmp %4, $1f\n"
		     "1:\tmovw %%cs, %0\n\t"
		     "movl $10, %%ecx\n"
		     "2:\taddl %%ecx, %1\n\t"
		     "loop 2b\n\t"
		     "movl $41, %%eax\n\t"
		     "outl %%eax, %5\n\t"
		     "inl %5, %%eax\n\t"
		     "movl %%eax, %2\n\t"
		     "ljmp %6, $3f\n"
		     "3:\tmovw %%cs, %3"
		     : "=m"(cs_there), "+m"(sum), "=m"(echo), "=m"(cs_back)
		     : "i"(SEL_SLOT10), "Nd"((u16)PORT_ECHO), "i"(SEL_KCODE)
		     : "eax", "ecx", "memory");
	check_eq(cs_there, SEL_SLOT10,
		 "code in the guest's slot-10 segment runs (emulated: CS shows RPL 0)");
	check_eq(sum, 55, "  ... computes correctly");
	check_eq(echo, 42, "  ... and does port I/O");
	check_eq(cs_back, SEL_KCODE | 1,
		 "back in its usual code segment, the guest runs natively again");
	guest_exit(0);
	return 0;
}
