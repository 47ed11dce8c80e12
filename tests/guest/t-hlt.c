// SPDX-License-Identifier: GPL-2.0
/*
 * hlt without an in-kernel irqchip: each one must stop the vCPU and come
 * out of KVM_RUN as KVM_EXIT_HLT, for user space to wait for an interrupt
 * (PORT_HLT_COUNT counts them).  With nothing pending the harness just
 * resumes, and the guest continues after the hlt.
 */
#include "guest.h"

static volatile u32 marker;

static void test_halts(u32 eflags_if, const char *what)
{
	u32 before;

	if (eflags_if)
		sti();
	else
		cli();
	before = inl(PORT_HLT_COUNT);
	marker = 0;
	asm volatile("hlt\n\t"
		     "hlt\n\t"
		     "hlt\n\t"
		     "movl $1, marker" : : : "memory");
	check_eq(inl(PORT_HLT_COUNT) - before, 3, what);
	check_eq(marker, 1, "execution continues after the hlts");
}

int guest_main(void)
{
	test_halts(0, "IF=0: three hlts, three KVM_EXIT_HLT exits");
	test_halts(1, "IF=1: three hlts, three KVM_EXIT_HLT exits");
	guest_exit(0);
	return 0;
}
