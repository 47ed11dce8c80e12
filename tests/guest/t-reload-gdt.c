// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_HC_LITE_RELOAD_GDT: a descriptor the guest kernel rewrites with a
 * plain store (Linux's TLS entries) must be what the next segment load
 * sees once the guest has made the call, with no other exit in between.
 */
#include "guest.h"

#define NR_DESC		8
#define SEL_TLS		0x30
#define BASE_A		0x00200000
#define BASE_B		0x00201000

static u64 gdt[NR_DESC] __attribute__((aligned(8)));

int guest_main(void)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	int i;

	*(volatile u32 *)BASE_A = 0xaaaa;
	*(volatile u32 *)BASE_B = 0xbbbb;
	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_TLS / 8] = make_desc(BASE_A, 0xfff, DESC_DATA(0));
	lgdt(&new);
	check_eq(read_gs0(SEL_TLS), 0xaaaa,
		 "a descriptor loaded with lgdt is used");

	/* No exit (not even a check's output) between store and load. */
	for (i = 0; i < 3; i++) {
		u32 base = i & 1 ? BASE_A : BASE_B, ret, seen;

		gdt[SEL_TLS / 8] = make_desc(base, 0xfff, DESC_DATA(0));
		ret = hypercall(KVM_HC_LITE_RELOAD_GDT, 0, 0, 0, 0);
		seen = read_gs0(SEL_TLS);
		check_eq(ret, 0, "RELOAD_GDT after a plain store to the GDT");
		check_eq(seen, i & 1 ? 0xaaaa : 0xbbbb,
			 "  ... the next segment load sees the new base");
	}
	asm volatile("movw %w0, %%gs" : : "r"(0));
	guest_exit(0);
	return 0;
}
