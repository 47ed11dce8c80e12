// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: an Intel MultiProcessor Specification 1.4 table, so that the
 * guest finds KVM's in-kernel LAPIC and IOAPIC.  Our kernels have
 * MPPARSE and no ACPI; Linux scans 0xf0000-0xfffff for the floating
 * pointer.  One CPU, one ISA bus, ISA IRQs 0-15 on IOAPIC pins 0-15
 * (KVM's default GSI routing maps them so), the 8259 as ExtINT on LINT0
 * and NMI on LINT1.
 */
#include <string.h>

#include "lkvm.h"

#define MPTABLE_ADDR	0xf0000
#define LAPIC_ADDR	0xfee00000
#define IOAPIC_ADDR	0xfec00000
#define IOAPIC_ID	1
#define ISA_BUS		0
#define ISA_IRQS	16

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

struct mpf {			/* the floating pointer */
	char signature[4];
	uint32_t physptr;
	uint8_t length;		/* in 16-byte units */
	uint8_t specrev;
	uint8_t checksum;
	uint8_t feature[5];
} __attribute__((packed));

struct mpc {			/* the configuration table's header */
	char signature[4];
	uint16_t length;
	uint8_t specrev;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t count;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag, reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {		/* also a local interrupt entry */
	uint8_t type, irqtype;
	uint16_t irqflag;	/* 0: polarity and trigger as the bus says */
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
} __attribute__((packed));

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static void *add(uint8_t **pos, size_t size, struct mpc *mpc)
{
	void *p = *pos;

	*pos += size;
	mpc->count++;
	return p;
}

void mptable_setup(void)
{
	size_t max = sizeof(struct mpf) + sizeof(struct mpc) +
		     sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
		     sizeof(struct mpc_ioapic) +
		     (ISA_IRQS + 2) * sizeof(struct mpc_intsrc);
	uint8_t *base = guest_ptr(MPTABLE_ADDR, max);
	struct mpf *mpf = (struct mpf *)base;
	struct mpc *mpc = (struct mpc *)(mpf + 1);
	uint8_t *pos = (uint8_t *)(mpc + 1);
	struct mpc_cpu *cpu;
	struct mpc_bus *bus;
	struct mpc_ioapic *ioapic;
	struct mpc_intsrc *irq;
	int i;

	memset(base, 0, max);
	memcpy(mpc->signature, "PCMP", 4);
	mpc->specrev = 4;
	memcpy(mpc->oem, "KVMLITE ", 8);
	memcpy(mpc->product, "LKVM        ", 12);
	mpc->lapic = LAPIC_ADDR;

	cpu = add(&pos, sizeof(*cpu), mpc);
	cpu->type = MP_PROCESSOR;
	cpu->apicid = 0;
	cpu->apicver = 0x14;
	cpu->cpuflag = 3;		/* enabled, boot processor */
	cpu->cpufeature = 0x600;	/* family 6; only printed */
	cpu->featureflag = 0x201;	/* FPU, APIC */

	bus = add(&pos, sizeof(*bus), mpc);
	bus->type = MP_BUS;
	bus->busid = ISA_BUS;
	memcpy(bus->bustype, "ISA   ", 6);

	ioapic = add(&pos, sizeof(*ioapic), mpc);
	ioapic->type = MP_IOAPIC;
	ioapic->apicid = IOAPIC_ID;
	ioapic->apicver = 0x11;
	ioapic->flags = 1;		/* enabled */
	ioapic->apicaddr = IOAPIC_ADDR;

	for (i = 0; i < ISA_IRQS; i++) {
		irq = add(&pos, sizeof(*irq), mpc);
		irq->type = MP_INTSRC;
		irq->irqtype = MP_INT;
		irq->srcbus = ISA_BUS;
		irq->srcbusirq = i;
		irq->dstapic = IOAPIC_ID;
		irq->dstirq = i;
	}

	irq = add(&pos, sizeof(*irq), mpc);
	irq->type = MP_LINTSRC;
	irq->irqtype = MP_EXTINT;
	irq->srcbus = ISA_BUS;
	irq->dstapic = 0xff;		/* every LAPIC */
	irq->dstirq = 0;		/* LINT0 */
	irq = add(&pos, sizeof(*irq), mpc);
	irq->type = MP_LINTSRC;
	irq->irqtype = MP_NMI;
	irq->srcbus = ISA_BUS;
	irq->dstapic = 0xff;
	irq->dstirq = 1;		/* LINT1 */

	mpc->length = pos - (uint8_t *)mpc;
	mpc->checksum = checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = MPTABLE_ADDR + sizeof(*mpf);
	mpf->length = 1;
	mpf->specrev = 4;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
}
