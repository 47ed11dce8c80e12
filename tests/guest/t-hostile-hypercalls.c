// SPDX-License-Identifier: GPL-2.0
/*
 * Every hypercall number a guest might try, with garbage arguments:
 * KVM's 0..16, kvm-lite's KVM_HC_LITE_BASE + 0..16 and pseudo-random
 * numbers.  Each must come back with 0 or a negative KVM_E* error (or
 * the values a documented call returns), every register but EAX intact
 * and the guest still running; from user mode every one is -KVM_EPERM.
 */
#include "guest.h"

#define KVM_E2BIG		7
#define KVM_HC_SEND_IPI		10
#define NR_RANDOM		64
#define USER_STACK_TOP		0x60000
#define SYS_EXIT		2
/* Not page aligned, beyond RAM, beyond any selector: refused by all. */
#define GARBAGE			0xfffff123

struct result {
	u32 eax, ebx, ecx, edx, esi, edi, ebp;
};

static volatile u32 user_bad;

/* EBP after the call; every other register is an operand. */
u32 ebp_after;

static void call(u32 nr, struct result *r)
{
	asm volatile("pushl %%ebp\n\t"
		     "movl $0x66666666, %%ebp\n\t"
		     "vmcall\n\t"
		     "movl %%ebp, ebp_after\n\t"
		     "popl %%ebp"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx),
		       "=S"(r->esi), "=D"(r->edi)
		     : "a"(nr), "b"(GARBAGE), "c"(0x22222222),
		       "d"(0x33333333), "S"(0x44444444), "D"(0x55555555)
		     : "memory");
	r->ebp = ebp_after;
}

static int preserved(const struct result *r)
{
	return r->ebx == GARBAGE && r->ecx == 0x22222222 &&
	       r->edx == 0x33333333 && r->esi == 0x44444444 &&
	       r->edi == 0x55555555 && r->ebp == 0x66666666;
}

static int is_error(u32 ret)
{
	return ret == (u32)-KVM_ENOSYS || ret == (u32)-KVM_EINVAL ||
	       ret == (u32)-KVM_EFAULT || ret == (u32)-KVM_EPERM ||
	       ret == (u32)-KVM_E2BIG || ret == (u32)-KVM_EOPNOTSUPP;
}

/* What is acceptable for @nr: an error, or a documented result. */
static int acceptable(u32 nr, const struct result *r)
{
	if (nr == KVM_HC_LITE_CPUID)
		return 1;		/* four CPUID values, documented */
	if (!preserved(r))
		return 0;
	if (nr == KVM_HC_VAPIC_POLL_IRQ || nr == KVM_HC_LITE_IRQ_ENABLED ||
	    nr == KVM_HC_LITE_RELOAD_GDT)
		return r->eax == 0;
	if (nr == KVM_HC_SEND_IPI && r->eax < 256)
		return 1;		/* how many CPUs got the IPI */
	return r->eax == 0 || is_error(r->eax);
}

static void report(u32 nr, u32 ret)
{
	puts("# hypercall ");
	put_hex(nr);
	puts(" returned ");
	put_hex(ret);
	puts("\n");
}

static u32 test_range(u32 base, u32 count)
{
	struct result r;
	u32 nr, bad = 0;

	for (nr = base; nr <= base + count; nr++) {
		call(nr, &r);
		if (!acceptable(nr, &r)) {
			report(nr, r.eax);
			bad++;
		}
	}
	return bad;
}

static u32 next_random(u32 *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed ^ (*seed >> 16);
}

static u32 test_random(void)
{
	u32 seed = 0x4c54, i, nr, bad = 0;
	struct result r;

	for (i = 0; i < NR_RANDOM; i++) {
		nr = next_random(&seed);
		/* Half of them near kvm-lite's base, to hit its range. */
		if (i & 1)
			nr = KVM_HC_LITE_BASE + (nr & 0x1ffff) - 0x100;
		call(nr, &r);
		if (!acceptable(nr, &r)) {
			report(nr, r.eax);
			bad++;
		}
	}
	return bad;
}

/* User mode may not make any call: every one is -KVM_EPERM. */
static void user_main(void)
{
	struct result r;
	u32 nr;

	for (nr = 0; nr <= 16; nr++) {
		call(nr, &r);
		user_bad += r.eax != (u32)-KVM_EPERM || !preserved(&r);
		call(KVM_HC_LITE_BASE + nr, &r);
		user_bad += r.eax != (u32)-KVM_EPERM;
	}
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT)
		leave_user(f, 0);
}

int guest_main(void)
{
	struct result r;

	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;

	check_eq(test_range(0, 16), 0,
		 "KVM's hypercalls 0..16 with garbage: 0 or -KVM_E*, registers kept");
	check_eq(test_range(KVM_HC_LITE_BASE, 16), 0,
		 "kvm-lite's hypercalls +0..+16 with garbage: 0 or -KVM_E*, registers kept");
	check_eq(test_random(), 0,
		 "64 pseudo-random hypercall numbers: 0 or -KVM_E*, registers kept");

	/* A hypercall in an sti shadow is emulated; it must still work. */
	cli();
	asm volatile("sti\n\t"
		     "vmcall" : "=a"(r.eax) : "a"(KVM_HC_VAPIC_POLL_IRQ)
		     : "memory");
	check_eq(r.eax, 0, "a hypercall in the shadow of sti returns 0");

	enter_user(user_main, USER_STACK_TOP);
	check_eq(user_bad, 0, "from user mode every number is -KVM_EPERM");
	check_eq(read_cs() & 3, 1, "the guest kernel still runs natively");
	guest_exit(0);
	return 0;
}
