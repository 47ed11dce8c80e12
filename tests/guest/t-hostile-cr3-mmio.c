// SPDX-License-Identifier: GPL-2.0
/*
 * Paging with the page directory in no memory at all: CR3 names a
 * physical address outside every memslot.  No instruction can be
 * fetched and no page fault delivered (the IDT is unreachable too), so
 * the guest must be shut down (KVM_EXIT_SHUTDOWN), and the host must
 * never walk memory that is not the guest's.
 */
#include "guest.h"

#define NO_MEMORY	0x90000000

int guest_main(void)
{
	set_gate(14, trap_entry_14, 0);
	check(1, "#PF has a gate");

	expect("shutdown");
	write_cr3(NO_MEMORY);
	write_cr0(read_cr0() | X86_CR0_PG);
	check(0, "the guest ran with its page directory in no memory");
	guest_exit(1);
	return 0;
}
