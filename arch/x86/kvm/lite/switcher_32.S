/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kvm-lite switcher: the code that sits in the memory hole, at the
 * same address in the host and in the guest, and changes one into the
 * other.  lite_switcher_start..lite_switcher_end is copied into the
 * hole's text page at load time, so everything here is position
 * independent: data is reached through %eax, which points at this CPU's
 * struct lite_cpu_pages (page A; B and C follow it).
 *
 * Entry (lite_switch_to_guest), from C with interrupts off:
 *	pushf; lcall LITE_CS:switch_to_guest
 *	%eax = this CPU's pages (page A), %ebx = the guest's CR3.
 * The pushf + far call leave an interrupt frame on the host stack, so the
 * exit path returns to the caller with a plain iret.
 *
 * Exit: every trap, fault and interrupt in the guest comes through one of
 * the 256 stubs of the IDT in page B, which push the vector (and a zero
 * error code where the CPU pushes none) and join exit_common.
 */
#include <linux/linkage.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include "switcher.h"
#include "lite-asm-offsets.h"

	.text
	.balign 16
SYM_CODE_START(lite_switcher_start)

/*
 * Into the guest.  Order matters: the host's IDT stays in force until our
 * GDT (which also holds LITE_CS) is loaded, and the guest's page table
 * comes last, once nothing needs writing any more.
 */
SYM_INNER_LABEL(lite_switch_to_guest, SYM_L_GLOBAL)
	pushl	%es
	pushl	%ds
	pushl	%gs
	pushl	%fs
	pushl	%ebp
	movl	%esp, LITE_C_host_sp(%eax)

	lgdt	LITE_B_gdt_desc(%eax)
	lidt	LITE_B_idt_desc(%eax)
	/* ltr marks the TSS busy; it was busy from the last entry. */
	andb	$~0x02, (LITE_B_gdt + LITE_GDT_ENTRY_TSS * 8 + 5)(%eax)
	movl	$LITE_TSS, %edx
	ltr	%dx

	/* The register frame, mapped writable in the guest too, is our stack. */
	leal	LITE_A_regs(%eax), %esp
	movl	%ebx, %cr3

	popl	%eax
	popl	%ebx
	popl	%ecx
	popl	%edx
	popl	%esi
	popl	%edi
	popl	%ebp
	popl	%gs
	popl	%fs
	popl	%ds
	popl	%es
	addl	$8, %esp		/* trapnum, errcode */
	iret				/* to ring 1 or 3, IF on */

/*
 * Out of the guest.  The CPU switched to LITE_DS:TSS.esp0 (the end of
 * page A) and pushed the guest's SS, ESP, EFLAGS, CS, EIP; the stub added
 * the error code and vector.  Save the rest, then restore the host:
 * CR3 first, from MSR_IA32_SYSENTER_ESP (nothing in guest-visible memory
 * can be trusted, and page C is not mapped yet; run.c explains), then the
 * GDT and TR, the stack, and last the IDT, so that until the host can
 * take its own interrupts ours still catch them.
 */
exit_common:
	pushl	%es
	pushl	%ds
	pushl	%fs
	pushl	%gs
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%edx
	pushl	%ecx
	pushl	%ebx
	pushl	%eax
	movl	$LITE_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es

	movl	%cr2, %ebx
	movl	$MSR_IA32_SYSENTER_ESP, %ecx
	rdmsr
	movl	%eax, %cr3

	/*
	 * Which CPU's pages?  The stack is inside page A; normally at the
	 * frame, but a fault while switch_to_guest popped the guest's
	 * registers lands a little higher.  Either way, round down.
	 */
	movl	%esp, %eax
	andl	$PAGE_MASK, %eax
	movl	%ebx, LITE_C_cr2(%eax)
	movl	%esp, LITE_C_exit_sp(%eax)

	/* The host TSS is still marked busy: clear it in the writable GDT. */
	lgdt	LITE_C_host_gdt_rw(%eax)
	movl	(LITE_C_host_gdt_rw + 2)(%eax), %edx
	andb	$~0x02, (GDT_ENTRY_TSS * 8 + 5)(%edx)
	movl	$(GDT_ENTRY_TSS * 8), %edx
	ltr	%dx
	lgdt	LITE_C_host_gdt_ro(%eax)

	/* SS still holds LITE_DS from the trap: the host wants its own. */
	movl	$__KERNEL_DS, %edx
	movl	%edx, %ss
	movl	LITE_C_host_sp(%eax), %esp
	lidt	LITE_C_host_idt(%eax)
	popl	%ebp
	popl	%fs
	popl	%gs
	popl	%ds
	popl	%es
	iret				/* back after the lcall */

/*
 * An NMI.  From the guest it is an exit like any other, and the host
 * hands it to its own NMI handler.  Inside the switch itself (ring 0) we
 * cannot exit: note it in page B, which the guest cannot write, and let
 * the host handle it once the switch is over.  Page B is read-only in
 * the guest's page table, hence CR0.WP off for one store.  Nothing here
 * may trust %ds (it may hold a guest selector): use %ss.
 */
nmi_stub:
	testb	$3, 4(%esp)		/* the interrupted CS */
	jz	1f
	pushl	$0
	pushl	$2
	jmp	exit_common
1:	pushl	%eax
	pushl	%edx
	subl	$8, %esp
	sidt	(%esp)
	movl	2(%esp), %eax		/* our IDT: page B + LITE_B_idt_off */
	addl	$8, %esp
	subl	$LITE_B_idt, %eax
	movl	%cr0, %edx
	andl	$~X86_CR0_WP, %edx
	movl	%edx, %cr0
	movl	$1, %ss:LITE_B_nmi_pending(%eax)
	orl	$X86_CR0_WP, %edx
	movl	%edx, %cr0
	popl	%edx
	popl	%eax
	iret

/*
 * The 256 stubs.  Vectors 8, 10-14 and 17 come with an error code from
 * the CPU; the others push a zero so that every frame looks the same.
 * Each stub also records its offset in lite_stub_offsets (in .rodata),
 * so the IDT can be built without knowing the stubs' sizes.
 */
.macro LITE_STUB vector
	.pushsection .rodata
	.long	1f - lite_switcher_start
	.popsection
1:
	.if \vector == 2
	jmp	nmi_stub
	.else
	.if (\vector <> 8) && (\vector < 10 || \vector > 14) && (\vector <> 17)
	pushl	$0
	.endif
	pushl	$\vector
	jmp	exit_common
	.endif
.endm

	.pushsection .rodata
	.balign 4
SYM_DATA_START(lite_stub_offsets)
	.popsection
	vector = 0
	.rept 256
	LITE_STUB vector
	vector = vector + 1
	.endr
	.pushsection .rodata
SYM_DATA_END(lite_stub_offsets)
	.popsection

SYM_INNER_LABEL(lite_switcher_end, SYM_L_GLOBAL)
SYM_CODE_END(lite_switcher_start)


/*
 * Not part of the copied text: hand an interrupt or NMI that arrived in
 * the guest to the host's own IDT handler (%eax), with the frame the CPU
 * would have built had it interrupted us here, interrupts off.  The
 * handler's iret comes back to the instruction after the call.
 */
	.text
SYM_FUNC_START(lite_call_host_handler)
	pushl	%ebp
	movl	%esp, %ebp
	pushfl
	pushl	$__KERNEL_CS
	CALL_NOSPEC eax
	movl	%ebp, %esp
	popl	%ebp
	RET
SYM_FUNC_END(lite_call_host_handler)
