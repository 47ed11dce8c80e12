// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite register state: segments, descriptor tables, control registers
 * and flags.
 *
 * On VT-x these live in the VMCS and KVM reaches them through vmread and
 * vmwrite; here they are fields of struct vcpu_lite.  The callbacks below
 * only store and return what KVM's common code has already validated
 * (kvm_set_cr0(), kvm_is_valid_sregs(), ...): kvm-lite adds no rules of
 * its own for state that is merely saved.  Whether the world switch can
 * run a given state natively is decided at entry, not here, so user space
 * can always save and restore any state KVM accepts.
 */
#include "lite.h"

#include <asm/kvm_host.h>
#include "kvm_cache_regs.h"
#include "x86.h"

/* Descriptor type fields (SDM Vol. 3, "Segment Descriptor Types"). */
#define SEG_TYPE_RW_DATA	0x3	/* read/write, accessed */
#define SEG_TYPE_RX_CODE	0xb	/* execute/read, accessed */
#define SEG_TYPE_LDT		0x2
#define SEG_TYPE_TSS32_BUSY	0xb

/*
 * Architectural state after RESET or INIT (SDM Vol. 3, "Processor State
 * After Reset"): real mode, CS:IP = f000:fff0 with CS.base = ffff0000.
 */
static void lite_reset_segment(struct kvm_segment *s, u16 selector,
			       u32 base, u8 type, u8 is_code_or_data)
{
	memset(s, 0, sizeof(*s));
	s->selector = selector;
	s->base = base;
	s->limit = 0xffff;
	s->type = type;
	s->s = is_code_or_data;
	s->present = 1;
}

void lite_reset_segments(struct vcpu_lite *lite)
{
	int seg;

	for (seg = VCPU_SREG_ES; seg <= VCPU_SREG_GS; seg++)
		lite_reset_segment(&lite->segs[seg], 0, 0,
				   SEG_TYPE_RW_DATA, 1);
	lite_reset_segment(&lite->segs[VCPU_SREG_CS], 0xf000, 0xffff0000,
			   SEG_TYPE_RX_CODE, 1);
	lite_reset_segment(&lite->segs[VCPU_SREG_TR], 0, 0,
			   SEG_TYPE_TSS32_BUSY, 0);
	lite_reset_segment(&lite->segs[VCPU_SREG_LDTR], 0, 0, SEG_TYPE_LDT, 0);

	lite->gdt.address = 0;
	lite->gdt.size = 0xffff;
	lite->idt.address = 0;
	lite->idt.size = 0xffff;
}

u64 lite_get_segment_base(struct kvm_vcpu *vcpu, int seg)
{
	return to_lite(vcpu)->segs[seg].base;
}

void lite_get_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	*var = to_lite(vcpu)->segs[seg];
}

void lite_set_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	struct kvm_segment *s = &to_lite(vcpu)->segs[seg];

	*s = *var;
	/* A 32-bit CPU has no 64-bit segments and no upper base bits. */
	s->l = 0;
	s->base = (u32)s->base;
	s->padding = 0;
}

/*
 * The CPL is SS.DPL in protected mode, as on VMX: CS.RPL can be stale
 * while a far transfer is in flight, SS.DPL cannot.
 */
int lite_get_cpl(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	if (!is_protmode(vcpu))
		return 0;
	if (lite->rflags & X86_EFLAGS_VM)
		return 3;
	return lite->segs[VCPU_SREG_SS].dpl;
}

void lite_get_cs_db_l_bits(struct kvm_vcpu *vcpu, int *db, int *l)
{
	struct kvm_segment *cs = &to_lite(vcpu)->segs[VCPU_SREG_CS];

	*db = cs->db;
	*l = 0;
}

/* Real mode and unpaged protected mode are KVM states like any other. */
bool lite_is_valid_cr0(struct kvm_vcpu *vcpu, unsigned long cr0)
{
	return true;
}

void lite_set_cr0(struct kvm_vcpu *vcpu, unsigned long cr0)
{
	vcpu->arch.cr0 = cr0;
	kvm_register_mark_available(vcpu, VCPU_EXREG_CR0);
}

/*
 * KVM has already refused every bit our CPUID does not offer (VMXE, SMXE,
 * PCIDE, ...) via kvm_is_valid_cr4(); nothing else is off limits.
 */
bool lite_is_valid_cr4(struct kvm_vcpu *vcpu, unsigned long cr4)
{
	return true;
}

void lite_set_cr4(struct kvm_vcpu *vcpu, unsigned long cr4)
{
	vcpu->arch.cr4 = cr4;
	kvm_register_mark_available(vcpu, VCPU_EXREG_CR4);
}

int lite_set_efer(struct kvm_vcpu *vcpu, u64 efer)
{
	vcpu->arch.efer = efer;
	return 0;
}

void lite_get_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	*dt = to_lite(vcpu)->idt;
}

/* A new IDT: the gate a direct trap was made from may be gone. */
void lite_set_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite->idt = *dt;
	lite->direct_vector = 0;
}

void lite_get_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	*dt = to_lite(vcpu)->gdt;
}

void lite_set_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	to_lite(vcpu)->gdt = *dt;
}

void lite_set_dr7(struct kvm_vcpu *vcpu, unsigned long value)
{
	to_lite(vcpu)->dr7 = value;
}

/*
 * Every register lives in vcpu->arch.regs and is marked available from
 * vCPU creation on, so KVM never needs to ask us to fetch one.  If it
 * does, something marked a register unavailable behind our back.
 */
void lite_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	WARN_ONCE(1, "kvm-lite: unexpected register cache miss (reg %d)\n",
		  reg);
	kvm_register_mark_available(vcpu, reg);
}

/* EFLAGS as the guest sees it: IF is the virtual one (vcpu_page.c). */
unsigned long lite_get_rflags(struct kvm_vcpu *vcpu)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	return (lite->rflags & ~X86_EFLAGS_IF) |
	       (lite_irq_enabled(lite) ? X86_EFLAGS_IF : 0);
}

void lite_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	lite->rflags = (rflags & ~X86_EFLAGS_IF) |
		       (lite->rflags & X86_EFLAGS_IF);
	lite_set_irq_enabled(lite, rflags & X86_EFLAGS_IF);
}

bool lite_get_if_flag(struct kvm_vcpu *vcpu)
{
	return lite_irq_enabled(to_lite(vcpu));
}
