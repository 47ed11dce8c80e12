/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm-lite: KVM's backend for 32-bit x86 CPUs without VT-x or AMD-V.
 *
 * Where kvm-intel keeps a guest's state in a VMCS and kvm-amd in a VMCB,
 * kvm-lite keeps it here, in plain memory: there is no hardware that
 * would hold it for us.  KVM's common code reads and writes this state
 * through the kvm_x86_ops callbacks in regs.c, msr.c and events.c; the
 * world switch loads it into the real CPU when the guest runs.
 */
#ifndef __KVM_X86_LITE_H
#define __KVM_X86_LITE_H

#include <linux/kvm_host.h>
#include <asm/desc_defs.h>

#include "switcher.h"

/* lite_exit.vector values that are not CPU vectors. */
#define LITE_EXIT_NONE		(-1)	/* did not enter */
#define LITE_EXIT_EMULATE	(-2)	/* state not runnable natively */
#define LITE_EXIT_NO_ROOT	(-3)	/* no usable shadow page table */

/* Why the guest last stopped, as the switcher left it. */
struct lite_exit {
	int vector;		/* trap number, or LITE_EXIT_* */
	u32 error_code;
	u32 cr2;
	bool in_switcher;	/* the trap hit the switch, not the guest */
	unsigned long dr6;	/* for #DB: what the CPU said */
	bool host_nmi;		/* an NMI arrived during the switch */
};

/*
 * A translation of one guest page for kvm-lite's own accesses to guest
 * memory (run.c, lite_access_guest()).
 */
struct lite_tlb_entry {
	unsigned long gva_page;
	gpa_t gpa_page;
	bool valid;
	bool writable;		/* the walk that filled it was for a write */
};

#define LITE_TLB_ENTRIES	4

struct vcpu_lite {
	struct kvm_vcpu vcpu;

	/* Segment registers as KVM sees them (VCPU_SREG_ES .. LDTR). */
	struct kvm_segment segs[VCPU_SREG_LDTR + 1];
	struct desc_ptr gdt;
	struct desc_ptr idt;
	unsigned long rflags;
	unsigned long dr7;
	u32 interrupt_shadow;	/* KVM_X86_SHADOW_INT_* */

	/* The MSRs no common KVM code keeps for a backend. */
	u32 sysenter_cs;
	u32 sysenter_esp;
	u32 sysenter_eip;
	u64 star;
	u64 feature_control;

	bool nmi_masked;
	/* Where the guest was when its NMI handler was entered. */
	bool nmi_tracked;
	bool nmi_from_user;
	u32 nmi_return_sp;

	/*
	 * The page table the guest really runs on: a private PAE root
	 * whose last entry points at a private copy of KVM's top page
	 * directory, with the switcher's hole in it (run.c).
	 */
	u64 *pdpt;
	u64 *pd3;
	/* Which KVM directory pd3 copies, and whether it must be recopied. */
	phys_addr_t pd3_src;
	bool pd3_stale;

	/* The guest's GDT as read (raw) and as the CPU may use it (hw). */
	u64 gdt_raw[LITE_GDT_ENTRIES];
	u64 gdt_hw[LITE_GDT_ENTRIES];
	unsigned int gdt_entries;

	/*
	 * Translations for our own guest accesses, and the CR0, CR3 and
	 * CR4 they were made under (run.c).
	 */
	struct lite_tlb_entry tlb[LITE_TLB_ENTRIES];
	unsigned int tlb_next;
	unsigned long tlb_cr0, tlb_cr3, tlb_cr4;

	struct lite_exit exit;
	/*
	 * While KVM_RUN loops, the SYSENTER MSRs are ours (main.c): CS zero,
	 * ESP the host CR3 the exit path loads (host_cr3_msr), the host's
	 * own ESP kept in host_sysenter_esp until vcpu_put.
	 */
	bool sysenter_msrs_ours;
	u32 host_sysenter_esp;
	u32 host_cr3_msr;
	/* Length of the instruction KVM asks us to skip, if we know it. */
	unsigned int skip_len;

