// SPDX-License-Identifier: GPL-2.0
/* The test guests' runtime: console, assertions, IDT gates, traps. */
#include "guest.h"

#define HOLE_SIZE	0x200000	/* one PAE page-directory slot */

static int failures;
volatile u32 trap_count, last_vector, last_error, last_eip, last_cs;
volatile u32 trap_resume;
void (*trap_hook)(struct trap_frame *f);

void puts(const char *s)
{
	while (*s)
		outb(PORT_CONSOLE, *s++);
}

void put_hex(u32 v)
{
	int i;

	puts("0x");
	for (i = 28; i >= 0; i -= 4)
		outb(PORT_CONSOLE, "0123456789abcdef"[(v >> i) & 0xf]);
}

void put_dec(u32 v)
{
	char buf[12], *p = buf + sizeof(buf) - 1;

	*p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	puts(p);
}

int check(int cond, const char *what)
{
	puts(cond ? "ok - guest: " : "not ok - guest: ");
	puts(what);
	puts("\n");
	if (!cond)
		failures++;
	return cond;
}

int check_eq(u32 got, u32 want, const char *what)
{
	if (got == want)
		return check(1, what);
	puts("not ok - guest: ");
	puts(what);
	puts(" (got ");
	put_hex(got);
	puts(", want ");
	put_hex(want);
	puts(")\n");
	failures++;
	return 0;
}

/*
 * "@a@b" in a static buffer, for assertion names built from parts: valid
 * until the next call, which is long enough for check() to print it.
 */
const char *join(const char *a, const char *b)
{
	static char buf[160];
	char *p = buf, *end = buf + sizeof(buf) - 1;

	while (*a && p < end)
		*p++ = *a++;
	while (*b && p < end)
		*p++ = *b++;
	*p = 0;
	return buf;
}

void guest_exit(u32 status)
{
	outl(PORT_EXIT, status ? status : (u32)failures);
	for (;;)
		asm volatile("hlt");
}

/* Announce how this guest will end, if not by its status (guest-abi.h). */
void expect(const char *ending)
{
	puts("expect: ");
	puts(ending);
	puts("\n");
}

/* One request to the harness; see struct harness_req. */
int harness(struct harness_req *r)
{
	outl(PORT_REQUEST, (u32)r);
	return r->result;
}

/*
 * Where the switcher's hole is, found the way any guest can: sgdt shows
 * the GDT kvm-lite loaded, and that lives in the hole.
 */
u32 hole_base(void)
{
	struct desc_ptr gdtr;

	sgdt(&gdtr);
	return gdtr.base & ~(HOLE_SIZE - 1);
}

/*
 * Make @access, which must fault, at page B of the host CPU the vCPU
 * runs on (the GDT sgdt shows lives there).  Another CPU's page B is not
 * mapped for us, and a vCPU may move to another CPU at any exit, so this
 * retries while the fault says "not present".  Returns the address; the
 * fault is in last_error and its trap count in @traps.
 */
u32 fault_on_this_cpu_page_b(void (*access)(u32 addr), u32 *traps)
{
	struct desc_ptr gdtr;
	u32 addr = 0, before, try;

	for (try = 0; try < 5; try++) {
		sgdt(&gdtr);
		addr = gdtr.base & ~0xfff;
		before = trap_count;
		access(addr);
		*traps = trap_count - before;
		if (last_error & 1)
			break;
	}
	return addr;
}

/*
 * Copy @len bytes to page A of the host CPU the vCPU runs on: the page
 * below the GDT sgdt shows, where the CPU pushes the guest's exit frame.
 * A vCPU that moved to another CPU between the sgdt and the copy faults
 * on a page not mapped for it, so this starts again; the caller's trap
 * hook is kept out of the way meanwhile.  Returns page A's address, or 0
 * when every try faulted.
 */
