// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why the guest stopped, and what to do about it.
 *
 * Every exit is a vector of the switcher's IDT.  Host interrupts and
 * NMIs go to the host's own handlers first, with interrupts still off
 * (lite_handle_exit_irqoff).  Then, in lite_handle_exit():
 *
 *  #GP   the guest ran a privileged instruction in ring 1 (cli, in, out,
 *        hlt, lgdt, mov to CR0, ...) or a software interrupt: emulate it;
 *  #PF   KVM's shadow MMU fills in the shadow page table, or reflects the
 *        fault to the guest;
 *  #UD   the hypercall instruction, or anything KVM's emulator knows;
 *  else  the guest's own exception, delivered through its IDT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <asm/desc.h>

#include "lite.h"
#include "switcher.h"
#include "x86.h"
#include "kvm_cache_regs.h"
#include "mmu.h"

/* Error-code bits of a #GP raised while reaching an IDT gate. */
#define LITE_GP_ERR_EXT		0x1	/* caused by an external event */
#define LITE_GP_ERR_IDT		0x2	/* the selector indexes the IDT */

static gate_desc *lite_host_idt;

void lite_exits_init(void)
{
	struct desc_ptr idt;

	/* The host IDT is shared by all CPUs and read-only after boot. */
	store_idt(&idt);
	lite_host_idt = (gate_desc *)idt.address;
}

static void lite_host_interrupt(struct kvm_vcpu *vcpu, unsigned int vector,
				enum kvm_intr_type type)
{
	kvm_before_interrupt(vcpu, type);
	lite_call_host_handler(gate_offset(&lite_host_idt[vector]));
	kvm_after_interrupt(vcpu);
}

void lite_handle_exit_irqoff(struct kvm_vcpu *vcpu)
{
	struct lite_exit *e = &to_lite(vcpu)->exit;

	/* An NMI that hit the switch itself, not the guest. */
	if (e->host_nmi)
		lite_host_interrupt(vcpu, NMI_VECTOR, KVM_HANDLING_NMI);
	if (e->vector < 0 || e->in_switcher)
		return;

	if (e->vector == NMI_VECTOR) {
		lite_host_interrupt(vcpu, NMI_VECTOR, KVM_HANDLING_NMI);
	} else if (e->vector == MC_VECTOR) {
		kvm_machine_check();
	} else if (e->vector >= FIRST_EXTERNAL_VECTOR) {
		lite_host_interrupt(vcpu, e->vector, KVM_HANDLING_IRQ);
		vcpu->arch.at_instruction_boundary = true;
	}
}

/*
 * One instruction through KVM's emulator.  The emulator only notes a
 * hlt; halting the vCPU is the backend's job, as with VMX's emulation of
 * invalid guest state.
 */
static int lite_emulate(struct kvm_vcpu *vcpu)
{
	int r = kvm_emulate_instruction(vcpu, 0);

	if (r > 0 && vcpu->arch.halt_request) {
		vcpu->arch.halt_request = 0;
		return kvm_emulate_halt_noskip(vcpu);
	}
	return r;
}

/*
 * KVM_SET_GUEST_DEBUG: a debugger in user space wants the #DB or #BP
 * itself (KVM_EXIT_DEBUG), the guest never sees it.
 */
static int lite_debug_exit(struct kvm_vcpu *vcpu, unsigned int vector,
			   unsigned long dr6)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_DEBUG;
	run->debug.arch.exception = vector;
	run->debug.arch.dr6 = dr6;
	run->debug.arch.dr7 = to_lite(vcpu)->dr7;
	run->debug.arch.pc = kvm_get_linear_rip(vcpu);
	return 0;
}

/* Tell user space, with the documented reason, that entry failed. */
static int lite_fail_entry(struct kvm_vcpu *vcpu, u64 reason)
{
	vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason = reason;
	vcpu->run->fail_entry.cpu = vcpu->arch.last_vmentry_cpu;
	return 0;
}

/*
 * A guest's `int n`, `int3` or `into` meets a DPL-0 gate in our IDT and
 * arrives as #GP with the vector in the error code.  Deliver it through
 * the guest's IDT, past the instruction.
 */
