// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_HC_LITE_MMU_BATCH: page-table stores and TLB flushes sent in one
 * exit.  The stores must reach guest memory and KVM's shadow MMU alike
 * (a stale shadow entry would still show the old page), a batch is one
 * exit however long, dirty logging sees the stores, and every bad batch
 * fails with its documented error having done exactly the operations
 * before the bad one.  PAE paging as Linux uses it (8-byte entries),
 * then 2-level paging (4-byte entries).
 */
#include "guest.h"

#define X86_CR4_PAE	0x00000020
#define PDE_PS_PAE	0x80ULL
#define PTE_AD		0x60ULL	/* accessed, dirty */
#define WINDOW		0x00600000	/* virtual pages we remap */
#define NR_WIN		4
#define RO_GPA		0x30000000
#define DIRTY_GPA	0x40000000

static u64 pdpt[4] __attribute__((aligned(32)));
static u64 pd[512] __attribute__((aligned(4096)));
static u64 pt[512] __attribute__((aligned(4096)));
static volatile u32 pages[NR_WIN + 1][1024] __attribute__((aligned(4096)));
static struct kvm_lite_mmu_op ops[KVM_LITE_MMU_BATCH_MAX + 1]
	__attribute__((aligned(8)));

static u32 window(int i)
{
	return WINDOW + i * 4096;
}

static u32 read_window(int i)
{
	return *(volatile u32 *)window(i);
}

static u32 pte_gpa(int i)
{
	return (u32)&pt[(window(i) >> 12) & 511];
}

static struct kvm_lite_mmu_op op(u32 code, u64 addr, u64 val)
{
	struct kvm_lite_mmu_op o = { .op = code, .addr = addr, .val = val };

	return o;
}

static u32 batch(u32 count)
{
	return hypercall(KVM_HC_LITE_MMU_BATCH, (u32)ops, count, 0, 0);
}

/* 0..8 MB identity-mapped by 2 MB pages, but 6..8 MB by 4 KB pages. */
static void pae_paging_on(void)
{
	u32 i;

	for (i = 0; i < 4; i++)
		pd[i] = (i << 21) | PDE_PS_PAE | PTE_P | PTE_W;
	for (i = 0; i < 512; i++)
		pt[i] = (WINDOW + (i << 12)) | PTE_P | PTE_W;
	pd[WINDOW >> 21] = (u32)pt | PTE_P | PTE_W;
	for (i = 0; i < NR_WIN; i++)
		pt[(window(i) >> 12) & 511] = (u32)pages[i] | PTE_P | PTE_W;
	pdpt[0] = (u32)pd | PTE_P;
	write_cr4(read_cr4() | X86_CR4_PAE);
	write_cr3((u32)pdpt);
	write_cr0(read_cr0() | X86_CR0_PG);
}

static void paging_off(void)
{
	write_cr0(read_cr0() & ~X86_CR0_PG);
	write_cr4(read_cr4() & ~X86_CR4_PAE);
}

static void test_stores_and_flushes(void)
{
	u32 i, ok = 1;

	for (i = 0; i <= NR_WIN; i++)
		pages[i][0] = 0x1000 + i;
	for (i = 0; i < NR_WIN; i++)
		ok &= read_window(i) == 0x1000 + i;
	check(ok, "each window shows its own page (now shadowed)");

	ops[0] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(0),
		    (u32)pages[NR_WIN] | PTE_P | PTE_W);
	ops[1] = op(KVM_LITE_MMU_INVLPG, window(0), 0);
	check_eq(batch(2), 0, "SET_PTE + INVLPG");
	check_eq(read_window(0), 0x1000 + NR_WIN, "  ... the window shows the new page");
	/* KVM's walk has set the accessed bit since: leave out A and D. */
	check((pt[(window(0) >> 12) & 511] & ~PTE_AD) ==
	      ((u32)pages[NR_WIN] | PTE_P | PTE_W),
	      "  ... and the entry in memory is the new one, all 64 bits");

	/* Rotate the windows, with one full flush at the end. */
	for (i = 0; i < NR_WIN; i++)
		ops[i] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(i),
			    (u32)pages[(i + 1) % NR_WIN] | PTE_P | PTE_W);
	ops[NR_WIN] = op(KVM_LITE_MMU_FLUSH_TLB, 0, 0);
	check_eq(batch(NR_WIN + 1), 0, "four SET_PTEs + FLUSH_TLB");
	for (i = 0; i < NR_WIN; i++)
		ok &= read_window(i) == 0x1000 + (i + 1) % NR_WIN;
	check(ok, "  ... every window shows its new page");

	/* A store that clears an entry: the next access faults. */
	ops[0] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(1), 0);
	ops[1] = op(KVM_LITE_MMU_INVLPG, window(1), 0);
	check_eq(batch(2), 0, "SET_PTE 0 + INVLPG");
	fixup_eip = 0;
	trap_hook = fixup_hook;
	asm volatile("movl $1f, fixup_eip\n\t"
		     "movl (%0), %%eax\n"
		     "1:" : : "r"(window(1)) : "eax", "memory");
	check(last_vector == 14 && read_cr2() == window(1) && !(last_error & 1),
	      "  ... the window is not present any more");
	trap_hook = NULL;
}