u32 copy_to_this_cpu_page_a(const void *src, u32 len)
{
	void (*hook)(struct trap_frame *f) = trap_hook;
	struct desc_ptr gdtr;
	u32 a = 0, before, try, n;
	const void *from;
	void *to;

	trap_hook = 0;
	for (try = 0; try < 5; try++) {
		sgdt(&gdtr);
		a = (gdtr.base & ~0xfff) - 0x1000;
		before = trap_count;
		from = src;
		to = (void *)a;
		n = len;
		asm volatile("movl $1f, trap_resume\n\t"
			     "rep movsb\n"
			     "1:\tmovl $0, trap_resume"
			     : "+S"(from), "+D"(to), "+c"(n) : : "memory");
		if (trap_count == before)
			break;
		a = 0;
	}
	trap_hook = hook;
	return a;
}

/*
 * TSC cycles to nanoseconds at the rate a vCPU page publishes (its
 * tsc_to_ns_mul and tsc_shift), as kvm_lite.h says, without a 64x64
 * multiply.
 */
u64 vcpu_page_tsc_ns(u32 mul, int shift, u64 delta)
{
	delta = shift >= 0 ? delta << shift : delta >> -shift;
	return ((delta >> 32) * mul) + (((delta & 0xffffffff) * mul) >> 32);
}

volatile u32 fixup_eip;

void fixup_hook(struct trap_frame *f)
{
	if (fixup_eip)
		f->eip = fixup_eip;
}

/*
 * A segment descriptor, @limit in bytes: 32-bit, 4 KB granular when the
 * limit needs it (then its low 12 bits are taken as all ones).
 */
u64 make_desc(u32 base, u32 limit, u32 access)
{
	u32 flags = 0x4;		/* D/B */

	if (limit > 0xfffff) {
		limit >>= 12;
		flags |= 0x8;		/* G */
	}
	return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)access << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)flags << 52) | ((u64)(base >> 24) << 56);
}

/* A gate (call, interrupt, trap, task): selector:offset and access byte. */
u64 gate_desc(u16 selector, u32 offset, u32 access)
{
	return (u64)(offset & 0xffff) | ((u64)selector << 16) |
	       ((u64)access << 40) | ((u64)(offset >> 16) << 48);
}

int __attribute__((weak)) guest_ap_main(u32 cpu)
{
	(void)cpu;
	return 0;
}

#define GATE_INT32	0x8e00	/* present, 32-bit interrupt gate */
#define GATE_TRAP32	0x8f00	/* present, 32-bit trap gate */

static void write_gate(int vector, void (*entry)(void), int dpl, u32 type)
{
	u32 *gate = (u32 *)(IDT_BASE + vector * 8);
	u32 addr = (u32)entry;

	gate[0] = (SEL_KCODE << 16) | (addr & 0xffff);
	gate[1] = (addr & 0xffff0000) | type | (dpl << 13);
}

/* A 32-bit interrupt gate (clears IF) in the IDT the harness pointed IDTR at. */
void set_gate(int vector, void (*entry)(void), int dpl)
{
	write_gate(vector, entry, dpl, GATE_INT32);
}

/* An interrupt gate to soft_entries[vector] (no CPU error code). */
void set_soft_gate(int vector, int dpl)
{
	write_gate(vector, (void (*)(void))soft_entries[vector], dpl,
		   GATE_INT32);
}

/* A not-present gate: delivery through it must fail. */
void clear_gate(int vector)
{
	u32 *gate = (u32 *)(IDT_BASE + vector * 8);

	gate[0] = 0;
	gate[1] = 0;
}

/* A 32-bit trap gate: IF stays as it was (what kvm-lite's direct traps need). */
void set_trap_gate(int vector, void (*entry)(void), int dpl)
{
	write_gate(vector, entry, dpl, GATE_TRAP32);
}

extern void user_return(void);

/*
 * From a trap handler that interrupted ring 3: end enter_user(), which
 * returns @value.  The frame is redirected to the kernel's own code
 * segment, so the handler's iret stays in the kernel's ring.
 */
void leave_user(struct trap_frame *f, u32 value)
{
	f->eip = (u32)user_return;
	f->cs = read_cs();
	f->eax = value;
}

void guest_trap(struct trap_frame *f)
{
	trap_count++;
	last_vector = f->vector;
	last_error = f->error_code;
	last_eip = f->eip;
	last_cs = f->cs;
	if (trap_hook)
		trap_hook(f);
	if (trap_resume) {
		f->eip = trap_resume;
		trap_resume = 0;
	}
}

int guest_failures(void)
{
	return failures;
}
