// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running a guest: what happens around one trip through the switcher.
 *
 *  1. lite_refresh_gdt() (preemptible) reads the guest's GDT and
 *     sanitizes it (desc.c).
 *  2. lite_vcpu_run() (interrupts off) checks that the state KVM holds
 *     can be expressed natively, builds the page table the guest runs
 *     on, copies registers into page A and the GDT into page B, and calls
 *     the switcher.
 *  3. The switcher returns on the guest's first trap, fault or interrupt;
 *     lite_vcpu_run() copies the registers back.
 *  4. lite_handle_exit_irqoff() gives host interrupts and NMIs to the
 *     host's own handlers; lite_handle_exit() deals with the rest, mostly
 *     through KVM's instruction emulator and MMU.
 *
 * Guest states that cannot run natively (real mode, vm86, an LDT, ...)
 * are stepped by KVM's instruction emulator instead, one instruction per
 * trip, until they can: that is how a guest gets from its reset state to
 * protected mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <asm/desc.h>
#include <asm/tlbflush.h>

#include "lite.h"
#include "desc.h"
#include "switcher.h"
#include "x86.h"
#include "kvm_cache_regs.h"
#include "mmu.h"
#include "trace.h"

/* The switcher's entry, as a far pointer for lcall. */
static struct {
	u32 offset;
	u16 segment;
} __packed lite_entry;

void lite_run_init(void)
{
	lite_entry.offset = lite_hole +
			    (lite_switch_to_guest - lite_switcher_start);
	lite_entry.segment = LITE_CS;
}

/*
 * Flags the CPU owns while the guest runs.  IF and IOPL are the guest's
 * virtual ones: the real IF stays set (host interrupts must get through)
 * and the real IOPL stays 0 (so cli, sti and I/O trap).
 */
#define LITE_HW_FLAGS	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_NT | \
			 X86_EFLAGS_RF | X86_EFLAGS_AC | X86_EFLAGS_ID)

/* ---------------------------------------------------------------- GDT */

/*
 * kvm-lite reads the guest's GDT at every exit, and its IDT, TSS and
 * stack at every event it delivers.  Walking the guest's page tables for
 * each of those cost more than the copying, so the translations are kept
 * in a few entries, as a CPU keeps them in its TLB: until the guest
 * flushes (lite_flush_tlb() in main.c) or changes CR0, CR3 or CR4.
 */
void lite_tlb_flush(struct vcpu_lite *lite)
{
	int i;

	for (i = 0; i < LITE_TLB_ENTRIES; i++)
		lite->tlb[i].valid = false;
}

static void lite_tlb_check_context(struct vcpu_lite *lite)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	unsigned long cr0 = kvm_read_cr0(vcpu), cr3 = kvm_read_cr3(vcpu);
	unsigned long cr4 = kvm_read_cr4(vcpu);

	if (cr0 != lite->tlb_cr0 || cr3 != lite->tlb_cr3 ||
	    cr4 != lite->tlb_cr4) {
		lite_tlb_flush(lite);
		lite->tlb_cr0 = cr0;
		lite->tlb_cr3 = cr3;
		lite->tlb_cr4 = cr4;
	}
}

static struct lite_tlb_entry *lite_tlb_lookup(struct vcpu_lite *lite,
					      unsigned long page, bool write)
{
	struct lite_tlb_entry *t;

	for (t = lite->tlb; t < lite->tlb + LITE_TLB_ENTRIES; t++)
		if (t->valid && t->gva_page == page && (t->writable || !write))
			return t;
	return NULL;
}