static int lite_soft_interrupt(struct kvm_vcpu *vcpu, unsigned int vector)
{
	unsigned long linear = kvm_get_linear_rip(vcpu);
	u8 opcode;

	if (lite_read_guest(vcpu, linear, &opcode, 1))
		return lite_emulate(vcpu);
	if (opcode == 0xcc && (vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP))
		return lite_debug_exit(vcpu, BP_VECTOR, 0);
	switch (opcode) {
	case 0xcd:			/* int imm8 */
		return lite_deliver_soft(to_lite(vcpu), vector, 2);
	case 0xcc:			/* int3 */
	case 0xce:			/* into */
		return lite_deliver_soft(to_lite(vcpu), vector, 1);
	default:
		return lite_emulate(vcpu);
	}
}

/*
 * in and out with an immediate or DX port (no string, no rep) go through
 * KVM's fast PIO path, as VT-x's I/O exits do: cheaper than the emulator,
 * and exact under single-stepping.  Where the guest's I/O permission
 * bitmap matters (CPL > IOPL), the emulator does the checking instead.
 */
static int lite_fast_pio(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	unsigned long linear = kvm_get_linear_rip(vcpu);
	int iopl = (lite->rflags & X86_EFLAGS_IOPL) >> X86_EFLAGS_IOPL_BIT;
	bool opsize = false;
	unsigned int i = 0;
	int size, in;
	u16 port;
	u8 b[3];

	if (lite_get_cpl(vcpu) > iopl || lite_read_guest(vcpu, linear, b, 3))
		return -1;
	if (b[0] == 0x66) {
		opsize = true;
		i = 1;
	}
	switch (b[i]) {
	case 0xe4 ... 0xe7:		/* in/out with an imm8 port */
		port = b[i + 1];
		lite->skip_len = i + 2;
		break;
	case 0xec ... 0xef:		/* in/out with the port in DX */
		port = kvm_rdx_read(vcpu);
		lite->skip_len = i + 1;
		break;
	default:
		return -1;
	}
	in = !(b[i] & 2);
	size = !(b[i] & 1) ? 1 :
	       (lite->segs[VCPU_SREG_CS].db != opsize) ? 4 : 2;
	return kvm_fast_pio(vcpu, size, port, in);
}

static int lite_handle_gp(struct kvm_vcpu *vcpu, u32 error_code)
{
	/* IDT-referencing, not external: a software interrupt. */
	if ((error_code & (LITE_GP_ERR_IDT | LITE_GP_ERR_EXT)) ==
	    LITE_GP_ERR_IDT)
		return lite_soft_interrupt(vcpu, error_code >> 3);
	/*
	 * Anything else, privileged instruction or genuine fault, the
	 * emulator re-executes with the guest's view of privilege (ring 0)
	 * and raises whatever a real CPU would have.
	 */
	if (!error_code) {
		int r = lite_fast_pio(vcpu);

		if (r >= 0)
			return r;
	}
	return lite_emulate(vcpu);
}

static int lite_handle_pf(struct kvm_vcpu *vcpu, unsigned long cr2,
			  u32 error_code)
{
	int ret;

	/*
	 * The hole does not exist for the guest: whatever its own page
	 * tables say, an access there faults, and the guest is told so.
	 */
	if (cr2 - lite_hole < LITE_HOLE_SIZE) {
		kvm_fixup_and_inject_pf_error(vcpu, cr2, error_code);
		return 1;
	}
	ret = kvm_mmu_page_fault(vcpu, cr2, error_code, NULL, 0);
	lite_pd3_refresh(to_lite(vcpu), cr2);
	return ret;
}

/* KVM's hypercall instruction, which raises #UD on a CPU without VMX. */
#define LITE_HYPERCALL_LEN	3
static bool lite_is_hypercall(struct kvm_vcpu *vcpu)
{
	unsigned long linear = kvm_get_linear_rip(vcpu);
	u8 insn[3];

	if (lite_read_guest(vcpu, linear, insn, sizeof(insn)))
		return false;
	return insn[0] == 0x0f && insn[1] == 0x01 &&
	       (insn[2] == 0xc1 || insn[2] == 0xd9);	/* vmcall, vmmcall */
}

