// SPDX-License-Identifier: GPL-2.0
/*
 * Memslots changed while another vCPU of the VM is in the guest (run
 * with --vcpus 2; alone, vCPU 0 plays both parts in turn).  vCPU 0
 * spins without exits on a page of a memslot; vCPU 1 has the harness
 * delete the slot, or fetch its dirty log.  KVM kicks every vCPU out of
 * the guest before such a change completes, and kvm-lite rebuilds the
 * page table it runs on at each entry: once the ioctl has returned,
 * vCPU 0 must not read the deleted page any more, and every write it
 * makes after a KVM_GET_DIRTY_LOG must show in the next one.
 */
#include "guest.h"

#define SLOT		5
#define SLOT_GPA	0x50000000
#define NR_ROUNDS	20
#define PAGE		3		/* the page vCPU 0 writes */

static volatile struct mmio_log log;
static volatile u32 phase, seq, stop, last_read, stale, missed, bad_requests;

enum { IDLE, READING, DELETED, WRITING };

static int request(u32 op, u32 flags, struct harness_req *out)
{
	struct harness_req req = {
		.op = op, .slot = SLOT, .gpa_lo = SLOT_GPA, .pages = 4,
		.flags = flags, .arg = 0x50000000,
	};
	int ret = harness(&req);

	if (out)
		*out = req;
	return ret;
}

/* vCPU 0's part: read until told the slot is gone, then read once more. */
static void keep_reading(void)
{
	volatile u32 *p = (volatile u32 *)(SLOT_GPA + 4 * 1024);

	last_read = *p;		/* mapped, and in this CPU's TLB */
	phase = READING;
	while (phase != DELETED)
		last_read = *p;
	stale = *p != 0;
}

/* vCPU 0's part: write the page until told to stop. */
static void keep_writing(void)
{
	volatile u32 *p = (volatile u32 *)(SLOT_GPA + PAGE * 4096);

	phase = WRITING;
	while (!stop) {
		*p = seq;
		seq = seq + 1;
	}
}

static u32 dirty_bits(void)
{
	struct harness_req req;

	bad_requests += request(HREQ_DIRTY_LOG, 0, &req) != 0;
	return req.out[0];
}

/* The other part: delete the slot under the reader. */
static void delete_slot(void)
{
	while (phase != READING)
		asm volatile("pause");
	bad_requests += request(HREQ_MEMSLOT_DELETE, 0, NULL) != 0;
	phase = DELETED;
}

/*
 * The other part: after each KVM_GET_DIRTY_LOG, wait for the writer to
 * finish a write that began after it, and look again.
 */
static void watch_dirty_log(void)
{
	u32 round, s0;

	while (phase != WRITING)
		asm volatile("pause");
	for (round = 0; round < NR_ROUNDS; round++) {
		dirty_bits();
		s0 = seq;
		while (seq < s0 + 2)
			asm volatile("pause");
		if (!(dirty_bits() & (1 << PAGE)))
			missed++;
	}
	stop = 1;
}

int guest_ap_main(u32 cpu)
{
	if (cpu != 1)
		return 0;
	delete_slot();
	watch_dirty_log();
	return 0;
}

/* Alone, the same steps one after the other. */
static void alone(void)
{
	u32 round;

	phase = READING;
	delete_slot();
	stale = *(volatile u32 *)(SLOT_GPA + 4 * 1024) != 0;
	request(HREQ_MEMSLOT_ADD, HREQ_F_LOG_DIRTY, NULL);
	for (round = 0; round < NR_ROUNDS; round++) {
		dirty_bits();
		*(volatile u32 *)(SLOT_GPA + PAGE * 4096) = round;
		if (!(dirty_bits() & (1 << PAGE)))
			missed++;
	}
}

int guest_main(void)
{
	struct harness_req req = { .op = HREQ_MMIO_LOG, .gpa_lo = (u32)&log };

	check_eq(harness(&req), 0, "the harness logs MMIO exits for us");
	check_eq(request(HREQ_MEMSLOT_ADD, 0, NULL), 0, "a memslot is added");
	check_eq(*(volatile u32 *)(SLOT_GPA + 4 * 1024), 0x50000400,
		 "its contents are there");
	if (nr_cpus < 2) {
		alone();
	} else {
		keep_reading();
		request(HREQ_MEMSLOT_ADD, HREQ_F_LOG_DIRTY, NULL);
		keep_writing();
	}
	check(!stale && log.gpa_lo == SLOT_GPA + 4 * 1024,
	      "after the delete returned, the page was MMIO, not the old memory");
	check_eq(missed, 0,
		 "every write after a KVM_GET_DIRTY_LOG showed in the next one");
	check_eq(bad_requests, 0, "every request succeeded");
	guest_exit(0);
	return 0;
}
