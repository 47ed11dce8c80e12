/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-lite: the user-visible ABI of KVM's third x86 backend, for 32-bit
 * CPUs without VT-x or AMD-V.  See Documentation/virt/kvm/x86/lite.rst.
 *
 * Everything a VMM does goes through the ordinary /dev/kvm ioctls of
 * <linux/kvm.h>; this header only names the values kvm-lite puts into
 * fields that KVM leaves to its backends.
 */
#ifndef _UAPI_LINUX_KVM_LITE_H
#define _UAPI_LINUX_KVM_LITE_H

#if !defined(__ASSEMBLY__) && !defined(__ASSEMBLER__)
#include <linux/types.h>
#endif

/*
 * Values of kvm_run.fail_entry.hardware_entry_failure_reason when KVM_RUN
 * stops with KVM_EXIT_FAIL_ENTRY.  The high half spells "LT" so that a VMM
 * printing the number can tell it did not come from VMX or SVM.
 */
#define KVM_LITE_ENTRY_FAIL_BASE		0x4c540000ULL
/* KVM's MMU offered no PAE root to run the guest on (a kvm-lite bug). */
#define KVM_LITE_ENTRY_FAIL_NO_ROOT		(KVM_LITE_ENTRY_FAIL_BASE + 2)

/*
 * Hypercalls.  A guest makes them with KVM's hypercall instruction
 * (vmcall, 0f 01 c1; vmmcall, 0f 01 d9, is accepted too), which raises
 * #UD on a CPU without VMX and so reaches the host.  EAX holds the number,
 * EBX, ECX, EDX and ESI the arguments; the result comes back in EAX,
 * 0 or a negative KVM_E* code from <linux/kvm_para.h>.  Only the guest
 * kernel (CPL 0) may call; user mode gets -KVM_EPERM.  KVM's own KVM_HC_*
 * calls work as Documentation/virt/kvm/x86/hypercalls.rst describes;
 * kvm-lite's live at KVM_HC_LITE_BASE ("LT").
 */
#define KVM_HC_LITE_BASE		0x4c540000

/*
 * KVM_HC_LITE_VCPU_PAGE(gpa, flags): share a page of guest RAM with the
 * host, one per vCPU, laid out as struct kvm_lite_vcpu_page.  @gpa must
 * be page aligned and inside a memslot; 0 stops sharing.  -KVM_EINVAL or
 * -KVM_EFAULT otherwise.  @flags:
 *   KVM_LITE_VCPU_PAGE_KERNEL_RPL0: frames the host builds for an
 *   interrupted guest kernel show CS with RPL 0, as on a CPU where the
 *   kernel runs in ring 0, so unmodified entry code recognises kernel
 *   frames; the guest's iret must then put RPL 1 back itself.
 * The page makes interrupts cheap for a paravirtual guest: "cli" and
 * "sti" become stores to irq_enabled instead of trapping instructions.
 * While it is shared, irq_enabled *is* the guest's interrupt flag:
 * EFLAGS.IF as KVM_GET_REGS shows it, and what an emulated cli, sti,
 * popf or iret changes.  (Sharing starts with irq_enabled as the guest
 * wrote it, and stopping carries it back into EFLAGS.IF.)
 */
#define KVM_HC_LITE_VCPU_PAGE		(KVM_HC_LITE_BASE + 0)
#define KVM_LITE_VCPU_PAGE_KERNEL_RPL0	(1U << 0)

/*
 * KVM_HC_LITE_SET_STACK(ss, esp): the guest kernel's stack for entries
 * from user mode (what a real CPU reads from TSS.SS0:ESP0).  @ss must be
 * a present, writable, DPL-0 data segment of the guest's GDT.  A guest
 * that uses direct traps must call this whenever the stack changes
 * (Linux: on every context switch).  -KVM_EINVAL on a bad @ss.
 */
#define KVM_HC_LITE_SET_STACK		(KVM_HC_LITE_BASE + 1)

/*
 * KVM_HC_LITE_DIRECT_TRAP(vector, enable): let user mode's "int $vector"
 * enter the guest kernel directly, without an exit (a system call costs
 * what it costs natively).  The guest's IDT entry for @vector must be a
 * present 32-bit trap gate of DPL 3 into a DPL-0 code segment: a trap
 * gate leaves IF alone, so the real IF never has to be cleared.  The gate
 * is read at the time of the call; loading a new IDT (lidt) turns direct
 * traps off.  Requires KVM_HC_LITE_SET_STACK first.  @vector must be
 * 32..255.  One vector at a time; @enable = 0 turns it off.
 * -KVM_EINVAL if any of this does not hold.
 */
#define KVM_HC_LITE_DIRECT_TRAP		(KVM_HC_LITE_BASE + 2)

