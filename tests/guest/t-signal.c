// SPDX-License-Identifier: GPL-2.0
/*
 * Signals to a running guest's thread (not a hostile guest: one that
 * spins, without exits, waiting for them).  Each signal must end
 * KVM_RUN with -EINTR and KVM_EXIT_INTR; the harness notes it in our
 * memory and resumes us, and we must carry on exactly where we were,
 * registers and all, in ring 1 or ring 3.  The same with the signal
 * handler setting immediate_exit, and with immediate_exit completing a
 * pending in.
 */
#include "guest.h"

#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

/* The harness adds one after each KVM_EXIT_INTR it resumes us from. */
static volatile u32 kicks;
static volatile u32 user_spins;

static int ask_kick(u32 ms, u32 flags)
{
	struct harness_req req = {
		.op = HREQ_KICK, .arg = ms, .flags = flags,
		.gpa_lo = (u32)&kicks,
	};

	return harness(&req);
}

/*
 * Spin until kicks moves past @before, with known values in ESI, EDI
 * and EBP; return how many of them survived (3 if all did).
 */
static u32 spin_until_kicked(u32 before, u32 *spins)
{
	u32 esi = 0x11111111, edi = 0x22222222, ebp_ok, n = 0;

	asm volatile("pushl %%ebp\n\t"
		     "movl $0x33333333, %%ebp\n"
		     "1:\tincl %3\n\t"
		     "cmpl %4, kicks\n\t"
		     "je 1b\n\t"
		     "xorl %%eax, %%eax\n\t"
		     "cmpl $0x33333333, %%ebp\n\t"
		     "sete %%al\n\t"
		     "popl %%ebp"
		     : "+S"(esi), "+D"(edi), "=&a"(ebp_ok), "+r"(n)
		     : "r"(before)
		     : "memory", "cc");
	*spins = n;
	return (esi == 0x11111111) + (edi == 0x22222222) + ebp_ok;
}

static void test_kick(u32 ms, u32 flags, const char *what)
{
	u32 before = kicks, spins, kept;

	check_eq(ask_kick(ms, flags), 0, join(what, ": the harness takes the request"));
	kept = spin_until_kicked(before, &spins);
	check(kicks == before + 1 && spins > 0,
	      join(what, ": one KVM_EXIT_INTR while we spun"));
	check_eq(kept, 3, join(what, ": ESI, EDI and EBP survived it"));
}

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT)
		leave_user(f, 0);
}

static void user_spin(void)
{
	u32 before = kicks;

	while (kicks == before)
		user_spins++;
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	u32 before;

	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;

	test_kick(10, 0, "a signal after 10 ms");
	test_kick(100, 0, "a signal after 100 ms");
	cli();
	test_kick(50, 0, "a signal while IF is off");
	sti();
	test_kick(50, HREQ_F_IMMEDIATE, "a signal whose handler sets immediate_exit");

	before = kicks;
	check_eq(ask_kick(50, 0), 0, "ring 3: the harness takes the request");
	enter_user(user_spin, USER_STACK_TOP);
	check(kicks == before + 1 && user_spins > 0,
	      "ring 3: one KVM_EXIT_INTR while user mode spun, then it went on");

	check_eq(inl(PORT_IMMEDIATE), IMMEDIATE_VALUE,
		 "an in completed by an immediate-exit KVM_RUN reads its value");
	check_eq(read_cs() & 3, 1, "the guest kernel still runs natively");
	guest_exit(0);
	return 0;
}
