// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: SIGUSR1 prints the vCPU's state to stderr and lets the guest go
 * on, for guests that hang: registers, the local APIC's pending and
 * in-service vectors, and the IOAPIC's and 8259s' view of the ISA IRQs.
 * (kvmtool does this with "lkvm debug --dump".)
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lkvm.h"

#define APIC_TPR	0x80
#define APIC_ISR	0x100
#define APIC_IRR	0x200
#define APIC_LVT_TIMER	0x320
#define APIC_TMCCT	0x390

static uint32_t apic_reg(const struct kvm_lapic_state *l, unsigned int off)
{
	uint32_t v;

	memcpy(&v, l->regs + off, 4);
	return v;
}

/* The vectors set in a 256-bit APIC register (ISR, IRR), as text. */
static void vectors(const struct kvm_lapic_state *l, unsigned int off,
		    char *buf, size_t size)
{
	size_t n = 0;
	int v;

	buf[0] = '\0';
	for (v = 0; v < 256 && n < size; v++)
		if (apic_reg(l, off + (v / 32) * 16) & (1u << (v % 32)))
			n += snprintf(buf + n, size - n, " %#x", v);
	if (!buf[0])
		snprintf(buf, size, " none");
}

static void dump_irqchips(void)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_ioapic_state *io = &chip.chip.ioapic;
	char line[512];
	size_t n = 0;
	int pin;

	if (ioctl(vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
		return;
	for (pin = 0; pin < 16; pin++) {
		/* Only pins that are unmasked, with their vector. */
		if (io->redirtbl[pin].fields.mask)
			continue;
		n += snprintf(line + n, sizeof(line) - n, " %d:%#x%s", pin,
			      io->redirtbl[pin].fields.vector,
			      io->redirtbl[pin].fields.trig_mode ? "L" : "E");
	}
	warn("debug: ioapic irr %#x, unmasked pins (pin:vector, Edge/Level):%s",
	     io->irr, n ? line : " none");
	chip.chip_id = KVM_IRQCHIP_PIC_MASTER;
	if (ioctl(vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
		return;
	warn("debug: 8259 master irr %#x imr %#x isr %#x", chip.chip.pic.irr,
	     chip.chip.pic.imr, chip.chip.pic.isr);
}

void debug_dump(void)
{
	struct kvm_lapic_state lapic;
	struct kvm_regs r;
	struct kvm_sregs s;
	char isr[256], irr[256];

	if (ioctl(vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	warn("debug: eip %#llx esp %#llx eflags %#llx cs %#x cr0 %#llx cr3 %#llx; if_flag %u, ready for injection %u; %lu unemulated port and %lu MMIO accesses",
	     r.rip, r.rsp, r.rflags, s.cs.selector, s.cr0, s.cr3,
	     kvm_run->if_flag, kvm_run->ready_for_interrupt_injection,
	     unknown_io_count, unknown_mmio_count);
	if (ioctl(vcpu_fd, KVM_GET_LAPIC, &lapic) == 0) {
		vectors(&lapic, APIC_ISR, isr, sizeof(isr));
		vectors(&lapic, APIC_IRR, irr, sizeof(irr));
		warn("debug: lapic tpr %#x lvt-timer %#x count %#x; in service:%s; pending:%s",
		     apic_reg(&lapic, APIC_TPR),
		     apic_reg(&lapic, APIC_LVT_TIMER),
		     apic_reg(&lapic, APIC_TMCCT), isr, irr);
	}
	dump_irqchips();
}
