// SPDX-License-Identifier: GPL-2.0
/*
 * A ring-3 process under a ring-1 guest kernel.  The kernel irets to user
 * mode; the process makes system calls with int $0x80, tries privileged
 * instructions (each must raise #GP in the guest, from ring 3) and a
 * hypercall (refused: only the kernel may call), then exits through a
 * system call that returns to the kernel.  Then the same system calls
 * again as kvm-lite direct traps, which must not leave the guest
 * (PORT_EXITS counts the vCPU's exits).
 *
 * Paging stays off: the flat DPL-3 segments are all user mode needs.
 */
#include "guest.h"

#define NR_CALLS	1000
#define SYS_ADD		1	/* counter += ebx; returns the counter */
#define SYS_EXIT	2	/* back to the kernel; enter_user returns ebx */
#define EXIT_VALUE	0x1234
#define USER_STACK_TOP	0x60000
#define KERNEL_STACK0	0x70000	/* the harness TSS's esp0 */
#define MAX_GP		4

/* What the kernel saw. */
static volatile u32 counter, add_calls, bad_frames;
static volatile u32 gp_count, gp_error[MAX_GP], gp_eip[MAX_GP], gp_cs[MAX_GP];

/* What user mode saw. */
static volatile u32 user_result, vmcall_result;
static volatile u64 user_cycles;
/* Where user mode's faulting instruction is, and where it resumes. */
static volatile u32 gp_at[MAX_GP], gp_resume;

/* A system call frame must come from ring 3, on the user stack. */
static void do_syscall(struct trap_frame *f)
{
	if ((f->cs & 3) != 3 || f->user_ss != SEL_UDATA ||
	    f->user_esp > USER_STACK_TOP || f->user_esp < USER_STACK_TOP - 0x1000)
		bad_frames++;
	switch (f->eax) {
	case SYS_ADD:
		add_calls++;
		counter += f->ebx;
		f->eax = counter;
		break;
	case SYS_EXIT:
		leave_user(f, f->ebx);
		break;
	default:
		f->eax = -1;
	}
}

static void do_gp(struct trap_frame *f)
{
	if (gp_count < MAX_GP) {
		gp_error[gp_count] = f->error_code;
		gp_eip[gp_count] = f->eip;
		gp_cs[gp_count] = f->cs;
	}
	gp_count++;
	f->eip = gp_resume;
}

static void kernel_hook(struct trap_frame *f)
{
	if (f->vector == 0x80)
		do_syscall(f);
	else if (f->vector == 13)
		do_gp(f);
}

/* ------------------------------------------------------------ user mode */

static u32 sys(u32 nr, u32 arg)
{
	u32 ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(arg) : "memory");
	return ret;
}

static void user_syscalls(void)
{
	u64 t0 = rdtsc();
	u32 i;

	for (i = 1; i <= NR_CALLS; i++)
		user_result = sys(SYS_ADD, i);
	user_cycles = rdtsc() - t0;
}

/* Each of these must raise #GP in ring 3; the handler resumes at label 2. */
static void user_privileged(void)
{
	asm volatile("movl $1f, gp_at\n\t"
		     "movl $2f, gp_resume\n"
		     "1:\tcli\n"
		     "2:" : : : "memory");
	asm volatile("movl $1f, gp_at+4\n\t"
		     "movl $2f, gp_resume\n"
		     "1:\tinb $0xf8, %%al\n"
		     "2:" : : : "eax", "memory");
	/* A software interrupt through a DPL-0 gate. */
	asm volatile("movl $1f, gp_at+8\n\t"
		     "movl $2f, gp_resume\n"
		     "1:\tint $0x30\n"
		     "2:" : : : "memory");
	asm volatile("vmcall" : "=a"(vmcall_result)
		     : "a"(KVM_HC_VAPIC_POLL_IRQ) : "memory");
}

static void user_main_privileged(void)
{
	user_privileged();
	sys(SYS_EXIT, EXIT_VALUE);
}