	/* The guest kernel's stack for entries from user mode (hypercall). */
	bool ring0_stack_valid;
	u16 ring0_ss;
	u32 ring0_esp;
	/* The one vector user mode may trap through directly, or 0. */
	unsigned int direct_vector;
	gate_desc direct_gate;

	/* The page shared with a paravirtual guest (vcpu_page.c). */
	bool has_vcpu_page;
	bool page_irq_enabled;		/* as read at the last exit */
	bool kernel_rpl0;		/* KVM_LITE_VCPU_PAGE_KERNEL_RPL0 */
	/* Guest code no injected interrupt may land in (NOIRQ_RANGE). */
	u32 noirq_start, noirq_end;
	struct gfn_to_hva_cache page_ghc;
	unsigned long time_updated;	/* jiffies of the last clock update */
	int time_cpu;			/* the CPU whose TSC it was */

	/* Timer deadlines left in the page (timer.c). */
	u32 timer_seq;			/* timer_seq as last taken over */
	u64 timer_armed;		/* deadline KVM's timer is set for */
	u64 timer_last_fired;		/* the one before, once it fired */
	struct hrtimer timer_pickup;	/* an exit we promised the guest */
};

static inline struct vcpu_lite *to_lite(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_lite, vcpu);
}

/* regs.c */
void lite_reset_segments(struct vcpu_lite *lite);
u64 lite_get_segment_base(struct kvm_vcpu *vcpu, int seg);
void lite_get_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg);
void lite_set_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg);
int lite_get_cpl(struct kvm_vcpu *vcpu);
void lite_get_cs_db_l_bits(struct kvm_vcpu *vcpu, int *db, int *l);
bool lite_is_valid_cr0(struct kvm_vcpu *vcpu, unsigned long cr0);
void lite_set_cr0(struct kvm_vcpu *vcpu, unsigned long cr0);
bool lite_is_valid_cr4(struct kvm_vcpu *vcpu, unsigned long cr4);
void lite_set_cr4(struct kvm_vcpu *vcpu, unsigned long cr4);
int lite_set_efer(struct kvm_vcpu *vcpu, u64 efer);
void lite_get_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt);
void lite_set_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt);
void lite_get_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt);
void lite_set_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt);
void lite_set_dr7(struct kvm_vcpu *vcpu, unsigned long value);
void lite_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg);
unsigned long lite_get_rflags(struct kvm_vcpu *vcpu);
void lite_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags);
bool lite_get_if_flag(struct kvm_vcpu *vcpu);

/* msr.c */
bool lite_has_emulated_msr(struct kvm *kvm, u32 index);
int lite_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
int lite_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
int lite_get_feature_msr(u32 msr, u64 *data);
extern struct kvm_pmu_ops lite_pmu_ops;

/* switcher.c */
extern unsigned long lite_hole;
int lite_switcher_init(void);
void lite_switcher_exit(void);
struct lite_cpu_pages *lite_pages(int cpu);
u64 lite_guest_hole_pde(int cpu);
void lite_set_switcher_gdt_entries(struct desc_struct *gdt,
				   struct x86_hw_tss *tss);
void lite_set_stub_gate(struct lite_cpu_pages *p, unsigned int v);

/* run.c */
void lite_run_init(void);
void lite_pd3_refresh(struct vcpu_lite *lite, unsigned long addr);
int lite_read_guest(struct kvm_vcpu *vcpu, unsigned long gva, void *buf,
		    unsigned int len);
int lite_write_guest(struct kvm_vcpu *vcpu, unsigned long gva,
		     const void *buf, unsigned int len);
u64 lite_guest_desc(struct vcpu_lite *lite, u16 selector);
void lite_tlb_flush(struct vcpu_lite *lite);
void lite_segment_from_selector(struct vcpu_lite *lite, int seg,
				u16 selector);