static int lite_handle_ud(struct kvm_vcpu *vcpu)
{
	if (!lite_is_hypercall(vcpu))
		return handle_ud(vcpu);
	if (lite_is_lite_hypercall(kvm_rax_read(vcpu)))
		return lite_hypercall(vcpu, LITE_HYPERCALL_LEN);
	/* KVM's calls; it skips the instruction through our callback. */
	to_lite(vcpu)->skip_len = LITE_HYPERCALL_LEN;
	return kvm_emulate_hypercall(vcpu);
}

/* The guest's own exception: give it back, through its IDT. */
static int lite_reflect_exception(struct kvm_vcpu *vcpu, unsigned int vector,
				  u32 error_code)
{
	if (x86_exception_has_error_code(vector))
		kvm_queue_exception_e(vcpu, vector, error_code);
	else
		kvm_queue_exception(vcpu, vector);
	return 1;
}

static bool lite_rip_in_hole(struct kvm_vcpu *vcpu)
{
	unsigned long linear = kvm_get_linear_rip(vcpu);

	return linear - lite_hole < LITE_HOLE_SIZE;
}

static int lite_dispatch_exit(struct kvm_vcpu *vcpu, struct lite_exit *e)
{
	switch (e->vector) {
	case LITE_EXIT_NONE:
		return 1;
	case LITE_EXIT_EMULATE:
		return lite_emulate(vcpu);
	case LITE_EXIT_NO_ROOT:
		return lite_fail_entry(vcpu, KVM_LITE_ENTRY_FAIL_NO_ROOT);
	}
	/*
	 * The CPU refused the state while entering (an EIP beyond the CS
	 * limit, say).  Let the emulator take the guest's next instruction:
	 * it applies the same checks and raises what a real CPU would.
	 */
	if (e->in_switcher)
		return lite_emulate(vcpu);
	/*
	 * A guest running the switcher's code (it can, in ring 1): the
	 * emulator cannot fetch from the hole, so give the guest the
	 * exception as it is.
	 */
	if (lite_rip_in_hole(vcpu) && e->vector < FIRST_EXTERNAL_VECTOR &&
	    e->vector != NMI_VECTOR && e->vector != MC_VECTOR &&
	    e->vector != PF_VECTOR)
		return lite_reflect_exception(vcpu, e->vector, e->error_code);

	switch (e->vector) {
	case NMI_VECTOR:
	case MC_VECTOR:
		return 1;		/* the host handled it */
	case GP_VECTOR:
		return lite_handle_gp(vcpu, e->error_code);
	case PF_VECTOR:
		return lite_handle_pf(vcpu, e->cr2, e->error_code);
	case UD_VECTOR:
		return lite_handle_ud(vcpu);
	case DF_VECTOR:
		kvm_make_request(KVM_REQ_TRIPLE_FAULT, vcpu);
		return 1;
	case DB_VECTOR:
		if (vcpu->guest_debug &
		    (KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP))
			return lite_debug_exit(vcpu, DB_VECTOR, e->dr6);
		/* The payload is DR6 with its active-low bits flipped. */
		kvm_queue_exception_p(vcpu, DB_VECTOR,
				      (e->dr6 ^ DR6_ACTIVE_LOW) & ~BIT(12));
		return 1;
	}
	if (e->vector >= FIRST_EXTERNAL_VECTOR)
		return 1;		/* a host interrupt, already handled */
	return lite_reflect_exception(vcpu, e->vector, e->error_code);
}

int lite_handle_exit(struct kvm_vcpu *vcpu,
		     enum exit_fastpath_completion exit_fastpath)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	int r;

	lite_vcpu_page_sync(lite);
	lite_vcpu_page_maybe_update_time(lite);
	lite_nmi_check_return(lite);
	r = lite_dispatch_exit(vcpu, &lite->exit);

	/*
	 * Descriptors the guest changed in memory, or a GDT it just loaded
	 * (an emulated lgdt), take effect from the next entry.
	 */
	lite_refresh_gdt(lite);
	return r;
}