/* The guest-physical address of @gva, for a read or a write at CPL 0. */
static gpa_t lite_translate(struct vcpu_lite *lite, unsigned long gva,
			    bool write)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	struct kvm_mmu *mmu = vcpu->arch.walk_mmu;
	unsigned long page = gva & PAGE_MASK;
	struct lite_tlb_entry *t;
	struct x86_exception e;
	gpa_t gpa;

	lite_tlb_check_context(lite);
	t = lite_tlb_lookup(lite, page, write);
	if (t)
		return t->gpa_page | offset_in_page(gva);

	/* A write walk also sets the dirty bit, as the CPU's would. */
	gpa = mmu->gva_to_gpa(vcpu, mmu, page, write ? PFERR_WRITE_MASK : 0,
			      &e);
	if (gpa == INVALID_GPA)
		return INVALID_GPA;
	t = lite_tlb_lookup(lite, page, false);
	if (!t)
		t = &lite->tlb[lite->tlb_next++ % LITE_TLB_ENTRIES];
	t->gva_page = page;
	/* Not gpa & PAGE_MASK: that is 32 bits wide, and PAE reaches 64 GB. */
	t->gpa_page = gfn_to_gpa(gpa_to_gfn(gpa));
	t->writable = write;
	t->valid = true;
	return t->gpa_page | offset_in_page(gva);
}

/*
 * Copy @len bytes to or from guest linear memory, with supervisor rights
 * (the way the CPU itself reaches descriptor tables and stacks).
 */
static int lite_access_guest(struct kvm_vcpu *vcpu, unsigned long gva,
			     void *buf, unsigned int len, bool write)
{
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   PAGE_SIZE - offset_in_page(gva));
		gpa_t gpa = lite_translate(to_lite(vcpu), gva, write);
		int r;

		if (gpa == INVALID_GPA)
			return -EFAULT;
		r = write ? kvm_vcpu_write_guest(vcpu, gpa, buf, chunk) :
			    kvm_vcpu_read_guest(vcpu, gpa, buf, chunk);
		if (r)
			return -EFAULT;
		gva += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int lite_read_guest(struct kvm_vcpu *vcpu, unsigned long gva, void *buf,
		    unsigned int len)
{
	return lite_access_guest(vcpu, gva, buf, len, false);
}

int lite_write_guest(struct kvm_vcpu *vcpu, unsigned long gva,
		     const void *buf, unsigned int len)
{
	return lite_access_guest(vcpu, gva, (void *)buf, len, true);
}

/*
 * Re-read the guest's GDT.  A guest changing a descriptor in memory sees
 * the change at its next exit at the latest (a real CPU reads the table
 * at every segment load; paravirtual guests tell us at once).
 */
void lite_refresh_gdt(struct vcpu_lite *lite)
{
	unsigned int n = min_t(unsigned int, (lite->gdt.size + 1) / 8,
			       LITE_GDT_ENTRIES);
	int i;

	memset(lite->gdt_raw, 0, sizeof(lite->gdt_raw));
	lite->gdt_entries = 0;
	if (!is_protmode(&lite->vcpu) || !n)
		return;
	if (lite_read_guest(&lite->vcpu, lite->gdt.address, lite->gdt_raw,
			    n * 8))
		return;
	lite->gdt_entries = n;
	for (i = 0; i < n; i++)
		lite->gdt_hw[i] = lite_desc_sanitize(lite->gdt_raw[i]);
}

/* The guest's descriptor for @selector, or 0 if we hold none. */
u64 lite_guest_desc(struct vcpu_lite *lite, u16 selector)
{
	unsigned int index = selector >> 3;

	if ((selector & SEGMENT_TI_MASK) || index >= lite->gdt_entries)
		return 0;
	return lite->gdt_raw[index];
}

/* ------------------------------------------- can the CPU run this state? */

static bool lite_data_seg_ok(struct vcpu_lite *lite, int seg, int hw_cpl)
{
	struct kvm_segment *s = &lite->segs[seg];
	u16 sel = s->selector;

	if (s->unusable || !(sel & ~SEGMENT_RPL_MASK))
		return true;		/* loaded as a null selector */
	return lite_desc_is_usable_data(lite_desc_sanitize(lite_guest_desc(lite, sel)),
					max_t(int, hw_cpl, sel & SEGMENT_RPL_MASK));
}

