// SPDX-License-Identifier: GPL-2.0
/*
 * Accesses outside every memslot, across the upper half of the physical
 * address space (0x7ffff000..0xfffff000, one every 16 MB, and the
 * addresses of the local APIC and IOAPIC, which have no in-kernel
 * device here).  Each one must be exactly one MMIO exit with the right
 * address, size, direction and data (the harness logs them, answers
 * reads with zeroes and drops writes); the switcher's hole is left out,
 * it is no guest memory.  An access straddling the end of RAM is split:
 * RAM for the first half, MMIO for the rest.
 */
#include "guest.h"

#define HOLE_SIZE	0x200000
#define RAM_END		0x800000	/* the harness's 8 MB */

static volatile struct mmio_log log;

static int check_one(u32 addr, u32 len, u32 is_write, u32 data, u32 count)
{
	return log.count == count && log.gpa_lo == addr && log.gpa_hi == 0 &&
	       log.len == len && log.is_write == is_write &&
	       log.data_lo == data;
}

/* A read and a write at @addr; returns how many did not look right. */
static u32 probe(u32 addr)
{
	u32 count = log.count, v, bad = 0;

	v = *(volatile u32 *)addr;
	bad += v != 0 || !check_one(addr, 4, 0, 0, count + 1);
	*(volatile u32 *)addr = addr ^ 0x5a5a5a5a;
	bad += !check_one(addr, 4, 1, addr ^ 0x5a5a5a5a, count + 2);
	*(volatile u8 *)(addr + 3) = 0xa5;
	bad += !check_one(addr + 3, 1, 1, 0xa5, count + 3);
	if (bad) {
		puts("# wrong MMIO exit for ");
		put_hex(addr);
		puts("\n");
	}
	return bad;
}

static u32 sweep(u32 hole)
{
	u32 addr = 0x7ffff000, bad = 0, n = 0;

	for (;;) {
		if (addr - hole >= HOLE_SIZE && addr != MMIO_ECHO) {
			bad += probe(addr);
			n++;
		}
		if (addr == 0xfffff000)
			break;
		addr = addr == 0xfefff000 ? 0xfffff000 : addr + 0x1000000;
	}
	puts("# probed ");
	put_dec(n);
	puts(" addresses\n");
	return bad;
}

/* 4 bytes at RAM_END - 2: two from RAM, two from an MMIO exit. */
static void test_straddle(void)
{
	u32 count = log.count, v;

	*(volatile u16 *)(RAM_END - 2) = 0xbeef;
	v = *(volatile u32 *)(RAM_END - 2);
	check(v == 0xbeef && log.count == count + 1 &&
	      log.gpa_lo == RAM_END && log.len == 2 && !log.is_write,
	      "a read across the end of RAM: RAM, then a 2-byte MMIO read");
}

int guest_main(void)
{
	struct harness_req req = { .op = HREQ_MMIO_LOG, .gpa_lo = (u32)&log };

	check_eq(harness(&req), 0, "the harness logs MMIO exits for us");
	check_eq(sweep(hole_base()), 0,
		 "every access outside the memslots is one MMIO exit, as issued");
	check_eq(probe(0xfee00000), 0,
		 "the local APIC's page without an irqchip is plain MMIO");
	check_eq(probe(0xfec00000), 0,
		 "the IOAPIC's page without an irqchip is plain MMIO");
	test_straddle();
	req.gpa_lo = 0;
	harness(&req);
	guest_exit(0);
	return 0;
}