/*
 * KVM_HC_LITE_CPUID(leaf, subleaf): the CPUID the VMM gave this vCPU
 * (KVM_SET_CPUID2), as the cpuid instruction would return it under
 * VT-x.  A CPU without CPUID faulting runs cpuid natively in ring 1 and
 * shows the host's values, so a paravirtual guest asks here instead.
 * Unlike other calls it returns four values: EAX, EBX, ECX and EDX.
 */
#define KVM_HC_LITE_CPUID		(KVM_HC_LITE_BASE + 3)

/*
 * KVM_HC_LITE_IRQ_ENABLED(): "I set irq_enabled and saw irq_pending":
 * the exit lets the host deliver the waiting interrupt.  Returns 0.
 */
#define KVM_HC_LITE_IRQ_ENABLED		(KVM_HC_LITE_BASE + 4)

/*
 * KVM_HC_LITE_SYSTEM_EVENT(type): the guest powers off (type
 * KVM_SYSTEM_EVENT_SHUTDOWN), reboots (KVM_SYSTEM_EVENT_RESET) or has
 * crashed (KVM_SYSTEM_EVENT_CRASH).  KVM_RUN returns to the VMM with
 * KVM_EXIT_SYSTEM_EVENT and that type, as it would for PSCI or Hyper-V;
 * the call does not return to the guest unless the VMM runs it again.
 * -KVM_EINVAL for any other type.
 */
#define KVM_HC_LITE_SYSTEM_EVENT	(KVM_HC_LITE_BASE + 5)

/*
 * KVM_HC_LITE_NOIRQ_RANGE(start, end): the guest kernel code in
 * [start, end) must never be interrupted by the host: the host delays
 * any interrupt it would inject while the guest's EIP is in there (an
 * exception the code itself raises is still delivered).  A paravirtual
 * guest puts its return path there, between restoring irq_enabled from
 * the frame and the iret that pops the frame, so that an interrupt can
 * neither nest on a half-popped frame nor be lost.  At most 256 bytes;
 * start = end = 0 clears it.  -KVM_EINVAL otherwise.
 */
#define KVM_HC_LITE_NOIRQ_RANGE		(KVM_HC_LITE_BASE + 6)

/*
 * KVM_HC_LITE_RELOAD_GDT(): the guest changed descriptors of its current
 * GDT in memory (Linux: TLS entries on a context switch or
 * set_thread_area); segment loads after the call see them.  The CPU runs
 * the guest on a copy of its GDT, and a descriptor written with a plain
 * store reaches that copy only at the guest's next exit, which this call
 * makes sure of.  Returns 0.
 */
#define KVM_HC_LITE_RELOAD_GDT		(KVM_HC_LITE_BASE + 7)

/*
 * KVM_HC_LITE_APIC_WRITE(reg, value): write @value to the in-kernel local
 * APIC's register at offset @reg, exactly as a store to the xAPIC page
 * would, but without decoding an instruction.  @reg is APIC_EOI, APIC_LVTT,
 * APIC_TMICT or APIC_TDCR (what a tickless guest writes at every interrupt
 * and every timer reprogramming), else -KVM_EINVAL; -KVM_EOPNOTSUPP when
 * the local APIC is not in the kernel, hardware-disabled or in x2APIC mode.
 */
#define KVM_HC_LITE_APIC_WRITE		(KVM_HC_LITE_BASE + 8)

/*
 * KVM_HC_LITE_MMU_BATCH(gpa, count): carry out @count page-table
 * operations, in order, from an array of struct kvm_lite_mmu_op at
 * guest-physical @gpa.  A guest kernel collects them while Linux is in
 * lazy MMU mode and sends them with one exit, where each store to a
 * page table KVM write-protects would have been an exit of its own.
 *   KVM_LITE_MMU_SET_PTE: write @val to the page-table entry at
 *     guest-physical @addr, as a store by the guest would (8 bytes in
 *     PAE mode, the low 4 otherwise; @addr aligned to that size), and
 *     drop what the shadow MMU derived from the old value.
 *   KVM_LITE_MMU_INVLPG: invlpg @addr (a virtual address).
 *   KVM_LITE_MMU_FLUSH_TLB: what reloading CR3 would flush.
 * @count is 1..KVM_LITE_MMU_BATCH_MAX; @reserved and the unused fields
 * must be 0.  Returns 0 when all were done, else stops at the first bad
 * operation, leaving the ones before it done: -KVM_EINVAL for a bad
 * count, op, field or alignment, -KVM_EFAULT when the array or an entry
 * is not in guest RAM that the guest may write.
 */
