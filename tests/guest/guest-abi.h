/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test guest and the run-guests harness agree on: ports, the
 * MMIO echo address, and the memory layout the harness sets up.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#define PORT_CONSOLE	0xe9	/* outb: one character */
#define PORT_EXIT	0xf4	/* outl: status, the guest is done */
#define PORT_ECHO	0xf8	/* outl: the harness keeps it; inl: reads it back + 1 */
/*
 * outb: raise this interrupt vector.  The harness (no in-kernel irqchip)
 * injects it with KVM_INTERRUPT as soon as KVM says the guest can take
 * it, asking for an interrupt-window exit while it cannot.
 */
#define PORT_IRQ	0xfa
#define PORT_HLT_COUNT	0xfb	/* inl: KVM_EXIT_HLT exits seen so far */
#define PORT_NMI	0xfc	/* outb: inject an NMI with KVM_NMI */
/* inl: the vCPU's "exits" counter from KVM's binary stats (~0 if none) */
#define PORT_EXITS	0xfd
/*
 * outb N: single-step the next N instructions with KVM_SET_GUEST_DEBUG
 * (the harness sees each as KVM_EXIT_DEBUG); outb 0x80: catch the next
 * int3 as KVM_EXIT_DEBUG instead (the harness steps over it); inl: how
 * many KVM_EXIT_DEBUG exits so far.
 */
#define PORT_DEBUG	0xf2
#define DEBUG_SW_BP	0x80
/* outl: the address of a struct harness_req; see below. */
#define PORT_REQUEST	0xf0
/*
 * inl: the harness completes this read through a KVM_RUN with
 * kvm_run.immediate_exit set, which must return -EINTR with the in
 * finished (EAX = IMMEDIATE_VALUE, EIP past it) and nothing more run;
 * then the guest goes on.
 */
#define PORT_IMMEDIATE	0xf1
#define IMMEDIATE_VALUE	0x1e1e1e1e
#define MMIO_ECHO	0xd0000000	/* no memslot: every access is an MMIO exit */
#define GUEST_STACK_TOP	0x80000
/* vCPU n > 0 starts on its own stack, GUEST_STACK_TOP + n * this. */
#define GUEST_STACK_STRIDE	0x10000

/*
 * How every vCPU starts: EIP at the first byte of the image, EBX its
 * index (0 is the boot vCPU), ECX how many vCPUs the VM has.
 */

/*
 * The console line "expect: ENDING [DETAILS]" announces that this guest
 * will not finish by writing a status to PORT_EXIT, and how it will end
 * instead.  The harness then counts exactly that end of KVM_RUN as the
 * pass and anything else (a status included) as a failure:
 *
 *   expect: shutdown			KVM_EXIT_SHUTDOWN
 *   expect: internal-error [HEX]	KVM_EXIT_INTERNAL_ERROR, suberror
 *					KVM_INTERNAL_ERROR_EMULATION; HEX
 *					(e.g. "cf") are the first bytes of
 *					the instruction KVM could not emulate
 *   expect: intr			the guest never exits again by itself:
 *					the harness sends its thread a signal
 *					1 s later, and KVM_RUN must return
 *					-EINTR (KVM_EXIT_INTR) at once
 *   expect: fail-entry [HEX]		KVM_EXIT_FAIL_ENTRY, with HEX as
 *					hardware_entry_failure_reason
 */

/*
 * PORT_REQUEST: the guest writes the (physical) address of one of these;
 * the harness carries it out before the outl completes and writes
 * @result (0, or a negative errno) and any output fields back.
 */
#ifndef __ASSEMBLER__
struct harness_req {
	unsigned int op;		/* HREQ_* */
	unsigned int slot;		/* memslot id, 1..HREQ_MAX_SLOT */
	unsigned int gpa_lo, gpa_hi;	/* guest-physical address */
	unsigned int pages;		/* size in 4 KB pages, 1..64 */
	unsigned int flags;		/* HREQ_F_* */
	unsigned int arg;		/* op-specific */
	int result;			/* out */
	unsigned int out[4];		/* out, op-specific */
};
#endif

/*
 * Memslots, changed while the guest runs (between two KVM_RUNs):
 *  ADD     a new slot of @pages at @gpa, with @flags, in fresh memory
 *          the harness fills: 32-bit word i holds @arg + i.
 *  DELETE  @slot goes away (its contents are kept for a later ADD-back
 *          by MOVE).
 *  MOVE    @slot is deleted and added again at @gpa, same memory.
 *  FLAGS   @slot is set again with @flags (e.g. to start dirty logging).
 *  DIRTY   KVM_GET_DIRTY_LOG for @slot: out[0] and out[1] are bits 0-31
 *          and 32-63 of the bitmap (page i of the slot is bit i).
 *  PEEK    out[0] = word @arg of @slot, as the harness sees its memory.
 */
#define HREQ_MEMSLOT_ADD	1
#define HREQ_MEMSLOT_DELETE	2
#define HREQ_MEMSLOT_MOVE	3
#define HREQ_MEMSLOT_FLAGS	4
#define HREQ_DIRTY_LOG		5
#define HREQ_PEEK		6
#define HREQ_F_READONLY		0x1	/* KVM_MEM_READONLY */
#define HREQ_F_LOG_DIRTY	0x2	/* KVM_MEM_LOG_DIRTY_PAGES */
#define HREQ_MAX_SLOT		15
#define HREQ_MAX_PAGES		64

/*
 * MMIO_LOG: from now on every MMIO exit outside MMIO_ECHO is recorded in
 * the struct mmio_log at @gpa_lo (reads are answered with zeroes, writes
 * ignored).  @gpa_lo = 0 stops it.
 */
#define HREQ_MMIO_LOG		7
#ifndef __ASSEMBLER__
struct mmio_log {
	unsigned int count;		/* MMIO exits so far */
	unsigned int gpa_lo, gpa_hi;	/* the last one's address */
	unsigned int len;
	unsigned int is_write;
	unsigned int data_lo, data_hi;	/* what a write wrote */
};
#endif

/*
 * KICK: @arg milliseconds from now, the harness sends the vCPU's thread
 * a signal.  When KVM_RUN comes back with -EINTR / KVM_EXIT_INTR, it
 * checks that, adds one to the u32 at guest-physical @gpa_lo and lets
 * the guest go on.  With HREQ_F_IMMEDIATE the signal handler also sets
 * kvm_run.immediate_exit, and the harness checks that the next KVM_RUN
 * returns -EINTR without running the guest before it clears it.
 */
#define HREQ_KICK		8
#define HREQ_F_IMMEDIATE	0x4

/* GDT the harness builds at GDT_BASE (see run-guests.c). */
#define GDT_BASE	0x1000
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UCODE	0x1b
#define SEL_UDATA	0x23
#define SEL_TSS		0x28
#define TSS_BASE	0x2000
#define IDT_BASE	0x3000

#endif /* GUEST_ABI_H */
