// SPDX-License-Identifier: GPL-2.0
/*
 * ltr and lldt with bogus selectors.  Both are privileged, so in ring 1
 * they trap and KVM's emulator runs them with the guest's view of
 * privilege: every bogus selector must be a #GP with the selector as
 * the error code, delivered to the guest, and nothing must change.
 * From ring 3 both are a #GP(0).
 */
#include "guest.h"

#define USER_STACK_TOP	0x60000
#define SYS_EXIT	2

static volatile u32 fault_at, user_gp;

static void hook(struct trap_frame *f)
{
	if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
		return;
	}
	if (f->vector == 13 && (f->cs & 3) == 3)
		user_gp += f->error_code == 0 && f->eip == fault_at;
	if (fixup_eip)
		f->eip = fixup_eip;
}

static int ltr(u16 sel)
{
	u32 before = trap_count;

	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, fixup_eip\n"
		     "1:\tltr %0\n"
		     "2:\tmovl $0, fixup_eip" : : "r"(sel) : "memory");
	return trap_count - before;
}

static int lldt(u16 sel)
{
	u32 before = trap_count;

	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, fixup_eip\n"
		     "1:\tlldt %0\n"
		     "2:\tmovl $0, fixup_eip" : : "r"(sel) : "memory");
	return trap_count - before;
}

static int gp(int traps, u32 error)
{
	if (traps == 1 && last_vector == 13 && last_error == error &&
	    last_eip == fault_at)
		return 1;
	puts("# traps ");
	put_dec(traps);
	puts(", vector ");
	put_dec(last_vector);
	puts(", error ");
	put_hex(last_error);
	puts("\n");
	return 0;
}

static void user_main(void)
{
	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, fixup_eip\n"
		     "1:\tltr %0\n"
		     "2:" : : "r"((u16)SEL_TSS) : "memory");
	asm volatile("movl $1f, fault_at\n\t"
		     "movl $2f, fixup_eip\n"
		     "1:\tlldt %0\n"
		     "2:" : : "r"((u16)0) : "memory");
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	u8 *tss_type = (u8 *)(GDT_BASE + SEL_TSS + 5);
	int traps;

	set_gate(13, trap_entry_13, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = hook;

	check(gp(ltr(0xfff8), 0xfff8), "ltr beyond the GDT: #GP(selector)");
	check(gp(ltr(SEL_KDATA), SEL_KDATA), "ltr of a data segment: #GP(selector)");
	/*
	 * The SDM says #GP(selector); KVM's emulator raises #GP(0) for a
	 * TR selector with TI set (upstream behaviour, which kvm-lite shows
	 * because ltr traps and is emulated).  Either is a #GP for the guest.
	 */
	traps = ltr(0x0c);
	check(gp(traps, last_error ? 0x0c : 0),
	      "ltr of an LDT selector: #GP(selector), or #GP(0) from KVM's emulator");
	check(gp(ltr(0), 0), "ltr of the null selector: #GP(0)");
	check_eq(ltr(SEL_TSS), 0, "ltr of the guest's available TSS works");
	check_eq(*tss_type & 0xf, 0xb, "  ... and marks it busy in the guest's GDT");
	check(gp(ltr(SEL_TSS), SEL_TSS), "ltr of a busy TSS: #GP(selector)");
	check(gp(lldt(0xfff8), 0xfff8), "lldt beyond the GDT: #GP(selector)");
	check(gp(lldt(SEL_KDATA), SEL_KDATA), "lldt of a data segment: #GP(selector)");
	check(gp(lldt(SEL_TSS), SEL_TSS), "lldt of a TSS: #GP(selector)");
	check(gp(lldt(0x0c), 0x0c), "lldt of an LDT selector: #GP(selector)");

	enter_user(user_main, USER_STACK_TOP);
	check_eq(user_gp, 2, "ring 3: ltr and lldt are #GP(0)");
	check_eq(read_cs() & 3, 1, "the guest kernel still runs natively");
	guest_exit(0);
	return 0;
}
