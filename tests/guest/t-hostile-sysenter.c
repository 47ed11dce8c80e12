// SPDX-License-Identifier: GPL-2.0
/*
 * sysenter and syscall, from ring 1 and ring 3.  Both enter ring 0 by
 * MSRs alone, so they are the one way a guest could reach the host
 * kernel's own system-call entry: kvm-lite keeps the real
 * SYSENTER_CS at 0 while a vCPU is loaded.  With the guest's own
 * SYSENTER_CS at 0 both rings get #GP(0); with EFER.SCE clear syscall
 * is #UD.  With SYSENTER MSRs of its own, the guest's
 * sysexit and sysenter go through KVM's emulator to the guest's own
 * code, even when its SYSENTER_CS names kvm-lite's GDT slot.
 */
#include "guest.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define USER_STACK_TOP		0x60000
#define SYSENTER_STACK		0x6c000
#define SYS_EXIT		2
#define LITE_CS			0x50

static volatile u32 fault_at, user_faults;
volatile u32 saved_kernel_esp, handler_esp, user_cs;
volatile u16 handler_cs;

/*
 * u32 sysexit_to(u32 user_eip, u32 user_esp): into ring 3 by sysexit.
 * user code comes back by sysenter to sysenter_entry, which returns
 * from here with the user's EAX.
 */
u32 sysexit_to(u32 eip, u32 esp);
void sysenter_entry(void);
asm(".text\n"
    "sysexit_to:\n\t"
    "pushl %ebp\n\t"
    "pushl %ebx\n\t"
    "pushl %esi\n\t"
    "pushl %edi\n\t"
    "movl %esp, saved_kernel_esp\n\t"
    "movl 20(%esp), %edx\n\t"
    "movl 24(%esp), %ecx\n\t"
    "movl $" XSTR(SEL_UDATA) ", %eax\n\t"
    "movl %eax, %ds\n\t"
    "movl %eax, %es\n\t"
    "movl %eax, %fs\n\t"
    "movl %eax, %gs\n\t"
    "sysexit\n"
    "sysenter_entry:\n\t"
    "movw %cs, handler_cs\n\t"
    "movl %esp, handler_esp\n\t"
    "ljmp $" XSTR(SEL_KCODE) ", $1f\n"
    "1:\tmovl $" XSTR(SEL_KDATA) ", %ecx\n\t"
    "movl %ecx, %ds\n\t"
    "movl %ecx, %es\n\t"
    "movl %ecx, %fs\n\t"
    "movl %ecx, %gs\n\t"
    "movl %ecx, %ss\n\t"
    "movl saved_kernel_esp, %esp\n\t"
    "popl %edi\n\t"
    "popl %esi\n\t"
    "popl %ebx\n\t"
    "popl %ebp\n\t"
    "ret");

/* Ring 3, reached by sysexit: note CS, go back by sysenter. */
void user_sysenter(void);
asm(".text\n"
    "user_sysenter:\n\t"
    "movl %cs, %eax\n\t"
    "movl %eax, user_cs\n\t"
    "movl $0x5e5e, %eax\n\t"
    "sysenter");

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	if ((f->cs & 3) == 3)
		user_faults += f->eip == fault_at &&
			       ((f->vector == 13 && f->error_code == 0) ||
				f->vector == 6);
	if (fixup_eip)
		f->eip = fixup_eip;
}

/* The instruction at label 1 must fault; resume at label 2. */
#define FAULTING(insn)							\
	asm volatile("movl $1f, fault_at\n\t"				\
		     "movl $2f, fixup_eip\n"				\
		     "1:\t" insn "\n"					\
		     "2:\tmovl $0, fixup_eip" : : : "memory")

static int faulted(u32 before, u32 vector, u32 error)
{
	return trap_count == before + 1 && last_vector == vector &&
	       last_error == error && last_eip == fault_at;
}

static void user_faulting(void)
{
	FAULTING("sysenter");
	FAULTING("syscall");
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

static void test_without_msrs(void)
{
	u32 before = trap_count;

	FAULTING("sysenter");
	check(faulted(before, 13, 0), "ring 1: sysenter with SYSENTER_CS 0 is #GP(0)");
	before = trap_count;
	FAULTING("syscall");
	check(faulted(before, 6, 0), "ring 1: syscall is #UD");
	user_faults = 0;
	enter_user(user_faulting, USER_STACK_TOP);
	check_eq(user_faults, 2, "ring 3: sysenter is #GP(0), syscall #UD");
}

static void test_with_msrs(u32 cs, const char *what)
{
	u32 ret;

	wrmsr(MSR_IA32_SYSENTER_CS, cs);
	wrmsr(MSR_IA32_SYSENTER_ESP, SYSENTER_STACK);
	wrmsr(MSR_IA32_SYSENTER_EIP, (u32)sysenter_entry);
	handler_cs = 0;
	user_cs = 0;
	ret = sysexit_to((u32)user_sysenter, USER_STACK_TOP);
	/* sysexit's CS is SYSENTER_CS + 16, RPL 3. */
	if (!check(ret == 0x5e5e && user_cs == ((cs + 16) | 3) &&
		   handler_esp == SYSENTER_STACK && (handler_cs & ~3) == cs,
		   what)) {
		puts("# ret ");
		put_hex(ret);
		puts(" user cs ");
		put_hex(user_cs);
		puts(" handler esp ");
		put_hex(handler_esp);
		puts(" handler cs ");
		put_hex(handler_cs);
		puts("\n");
	}
	check_eq(read_cs(), SEL_KCODE | 1, "  ... and the kernel is back in ring 1");
}

int guest_main(void)
{
	set_gate(6, trap_entry_6, 0);
	set_gate(13, trap_entry_13, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;

	test_without_msrs();
	test_with_msrs(SEL_KCODE,
		       "sysexit to ring 3 and sysenter back reach the guest's own entry");
	test_with_msrs(LITE_CS,
		       "with SYSENTER_CS = kvm-lite's slot 10 they reach the guest's entry too");
	wrmsr(MSR_IA32_SYSENTER_CS, 0);
	guest_exit(0);
	return 0;
}
