// SPDX-License-Identifier: GPL-2.0
/*
 * An LDT.  kvm-lite never loads LDTR natively (the guest could describe
 * anything in it), so while the guest has one loaded KVM's emulator
 * runs it: lldt is emulated, LDT segments load and work, a far call
 * into LDT code returns, and after lldt 0 the guest is native again.
 */
#include "guest.h"

#define NR_DESC		8
#define SEL_LDT		0x30
#define LDT_DS		(1 * 8 + 4)	/* TI = 1 */
#define LDT_CS		(2 * 8 + 4)

static u64 gdt[NR_DESC] __attribute__((aligned(8)));
static u64 ldt[4] __attribute__((aligned(8)));
static volatile u32 window[2] = { 0xcafe0001, 0xcafe0002 };

void ldt_code(void);
asm(".text\n"
    "ldt_code:\n\t"
    "movl $0x1dc0de, %eax\n\t"
    "lret");

static u16 read_ldtr(void)
{
	u16 v;

	asm volatile("sldt %0" : "=r"(v));
	return v;
}

int guest_main(void)
{
	struct desc_ptr new = { NR_DESC * 8 - 1, (u32)gdt };
	u32 v = 0, ret = 0;
	u16 cs = 0;
	int i;

	for (i = 0; i < 6; i++)
		gdt[i] = ((u64 *)GDT_BASE)[i];
	gdt[SEL_LDT / 8] = make_desc((u32)ldt, sizeof(ldt) - 1, DESC_LDT);
	ldt[LDT_DS / 8] = make_desc((u32)window, 7, DESC_DATA(0));
	ldt[LDT_CS / 8] = make_desc(0, 0xffffffff, DESC_CODE(0));
	lgdt(&new);

	asm volatile("lldt %0" : : "r"((u16)SEL_LDT) : "memory");
	asm volatile("movw %%cs, %0" : "=r"(cs));
	check_eq(cs & 3, 0,
		 "with an LDT loaded the guest is emulated (CS shows RPL 0)");
	asm volatile("movw %1, %%fs\n\t"
		     "movl %%fs:4, %0"
		     : "=r"(v) : "r"((u16)LDT_DS) : "memory");
	asm volatile("lcall %1, $ldt_code" : "=a"(ret) : "i"(LDT_CS) : "memory");
	asm volatile("movw %0, %%fs" : : "r"((u16)SEL_KDATA) : "memory");
	check_eq(v, 0xcafe0002, "a data segment from the LDT reads correctly");
	check_eq(ret, 0x1dc0de, "a far call into LDT code returns");
	check_eq(read_ldtr(), SEL_LDT, "sldt shows the LDT");

	asm volatile("lldt %0" : : "r"((u16)0) : "memory");
	check_eq(read_cs() & 3, 1, "after lldt 0 the guest runs natively again");
	guest_exit(0);
	return 0;
}