#define KVM_HC_LITE_MMU_BATCH		(KVM_HC_LITE_BASE + 9)
#define KVM_LITE_MMU_SET_PTE		1
#define KVM_LITE_MMU_INVLPG		2
#define KVM_LITE_MMU_FLUSH_TLB		3
#define KVM_LITE_MMU_BATCH_MAX		64

/*
 * KVM_HC_LITE_TIMER_SYNC(): "take over the timer deadline I left in the
 * vCPU page now" (see timer_deadline there).  Returns 0.
 */
#define KVM_HC_LITE_TIMER_SYNC		(KVM_HC_LITE_BASE + 10)

#if !defined(__ASSEMBLY__) && !defined(__ASSEMBLER__)
struct kvm_lite_mmu_op {
	__u32 op;		/* KVM_LITE_MMU_* */
	__u32 reserved;
	__u64 addr;
	__u64 val;
};
#endif

/*
 * A Linux bzImage that can run as a kvm-lite guest says so in its
 * vmlinux with an ELF note (name KVM_LITE_ELFNOTE_NAME, type
 * KVM_LITE_ELFNOTE_GUEST, a __u32 descriptor holding the guest ABI
 * version), so a launcher can refuse a kernel that would only crash in
 * ring 1.  The launcher asks for the paravirtual start by setting
 * boot_params.hdr.hardware_subarch to KVM_LITE_HARDWARE_SUBARCH (the
 * value lguest used, which Linux still reserves for it).
 */
#define KVM_LITE_ELFNOTE_NAME		"kvm-lite"
#define KVM_LITE_ELFNOTE_GUEST		1
#define KVM_LITE_GUEST_ABI_VERSION	1
#define KVM_LITE_HARDWARE_SUBARCH	1

/*
 * The per-vCPU page.  While it is shared, the guest's interrupt flag is
 * EFLAGS.IF and irq_enabled together: a paravirtual guest keeps IF set
 * and toggles irq_enabled.  Delivering an interrupt or exception through
 * an interrupt gate clears irq_enabled (not IF), and the frame's
 * EFLAGS.IF is the flag as it was, so the guest's own return path sets
 * irq_enabled back from the frame before its iret.
 *
 * The host reads irq_enabled at every exit.  When an interrupt is
 * waiting for it, the host sets irq_pending; a guest that turns
 * irq_enabled on and sees irq_pending calls KVM_HC_LITE_IRQ_ENABLED.
 */
#if !defined(__ASSEMBLY__) && !defined(__ASSEMBLER__)
struct kvm_lite_vcpu_page {
	__u32 version;		/* host: KVM_LITE_VCPU_PAGE_VERSION */
	__u32 irq_enabled;	/* guest: 1 = interrupts on */
	__u32 irq_pending;	/* host: an interrupt waits for irq_enabled */
	__u32 cr2;		/* host: address of the last #PF delivered */
	__u32 hole_start;	/* host: the guest may map nothing from here up */

	/*
	 * Time, for the TSC the guest reads (the host's, unoffset):
	 *   ns = system_time + scale(rdtsc() - tsc_timestamp), where
	 *   scale(d) = ((shift >= 0 ? d << shift : d >> -shift) *
	 *               tsc_to_ns_mul) >> 32.
	 * system_time is the VM's clock (KVM_GET_CLOCK) at tsc_timestamp.
	 * time_version is odd while the host rewrites these fields: read
	 * it, the fields, and it again, and retry if it changed or was odd.
	 */
	__u32 time_version;
	__u32 tsc_to_ns_mul;
	__s32 tsc_shift;
	__u64 tsc_timestamp;
	__u64 system_time;

	/*
	 * The local APIC timer in one-shot mode without an exit per TMICT
	 * write.  The guest stores the TSC value its timer is to fire at in
	 * timer_deadline (0: stop it), then increments timer_seq.  At its
	 * next exit the host writes TMICT with what is left until then (1
	 * if nothing is), as the guest would have; in any other timer mode
	 * it ignores them.  timer_check_by is the host's promise: it
	 * will exit, and so take a deadline over, no later than
	 * KVM_LITE_TIMER_SLACK_NS after this TSC value (0: no promise).  A
	 * guest may rely on it only while its TSC is still below
	 * timer_check_by, and for a deadline that is not earlier (or 0);
	 * such a deadline fires at most that slack late.  Otherwise it
	 * calls KVM_HC_LITE_TIMER_SYNC after the store.  Registering the
	 * page zeroes all three.
	 */
	__u32 timer_seq;	/* guest */
	__u32 timer_reserved;
	__u64 timer_deadline;	/* guest */
	__u64 timer_check_by;	/* host */
};
#endif

#define KVM_LITE_VCPU_PAGE_VERSION	3
#define KVM_LITE_TIMER_SLACK_NS		20000

#endif /* _UAPI_LINUX_KVM_LITE_H */