/*
 * Protected mode, CPL 0 (run in ring 1) or 3, every segment described by
 * the GDT we copied, no LDT.  Everything else is emulated.
 */
static bool lite_state_is_native(struct vcpu_lite *lite)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	int cpl = lite_get_cpl(vcpu), hw_cpl = cpl ? 3 : 1;
	u64 cs = lite_guest_desc(lite, lite->segs[VCPU_SREG_CS].selector);
	u64 ss = lite_guest_desc(lite, lite->segs[VCPU_SREG_SS].selector);
	int seg;

	if (!is_protmode(vcpu) || (lite->rflags & X86_EFLAGS_VM) ||
	    (cpl != 0 && cpl != 3))
		return false;
	/*
	 * An interrupt shadow (after an emulated sti) covers exactly one
	 * instruction; no trap would tell us when it ends, so that
	 * instruction is emulated too.
	 */
	if (lite->interrupt_shadow)
		return false;
	if (!lite->segs[VCPU_SREG_LDTR].unusable &&
	    (lite->segs[VCPU_SREG_LDTR].selector & ~SEGMENT_RPL_MASK))
		return false;
	if (!lite_desc_is_code(cs) || (lite_desc_dpl(cs) != cpl) ||
	    !lite_desc_is_writable_data(ss) || lite_desc_dpl(ss) != cpl)
		return false;
	for (seg = VCPU_SREG_ES; seg <= VCPU_SREG_GS; seg++)
		if (seg != VCPU_SREG_CS && seg != VCPU_SREG_SS &&
		    !lite_data_seg_ok(lite, seg, hw_cpl))
			return false;
	return true;
}

/* ----------------------------------------------------- the guest's CR3 */

/*
 * KVM built a PAE root (four entries) for this vCPU.  The guest runs on a
 * private copy: the first three entries as they are, the fourth pointing
 * at a copy of KVM's top page directory with the hole's slot replaced.
 *
 * The copy is only as fresh as a real CPU's paging-structure caches need
 * to be.  An entry KVM changes or removes is always followed by a TLB
 * flush request (lite_flush_tlb() marks the copy stale) before any vCPU
 * enters again, and a new root is a new directory.  An entry KVM fills
 * in needs no flush: the copy lacks it, the guest faults there, and after
 * that fault (lite_pd3_refresh()) it is in.  Copying 4 KB at every entry
 * instead would cost most of an exit under TCG.
 */
