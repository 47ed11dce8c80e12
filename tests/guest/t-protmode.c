// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified protected-mode kernel code, the way a boot loader or an
 * early kernel writes it: its own GDT (lgdt, a far jump to reload CS,
 * then the data segments), its own page tables (CR3, CR4.PSE, CR0.PG,
 * read back), port I/O, cli/sti, cpuid and MSRs.  None of it knows about
 * ring 1: every privileged instruction traps and KVM's emulator runs it.
 */
#include "guest.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_NO_SUCH		0xdeadbeef

#define PDE_P		0x001
#define PDE_W		0x002
#define PDE_PS		0x080		/* a 4 MB page (CR4.PSE) */
#define ALIAS		0x800000	/* beyond the harness's 8 MB of RAM */

/* Boot-loader style: code at 0x10, data at 0x18, like Linux's boot GDT. */
#define BOOT_CS		0x10
#define BOOT_DS		0x18
#define WINDOW_DS	0x20		/* data with a base: &window[0] */
static u64 boot_gdt[5] __attribute__((aligned(8)));
static volatile u32 window[2] = { 0, 0xfeedface };

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_table[1024] __attribute__((aligned(4096)));
static u32 alias_table[1024] __attribute__((aligned(4096)));
static volatile u32 alias_target[1024] __attribute__((aligned(4096)));

static volatile u32 resume_at;

static void resume_hook(struct trap_frame *f)
{
	(void)f;
	trap_resume = resume_at;
}

static u64 seg_desc(u32 base, u32 limit, u32 access)
{
	/* access: type | S | DPL | P; always 32-bit, 4 KB granular. */
	return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)access << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       (0xcULL << 52) | ((u64)(base >> 24) << 56);
}

/*
 * cpuid runs natively in ring 1 and shows the host's CPUID (a documented
 * hole): it must simply work.  What the VMM set (KVM_SET_CPUID2) comes
 * from KVM_HC_LITE_CPUID, as KVM would emulate cpuid under VT-x.
 */
static void test_cpuid(void)
{
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	check(a >= 1 && b && c && d,
	      "native cpuid 0: a maximum leaf and a vendor string");
	cpuid(1, &a, &b, &c, &d);
	check_eq(c & (1 << 5), 0, "native cpuid 1: no VMX on this host");

	lite_cpuid(0, &a, &b, &c, &d);
	check(a >= 1 && b && c && d,
	      "KVM_HC_LITE_CPUID 0: a maximum leaf and a vendor string");
	lite_cpuid(1, &a, &b, &c, &d);
	check_eq(c & (1 << 5), 0, "KVM_HC_LITE_CPUID 1: no VMX");
	check_eq(d & (1 << 11), 0, "KVM_HC_LITE_CPUID 1: SEP is hidden");
	check_eq(d & (1 << 3), 1 << 3, "KVM_HC_LITE_CPUID 1: PSE is offered");
	lite_cpuid(0x40000000, &a, &b, &c, &d);
	check(b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d,
	      "KVM_HC_LITE_CPUID 0x40000000: KVM's signature, KVMKVMKVM");
}

static void test_msrs(void)
{
	u32 before = trap_count;

	wrmsr(MSR_IA32_SYSENTER_CS, 0x10);
	check_eq(rdmsr(MSR_IA32_SYSENTER_CS), 0x10,
		 "wrmsr/rdmsr SYSENTER_CS round trip");
	wrmsr(MSR_IA32_SYSENTER_ESP, 0x12345678);
	check_eq(rdmsr(MSR_IA32_SYSENTER_ESP), 0x12345678,
		 "wrmsr/rdmsr SYSENTER_ESP round trip");
	check_eq(trap_count - before, 0, "no faults from known MSRs");

	asm volatile("movl $1f, resume_at\n\t"
		     "rdmsr\n"
		     "1:" : : "c"(MSR_NO_SUCH) : "eax", "edx", "memory");
	check(trap_count - before == 1 && last_vector == 13 && !last_error,
	      "rdmsr of an MSR nobody knows raises #GP(0)");
}

static void test_io_and_if(void)
{
	cli();
	outl(PORT_ECHO, 0x1000);
	sti();
	check_eq(inl(PORT_ECHO), 0x1001, "cli; out; sti; in: port I/O works");
	cli();
}

/*
 * lgdt, then a segment load with no exit in between: it must use the new
 * table (the old one has flat user data, base 0, in that slot).
 */
static u32 load_gdt_and_read_window(struct desc_ptr *gdtr)
{
	u32 v;

	asm volatile("lgdt %1\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%fs:4, %0"
		     : "=r"(v) : "m"(*gdtr), "i"(WINDOW_DS) : "eax", "memory");
	return v;
}

