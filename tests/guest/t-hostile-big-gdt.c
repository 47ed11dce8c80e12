// SPDX-License-Identifier: GPL-2.0
/*
 * A GDT of the largest size (lgdt limit 0xffff, 8192 entries), using
 * descriptors beyond the 32 that kvm-lite copies for the CPU.  Segments
 * from up there cannot be loaded natively: the guest runs through KVM's
 * emulator while it holds one, slowly but correctly, and natively again
 * once it lets go.
 */
#include "guest.h"

#define NR_DESC		8192
#define SEL_HIGH_DS	(40 * 8)	/* data, based at window */
#define SEL_HIGH_CS	(50 * 8)	/* flat code */
#define SEL_TOP_DS	((NR_DESC - 1) * 8)	/* the very last entry */

static u64 gdt[NR_DESC] __attribute__((aligned(8)));
static volatile u32 window[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };

static u32 read_fs(u32 offset)
{
	u32 v;

	asm volatile("movl %%fs:(%1), %0" : "=r"(v) : "r"(offset));
	return v;
}

static void test_data(u16 sel, const char *what)
{
	u32 a, b;

	asm volatile("movw %0, %%fs" : : "r"(sel) : "memory");
	a = read_fs(4);
	b = read_fs(12);
	asm volatile("movw %0, %%fs" : : "r"((u16)SEL_KDATA) : "memory");
	check(a == 0x22222222 && b == 0x44444444, what);
}

static void test_code(void)
{
	u16 cs = 0;
	u32 sum = 0, echo = 0;

	asm volatile("ljmp %3, $1f\n"
		     "1:\tmovw %%cs, %0\n\t"
		     "movl $7, %%ecx\n"
		     "2:\taddl %%ecx, %1\n\t"
		     "loop 2b\n\t"
		     "movl $99, %%eax\n\t"
		     "outl %%eax, %4\n\t"
		     "inl %4, %%eax\n\t"
		     "movl %%eax, %2\n\t"
		     "ljmp %5, $3f\n"
		     "3:"
		     : "=m"(cs), "+m"(sum), "=m"(echo)
		     : "i"(SEL_HIGH_CS), "Nd"((u16)PORT_ECHO), "i"(SEL_KCODE)
		     : "eax", "ecx", "memory");
	check(cs == SEL_HIGH_CS && sum == 28 && echo == 100,
	      "code in a segment from entry 50 runs, computes and does I/O");
}

int guest_main(void)
{
	struct desc_ptr big = { 0xffff, (u32)gdt };
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_HIGH_DS / 8] = make_desc((u32)window, 15, DESC_DATA(0));
	gdt[SEL_HIGH_CS / 8] = make_desc(0, 0xffffffff, DESC_CODE(0));
	gdt[SEL_TOP_DS / 8] = make_desc((u32)window, 15, DESC_DATA(0));
	lgdt(&big);
	check_eq(read_cs() & 3, 1,
		 "with an 8192-entry GDT the guest still runs natively");

	test_data(SEL_HIGH_DS, "a data segment from entry 40 reads correctly");
	test_data(SEL_TOP_DS, "a data segment from entry 8191 reads correctly");
	test_code();
	check_eq(read_cs() & 3, 1, "back in entry 1, natively again");
	guest_exit(0);
	return 0;
}
