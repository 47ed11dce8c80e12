/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kvm-lite switcher: what lives in the memory hole.
 *
 * The hole is one 2 MB page-directory slot near the top of the address
 * space (the LDT remap area, unused without page-table isolation).  It is
 * mapped at the same address in the host and, through a private copy of
 * the top page directory, in every guest, so the code in it keeps running
 * across the CR3 switch.  Its layout:
 *
 *	page 0			switcher text: entry, exit, 256 trap stubs
 *	1 + 3 * cpu + 0		page A: this CPU's guest register frame
 *				(the switcher's stack; guest-writable)
 *	1 + 3 * cpu + 1		page B: GDT, IDT, TSS the CPU uses while a
 *				guest runs (guest-readable, never writable)
 *	1 + 3 * cpu + 2		page C: host state (never mapped in a guest)
 *
 * A guest sees the text and only its own CPU's pages A and B: another
 * CPU may be running another guest.
 */
#ifndef __KVM_X86_LITE_SWITCHER_H
#define __KVM_X86_LITE_SWITCHER_H

#include <asm/page_types.h>

#define LITE_TEXT_PAGES		1
#define LITE_PAGES_PER_CPU	3
#define LITE_HOLE_SIZE		(1UL << 21)	/* one PAE page-directory slot */

/*
 * GDT slots kvm-lite owns in every guest-time GDT.  Linux leaves 9-11
 * unused, so a Linux guest never notices; 10 and 11 are also written into
 * each host CPU's GDT, so the switcher's selectors stay valid while the
 * GDT changes under it.  All three have DPL 0: a guest cannot load them.
 */
#define LITE_GDT_ENTRY_TSS	9
#define LITE_GDT_ENTRY_CS	10
#define LITE_GDT_ENTRY_DS	11
#define LITE_GDT_ENTRIES	32	/* guest GDTs up to Linux's size */
#define LITE_CS			(LITE_GDT_ENTRY_CS * 8)
#define LITE_DS			(LITE_GDT_ENTRY_DS * 8)
#define LITE_TSS		(LITE_GDT_ENTRY_TSS * 8)

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/processor.h>

/*
 * The guest's registers, in the order the trap stubs push them (low
 * addresses first) and switch_to_guest pops them.  The last five words
 * are the CPU's own interrupt frame, pushed at TSS.esp0 = end of page A.
 */
struct lite_regs {
	u32 eax, ebx, ecx, edx, esi, edi, ebp;
	u32 gs, fs, ds, es;
	u32 trapnum, errcode;
	u32 eip, cs, eflags, esp, ss;
};

/* Page A: guest-writable, so nothing here is trusted after an entry. */
struct lite_page_a {
	u8 stack[PAGE_SIZE - sizeof(struct lite_regs)];
	struct lite_regs regs;
} __aligned(PAGE_SIZE);

/* Page B: what the CPU reads while a guest runs.  Read-only to guests. */
struct lite_page_b {
	struct desc_struct gdt[LITE_GDT_ENTRIES];
	gate_desc idt[IDT_ENTRIES];
	struct x86_hw_tss tss;
	struct desc_ptr gdt_desc;
	u16 pad0;
	struct desc_ptr idt_desc;
	u16 pad1;
	/* Set by the NMI stub (with CR0.WP briefly off) inside the switch. */
	u32 nmi_pending;
} __aligned(PAGE_SIZE);

/* Page C: host state, in a page no guest page table ever maps. */
struct lite_page_c {
	u32 host_sp;
	struct desc_ptr host_gdt_rw;	/* writable alias: ltr sets "busy" */
	u16 pad0;
	struct desc_ptr host_gdt_ro;	/* what the host runs with */
	u16 pad1;
	struct desc_ptr host_idt;
	u16 pad2;
	u32 cr2;			/* the guest's CR2, saved on exit */
	u32 exit_sp;			/* ESP when the exit path began */
} __aligned(PAGE_SIZE);

struct lite_cpu_pages {
	struct lite_page_a a;
	struct lite_page_b b;
	struct lite_page_c c;
};

static_assert(sizeof(struct lite_cpu_pages) ==
	      LITE_PAGES_PER_CPU * PAGE_SIZE);

/* switcher_32.S: the text copied into the hole, and where its parts are. */
extern const char lite_switcher_start[], lite_switcher_end[];
extern const char lite_switch_to_guest[];
extern const u32 lite_stub_offsets[IDT_ENTRIES];
/* Not copied: calls a host IDT handler with an interrupt frame. */
void lite_call_host_handler(unsigned long handler);
#endif /* __ASSEMBLY__ */

#endif /* __KVM_X86_LITE_SWITCHER_H */
