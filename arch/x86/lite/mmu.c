// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite guest: page-table updates in lazy MMU mode, batched.
 *
 * The host shadows our page tables, and KVM's shadow MMU keeps a table
 * write-protected while it shadows it: a store to it is an exit.  (A
 * last-level table may go "unsync" after its first trapped store, and
 * then stores to it are free until the next TLB flush.)  Linux tells us
 * when it is about to rewrite a run of entries, by entering lazy MMU
 * mode (mprotect, mremap, fork, munmap, vmalloc); in there we queue the
 * stores and the TLB flushes we are given and send the queue to the host
 * in one KVM_HC_LITE_MMU_BATCH when Linux leaves the mode or reads back.
 *
 * Two kinds of store go straight to memory even in lazy mode, because a
 * hypercall would cost an exit that the store itself does not:
 *  - stores into a page table that has only just been allocated: nothing
 *    has walked it yet, so the host shadows none of it.  This is fork
 *    filling in the child's tables.
 *  - a queue of one: a single store traps at most once, as the hypercall
 *    would, and usually not at all.
 *
 * The queue is only ever touched in process context, with preemption
 * off while it is: a task switched out in lazy mode (possible when it
 * updates kernel mappings without a lock) flushes it first and takes the
 * mode along (start_context_switch below).  Interrupt handlers never
 * queue (nor enter or leave the mode).  The guest is uniprocessor (see boot.c), so the
 * state is plain global variables.
 */
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>

#include <asm/kvm_lite_guest.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "kvm_lite_guest."

static struct kvm_lite_mmu_op mmu_queue[KVM_LITE_MMU_BATCH_MAX];
static unsigned int mmu_queued;
static bool mmu_lazy;

/*
 * Off unless the command line says "kvm_lite_guest.mmu_batch=1": measured
 * (make bench), KVM's unsync pages make single stores cheaper.  The
 * host drops the shadow entries a batched store replaces, where a store
 * to an unsync table leaves them for the next TLB flush to update in
 * place; so mprotect + write runs at half the speed batched, and fork
 * and page faults gain nothing.  /sys/module/kvm_lite_guest/parameters/
 * mmu_batches counts the hypercalls sent.
 */
static bool mmu_batch;
static unsigned int mmu_batches;
module_param(mmu_batch, bool, 0444);
module_param(mmu_batches, uint, 0444);

/*
 * Page tables allocated recently: their pfns, most recent last.  A few
 * are enough: fork allocates one at a time and fills it at once.  An
 * entry that outlives its freshness only means a store that traps, as
 * it would have without us.
 */
#define NR_FRESH	8
static unsigned long fresh_pfn[NR_FRESH];
static unsigned int fresh_next;

static void kvm_lite_alloc_pte(struct mm_struct *mm, unsigned long pfn)
{
	fresh_pfn[fresh_next++ % NR_FRESH] = pfn;
}

static void kvm_lite_release_pte(unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < NR_FRESH; i++)
		if (fresh_pfn[i] == pfn)
			fresh_pfn[i] = 0;
}

static bool kvm_lite_pt_is_fresh(unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < NR_FRESH; i++)
		if (fresh_pfn[i] == pfn)
			return true;
	return false;
}

/* A page-table entry's guest-physical address, highmem tables too. */
static phys_addr_t kvm_lite_pt_phys(void *entry)
{
	if (IS_ENABLED(CONFIG_HIGHPTE) && !virt_addr_valid(entry))
		return slow_virt_to_phys(entry);
	return __pa(entry);
}

/* The queue's operations, done by the guest itself. */
static void kvm_lite_mmu_op_native(const struct kvm_lite_mmu_op *op)
{
	switch (op->op) {
	case KVM_LITE_MMU_SET_PTE:
		native_set_pte(__va(op->addr), native_make_pte(op->val));
		break;
	case KVM_LITE_MMU_INVLPG:
		native_flush_tlb_one_user(op->addr);
		break;
	case KVM_LITE_MMU_FLUSH_TLB:
		native_flush_tlb_local();
		break;
	}
}

static void kvm_lite_mmu_flush_queue(void)
{
	long ret;

	preempt_disable();
	if (mmu_queued == 1) {
		kvm_lite_mmu_op_native(&mmu_queue[0]);
	} else if (mmu_queued) {
		ret = kvm_hypercall2(KVM_HC_LITE_MMU_BATCH, __pa(mmu_queue),
				     mmu_queued);
		mmu_batches++;
		/* Our page tables are not what we think: nothing is safe. */
		if (ret)
			panic("kvm-lite: the host refused a page-table batch (%ld)",
			      ret);
	}
	mmu_queued = 0;
	preempt_enable();
}

