// SPDX-License-Identifier: GPL-2.0
/*
 * Writing CR0 and CR4 with bits the guest may not set.  Every mov to a
 * control register traps in ring 1 and KVM's emulator checks it as the
 * CPU would: an invalid combination or a reserved or unoffered CR4 bit
 * is a #GP(0) for the guest, a write to a control register that does
 * not exist is #UD, and none of them changes anything.
 */
#include "guest.h"

#define X86_CR0_NW		0x20000000
#define X86_CR0_CD		0x40000000
#define X86_CR4_VMXE		0x00002000
#define X86_CR4_SMXE		0x00004000
#define X86_CR4_PCIDE		0x00020000
#define X86_CR4_LA57		0x00001000
#define X86_CR4_PKE		0x00400000
#define X86_CR4_RESERVED	0x80000000

static volatile u32 fault_at;

static int write_faults(int cr, u32 value, u32 vector)
{
	u32 before = trap_count;

	if (cr == 0)
		asm volatile("movl $1f, fault_at\n\t"
			     "movl $2f, fixup_eip\n"
			     "1:\tmovl %0, %%cr0\n"
			     "2:\tmovl $0, fixup_eip" : : "r"(value) : "memory");
	else if (cr == 4)
		asm volatile("movl $1f, fault_at\n\t"
			     "movl $2f, fixup_eip\n"
			     "1:\tmovl %0, %%cr4\n"
			     "2:\tmovl $0, fixup_eip" : : "r"(value) : "memory");
	else	/* mov %eax, %cr5: 0f 22 e8 */
		asm volatile("movl $1f, fault_at\n\t"
			     "movl $2f, fixup_eip\n"
			     "1:\t.byte 0x0f, 0x22, 0xe8\n"
			     "2:\tmovl $0, fixup_eip" : : "a"(value) : "memory");
	return trap_count == before + 1 && last_vector == vector &&
	       last_error == 0 && last_eip == fault_at;
}

int guest_main(void)
{
	u32 cr0 = read_cr0(), cr4 = read_cr4();

	set_gate(6, trap_entry_6, 0);
	set_gate(13, trap_entry_13, 0);
	trap_hook = fixup_hook;

	check(write_faults(0, cr0 | X86_CR0_NW, 13), "CR0.NW without CD: #GP(0)");
	check(write_faults(0, (cr0 & ~X86_CR0_PE) | X86_CR0_PG, 13),
	      "CR0.PG without PE: #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_RESERVED, 13),
	      "CR4 bit 31 (reserved): #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_VMXE, 13), "CR4.VMXE: #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_SMXE, 13), "CR4.SMXE: #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_PCIDE, 13), "CR4.PCIDE: #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_LA57, 13), "CR4.LA57: #GP(0)");
	check(write_faults(4, cr4 | X86_CR4_PKE, 13), "CR4.PKE: #GP(0)");
	check(write_faults(5, 0, 6), "mov to CR5: #UD");
	check_eq(read_cr0(), cr0, "CR0 is unchanged");
	check_eq(read_cr4(), cr4, "CR4 is unchanged");

	/* Bits the CPU ignores in CR0 are dropped, not faulted on. */
	write_cr0(cr0 | 0x100);
	check_eq(read_cr0(), cr0, "a reserved CR0 bit is ignored, as on a CPU");
	check_eq(read_cs() & 3, 1, "the guest kernel still runs natively");
	guest_exit(0);
	return 0;
}
