/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure descriptor arithmetic for kvm-lite: no kernel state, no locks, so
 * it is unit-tested on the build machine (tests/unit/test-desc.c).
 *
 * A descriptor is handled as the raw 64-bit value the CPU reads.
 */
#ifndef __KVM_X86_LITE_DESC_H
#define __KVM_X86_LITE_DESC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

/* Bits of the high dword of a segment descriptor. */
#define LITE_DESC_TYPE_SHIFT	40
#define LITE_DESC_TYPE_MASK	(0xfULL << LITE_DESC_TYPE_SHIFT)
#define LITE_DESC_ACCESSED	(1ULL << 40)
#define LITE_DESC_S		(1ULL << 44)	/* code/data, not system */
#define LITE_DESC_DPL_SHIFT	45
#define LITE_DESC_DPL_MASK	(3ULL << LITE_DESC_DPL_SHIFT)
#define LITE_DESC_P		(1ULL << 47)
#define LITE_DESC_AVL		(1ULL << 52)
#define LITE_DESC_L		(1ULL << 53)
#define LITE_DESC_DB		(1ULL << 54)
#define LITE_DESC_G		(1ULL << 55)

/* Type bits of code/data descriptors (S = 1). */
#define LITE_TYPE_CODE		0x8
#define LITE_TYPE_CONFORMING	0x4	/* code */
#define LITE_TYPE_READABLE	0x2	/* code */
#define LITE_TYPE_WRITABLE	0x2	/* data */

/* A segment register's hidden part, decoded from a descriptor. */
struct lite_seg {
	u32 base;
	u32 limit;		/* in bytes, granularity applied */
	u8 type;
	u8 s, dpl, present, avl, l, db, g;
};

u64 lite_desc_sanitize(u64 desc);
void lite_desc_decode(u64 desc, struct lite_seg *seg);
bool lite_desc_is_usable_data(u64 desc, unsigned int cpl);
bool lite_desc_is_code(u64 desc);
bool lite_desc_is_writable_data(u64 desc);

static inline unsigned int lite_desc_dpl(u64 desc)
{
	return (desc & LITE_DESC_DPL_MASK) >> LITE_DESC_DPL_SHIFT;
}

#endif /* __KVM_X86_LITE_DESC_H */
