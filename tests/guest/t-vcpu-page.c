// SPDX-License-Identifier: GPL-2.0
/*
 * The per-vCPU page of a paravirtual guest (KVM_HC_LITE_VCPU_PAGE): its
 * irq_enabled replaces cli/sti, the host marks waiting interrupts in
 * irq_pending, and KVM_HC_LITE_IRQ_ENABLED lets one in at once.
 */
#include "guest.h"

#ifndef KVM_EFAULT
#define KVM_EFAULT	14	/* EFAULT, <linux/kvm_para.h> */
#endif

#define VCPU_PAGE	0x20000
#define VECTOR		0x30

static volatile struct kvm_lite_vcpu_page *page =
	(volatile struct kvm_lite_vcpu_page *)VCPU_PAGE;
static volatile u32 frame_if;

static void irq_hook(struct trap_frame *f)
{
	if (f->vector == 48)
		frame_if = f->eflags & 0x200;
}

static void test_register(void)
{
	check_eq(hypercall(KVM_HC_LITE_VCPU_PAGE, VCPU_PAGE + 4, 0, 0, 0),
		 -KVM_EINVAL, "an unaligned page is refused");
	check_eq(hypercall(KVM_HC_LITE_VCPU_PAGE, 0x7f000000, 0, 0, 0),
		 -KVM_EFAULT, "a page outside guest memory is refused");
	page->irq_enabled = 0;
	page->irq_pending = 0xdead;
	check_eq(hypercall(KVM_HC_LITE_VCPU_PAGE, VCPU_PAGE, 0, 0, 0), 0,
		 "the per-vCPU page is shared");
	check_eq(page->version, KVM_LITE_VCPU_PAGE_VERSION,
		 "the host wrote the page's version");
	check_eq(page->irq_pending, 0, "irq_pending starts clear");
}

/* Raise the test interrupt, make one exit: how many were delivered? */
static u32 raise_and_exit(void)
{
	u32 before = trap_count;

	outb(PORT_IRQ, VECTOR);
	outl(PORT_ECHO, 0);
	return trap_count - before;
}

static void test_virtual_if(void)
{
	u32 before;
	int i;

	set_gate(VECTOR, trap_entry_48, 0);
	trap_hook = irq_hook;
	sti();
	check_eq(page->irq_enabled, 1,
		 "a trapped sti sets irq_enabled: it is the virtual IF");
	page->irq_enabled = 0;
	before = trap_count;
	outb(PORT_IRQ, VECTOR);
	for (i = 0; i < 20; i++)
		outl(PORT_ECHO, i);		/* exits, chances to deliver */
	check_eq(trap_count, before,
		 "irq_enabled = 0 holds an interrupt off, though IF is set");
	check_eq(page->irq_pending, 1, "the host says an interrupt waits");

	page->irq_enabled = 1;
	hypercall(KVM_HC_LITE_IRQ_ENABLED, 0, 0, 0, 0);
	check_eq(trap_count, before + 1,
		 "KVM_HC_LITE_IRQ_ENABLED lets it in at once");
	check_eq(last_vector, VECTOR, "  ... on its vector");
	check(frame_if != 0, "  ... with IF set in the frame (as it was)");
	check_eq(page->irq_enabled, 0,
		 "  ... and delivery turned irq_enabled off");
	check_eq(page->irq_pending, 0, "  ... and cleared irq_pending");
	page->irq_enabled = 1;

	/* Enabled from the start: the next exit delivers, no call needed. */
	check_eq(raise_and_exit(), 1,
		 "with irq_enabled = 1 an interrupt arrives like any other");
	page->irq_enabled = 1;

	/*
	 * pushf; cli; popf, as in Linux's cmpxchg8b emulation: the trapped
	 * cli turns irq_enabled off and the ring-1 popf cannot turn it on,
	 * but nothing else is left stuck: a store re-enables interrupts.
	 */
	asm volatile("pushfl\n\tcli\n\tpopfl" : : : "memory", "cc");
	check_eq(page->irq_enabled, 0, "a trapped cli clears irq_enabled");
	page->irq_enabled = 1;
	check_eq(raise_and_exit(), 1,
		 "  ... and after popf a store to irq_enabled lets interrupts in");
	page->irq_enabled = 1;
	cli();
	check_eq(page->irq_enabled, 0, "cli at the end clears irq_enabled");
}

/* The clock in the page, read the way its comment in kvm_lite.h says. */
static u64 page_ns(void)
{
	u32 version, mul;
	u64 stamp, base;
	int shift;

	do {
		version = page->time_version;
		asm volatile("" : : : "memory");
		mul = page->tsc_to_ns_mul;
		shift = page->tsc_shift;
		stamp = page->tsc_timestamp;
		base = page->system_time;
		asm volatile("" : : : "memory");
	} while ((version & 1) || version != page->time_version);
	return base + vcpu_page_tsc_ns(mul, shift, rdtsc() - stamp);
}

static void test_time(void)
{
	u64 t0, t1;
	int i;

	check(page->time_version != 0 && !(page->time_version & 1),
	      "the host published the clock (even version)");
	check(page->tsc_to_ns_mul != 0, "  ... with a TSC rate");
	t0 = page_ns();
	for (i = 0; i < 50; i++)
		outl(PORT_ECHO, i);
	t1 = page_ns();
	check(t1 > t0, "the page's clock moves forward");
	check(t1 - t0 < 10000000000ULL,
	      "  ... by less than 10 s over 50 exits");
	check(t0 < 3600000000000ULL,
	      "  ... and starts near the VM's creation (within an hour)");
	/* Publishing the clock must leave the rest of the page alone. */
	check(page->hole_start >= 0xc0000000 &&
	      !(page->hole_start & ((2 << 20) - 1)),
	      "hole_start is a 2 MiB slot in the top GiB, after clock updates");
}

int guest_main(void)
{
	test_register();
	test_time();
	test_virtual_if();
	check_eq(hypercall(KVM_HC_LITE_VCPU_PAGE, 0, 0, 0, 0), 0,
		 "sharing stops with gpa 0");
	guest_exit(0);
	return 0;
}
