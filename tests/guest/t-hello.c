// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest guest: it runs, talks through an I/O port and exits.
 * Every "ok" line here crossed the world switch twice per character.
 */
#include "guest.h"

int guest_main(void)
{
	u32 cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	check(1, "a guest instruction ran and its output reached the host");
	/*
	 * The emulator would show the selector the harness set (RPL 0);
	 * only the real CPU running us in ring 1 shows RPL 1.
	 */
	check_eq(cs & 3, 1, "the guest kernel runs natively, in ring 1");
	outl(PORT_ECHO, 41);
	check_eq(inl(PORT_ECHO), 42, "port I/O carries data both ways");
	*(volatile u32 *)MMIO_ECHO = 0x12345678;
	check_eq(*(volatile u32 *)MMIO_ECHO, ~0x12345678u,
		 "MMIO carries data both ways");
	guest_exit(0);
	return 0;
}
