/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test guest and the run-guests harness agree on: ports, the
 * MMIO echo address, and the memory layout the harness sets up.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#define PORT_CONSOLE	0xe9	/* outb: one character */
#define PORT_EXIT	0xf4	/* outl: status, the guest is done */
#define PORT_ECHO	0xf8	/* outl: the harness keeps it; inl: reads it back + 1 */
/*
 * outb: raise this interrupt vector.  The harness (no in-kernel irqchip)
 * injects it with KVM_INTERRUPT as soon as KVM says the guest can take
 * it, asking for an interrupt-window exit while it cannot.
 */
#define PORT_IRQ	0xfa
#define PORT_HLT_COUNT	0xfb	/* inl: KVM_EXIT_HLT exits seen so far */
#define PORT_NMI	0xfc	/* outb: inject an NMI with KVM_NMI */
/* inl: the vCPU's "exits" counter from KVM's binary stats (~0 if none) */
#define PORT_EXITS	0xfd
#define MMIO_ECHO	0xd0000000	/* no memslot: every access is an MMIO exit */
#define GUEST_STACK_TOP	0x80000

/* GDT the harness builds at GDT_BASE (see run-guests.c). */
#define GDT_BASE	0x1000
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UCODE	0x1b
#define SEL_UDATA	0x23
#define SEL_TSS		0x28
#define TSS_BASE	0x2000
#define IDT_BASE	0x3000

#endif /* GUEST_ABI_H */
