// SPDX-License-Identifier: GPL-2.0
/*
 * A storm of SET_STACK and DIRECT_TRAP hypercalls while user mode runs:
 * at every system call the kernel moves its user-entry stack between
 * two places, every third call it turns the direct trap off or on, and
 * now and then it makes a call kvm-lite must refuse.  Every system
 * call, direct or through the host, must arrive on the stack named
 * last, with a correct ring-3 frame, and none may be lost.
 */
#include "guest.h"

#define NR_CALLS	3000
#define SYS_ADD		1
#define SYS_EXIT	2
#define STACK_A		0x70000
#define STACK_B		0x6e000
#define STACK_SIZE	0x1000
#define USER_STACK_TOP	0x60000

static volatile u32 cur_stack, direct_on, calls, counter;
static volatile u32 wrong_stack, bad_frames, bad_returns, user_result;

static void set_stack(u32 esp)
{
	bad_returns += hypercall(KVM_HC_LITE_SET_STACK, SEL_KDATA, esp, 0, 0) != 0;
	cur_stack = esp;
}

/* Between two system calls: change what the next one goes through. */
static void churn(u32 n)
{
	set_stack(n & 1 ? STACK_B : STACK_A);
	if (n % 3 == 0) {
		direct_on = !direct_on;
		bad_returns += hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80,
					 direct_on, 0, 0) != 0;
	}
	if (n % 7 == 0)		/* a code segment is no stack */
		bad_returns += hypercall(KVM_HC_LITE_SET_STACK, SEL_KCODE,
					 0x1234, 0, 0) != (u32)-KVM_EINVAL;
	if (n % 11 == 0)	/* no DPL-3 trap gate for 0x81 */
		bad_returns += hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x81, 1,
					 0, 0) != (u32)-KVM_EINVAL;
}

static void check_frame(struct trap_frame *f)
{
	u32 at = (u32)f;

	if (at >= cur_stack || at < cur_stack - STACK_SIZE)
		wrong_stack++;
	if ((f->cs & 3) != 3 || f->user_ss != SEL_UDATA ||
	    f->user_esp > USER_STACK_TOP ||
	    f->user_esp < USER_STACK_TOP - STACK_SIZE)
		bad_frames++;
}

static void hook(struct trap_frame *f)
{
	if (f->vector != 0x80)
		return;
	check_frame(f);
	if (f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	calls++;
	counter += f->ebx;
	f->eax = counter;
	churn(calls);
}

static void user_main(void)
{
	u32 i, ret = 0;

	for (i = 1; i <= NR_CALLS; i++)
		asm volatile("int $0x80" : "=a"(ret) : "a"(SYS_ADD), "b"(i)
			     : "memory");
	user_result = ret;
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	set_trap_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;
	set_stack(STACK_A);
	direct_on = 1;
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0), 0,
		 "int $0x80 starts as a direct trap");

	enter_user(user_main, USER_STACK_TOP);
	check_eq(calls, NR_CALLS, "every system call reached the kernel");
	check_eq(user_result, NR_CALLS * (NR_CALLS + 1) / 2,
		 "user mode got every result back");
	check_eq(wrong_stack, 0, "every entry used the stack named last");
	check_eq(bad_frames, 0, "every frame has CS RPL 3 and the user SS:ESP");
	check_eq(bad_returns, 0,
		 "every hypercall of the storm returned 0 or its documented error");
	hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 0, 0, 0);
	guest_exit(0);
	return 0;
}