static int lite_build_guest_cr3(struct vcpu_lite *lite, int cpu)
{
	struct kvm_mmu *mmu = lite->vcpu.arch.mmu;
	unsigned int hole_pde = (lite_hole >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
	u64 *root = mmu->pae_root;
	phys_addr_t src;

	if (!root || mmu->root.hpa != __pa(root))
		return -EINVAL;

	memcpy(lite->pdpt, root, 3 * sizeof(u64));
	src = root[3] & _PAGE_PRESENT ? root[3] & PTE_PFN_MASK : 0;
	if (lite->pd3_stale || src != lite->pd3_src) {
		if (src)
			memcpy(lite->pd3, __va(src), PAGE_SIZE);
		else
			memset(lite->pd3, 0, PAGE_SIZE);
		lite->pd3_src = src;
		lite->pd3_stale = false;
	}
	lite->pd3[hole_pde] = lite_guest_hole_pde(cpu);
	lite->pdpt[3] = __pa(lite->pd3) | _PAGE_PRESENT;
	return 0;
}

/* After a page fault at @addr: KVM may have filled in its directory entry. */
void lite_pd3_refresh(struct vcpu_lite *lite, unsigned long addr)
{
	unsigned int i = (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1);

	if (addr >> 30 != 3 || !lite->pd3_src ||
	    addr - lite_hole < LITE_HOLE_SIZE)
		return;
	lite->pd3[i] = READ_ONCE(((u64 *)__va(lite->pd3_src))[i]);
}

/* --------------------------------------------------- in and out of A, B */

/* Which vector of this CPU's IDT currently holds a guest's direct gate. */
static DEFINE_PER_CPU(unsigned int, lite_direct_installed);

/*
 * A direct trap: user mode's "int $vector" goes straight to the guest
 * kernel's handler in ring 1, on the stack the guest named, through a
 * trap gate (IF stays set).  Everything else in the IDT leads to us.
 */
static void lite_load_direct_trap(struct vcpu_lite *lite,
				  struct lite_cpu_pages *p)
{
	unsigned int *installed = this_cpu_ptr(&lite_direct_installed);

	if (*installed && *installed != lite->direct_vector)
		lite_set_stub_gate(p, *installed);
	if (lite->direct_vector)
		p->b.idt[lite->direct_vector] = lite->direct_gate;
	*installed = lite->direct_vector;

	p->b.tss.ss1 = lite->ring0_stack_valid ? lite->ring0_ss | 1 : 0;
	p->b.tss.sp1 = lite->ring0_esp;
}

static u32 lite_hw_selector(struct vcpu_lite *lite, int seg, int hw_cpl)
{
	struct kvm_segment *s = &lite->segs[seg];

	if (s->unusable)
		return 0;
	if (seg == VCPU_SREG_CS || seg == VCPU_SREG_SS)
		return (s->selector & ~SEGMENT_RPL_MASK) | hw_cpl;
	return s->selector;
}

static void lite_load_guest_state(struct vcpu_lite *lite,
				  struct lite_cpu_pages *p)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;
	struct lite_regs *r = &p->a.regs;
	int hw_cpl = lite_get_cpl(vcpu) ? 3 : 1;

	r->eax = kvm_rax_read(vcpu);
	r->ebx = kvm_rbx_read(vcpu);
	r->ecx = kvm_rcx_read(vcpu);
	r->edx = kvm_rdx_read(vcpu);
	r->esi = kvm_rsi_read(vcpu);
	r->edi = kvm_rdi_read(vcpu);
	r->ebp = kvm_rbp_read(vcpu);
	r->esp = kvm_rsp_read(vcpu);
	r->eip = kvm_rip_read(vcpu);
	r->eflags = (lite->rflags & LITE_HW_FLAGS) | X86_EFLAGS_IF |
		    X86_EFLAGS_FIXED;
	/* The host runs with CR0.AM: AC must not raise #AC the guest barred. */
	if (!kvm_read_cr0_bits(vcpu, X86_CR0_AM))
		r->eflags &= ~X86_EFLAGS_AC;
	r->cs = lite_hw_selector(lite, VCPU_SREG_CS, hw_cpl);
	r->ss = lite_hw_selector(lite, VCPU_SREG_SS, hw_cpl);
	r->ds = lite_hw_selector(lite, VCPU_SREG_DS, hw_cpl);
	r->es = lite_hw_selector(lite, VCPU_SREG_ES, hw_cpl);
	r->fs = lite_hw_selector(lite, VCPU_SREG_FS, hw_cpl);
	r->gs = lite_hw_selector(lite, VCPU_SREG_GS, hw_cpl);
	r->trapnum = 0;
	r->errcode = 0;

	memset(p->b.gdt, 0, sizeof(p->b.gdt));
	memcpy(p->b.gdt, lite->gdt_hw, lite->gdt_entries * 8);
	lite_set_switcher_gdt_entries(p->b.gdt, &p->b.tss);
	lite_load_direct_trap(lite, p);
}

/*
 * A segment register's hidden part, as KVM sees it, from the selector
 * the CPU held and the guest's own (unsanitized) descriptor.
 */
