// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's hypercall ABI from a ring-1 guest kernel: vmcall (and vmmcall)
 * raise #UD on a CPU without VMX, and kvm-lite must turn that into KVM's
 * hypercall: EAX = number, EBX, ECX, EDX, ESI = arguments, result in
 * EAX, execution resuming after the 3-byte instruction with every other
 * register intact.  Then kvm-lite's own calls, with bad arguments first.
 */
#include "guest.h"

#define NO_SUCH_CALL		0x7777
#define NO_SUCH_LITE_CALL	(KVM_HC_LITE_BASE + 0xff)

/* eax ebx ecx edx esi edi ebp esp, after the call; esp before it. */
static volatile u32 after[8], esp_before, marker;

/*
 * Every register gets a known value, vmcall runs, and everything is
 * stored straight after it: a skipped store leaves the marker at 0, a
 * wrong EIP would run or skip the wrong bytes.
 */
static void call_with_known_registers(u32 nr)
{
	marker = 0;
	asm volatile("pushl %%ebp\n\t"
		     "movl %%esp, esp_before\n\t"
		     "movl $0x11111111, %%ebx\n\t"
		     "movl $0x22222222, %%ecx\n\t"
		     "movl $0x33333333, %%edx\n\t"
		     "movl $0x44444444, %%esi\n\t"
		     "movl $0x55555555, %%edi\n\t"
		     "movl $0x66666666, %%ebp\n\t"
		     "vmcall\n\t"
		     "movl $0x600d, marker\n\t"
		     "movl %%eax, after\n\t"
		     "movl %%ebx, after+4\n\t"
		     "movl %%ecx, after+8\n\t"
		     "movl %%edx, after+12\n\t"
		     "movl %%esi, after+16\n\t"
		     "movl %%edi, after+20\n\t"
		     "movl %%ebp, after+24\n\t"
		     "movl %%esp, after+28\n\t"
		     "popl %%ebp"
		     : "+a"(nr)
		     :
		     : "ebx", "ecx", "edx", "esi", "edi", "memory");
}

static void test_vmcall(void)
{
	static const u32 want[] = {
		0x11111111, 0x22222222, 0x33333333, 0x44444444,
		0x55555555, 0x66666666,
	};
	int i, same = 1;

	call_with_known_registers(KVM_HC_VAPIC_POLL_IRQ);
	check_eq(marker, 0x600d,
		 "vmcall: execution resumes at the next instruction");
	check_eq(after[0], 0, "vmcall KVM_HC_VAPIC_POLL_IRQ returns 0");
	for (i = 0; i < 6; i++)
		same &= after[i + 1] == want[i];
	check(same, "vmcall preserves EBX, ECX, EDX, ESI, EDI, EBP");
	check_eq(after[7], esp_before, "vmcall preserves ESP");

	call_with_known_registers(NO_SUCH_CALL);
	check_eq(after[0], -KVM_ENOSYS,
		 "vmcall with an unknown number returns -KVM_ENOSYS");
	check_eq(marker, 0x600d, "vmcall: resumes after an unknown call too");
}

static u32 vmmcall(u32 nr)
{
	u32 ret;

	asm volatile("vmmcall\n\t"
		     "movl $0x600d, marker"
		     : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static void test_vmmcall(void)
{
	marker = 0;
	check_eq(vmmcall(KVM_HC_VAPIC_POLL_IRQ), 0,
		 "vmmcall KVM_HC_VAPIC_POLL_IRQ returns 0");
	check_eq(marker, 0x600d, "vmmcall: resumes after the instruction");
	check_eq(vmmcall(NO_SUCH_CALL), -KVM_ENOSYS,
		 "vmmcall with an unknown number returns -KVM_ENOSYS");
}

/* kvm-lite's calls: every bad argument is an error code, nothing else. */
static void test_lite_calls(void)
{
	check_eq(hypercall(NO_SUCH_LITE_CALL, 0, 0, 0, 0), -KVM_ENOSYS,
		 "an unknown kvm-lite call returns -KVM_ENOSYS");
	check_eq(hypercall(KVM_HC_LITE_APIC_WRITE, 0x380, 1000, 0, 0),
		 -KVM_EOPNOTSUPP,
		 "APIC_WRITE without an in-kernel local APIC: -KVM_EOPNOTSUPP");
	check_eq(hypercall(KVM_HC_LITE_RELOAD_GDT, 0, 0, 0, 0), 0,
		 "RELOAD_GDT returns 0");
	check_eq(hypercall(KVM_HC_LITE_SET_STACK, 0x1230, 0x70000, 0, 0),
		 -KVM_EINVAL, "SET_STACK: a selector beyond the GDT is refused");
	check_eq(hypercall(KVM_HC_LITE_SET_STACK, SEL_KCODE, 0x70000, 0, 0),
		 -KVM_EINVAL, "SET_STACK: a code segment is refused");
	check_eq(hypercall(KVM_HC_LITE_SET_STACK, SEL_UDATA, 0x70000, 0, 0),
		 -KVM_EINVAL, "SET_STACK: a DPL-3 segment is refused");
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0),
		 -KVM_EINVAL, "DIRECT_TRAP before SET_STACK is refused");
	check_eq(hypercall(KVM_HC_LITE_SET_STACK, SEL_KDATA, 0x70000, 0, 0),
		 0, "SET_STACK with the kernel data segment succeeds");

	set_gate(0x80, trap_entry_128, 3);
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0),
		 -KVM_EINVAL, "DIRECT_TRAP through an interrupt gate is refused");
	set_trap_gate(0x80, trap_entry_128, 0);
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0),
		 -KVM_EINVAL, "DIRECT_TRAP through a DPL-0 gate is refused");
	set_trap_gate(3, trap_entry_3, 3);
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 3, 1, 0, 0),
		 -KVM_EINVAL, "DIRECT_TRAP for an exception vector is refused");
	set_trap_gate(0x80, trap_entry_128, 3);
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 1, 0, 0), 0,
		 "DIRECT_TRAP through a DPL-3 trap gate succeeds");
	check_eq(hypercall(KVM_HC_LITE_DIRECT_TRAP, 0x80, 0, 0, 0), 0,
		 "DIRECT_TRAP can be turned off again");
}

int guest_main(void)
{
	test_vmcall();
	test_vmmcall();
	test_lite_calls();
	guest_exit(0);
	return 0;
}