static void user_main_syscalls(void)
{
	user_syscalls();
	sys(SYS_EXIT, EXIT_VALUE);
}

/* ---------------------------------------------------------- the kernel */

static void reset_counts(void)
{
	counter = 0;
	add_calls = 0;
	bad_frames = 0;
	user_result = 0;
}

static void report(const char *how, u32 exits)
{
	puts("# ");
	put_dec(NR_CALLS);
	puts(" system calls ");
	puts(how);
	puts(": ");
	put_dec((u32)user_cycles);
	puts(" TSC cycles, ");
	put_dec(exits);
	puts(" exits\n");
}

static void check_syscalls(const char *how)
{
	check_eq(add_calls, NR_CALLS,
		 join(how, ": every system call reached the kernel"));
	check_eq(counter, NR_CALLS * (NR_CALLS + 1) / 2,
		 join(how, ": the kernel added every argument"));
	check_eq(user_result, counter,
		 join(how, ": user mode got the results back"));
	check_eq(bad_frames, 0,
		 join(how, ": every frame has CS RPL 3 and the user SS:ESP"));
}

static void check_gp(int i, u32 error, const char *what)
{
	check(gp_error[i] == error && gp_eip[i] == gp_at[i] &&
	      (gp_cs[i] & 3) == 3, what);
}

static void test_through_exits(void)
{
	u32 kernel_cs = read_cs(), exits, ret;

	set_gate(0x80, trap_entry_128, 3);
	reset_counts();
	/* Nothing between the two reads but user mode (no console lines). */
	exits = inl(PORT_EXITS);
	ret = enter_user(user_main_syscalls, USER_STACK_TOP);
	exits = inl(PORT_EXITS) - exits;
	check_eq(ret, EXIT_VALUE,
		 "user mode ran and exited to the kernel with its value");
	report("through the host", exits);
	check_eq(read_cs(), kernel_cs, "the kernel is back in its own ring");
	check_syscalls("int $0x80");
	check(exits >= NR_CALLS, "each of them was an exit (an int $0x80 #GP)");

	reset_counts();
	enter_user(user_main_privileged, USER_STACK_TOP);

	check_eq(gp_count, 3, "three privileged attempts, three #GPs");
	check_gp(0, 0, "cli in ring 3: #GP(0) with the user CS:EIP");
	check_gp(1, 0, "inb in ring 3: #GP(0) with the user CS:EIP");
	check_gp(2, 0x30 * 8 + 2,
		 "int $0x30 through a DPL-0 gate: #GP(0x182) from ring 3");
	check_eq(vmcall_result, -KVM_EPERM,
		 "a hypercall from user mode returns -KVM_EPERM");
}

/*
 * The same system calls through kvm-lite's direct trap: the CPU enters
 * the guest kernel's handler itself, so they cost what they cost natively.
 */
static void test_direct_traps(void)
{
	u32 exits, ret;

	check_eq(hypercall(KVM_HC_LITE_SET_STACK, SEL_KDATA, KERNEL_STACK0,
			   0, 0), 0, "SET_STACK for user-mode entries");
	set_trap_gate(0x80, trap_entry_128, 3);
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0), 0,
		 "int $0x80 becomes a direct trap");
	reset_counts();
	exits = inl(PORT_EXITS);
	ret = enter_user(user_main_syscalls, USER_STACK_TOP);
	exits = inl(PORT_EXITS) - exits;
	check_eq(ret, EXIT_VALUE,
		 "direct traps: user mode exited to the kernel with its value");
	report("as direct traps", exits);
	check_syscalls("direct traps");
	/* A few host interrupts may still fall into the loop. */
	check(exits < NR_CALLS / 10, "direct traps do not leave the guest");
	hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 0, 0, 0);
}

int guest_main(void)
{
	set_gate(13, trap_entry_13, 0);
	set_gate(0x30, trap_entry_48, 0);
	trap_hook = kernel_hook;

	test_through_exits();
	test_direct_traps();
	guest_exit(0);
	return 0;
}
