// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning a guest's descriptors into ones the real CPU may use.
 *
 * The guest believes its kernel runs in ring 0; it really runs in ring 1.
 * Every descriptor the CPU loads while a guest runs comes from our copy
 * of the guest's GDT, passed through lite_desc_sanitize():
 *
 *  - DPL 0 becomes DPL 1, so the guest kernel can still load its own
 *    segments, and nothing in the table can ever lead into ring 0;
 *  - system descriptors (TSS, LDT, call/task/interrupt gates) are dropped:
 *    the guest never loads TR or LDTR natively, and a gate is the one
 *    way a descriptor could lead to a more privileged ring;
 *  - the accessed bit is preset, because the CPU would otherwise write it
 *    back into a table the guest must not be able to write.
 *
 * Segment limits are left alone.  Protecting the hole with limits would
 * break every TLS access at a negative offset (as it did Xen's "4gb seg
 * fixup"); the hole is protected by page permissions instead.
 */
#include "desc.h"

u64 lite_desc_sanitize(u64 desc)
{
	if (!(desc & LITE_DESC_P))
		return desc;		/* loading it raises #NP, as it should */
	if (!(desc & LITE_DESC_S))
		return 0;		/* no gates, no TSS, no LDT */
	if (lite_desc_dpl(desc) == 0)
		desc |= 1ULL << LITE_DESC_DPL_SHIFT;
	return desc | LITE_DESC_ACCESSED;
}

void lite_desc_decode(u64 desc, struct lite_seg *seg)
{
	u32 lo = (u32)desc, hi = (u32)(desc >> 32);
	u32 limit = (lo & 0xffff) | (hi & 0xf0000);

	seg->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
	seg->g = !!(desc & LITE_DESC_G);
	seg->limit = seg->g ? (limit << 12) | 0xfff : limit;
	seg->type = (desc & LITE_DESC_TYPE_MASK) >> LITE_DESC_TYPE_SHIFT;
	seg->s = !!(desc & LITE_DESC_S);
	seg->dpl = lite_desc_dpl(desc);
	seg->present = !!(desc & LITE_DESC_P);
	seg->avl = !!(desc & LITE_DESC_AVL);
	seg->l = !!(desc & LITE_DESC_L);
	seg->db = !!(desc & LITE_DESC_DB);
}

static unsigned int lite_desc_type(u64 desc)
{
	return (desc & LITE_DESC_TYPE_MASK) >> LITE_DESC_TYPE_SHIFT;
}

bool lite_desc_is_code(u64 desc)
{
	return (desc & LITE_DESC_S) && (desc & LITE_DESC_P) &&
	       (lite_desc_type(desc) & LITE_TYPE_CODE);
}

bool lite_desc_is_writable_data(u64 desc)
{
	unsigned int type = lite_desc_type(desc);

	return (desc & LITE_DESC_S) && (desc & LITE_DESC_P) &&
	       !(type & LITE_TYPE_CODE) && (type & LITE_TYPE_WRITABLE);
}

/*
 * Could the CPU load @desc into DS/ES/FS/GS at (real) privilege @cpl?
 * Data, or readable code; present; DPL >= CPL unless conforming code.
 */
bool lite_desc_is_usable_data(u64 desc, unsigned int cpl)
{
	unsigned int type = lite_desc_type(desc);

	if (!(desc & LITE_DESC_S) || !(desc & LITE_DESC_P))
		return false;
	if (type & LITE_TYPE_CODE) {
		if (!(type & LITE_TYPE_READABLE))
			return false;
		if (type & LITE_TYPE_CONFORMING)
			return true;
	}
	return lite_desc_dpl(desc) >= cpl;
}
