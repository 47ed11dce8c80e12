/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of every test guest.  The harness starts us in flat 32-bit
 * protected mode, CPL 0 (really ring 1 under kvm-lite), paging off.
 * EBX holds the vCPU's index and ECX the number of vCPUs (both 0 from
 * older harnesses).  vCPU 0 runs guest_main(), the others
 * guest_ap_main(index), each on a stack of its own; the status goes to
 * the exit port.
 */
#include "guest.h"

	.section .text.start, "ax"
	.globl _start
_start:
	imull	$GUEST_STACK_STRIDE, %ebx, %eax
	leal	GUEST_STACK_TOP(%eax), %esp
	testl	%ecx, %ecx
	jz	1f
	movl	%ecx, nr_cpus
1:	testl	%ebx, %ebx
	jnz	2f
	call	guest_main
	jmp	3f
2:	pushl	%ebx
	call	guest_ap_main
3:	movw	$PORT_EXIT, %dx
	outl	%eax, %dx
4:	hlt
	jmp	4b

/*
 * Exception and interrupt entry points for guest_set_trap(): each records
 * the vector, error code and the frame the CPU pushed, then returns
 * past nothing (the handler decides where to resume via trap_resume).
 */
.macro TRAP vector, has_error
	.globl trap_entry_\vector
trap_entry_\vector:
	.if \has_error == 0
	pushl	$0
	.endif
	pushl	$\vector
	jmp	trap_common
.endm

	.text
	TRAP 0, 0
	TRAP 2, 0
	TRAP 3, 0
	TRAP 6, 0
	TRAP 13, 1
	TRAP 14, 1
	TRAP 32, 0
	TRAP 48, 0
	TRAP 128, 0

/*
 * soft_entries[v]: an entry for vector v that the CPU enters without an
 * error code (any software interrupt, most exceptions), for set_soft_gate().
 */
.macro SOFT_STUB vector
	.pushsection .rodata
	.long	1f
	.popsection
1:	pushl	$0
	pushl	$\vector
	jmp	trap_common
.endm

	.pushsection .rodata
	.balign 4
	.globl soft_entries
soft_entries:
	.popsection
	vector = 0
	.rept 256
	SOFT_STUB vector
	vector = vector + 1
	.endr

trap_common:
	pushal
	pushl	%esp			/* struct trap_frame * */
	call	guest_trap
	addl	$4, %esp
	popal
	addl	$8, %esp		/* vector, error code */
	iret

/*
 * u32 enter_user(void (*fn)(void), u32 user_esp): run fn in ring 3 on
 * user_esp.  It never returns by itself: a trap handler ends it with
 * leave_user(), which resumes at user_return with the value in EAX, and
 * enter_user returns that value.  One user process at a time.
 */
	.globl enter_user, user_return
enter_user:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, kernel_esp
	movl	20(%esp), %eax		/* fn */
	movl	24(%esp), %ecx		/* user_esp */
	/* A return to ring 3 clears data segments user mode may not use. */
	movl	$SEL_UDATA, %edx
	movl	%edx, %ds
	movl	%edx, %es
	movl	%edx, %fs
	movl	%edx, %gs
	pushl	$SEL_UDATA		/* ss */
	pushl	%ecx			/* esp */
	pushfl
	pushl	$SEL_UCODE		/* cs */
	pushl	%eax			/* eip */
	iret

/*
 * Reached by a same-ring iret from the handler, whose frame still sits
 * on the kernel stack: forget it and go back to enter_user's frame.
 */
user_return:
	movl	kernel_esp, %esp
	movl	$SEL_KDATA, %edx
	movl	%edx, %ds
	movl	%edx, %es
	movl	%edx, %fs
	movl	%edx, %gs
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

	.data
kernel_esp:
	.long	0
	.globl nr_cpus
nr_cpus:
	.long	1

	.section .note.GNU-stack, "", @progbits
