// SPDX-License-Identifier: GPL-2.0
/*
 * An exit storm: a guest that leaves the world switch as often as it
 * can, NR_EXITS port writes in a row (each one a #GP in the host, an
 * emulated outl and a trip to user space).  Nothing may leak or drift:
 * the echo port still answers, the vCPU's exit count grew by at least
 * as much, and the guest's registers survived every trip.
 */
#include "guest.h"

#define NR_EXITS	1000000

/*
 * The loop keeps its state in registers the exits must preserve: ESI
 * counts down, EDI counts up, EBP holds a constant.
 */
static u32 storm(u32 n, u32 *up, u32 *constant)
{
	u32 left = n, count = 0, magic = 0x5eed5eed;

	asm volatile("1:\tmovl %%edi, %%eax\n\t"
		     "outl %%eax, %3\n\t"
		     "incl %%edi\n\t"
		     "decl %%esi\n\t"
		     "jnz 1b"
		     : "+S"(left), "+D"(count), "+b"(magic)
		     : "Nd"((u16)PORT_ECHO)
		     : "eax", "memory", "cc");
	*up = count;
	*constant = magic;
	return left;
}

int guest_main(void)
{
	u32 exits = inl(PORT_EXITS), up, constant, left;
	u64 t0 = rdtsc(), cycles;

	left = storm(NR_EXITS, &up, &constant);
	cycles = rdtsc() - t0;
	exits = inl(PORT_EXITS) - exits;
	puts("# ");
	put_dec(NR_EXITS);
	puts(" port exits: ");
	put_dec((u32)(cycles / NR_EXITS));
	puts(" TSC cycles each, ");
	put_dec(exits);
	puts(" exits counted\n");
	check(left == 0 && up == NR_EXITS,
	      "the loop counters in ESI and EDI survived every exit");
	check_eq(constant, 0x5eed5eed, "EBX survived every exit");
	check_eq(inl(PORT_ECHO), NR_EXITS, "the echo port saw the last write");
	check(exits >= NR_EXITS + 1, "the vCPU counted every exit");
	guest_exit(0);
	return 0;
}
