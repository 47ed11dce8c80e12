// SPDX-License-Identifier: GPL-2.0
/*
 * External interrupts that hit user mode.  The LAPIC timer ticks while a
 * ring-3 process spins: kvm-lite must deliver each tick through the guest
 * kernel's IDT with a stack switch (the TSS's SS0:ESP0), a frame showing
 * ring 3, and return the process to where it was.  Run with --irqchip.
 *
 * The timer's gate is a trap gate: an interrupt gate would clear the
 * virtual IF, and the handler's iret to ring 3 cannot set it again (a
 * documented hole), so only one tick would ever reach user mode.
 */
#include "guest.h"

#define VECTOR		0x30
#define USER_STACK_TOP	0x60000
#define USER_TICKS	3
#define MAX_SPINS	200000000
#define SYS_EXIT	2

static volatile u32 ticks, user_ticks, bad_frames, spins;

static void kernel_hook(struct trap_frame *f)
{
	if (f->vector == VECTOR) {
		ticks++;
		if ((f->cs & 3) == 3) {
			user_ticks++;
			if (f->user_ss != SEL_UDATA ||
			    f->user_esp > USER_STACK_TOP ||
			    f->user_esp < USER_STACK_TOP - 0x1000)
				bad_frames++;
		}
		lapic_write(APIC_EOI, 0);
	} else if (f->vector == 0x80 && f->eax == SYS_EXIT) {
		leave_user(f, 0);
	}
}

static void user_spin(void)
{
	while (user_ticks < USER_TICKS && spins < MAX_SPINS)
		spins++;
	asm volatile("int $0x80" : : "a"(SYS_EXIT) : "memory");
}

int guest_main(void)
{
	set_trap_gate(VECTOR, trap_entry_48, 0);
	set_gate(0x80, trap_entry_128, 3);
	trap_hook = kernel_hook;

	lapic_write(APIC_SVR, 0x1ff);
	lapic_write(APIC_TDCR, 0xb);		/* divide by 1 */
	lapic_write(APIC_LVT_TIMER, 0x20000 | VECTOR);	/* periodic */
	lapic_write(APIC_TMICT, 1000000);	/* 1 ms */
	sti();
	enter_user(user_spin, USER_STACK_TOP);
	cli();
	lapic_write(APIC_LVT_TIMER, 0x10000 | VECTOR);	/* masked */
	lapic_write(APIC_TMICT, 0);

	check(user_ticks >= USER_TICKS, "timer ticks arrived in user mode");
	check_eq(bad_frames, 0, "each frame holds the user SS:ESP");
	check(spins < MAX_SPINS, "user mode ran between the ticks");
	guest_exit(0);
	return 0;
}