void lite_refresh_gdt(struct vcpu_lite *lite);
enum exit_fastpath_completion lite_vcpu_run(struct kvm_vcpu *vcpu,
					    u64 run_flags);

/* exits.c */
void lite_exits_init(void);
void lite_handle_exit_irqoff(struct kvm_vcpu *vcpu);
int lite_handle_exit(struct kvm_vcpu *vcpu,
		     enum exit_fastpath_completion exit_fastpath);

/* vcpu_page.c */
#define LITE_VCPU_PAGE_FIELD(f) offsetof(struct kvm_lite_vcpu_page, f)
long lite_vcpu_page_register(struct vcpu_lite *lite, u32 gpa, u32 flags);
void lite_vcpu_page_sync(struct vcpu_lite *lite);
bool lite_irq_enabled(struct vcpu_lite *lite);
void lite_set_irq_enabled(struct vcpu_lite *lite, bool enabled);
void lite_vcpu_page_set_pending(struct vcpu_lite *lite, bool pending);
void lite_vcpu_page_set_cr2(struct vcpu_lite *lite, u32 cr2);
void lite_vcpu_page_update_time(struct vcpu_lite *lite);
void lite_vcpu_page_maybe_update_time(struct vcpu_lite *lite);
void lite_nmi_check_return(struct vcpu_lite *lite);

/* mmu_batch.c */
long lite_hc_mmu_batch(struct kvm_vcpu *vcpu, u32 gpa, u32 count);

/* timer.c */
void lite_timer_init(struct vcpu_lite *lite);
void lite_timer_destroy(struct vcpu_lite *lite);
void lite_timer_reset(struct vcpu_lite *lite);
void lite_timer_sync(struct vcpu_lite *lite, u32 seq, u64 deadline);
void lite_timer_delivering(struct vcpu_lite *lite, u32 vector);

/* hypercall.c */
bool lite_is_lite_hypercall(unsigned long nr);
int lite_hypercall(struct kvm_vcpu *vcpu, unsigned int insn_len);
bool lite_xapic_enabled(struct kvm_vcpu *vcpu);
long lite_apic_write(struct kvm_vcpu *vcpu, u32 reg, u32 value);

/* events.c */

/* A 32-bit interrupt or trap gate of the guest's IDT, decoded. */
struct lite_gate {
	u32 offset;
	u16 selector;
	u8 type;		/* with the S bit: 0xe or 0xf for ours */
	u8 dpl;
	bool present;
};

#define LITE_GATE_INT32		0xe
#define LITE_GATE_TRAP32	0xf

int lite_read_gate(struct vcpu_lite *lite, unsigned int vector,
		   struct lite_gate *gate);
int lite_deliver_soft(struct vcpu_lite *lite, unsigned int vector,
		      unsigned int insn_len);
void lite_set_interrupt_shadow(struct kvm_vcpu *vcpu, int mask);
u32 lite_get_interrupt_shadow(struct kvm_vcpu *vcpu);
void lite_inject_irq(struct kvm_vcpu *vcpu, bool reinjected);
void lite_inject_nmi(struct kvm_vcpu *vcpu);
void lite_inject_exception(struct kvm_vcpu *vcpu);
void lite_cancel_injection(struct kvm_vcpu *vcpu);
int lite_interrupt_allowed(struct kvm_vcpu *vcpu, bool for_injection);
int lite_nmi_allowed(struct kvm_vcpu *vcpu, bool for_injection);
bool lite_get_nmi_mask(struct kvm_vcpu *vcpu);
void lite_set_nmi_mask(struct kvm_vcpu *vcpu, bool masked);
void lite_enable_nmi_window(struct kvm_vcpu *vcpu);
void lite_enable_irq_window(struct kvm_vcpu *vcpu);
void lite_deliver_interrupt(struct kvm_lapic *apic, int delivery_mode,
			    int trig_mode, int vector);

#endif /* __KVM_X86_LITE_H */
