// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of arch/x86/kvm/lite/desc.c, the descriptor arithmetic that
 * decides what a guest's GDT may contain while the real CPU uses it.
 * Hostile descriptors first: none of them may lead into ring 0.
 */
#include "ktest.h"
#include "../../arch/x86/kvm/lite/desc.c"

/* A descriptor from its parts, the way the SDM draws it. */
static u64 desc(u32 base, u32 limit, unsigned int type, int s, int dpl,
		int p, int db, int g)
{
	return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)type << 40) | ((u64)s << 44) | ((u64)dpl << 45) |
	       ((u64)p << 47) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)db << 54) | ((u64)g << 55) | ((u64)(base >> 24) << 56);
}

#define FLAT_CODE(dpl)	desc(0, 0xfffff, 0xa, 1, dpl, 1, 1, 1)
#define FLAT_DATA(dpl)	desc(0, 0xfffff, 0x2, 1, dpl, 1, 1, 1)

static void test_sanitize(void)
{
	static const unsigned int system_types[] = {
		0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x9, 0xb, 0xc, 0xe, 0xf,
	};
	unsigned int i;
	u64 d;

	ktest_set_group("unit-desc");
	d = lite_desc_sanitize(FLAT_CODE(0));
	KT_EXPECT_EQ(lite_desc_dpl(d), 1, "DPL-0 code becomes DPL 1");
	KT_CHECK(d & LITE_DESC_ACCESSED, "the accessed bit is preset");
	KT_EXPECT_EQ(d & ~(LITE_DESC_DPL_MASK | LITE_DESC_ACCESSED),
		     FLAT_CODE(0) & ~(LITE_DESC_DPL_MASK | LITE_DESC_ACCESSED),
		     "nothing else of a code descriptor changes");
	KT_EXPECT_EQ(lite_desc_dpl(lite_desc_sanitize(FLAT_DATA(0))), 1,
		     "DPL-0 data becomes DPL 1");
	KT_EXPECT_EQ(lite_desc_sanitize(FLAT_DATA(3)),
		     FLAT_DATA(3) | LITE_DESC_ACCESSED,
		     "user data keeps DPL 3");
	KT_EXPECT_EQ(lite_desc_dpl(lite_desc_sanitize(FLAT_CODE(2))), 2,
		     "DPL 2 is left alone (it cannot reach ring 0 either)");
	for (i = 0; i < sizeof(system_types) / sizeof(system_types[0]); i++)
		KT_EXPECT_EQ(lite_desc_sanitize(desc(0x1000, 0x67,
						     system_types[i], 0, 3,
						     1, 0, 0)),
			     0, "system descriptor type %#x is dropped",
			     system_types[i]);
	d = desc(0, 0xfffff, 0xa, 1, 0, 0, 1, 1);
	KT_EXPECT_EQ(lite_desc_sanitize(d), d,
		     "a not-present descriptor stays as it is (loads #NP)");
	KT_EXPECT_EQ(lite_desc_sanitize(0), 0, "the null descriptor stays 0");
	/* Conforming DPL-0 code would run at the caller's ring: still 1. */
	KT_EXPECT_EQ(lite_desc_dpl(lite_desc_sanitize(desc(0, 0xfffff, 0xe,
							    1, 0, 1, 1, 1))),
		     1, "conforming DPL-0 code becomes DPL 1");
}

static void test_decode(void)
{
	struct lite_seg seg;

	lite_desc_decode(FLAT_CODE(0), &seg);
	KT_EXPECT_EQ(seg.base, 0, "flat code: base 0");
	KT_EXPECT_EQ(seg.limit, 0xffffffff, "flat code: 4 GB limit with G");
	KT_CHECK(seg.s && seg.present && seg.db && seg.g && !seg.l,
		 "flat code: S, P, D/B, G set, L clear");
	KT_EXPECT_EQ(seg.type, 0xa, "flat code: type execute/read");
	lite_desc_decode(desc(0xc1234567, 0x12345, 0x2, 1, 3, 1, 0, 0), &seg);
	KT_EXPECT_EQ(seg.base, 0xc1234567, "all 32 base bits reassemble");
	KT_EXPECT_EQ(seg.limit, 0x12345, "byte granularity keeps the limit");
	KT_EXPECT_EQ(seg.dpl, 3, "DPL decodes");
	lite_desc_decode(desc(0, 0x1, 0x2, 1, 0, 1, 1, 1), &seg);
	KT_EXPECT_EQ(seg.limit, 0x1fff, "page granularity: (limit << 12) | 0xfff");
}

static void test_predicates(void)
{
	u64 exec_only = desc(0, 0xfffff, 0x8, 1, 1, 1, 1, 1);
	u64 conforming = desc(0, 0xfffff, 0xe, 1, 0, 1, 1, 1);
	u64 read_only = desc(0, 0xfffff, 0x0, 1, 1, 1, 1, 1);

	KT_CHECK(lite_desc_is_usable_data(FLAT_DATA(1), 1),
		 "DPL-1 data loads at CPL 1");
	KT_CHECK(!lite_desc_is_usable_data(FLAT_DATA(1), 3),
		 "DPL-1 data does not load at CPL 3");
	KT_CHECK(lite_desc_is_usable_data(FLAT_CODE(1), 1),
		 "readable code loads as data");
	KT_CHECK(!lite_desc_is_usable_data(exec_only, 1),
		 "execute-only code does not load as data");
	KT_CHECK(lite_desc_is_usable_data(conforming, 3),
		 "readable conforming code loads at any CPL");
	KT_CHECK(!lite_desc_is_usable_data(desc(0, 0xfffff, 0x2, 1, 3, 0,
						1, 1), 3),
		 "a not-present segment does not load");
	KT_CHECK(!lite_desc_is_usable_data(desc(0, 0x67, 0x9, 0, 3, 1, 0, 0),
					   3),
		 "a TSS does not load as data");
	KT_CHECK(lite_desc_is_code(FLAT_CODE(0)) && !lite_desc_is_code(FLAT_DATA(0)),
		 "code is code, data is not");
	KT_CHECK(lite_desc_is_writable_data(FLAT_DATA(0)) &&
		 !lite_desc_is_writable_data(read_only) &&
		 !lite_desc_is_writable_data(FLAT_CODE(0)),
		 "only writable data is writable data (a stack must be)");
}

int main(void)
{
	test_sanitize();
	test_decode();
	test_predicates();
	return ktest_exit();
}