void lite_segment_from_selector(struct vcpu_lite *lite, int seg,
				u16 selector)
{
	struct kvm_segment *s = &lite->segs[seg];
	struct lite_seg d;
	u64 desc;

	memset(s, 0, sizeof(*s));
	s->selector = selector;
	desc = lite_guest_desc(lite, selector);
	if (!(selector & ~SEGMENT_RPL_MASK) || !(desc & LITE_DESC_P)) {
		s->unusable = 1;
		return;
	}
	lite_desc_decode(desc, &d);
	s->base = d.base;
	s->limit = d.limit;
	s->type = d.type | 1;		/* the CPU set "accessed" */
	s->s = d.s;
	s->dpl = d.dpl;
	s->present = 1;
	s->avl = d.avl;
	s->db = d.db;
	s->g = d.g;
}

/* Guest ring 1 is the guest's ring 0: show it RPL 0 in CS and SS. */
static u16 lite_guest_rpl(u32 hw_selector)
{
	return (hw_selector & SEGMENT_RPL_MASK) == 1 ?
	       hw_selector & ~SEGMENT_RPL_MASK : hw_selector;
}

static void lite_save_guest_state(struct vcpu_lite *lite, struct lite_regs *r)
{
	struct kvm_vcpu *vcpu = &lite->vcpu;

	kvm_rax_write(vcpu, r->eax);
	kvm_rbx_write(vcpu, r->ebx);
	kvm_rcx_write(vcpu, r->ecx);
	kvm_rdx_write(vcpu, r->edx);
	kvm_rsi_write(vcpu, r->esi);
	kvm_rdi_write(vcpu, r->edi);
	kvm_rbp_write(vcpu, r->ebp);
	kvm_rsp_write(vcpu, r->esp);
	kvm_rip_write(vcpu, r->eip);
	lite->rflags = (lite->rflags & ~LITE_HW_FLAGS) |
		       (r->eflags & LITE_HW_FLAGS);

	lite_segment_from_selector(lite, VCPU_SREG_CS, lite_guest_rpl(r->cs));
	lite_segment_from_selector(lite, VCPU_SREG_SS, lite_guest_rpl(r->ss));
	lite_segment_from_selector(lite, VCPU_SREG_DS, r->ds);
	lite_segment_from_selector(lite, VCPU_SREG_ES, r->es);
	lite_segment_from_selector(lite, VCPU_SREG_FS, r->fs);
	lite_segment_from_selector(lite, VCPU_SREG_GS, r->gs);
}

/* ------------------------------------------------------ the round trip */

/*
 * The exit path must load the host's CR3 before it can reach page C,
 * which no guest page table maps; it reads it from MSR_IA32_SYSENTER_ESP,
 * which the guest cannot read and the CPU ignores while SYSENTER_CS is
 * zero (lite_prepare_switch_to_guest()).  One CR3 load per exit, and a
 * host page-table address the guest never sees.
 */
static void lite_stash_host_cr3(struct vcpu_lite *lite, u32 cr3)
{
	if (lite->host_cr3_msr != cr3) {
		wrmsr(MSR_IA32_SYSENTER_ESP, cr3, 0);
		lite->host_cr3_msr = cr3;
	}
}

static void lite_save_host_state(struct vcpu_lite *lite,
				 struct lite_cpu_pages *p, int cpu)
{
	struct lite_page_c *c = &p->c;

	lite_stash_host_cr3(lite, __read_cr3());
	native_store_gdt(&c->host_gdt_ro);
	c->host_gdt_rw.size = c->host_gdt_ro.size;
	c->host_gdt_rw.address = (unsigned long)get_cpu_gdt_rw(cpu);
	store_idt(&c->host_idt);
}

static void lite_switch(struct lite_cpu_pages *p, u32 cr3)
{
	asm volatile("pushfl\n\t"
		     "lcall *%[entry]"
		     : "+a"(p), "+b"(cr3)
		     : [entry] "m"(lite_entry)
		     : "ecx", "edx", "esi", "edi", "memory", "cc");
}

