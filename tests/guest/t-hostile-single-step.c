// SPDX-License-Identifier: GPL-2.0
/*
 * Single-stepping (EFLAGS.TF) across instructions that run natively and
 * ones that exit: a plain add, an out (emulated), KVM's hypercall and
 * kvm-lite's own.  A CPU raises #DB after each of them, with EIP at the
 * next instruction; so must kvm-lite, whatever handled the instruction.
 */
#include "guest.h"

#define EFLAGS_TF	0x100
#define MAX_STEPS	16

static volatile u32 steps, step_eip[MAX_STEPS];
static volatile u32 after_add, after_out, after_vmcall, after_lite, after_popf;

static void hook(struct trap_frame *f)
{
	if (f->vector != 1)
		return;
	if (steps < MAX_STEPS)
		step_eip[steps] = f->eip;
	steps++;
	/* Stop stepping at the end of the traced code, or if it got past. */
	if (f->eip >= after_lite || f->eip < after_popf)
		f->eflags &= ~EFLAGS_TF;
}

/* Was there a #DB with EIP @eip? */
static int stepped_to(u32 eip)
{
	u32 i;

	for (i = 0; i < steps && i < MAX_STEPS; i++)
		if (step_eip[i] == eip)
			return 1;
	return 0;
}

int guest_main(void)
{
	set_soft_gate(1, 0);
	trap_hook = hook;

	asm volatile("movl $1f, after_popf\n\t"
		     "movl $2f, after_add\n\t"
		     "movl $3f, after_out\n\t"
		     "movl $4f, after_vmcall\n\t"
		     "movl $5f, after_lite\n\t"
		     "pushfl\n\t"
		     "orl $0x100, (%%esp)\n\t"
		     "popfl\n"
		     "1:\taddl $1, %%ecx\n"
		     "2:\toutl %%eax, %0\n"
		     "3:\tmovl $1, %%eax\n\t"		/* KVM_HC_VAPIC_POLL_IRQ */
		     "vmcall\n"
		     "4:\tmovl %1, %%eax\n\t"
		     "vmcall\n"
		     "5:"
		     : : "Nd"((u16)PORT_ECHO), "i"(KVM_HC_LITE_IRQ_ENABLED)
		     : "eax", "ecx", "memory");
	check(stepped_to(after_add), "#DB after a native add, at the next instruction");
	check(stepped_to(after_out), "#DB after an emulated out, at the next instruction");
	check(stepped_to(after_vmcall), "#DB after KVM's hypercall, at the next instruction");
	check(stepped_to(after_lite), "#DB after kvm-lite's hypercall, at the next instruction");
	guest_exit(0);
	return 0;
}
