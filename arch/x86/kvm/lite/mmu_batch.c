// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_HC_LITE_MMU_BATCH: page-table writes and TLB flushes, many per exit.
 *
 * KVM's shadow MMU keeps the guest's page tables write-protected while
 * it shadows them, so a guest kernel that rewrites a run of entries in a
 * live table (mprotect, mremap, vmalloc) pays an exit for each store, or
 * at least for each table.  In Linux's lazy MMU mode the guest collects
 * those stores and its TLB flushes instead and sends them here in one
 * go.  Each store is done the way KVM's emulator finishes a trapped one:
 * write guest memory, then let the MMU drop what it derived from the old
 * entry.  The flushes are what invlpg and a CR3 reload would do.
 *
 * Everything comes from guest memory and is checked before use; the
 * array is read a chunk at a time onto the stack, and a batch is bounded
 * by KVM_LITE_MMU_BATCH_MAX so that one exit stays short.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_lite.h>
#include <linux/kvm_para.h>

#include "lite.h"
#include "x86.h"
#include "mmu.h"

#define LITE_MMU_CHUNK	8

/* A page-table entry is as wide as the guest's paging mode says. */
static long lite_mmu_set_pte(struct kvm_vcpu *vcpu, u64 gpa, u64 val)
{
	unsigned int size = is_pae(vcpu) ? 8 : 4;

	if (gpa & (size - 1))
		return -KVM_EINVAL;
	if (size == 4 && val >> 32)
		return -KVM_EINVAL;
	/* Little-endian: the low @size bytes of @val are the entry. */
	if (kvm_vcpu_write_guest(vcpu, gpa, &val, size))
		return -KVM_EFAULT;
	kvm_mmu_track_write(vcpu, gpa, (const u8 *)&val, size);
	return 0;
}

static long lite_mmu_do_op(struct kvm_vcpu *vcpu,
			   const struct kvm_lite_mmu_op *op)
{
	if (op->reserved)
		return -KVM_EINVAL;
	switch (op->op) {
	case KVM_LITE_MMU_SET_PTE:
		return lite_mmu_set_pte(vcpu, op->addr, op->val);
	case KVM_LITE_MMU_INVLPG:
		if (op->val || op->addr > U32_MAX)
			return -KVM_EINVAL;
		kvm_mmu_invlpg(vcpu, op->addr);
		return 0;
	case KVM_LITE_MMU_FLUSH_TLB:
		if (op->val || op->addr)
			return -KVM_EINVAL;
		/* Done before the next entry, as after a CR3 reload. */
		kvm_make_request(KVM_REQ_TLB_FLUSH_GUEST, vcpu);
		return 0;
	}
	return -KVM_EINVAL;
}

long lite_hc_mmu_batch(struct kvm_vcpu *vcpu, u32 gpa, u32 count)
{
	struct kvm_lite_mmu_op ops[LITE_MMU_CHUNK];
	u32 done, n, i;
	long ret;

	if (!count || count > KVM_LITE_MMU_BATCH_MAX)
		return -KVM_EINVAL;
	for (done = 0; done < count; done += n) {
		n = min_t(u32, count - done, LITE_MMU_CHUNK);
		if (kvm_vcpu_read_guest(vcpu, (u64)gpa + done * sizeof(ops[0]),
					ops, n * sizeof(ops[0])))
			return -KVM_EFAULT;
		for (i = 0; i < n; i++) {
			ret = lite_mmu_do_op(vcpu, &ops[i]);
			if (ret)
				return ret;
		}
	}
	return 0;
}
