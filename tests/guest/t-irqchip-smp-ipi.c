// SPDX-License-Identifier: GPL-2.0
/*
 * IPIs between vCPUs through the in-kernel local APICs (run-guests
 * --irqchip --vcpus 2).  vCPU 1 halts with interrupts on; vCPU 0 sends
 * it a fixed IPI by APIC ID, which must wake it in its handler; vCPU 1
 * answers with an IPI of its own, which must reach vCPU 0's handler.
 * With a single vCPU, vCPU 0 sends both to itself.
 */
#include "guest.h"

#define ICR_ASSERT	0x4000
#define ICR_BUSY	0x1000
#define PING		0x31	/* to vCPU 1 */
#define PONG		0x32	/* back to vCPU 0 */

static volatile u32 ready, pings, pongs, ping_apic_id, pong_apic_id;

static u32 apic_id(void)
{
	return lapic_read(APIC_ID) >> 24;
}

static void send_ipi(u32 dest, u32 vector)
{
	lapic_write(APIC_ICR_HIGH, dest << 24);
	lapic_write(APIC_ICR_LOW, ICR_ASSERT | vector);
	while (lapic_read(APIC_ICR_LOW) & ICR_BUSY)
		asm volatile("pause");
}

/* Both vCPUs run it; each records who it was. */
static void ipi_hook(struct trap_frame *f)
{
	if (f->vector == PING) {
		ping_apic_id = apic_id();
		pings++;
	} else if (f->vector == PONG) {
		pong_apic_id = apic_id();
		pongs++;
	}
	lapic_write(APIC_EOI, 0);
}

/* Halt, interrupts on, until *@what becomes non-zero. */
static void wait_for(volatile u32 *what)
{
	while (!*what)
		asm volatile("sti; hlt; cli" : : : "memory");
}

static void apic_setup(void)
{
	lapic_write(APIC_SVR, SVR_ENABLE | 0xff);
}

int guest_ap_main(u32 cpu)
{
	(void)cpu;
	apic_setup();
	cli();
	ready = 1;
	wait_for(&pings);
	send_ipi(0, PONG);
	return 0;
}

int guest_main(void)
{
	u32 peer = nr_cpus > 1 ? 1 : 0;

	set_soft_gate(PING, 0);
	set_soft_gate(PONG, 0);
	trap_hook = ipi_hook;
	apic_setup();
	check_eq(apic_id(), 0, "vCPU 0 has APIC ID 0");
	if (peer) {
		while (!ready)
			asm volatile("pause");
	}
	cli();
	send_ipi(peer, PING);
	if (!peer)
		send_ipi(0, PONG);
	wait_for(&pongs);
	wait_for(&pings);	/* alone, PING may come second */
	sti();
	check(pings == 1 && ping_apic_id == peer,
	      "the first IPI woke its target vCPU in its handler");
	check(pongs == 1 && pong_apic_id == 0,
	      "the answer reached vCPU 0's handler");
	guest_exit(0);
	return 0;
}