/* A boot loader's literal far jump to reload CS, then the data segments. */
#define LOAD_SEGMENTS(cs, ds)						\
	do {								\
		asm volatile("ljmp %0, $1f\n"				\
			     "1:\tmovl %1, %%eax\n\t"			\
			     "movl %%eax, %%ds\n\t"			\
			     "movl %%eax, %%es\n\t"			\
			     "movl %%eax, %%fs\n\t"			\
			     "movl %%eax, %%gs\n\t"			\
			     "movl %%eax, %%ss"				\
			     : : "i"(cs), "i"(ds) : "eax", "memory");	\
	} while (0)

static void test_gdt(void)
{
	struct desc_ptr boot = { sizeof(boot_gdt) - 1, (u32)boot_gdt };
	struct desc_ptr harness = { 6 * 8 - 1, GDT_BASE };
	u32 cs, ds, ss, seen;

	boot_gdt[BOOT_CS / 8] = seg_desc(0, 0xfffff, 0x9a);
	boot_gdt[BOOT_DS / 8] = seg_desc(0, 0xfffff, 0x92);
	boot_gdt[WINDOW_DS / 8] = seg_desc((u32)window, 0xfffff, 0x92);

	/* No check() before CS is reloaded: CS 0x08 is null in boot_gdt. */
	seen = load_gdt_and_read_window(&boot);
	LOAD_SEGMENTS(BOOT_CS, BOOT_DS);
	asm volatile("mov %%cs, %0\n\tmov %%ds, %1\n\tmov %%ss, %2"
		     : "=r"(cs), "=r"(ds), "=r"(ss));
	check_eq(seen, 0xfeedface,
		 "right after lgdt, %fs loads from the new GDT");
	check_eq(cs & ~3, BOOT_CS, "ljmp reloaded CS from the new GDT");
	check_eq(ds, BOOT_DS, "DS holds the new data selector");
	check_eq(ss & ~3, BOOT_DS, "SS holds the new data selector");
	window[0] = 0x5a5a;
	check_eq(window[0], 0x5a5a, "memory works through the new segments");

	asm volatile("lgdt %0" : : "m"(harness) : "memory");
	LOAD_SEGMENTS(SEL_KCODE, SEL_KDATA);
	check_eq(read_cs() & ~3, SEL_KCODE, "back on the harness's GDT");
}

static void build_page_tables(void)
{
	u32 i;

	page_dir[0] = 0 | PDE_PS | PDE_P | PDE_W;		/* 0-4 MB */
	for (i = 0; i < 1024; i++)
		page_table[i] = (0x400000 + (i << 12)) | PDE_P | PDE_W;
	page_dir[1] = (u32)page_table | PDE_P | PDE_W;		/* 4-8 MB */
	alias_table[0] = (u32)alias_target | PDE_P | PDE_W;
	page_dir[ALIAS >> 22] = (u32)alias_table | PDE_P | PDE_W;
}

static void test_paging(void)
{
	u32 cr0 = read_cr0();

	check_eq(cr0, X86_CR0_PE | X86_CR0_ET, "CR0 reads what the VMM set");
	build_page_tables();
	write_cr3((u32)page_dir);
	write_cr4(read_cr4() | X86_CR4_PSE);
	write_cr0(cr0 | X86_CR0_PG);
	check_eq(read_cr0(), cr0 | X86_CR0_PG, "CR0 reads back with PG");
	check_eq(read_cr3(), (u32)page_dir, "CR3 reads back");
	check_eq(read_cr4(), X86_CR4_PSE, "CR4 reads back with PSE");

	*(volatile u32 *)(ALIAS + 16) = 0xabcd1234;
	check_eq(alias_target[4], 0xabcd1234,
		 "a write through a 4 KB alias lands in its page");
	alias_target[5] = 0x4321;
	check_eq(*(volatile u32 *)(ALIAS + 20), 0x4321,
		 "a read through the alias sees the page");
	check_eq(*(volatile u32 *)((u32)&window[1]), 0xfeedface,
		 "the 4 MB PSE page maps the image");

	write_cr0(cr0);
	check_eq(read_cr0(), cr0, "paging off again");
	check_eq(alias_target[4], 0xabcd1234, "memory kept with paging off");
}

int guest_main(void)
{
	set_gate(13, trap_entry_13, 0);
	trap_hook = resume_hook;

	test_cpuid();
	test_msrs();
	test_io_and_if();
	test_gdt();
	test_paging();
	guest_exit(0);
	return 0;
}