static void lite_record_exit(struct vcpu_lite *lite, struct lite_cpu_pages *p)
{
	struct lite_regs *frame = (struct lite_regs *)p->c.exit_sp;

	/*
	 * The stubs' frame normally sits exactly at page A's register
	 * area.  Anywhere else, the trap hit the switcher itself while it
	 * loaded the guest's registers: the guest state is as it was.
	 */
	lite->exit.in_switcher = frame != &p->a.regs;
	lite->exit.vector = frame->trapnum;
	lite->exit.error_code = frame->errcode;
	lite->exit.cr2 = p->c.cr2;
	if (!lite->exit.in_switcher)
		lite_save_guest_state(lite, &p->a.regs);
}

enum exit_fastpath_completion lite_vcpu_run(struct kvm_vcpu *vcpu,
					    u64 run_flags)
{
	struct vcpu_lite *lite = to_lite(vcpu);
	int cpu = smp_processor_id();
	struct lite_cpu_pages *p = lite_pages(cpu);
	bool guest_ts, guest_bp;

	lite->exit.vector = LITE_EXIT_NONE;
	/*
	 * An NMI noted during the last switch has been handed to the host;
	 * left set, a run that returns before switching would hand it over
	 * again.
	 */
	lite->exit.host_nmi = false;
	/* Whatever KVM injected has been delivered into guest memory. */
	vcpu->arch.exception.injected = false;
	vcpu->arch.interrupt.injected = false;
	vcpu->arch.nmi_injected = false;

	/*
	 * KVM wants the guest back right after one step (to re-evaluate
	 * events it could not inject yet).  With no preemption timer to
	 * force that, take the step in the emulator.
	 */
	if ((run_flags & KVM_RUN_FORCE_IMMEDIATE_EXIT) ||
	    !lite_state_is_native(lite)) {
		lite->exit.vector = LITE_EXIT_EMULATE;
		return EXIT_FASTPATH_NONE;
	}
	if (lite_build_guest_cr3(lite, cpu)) {
		lite->exit.vector = LITE_EXIT_NO_ROOT;
		return EXIT_FASTPATH_NONE;
	}

	lite_load_guest_state(lite, p);
	lite_save_host_state(lite, p, cpu);
	p->b.nmi_pending = 0;

	trace_kvm_entry(vcpu, run_flags & KVM_RUN_FORCE_IMMEDIATE_EXIT);
	guest_state_enter_irqoff();
	/*
	 * A guest with CR0.TS set (lazy FPU switching) expects #NM from its
	 * next FPU instruction; the CPU only raises it with the real TS set.
	 */
	guest_ts = kvm_read_cr0_bits(vcpu, X86_CR0_TS);
	if (guest_ts)
		write_cr0(read_cr0() | X86_CR0_TS);
	/*
	 * The guest's breakpoints: KVM loaded DR0-3 (and cleared the host's
	 * DR7) when they are in use; DR7 itself is the backend's to load,
	 * and to clear again before host code can hit them.
	 */
	guest_bp = vcpu->arch.switch_db_regs & KVM_DEBUGREG_BP_ENABLED;
	if (guest_bp)
		set_debugreg(lite->dr7 & ~DR7_GD, 7);
	lite_switch(p, __pa(lite->pdpt));
	if (guest_bp)
		set_debugreg(DR7_FIXED_1, 7);
	if (guest_ts)
		write_cr0(read_cr0() & ~X86_CR0_TS);
	guest_state_exit_irqoff();

	lite_record_exit(lite, p);
	trace_kvm_exit(vcpu, KVM_ISA_VMX);
	lite->exit.host_nmi = p->b.nmi_pending;
	if (lite->exit.vector == DB_VECTOR) {
		get_debugreg(lite->exit.dr6, 6);
		set_debugreg(DR6_ACTIVE_LOW, 6);
	}
	vcpu->arch.last_vmentry_cpu = cpu;
	return EXIT_FASTPATH_NONE;
}