static bool kvm_lite_mmu_batching(void)
{
	return mmu_lazy && in_task();
}

/*
 * A task switch flushes the queue (kvm_lite_start_context_switch()):
 * never in the middle of adding to it or sending it.
 */
static void kvm_lite_mmu_queue(u32 op, u64 addr, u64 val)
{
	struct kvm_lite_mmu_op *q;

	preempt_disable();
	if (mmu_queued == ARRAY_SIZE(mmu_queue))
		kvm_lite_mmu_flush_queue();
	q = &mmu_queue[mmu_queued++];
	q->op = op;
	q->reserved = 0;
	q->addr = addr;
	q->val = val;
	preempt_enable();
}

static void kvm_lite_set_pte(pte_t *ptep, pte_t pte)
{
	if (!kvm_lite_mmu_batching() ||
	    kvm_lite_pt_is_fresh(kvm_lite_pt_phys(ptep) >> PAGE_SHIFT)) {
		native_set_pte(ptep, pte);
		return;
	}
	/* A queue of one is stored by us, through a lowmem address. */
	if (IS_ENABLED(CONFIG_HIGHPTE) && !virt_addr_valid(ptep)) {
		kvm_lite_mmu_flush_queue();
		native_set_pte(ptep, pte);
		return;
	}
	kvm_lite_mmu_queue(KVM_LITE_MMU_SET_PTE, __pa(ptep), pte_val(pte));
}

/*
 * Middle-level entries are few, even in lazy mode: store them as the
 * native code does (atomically), after what is queued before them.
 */
static void kvm_lite_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	if (kvm_lite_mmu_batching())
		kvm_lite_mmu_flush_queue();
	native_set_pmd(pmdp, pmd);
}

static void kvm_lite_flush_tlb_one_user(unsigned long addr)
{
	if (kvm_lite_mmu_batching())
		kvm_lite_mmu_queue(KVM_LITE_MMU_INVLPG, addr, 0);
	else
		native_flush_tlb_one_user(addr);
}

static void kvm_lite_flush_tlb_user(void)
{
	if (kvm_lite_mmu_batching())
		kvm_lite_mmu_queue(KVM_LITE_MMU_FLUSH_TLB, 0, 0);
	else
		native_flush_tlb_local();
}

static void kvm_lite_enter_lazy_mmu(void)
{
	if (!mmu_batch || !in_task())
		return;
	WARN_ON_ONCE(mmu_lazy);
	mmu_lazy = true;
}

static void kvm_lite_flush_lazy_mmu(void)
{
	if (kvm_lite_mmu_batching())
		kvm_lite_mmu_flush_queue();
}

static void kvm_lite_leave_lazy_mmu(void)
{
	if (!in_task())
		return;
	kvm_lite_mmu_flush_queue();
	mmu_lazy = false;
}

/*
 * A task switched out in lazy mode (it can be, when it updates kernel
 * mappings without a lock) takes its mode along but not its queue.
 */
static void kvm_lite_start_context_switch(struct task_struct *prev)
{
	if (!mmu_lazy)
		return;
	kvm_lite_leave_lazy_mmu();
	set_ti_thread_flag(task_thread_info(prev), TIF_LAZY_MMU_UPDATES);
}

static void kvm_lite_end_context_switch(struct task_struct *next)
{
	if (test_and_clear_ti_thread_flag(task_thread_info(next),
					  TIF_LAZY_MMU_UPDATES))
		kvm_lite_enter_lazy_mmu();
}

void __init kvm_lite_setup_mmu_ops(void)
{
	pv_ops.mmu.alloc_pte = kvm_lite_alloc_pte;
	pv_ops.mmu.release_pte = kvm_lite_release_pte;
	pv_ops.mmu.set_pte = kvm_lite_set_pte;
	pv_ops.mmu.set_pmd = kvm_lite_set_pmd;
	pv_ops.mmu.flush_tlb_one_user = kvm_lite_flush_tlb_one_user;
	pv_ops.mmu.flush_tlb_user = kvm_lite_flush_tlb_user;
	pv_ops.mmu.lazy_mode.enter = kvm_lite_enter_lazy_mmu;
	pv_ops.mmu.lazy_mode.leave = kvm_lite_leave_lazy_mmu;
	pv_ops.mmu.lazy_mode.flush = kvm_lite_flush_lazy_mmu;
	pv_ops.cpu.start_context_switch = kvm_lite_start_context_switch;
	pv_ops.cpu.end_context_switch = kvm_lite_end_context_switch;
}
