// SPDX-License-Identifier: GPL-2.0
/*
 * Memslots changed under a running guest (PORT_REQUEST, between two
 * KVM_RUNs): a new slot appears with the harness's contents, a slot
 * moves (its data at the new address, MMIO exits at the old one), a
 * read-only slot reads but turns writes into MMIO exits, and dirty
 * logging reports exactly the pages written since the last look, also
 * when it is switched on for a slot the guest has already written.
 * All of it twice: with paging off, and with the guest's own page
 * tables (4 MB pages) mapping everything.
 */
#include "guest.h"

#define SLOT_GPA	0x10000000
#define MOVED_GPA	0x20000000
#define RO_GPA		0x30000000
#define DIRTY_GPA	0x40000000

static volatile struct mmio_log log;
static u32 page_dir[1024] __attribute__((aligned(4096)));

static int request(u32 op, u32 slot, u32 gpa, u32 pages, u32 flags, u32 arg,
		   struct harness_req *out)
{
	struct harness_req req = {
		.op = op, .slot = slot, .gpa_lo = gpa, .pages = pages,
		.flags = flags, .arg = arg,
	};
	int ret = harness(&req);

	if (out)
		*out = req;
	return ret;
}

static u32 word(u32 gpa, u32 i)
{
	return ((volatile u32 *)gpa)[i];
}

static u32 dirty_bits(u32 slot)
{
	struct harness_req req;

	if (request(HREQ_DIRTY_LOG, slot, 0, 0, 0, 0, &req))
		return ~0u;
	return req.out[0];
}

static void test_add(const char *how)
{
	struct harness_req req;

	check_eq(request(HREQ_MEMSLOT_ADD, 1, SLOT_GPA, 4, 0, 0xa0000000, NULL),
		 0, join(how, "a new memslot is added"));
	check(word(SLOT_GPA, 0) == 0xa0000000 && word(SLOT_GPA, 4095) == 0xa0000fff,
	      join(how, "the guest reads what the harness put there"));
	((volatile u32 *)SLOT_GPA)[1000] = 0x12345678;
	request(HREQ_PEEK, 1, 0, 0, 0, 1000, &req);
	check_eq(req.out[0], 0x12345678, join(how, "the harness sees the guest's write"));
}

static void test_move(const char *how)
{
	u32 count;

	check_eq(request(HREQ_MEMSLOT_MOVE, 1, MOVED_GPA, 0, 0, 0, NULL), 0,
		 join(how, "the memslot moves to another address"));
	check(word(MOVED_GPA, 0) == 0xa0000000 && word(MOVED_GPA, 1000) == 0x12345678,
	      join(how, "its data is at the new address"));
	count = log.count;
	check(word(SLOT_GPA, 1000) == 0 && log.count == count + 1 &&
	      log.gpa_lo == SLOT_GPA + 4000 && !log.is_write,
	      join(how, "the old address is an MMIO exit now"));
	check_eq(request(HREQ_MEMSLOT_DELETE, 1, 0, 0, 0, 0, NULL), 0,
		 join(how, "the memslot is deleted"));
	count = log.count;
	check(word(MOVED_GPA, 0) == 0 && log.count == count + 1,
	      join(how, "then its new address is an MMIO exit too"));
}

static void test_readonly(const char *how)
{
	struct harness_req req;
	u32 count;

	check_eq(request(HREQ_MEMSLOT_ADD, 2, RO_GPA, 2, HREQ_F_READONLY,
			 0xc0000000, NULL), 0,
		 join(how, "a read-only memslot is added"));
	check_eq(word(RO_GPA, 1500), 0xc00005dc, join(how, "reading it works"));
	count = log.count;
	((volatile u32 *)RO_GPA)[1500] = 0xdeadbeef;
	check(log.count == count + 1 && log.is_write && log.len == 4 &&
	      log.gpa_lo == RO_GPA + 6000 && log.data_lo == 0xdeadbeef,
	      join(how, "a write is an MMIO exit with is_write, address and data"));
	request(HREQ_PEEK, 2, 0, 0, 0, 1500, &req);
	check(req.out[0] == 0xc00005dc && word(RO_GPA, 1500) == 0xc00005dc,
	      join(how, "and the memory is unchanged"));
	request(HREQ_MEMSLOT_DELETE, 2, 0, 0, 0, 0, NULL);
}

static void touch(u32 gpa, u32 page)
{
	((volatile u32 *)(gpa + page * 4096))[7] = page;
}

static void test_dirty_log(const char *how)
{
	check_eq(request(HREQ_MEMSLOT_ADD, 3, DIRTY_GPA, 8, HREQ_F_LOG_DIRTY,
			 0, NULL), 0, join(how, "a memslot with dirty logging"));
	/*
	 * Only writes: KVM's shadow MMU may log a page that was merely read
	 * through a writable mapping (it maps it writable at once).
	 */
	check_eq(dirty_bits(3), 0, join(how, "nothing is dirty before the guest writes"));
	touch(DIRTY_GPA, 1);
	touch(DIRTY_GPA, 5);
	touch(DIRTY_GPA, 7);
	check_eq(dirty_bits(3), 0xa2, join(how, "writes to pages 1, 5, 7: exactly bits 1, 5, 7"));
	check_eq(dirty_bits(3), 0, join(how, "a second look finds them cleared"));
	touch(DIRTY_GPA, 0);
	touch(DIRTY_GPA, 5);
	check_eq(dirty_bits(3), 0x21, join(how, "new writes to pages 0, 5: only those"));
	request(HREQ_MEMSLOT_DELETE, 3, 0, 0, 0, 0, NULL);
}

/* Logging switched on for a slot whose pages the guest already wrote. */
static void test_late_logging(const char *how)
{
	request(HREQ_MEMSLOT_ADD, 4, SLOT_GPA, 4, 0, 0, NULL);
	touch(SLOT_GPA, 0);
	touch(SLOT_GPA, 2);
	check_eq(request(HREQ_MEMSLOT_FLAGS, 4, 0, 0, HREQ_F_LOG_DIRTY, 0, NULL),
		 0, join(how, "dirty logging is switched on for a written slot"));
	touch(SLOT_GPA, 2);
	check_eq(dirty_bits(4), 0x4,
		 join(how, "the next write to an already-written page is logged"));
	request(HREQ_MEMSLOT_DELETE, 4, 0, 0, 0, 0, NULL);
}

static void all_tests(const char *how)
{
	test_add(how);
	test_move(how);
	test_readonly(how);
	test_dirty_log(how);
	test_late_logging(how);
}

/* Identity-map all 4 GB with 4 MB pages. */
static void paging_on(void)
{
	u32 i;

	for (i = 0; i < 1024; i++)
		page_dir[i] = (i << 22) | PDE_PS | PTE_P | PTE_W;
	write_cr4(read_cr4() | X86_CR4_PSE);
	write_cr3((u32)page_dir);
	write_cr0(read_cr0() | X86_CR0_PG);
}

int guest_main(void)
{
	struct harness_req req = { .op = HREQ_MMIO_LOG, .gpa_lo = (u32)&log };

	check_eq(harness(&req), 0, "the harness logs MMIO exits for us");
	all_tests("paging off: ");
	paging_on();
	check(read_cr0() & X86_CR0_PG, "paging is on, 4 MB pages");
	all_tests("paging on: ");
	guest_exit(0);
	return 0;
}
