// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against the memory hole.  The guest finds the hole the
 * way any guest can (sgdt shows the GDT kvm-lite loaded, which lives in
 * the hole) and tries to write, to reach the host-only page, to run the
 * switcher's code, and to scribble over its own register frame.  Every
 * attempt must end in an ordinary fault delivered to the guest itself,
 * and the guest must carry on with its registers intact.
 */
#include "guest.h"

#define HOLE_SIZE	0x200000

static u32 scribble[1024];

/* Resume after a fault at the label the attempt set up. */
volatile u32 resume_at;

static void resume_hook(struct trap_frame *f)
{
	(void)f;
	trap_resume = resume_at;
}

/* One access that must fault; the fault handler resumes after it. */
static void access(u32 addr, int write)
{
	if (write)
		asm volatile("movl $1f, resume_at\n\t"
			     "movl $0xdeadbeef, (%0)\n"
			     "1:" : : "r"(addr) : "memory");
	else
		asm volatile("movl $1f, resume_at\n\t"
			     "movl (%0), %%eax\n"
			     "1:" : : "r"(addr) : "eax", "memory");
}

static void write_access(u32 addr)
{
	access(addr, 1);
}

static void expect_pf(u32 addr, int write, u32 want_err, const char *what)
{
	u32 before = trap_count;

	access(addr, write);
	check(trap_count == before + 1 && last_vector == 14, what);
	check_eq(read_cr2(), addr, "  ... and CR2 names the address");
	check_eq(last_error & 7, want_err, "  ... with the expected error code");
}

int guest_main(void)
{
	u32 hole = hole_base(), gdt;
	struct desc_ptr gdtr;
	u32 ebx, traps, i;

	set_gate(13, trap_entry_13, 0);
	set_gate(14, trap_entry_14, 0);
	trap_hook = resume_hook;

	asm volatile("sgdt %0" : "=m"(gdtr));
	gdt = gdtr.base;
	check(hole >= 0xc0000000, "sgdt shows a GDT in the hole at the top");

	expect_pf(hole, 1, 3, "writing the switcher text faults");
	gdt = fault_on_this_cpu_page_b(write_access, &traps);
	check(traps == 1 && last_vector == 14 && read_cr2() == gdt &&
	      (last_error & 7) == 3,
	      "writing the GDT the CPU uses faults (P|W)");
	/* Page C follows page B of the same CPU: never mapped for us. */
	expect_pf((gdt & ~0xfff) + 0x1000, 0, 0,
		  "reading the host's page faults (not present)");
	expect_pf(hole + HOLE_SIZE - 4, 0, 0,
		  "reading another part of the hole faults");

	/*
	 * Our own register frame (page A, just below page B) is writable:
	 * scribble over it, then exit to the host and back.  Nothing the
	 * host trusts lives there, and our registers must survive.
	 */
	for (i = 0; i < 1024; i++)
		scribble[i] = 0xffffffff;
	check(copy_to_this_cpu_page_a(scribble, sizeof(scribble)),
	      "our register frame's page is writable");
	asm volatile("movl $0x1234abcd, %%ebx\n\t"
		     "outl %%eax, %1\n\t"
		     "movl %%ebx, %0"
		     : "=r"(ebx) : "Nd"((u16)PORT_ECHO), "a"(0) : "ebx");
	check_eq(ebx, 0x1234abcd,
		 "scribbling over the register frame changes nothing");
	guest_exit(0);
	return 0;
}