/* The fewest exits between two reads of the count, around @fn. */
static u32 fewest_exits(void (*fn)(void))
{
	u32 i, before, n, best = ~0u;

	/* Host interrupts and NMIs only ever add: take the best of a few. */
	for (i = 0; i < 8; i++) {
		before = inl(PORT_EXITS);
		if (fn)
			fn();
		n = inl(PORT_EXITS) - before;
		if (n < best)
			best = n;
	}
	return best;
}

static void full_batch(void)
{
	batch(KVM_LITE_MMU_BATCH_MAX);
}

/* However long the batch, it is one exit (the port read is the other). */
static void test_one_exit(void)
{
	u32 i;

	for (i = 0; i < KVM_LITE_MMU_BATCH_MAX; i++)
		ops[i] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(2),
			    (u32)pages[i % NR_WIN] | PTE_P | PTE_W);
	check_eq(fewest_exits(full_batch) - fewest_exits(NULL), 1,
		 "a batch of KVM_LITE_MMU_BATCH_MAX stores is one exit");
}

static void test_bad_batches(void)
{
	u32 good_pte = (u32)pages[0] | PTE_P | PTE_W;

	ops[0] = op(KVM_LITE_MMU_FLUSH_TLB, 0, 0);
	check_eq(batch(0), -KVM_EINVAL, "count 0: -KVM_EINVAL");
	check_eq(batch(KVM_LITE_MMU_BATCH_MAX + 1), -KVM_EINVAL,
		 "count KVM_LITE_MMU_BATCH_MAX + 1: -KVM_EINVAL");
	ops[0] = op(7, 0, 0);
	check_eq(batch(1), -KVM_EINVAL, "an unknown op: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_FLUSH_TLB, 0, 0);
	ops[0].reserved = 1;
	check_eq(batch(1), -KVM_EINVAL, "reserved not 0: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(0) + 4, good_pte);
	check_eq(batch(1), -KVM_EINVAL, "a PAE entry not 8-aligned: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_INVLPG, 0x100000000ULL, 0);
	check_eq(batch(1), -KVM_EINVAL, "invlpg above 4 GB: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_INVLPG, window(0), 1);
	check_eq(batch(1), -KVM_EINVAL, "invlpg with a value: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_FLUSH_TLB, 4096, 0);
	check_eq(batch(1), -KVM_EINVAL, "a flush with an address: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, MMIO_ECHO, good_pte);
	check_eq(batch(1), -KVM_EFAULT, "an entry outside RAM: -KVM_EFAULT");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, 0x100000000ULL, good_pte);
	check_eq(batch(1), -KVM_EFAULT, "an entry above 4 GB, no memslot: -KVM_EFAULT");
	check_eq(hypercall(KVM_HC_LITE_MMU_BATCH, MMIO_ECHO, 1, 0, 0),
		 -KVM_EFAULT, "the array outside RAM: -KVM_EFAULT");
	/* The array's last entry in RAM, the next one beyond it. */
	check_eq(hypercall(KVM_HC_LITE_MMU_BATCH,
			   (8 << 20) - sizeof(ops[0]), 2, 0, 0),
		 -KVM_EFAULT, "the array running off RAM: -KVM_EFAULT");

	/* The ops before a bad one are done, the ones after it are not. */
	ops[0] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(3), (u32)pages[3] | PTE_P | PTE_W);
	ops[1] = op(KVM_LITE_MMU_INVLPG, window(3), 0);
	ops[2] = op(9, 0, 0);
	ops[3] = op(KVM_LITE_MMU_SET_PTE, pte_gpa(3), 0);
	check_eq(batch(4), -KVM_EINVAL, "a bad third op: -KVM_EINVAL");
	check_eq(read_window(3), 0x1000 + 3, "  ... the first two were done");
	check(pt[(window(3) >> 12) & 511] != 0, "  ... the fourth was not");
}

static void test_memslots(void)
{
	struct harness_req ro = {
		.op = HREQ_MEMSLOT_ADD, .slot = 1, .gpa_lo = RO_GPA, .pages = 1,
		.flags = HREQ_F_READONLY,
	};
	struct harness_req dirty = {
		.op = HREQ_MEMSLOT_ADD, .slot = 2, .gpa_lo = DIRTY_GPA,
		.pages = 4, .flags = HREQ_F_LOG_DIRTY,
	};
	struct harness_req log = { .op = HREQ_DIRTY_LOG, .slot = 2 };
	struct harness_req peek = {
		.op = HREQ_PEEK, .slot = 2, .arg = (2 * 4096 + 16) / 4,
	};

	check_eq(harness(&ro), 0, "a read-only memslot");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, RO_GPA + 8, 0x1003);
	check_eq(batch(1), -KVM_EFAULT, "  ... an entry there: -KVM_EFAULT");

	check_eq(harness(&dirty), 0, "a memslot with dirty logging");
	harness(&log);
	ops[0] = op(KVM_LITE_MMU_SET_PTE, DIRTY_GPA + 2 * 4096 + 16, 0x5003);
	check_eq(batch(1), 0, "  ... an entry there");
	harness(&log);
	check_eq(log.out[0], 1 << 2, "  ... dirty logging sees its page, only it");
	harness(&peek);
	check_eq(peek.out[0], 0x5003, "  ... and the VMM sees the value");
}

/* 2-level paging: entries are 4 bytes. */
static u32 pd32[1024] __attribute__((aligned(4096)));
static u32 pt32[1024] __attribute__((aligned(4096)));

static void test_two_level(void)
{
	u32 i, slot = (WINDOW >> 12) & 1023;

	for (i = 0; i < 2; i++)
		pd32[i] = (i << 22) | PDE_PS | PTE_P | PTE_W;
	for (i = 0; i < 1024; i++)
		pt32[i] = (0x400000 + (i << 12)) | PTE_P | PTE_W;
	pt32[slot] = (u32)pages[0] | PTE_P | PTE_W;
	pd32[WINDOW >> 22] = (u32)pt32 | PTE_P | PTE_W;
	write_cr4(read_cr4() | X86_CR4_PSE);
	write_cr3((u32)pd32);
	write_cr0(read_cr0() | X86_CR0_PG);
	pages[0][0] = 0xa;
	pages[1][0] = 0xb;
	check_eq(read_window(0), 0xa, "2-level paging: the window shows page A");

	ops[0] = op(KVM_LITE_MMU_SET_PTE, (u32)&pt32[slot],
		    (u32)pages[1] | PTE_P | PTE_W);
	ops[1] = op(KVM_LITE_MMU_INVLPG, WINDOW, 0);
	check_eq(batch(2), 0, "  ... SET_PTE (4 bytes) + INVLPG");
	check_eq(read_window(0), 0xb, "  ... the window shows page B");
	check_eq(pt32[slot + 1], (0x400000 + ((slot + 1) << 12)) | PTE_P | PTE_W,
		 "  ... and the next entry is untouched");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, (u32)&pt32[slot], 1ULL << 32 | 1);
	check_eq(batch(1), -KVM_EINVAL, "  ... a value wider than 4 bytes: -KVM_EINVAL");
	ops[0] = op(KVM_LITE_MMU_SET_PTE, (u32)&pt32[slot] + 2, 0);
	check_eq(batch(1), -KVM_EINVAL, "  ... an entry not 4-aligned: -KVM_EINVAL");
}

int guest_main(void)
{
	set_gate(14, trap_entry_14, 0);
	pae_paging_on();
	test_stores_and_flushes();
	test_one_exit();
	test_bad_batches();
	test_memslots();
	paging_off();
	test_two_level();
	guest_exit(0);
	return 0;
}
