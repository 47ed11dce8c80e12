// SPDX-License-Identifier: GPL-2.0
/*
 * Down to real mode and back, the way firmware and boot loaders move
 * between modes (and the way QEMU starts every vCPU: in real mode).  A
 * ring-1 CPU cannot run real mode, so kvm-lite steps it in KVM's
 * emulator; once the guest is back in protected mode, it runs natively
 * again.  The real-mode part talks to the echo port, so port I/O is
 * checked through the emulator too.
 */
#include "guest.h"

#define LOW_CODE	0x8000		/* real-mode code runs from here */
#define SEL_CODE16	0x30		/* GDT slot 6: 16-bit code, base 0 */
#define SEL_DATA16	0x38		/* GDT slot 7: 16-bit data, base 0 */

/* Filled in by the real-mode code. */
#define RESULT_ECHO	(LOW_CODE + 0x800)
#define RESULT_CR0	(LOW_CODE + 0x804)

extern const char low_start[], low_end[];
u32 saved_esp32;

/*
 * Copied to LOW_CODE and entered at offset 0 in 16-bit protected mode.
 * Offsets, not absolute addresses: it runs where it is copied to.
 */
asm(".pushsection .rodata\n"
    "	.code16\n"
    "low_start:\n"
    "	movw	$" XSTR(SEL_DATA16) ", %ax\n"
    "	movw	%ax, %ds\n"
    "	movw	%ax, %ss\n"
    "	movl	%cr0, %eax\n"
    "	andl	$~1, %eax\n"
    "	movl	%eax, %cr0\n"		/* real mode from here */
    "	ljmp	$" XSTR(LOW_CODE) " >> 4, $(low_real - low_start)\n"
    "low_real:\n"
    "	movw	%cs, %ax\n"
    "	movw	%ax, %ds\n"
    "	movw	%ax, %ss\n"
    "	movw	$0x700, %sp\n"
    "	movl	$0x4320, %eax\n"
    "	outl	%eax, $" XSTR(PORT_ECHO) "\n"
    "	inl	$" XSTR(PORT_ECHO) ", %eax\n"
    "	movl	%eax, 0x800\n"		/* RESULT_ECHO, DS-relative */
    "	movl	%cr0, %eax\n"
    "	movl	%eax, 0x804\n"		/* RESULT_CR0 */
    "	orl	$1, %eax\n"
    "	movl	%eax, %cr0\n"		/* protected mode again */
    "	.byte	0x66, 0xea\n"		/* ljmpl $SEL_KCODE, $low_back */
    "	.long	low_back\n"
    "	.word	" XSTR(SEL_KCODE) "\n"
    "low_end:\n"
    "	.code32\n"
    "	.popsection\n"
    ".text\n"
    "low_back:\n"
    "	movl	$" XSTR(SEL_KDATA) ", %eax\n"
    "	movl	%eax, %ds\n"
    "	movl	%eax, %es\n"
    "	movl	%eax, %ss\n"
    "	movl	saved_esp32, %esp\n"
    "	ret\n");

static void set_desc(int slot, u32 flags)
{
	u32 *gdt = (u32 *)GDT_BASE;

	gdt[slot * 2] = 0x0000ffff;		/* base 0, limit 0xffff */
	gdt[slot * 2 + 1] = flags;		/* byte granular, 16-bit */
}

static void to_real_mode_and_back(void)
{
	asm volatile("pushl %%ebp\n\t"
		     "movl %%esp, saved_esp32\n\t"
		     "subl $4, saved_esp32\n\t"	/* the call's return address */
		     "call 1f\n\t"
		     "jmp 2f\n"
		     "1:\tljmp $" XSTR(SEL_CODE16) ", $" XSTR(LOW_CODE) "\n"
		     "2:\tpopl %%ebp"
		     : : : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory");
}

int guest_main(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) gdtr = { 8 * 8 - 1, GDT_BASE };
	u32 cs;
	int i;

	for (i = 0; i < low_end - low_start; i++)
		((volatile char *)LOW_CODE)[i] = low_start[i];
	set_desc(6, 0x00009a00);		/* code, DPL 0, present */
	set_desc(7, 0x00009200);		/* data, DPL 0, present */
	asm volatile("lgdt %0" : : "m"(gdtr));

	to_real_mode_and_back();
	check_eq(*(volatile u32 *)RESULT_ECHO, 0x4321,
		 "port I/O from real mode (emulated) both ways");
	check_eq(*(volatile u32 *)RESULT_CR0 & 1, 0,
		 "CR0.PE read 0 in real mode");
	asm volatile("mov %%cs, %0" : "=r"(cs));
	check_eq(cs & 3, 1, "back in protected mode, natively in ring 1");
	outl(PORT_ECHO, 7);
	check_eq(inl(PORT_ECHO), 8, "and port I/O works natively again");
	guest_exit(0);
	return 0;
}
