// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: a 16550A UART at 0x3f8, IRQ 4 (ttyS0), emulated on KVM_EXIT_IO.
 * It transmits at once (THR and the shift register are always empty)
 * and receives from term.c's queue, which stands in for the FIFO.
 * Good enough for Linux's 8250 driver, probe included: IER keeps its low
 * four bits, loopback mode reflects MCR in MSR, FCR turns on the FIFO
 * bits of IIR, and setting IER.THRI with THR empty raises the THRE
 * interrupt, which reading IIR clears, as a real 16550 does.
 */
#include <linux/serial_reg.h>

#include "lkvm.h"

static struct {
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thre_pending;	/* the THR-empty interrupt is raised */
	int irq_level;
} uart = { .dll = 12, .irq_level = -1 };	/* 9600 baud, as a BIOS */

/* Whether stdin is ours (--console serial) or virtio-console's. */
static bool is_console;

static bool rx_ready(void)
{
	/* In loopback the line is cut; nothing comes from outside. */
	return is_console && !(uart.mcr & UART_MCR_LOOP) && term_has_input();
}

static uint8_t iir(void)
{
	uint8_t fifo = (uart.fcr & UART_FCR_ENABLE_FIFO) ? 0xc0 : 0;

	if ((uart.ier & UART_IER_RDI) && rx_ready())
		return fifo | UART_IIR_RDI;
	if ((uart.ier & UART_IER_THRI) && uart.thre_pending)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

/* Pulse-free level tracking: KVM sees an edge when this goes 0 -> 1. */
static void update_irq(void)
{
	int level = !(iir() & UART_IIR_NO_INT);

	/* On a PC, OUT2 gates the UART's interrupt onto the ISA bus. */
	if (!(uart.mcr & UART_MCR_OUT2))
		level = 0;
	if (level != uart.irq_level) {
		uart.irq_level = level;
		kvm_irq_line(SERIAL_IRQ, level);
	}
}

static uint8_t msr(void)
{
	uint8_t m = 0;

	if (!(uart.mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	/* Loopback: the modem outputs come back as its inputs. */
	if (uart.mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (uart.mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (uart.mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (uart.mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static uint8_t serial_read(unsigned int reg)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;
	uint8_t v;
	int c;

	switch (reg) {
	case UART_RX:
		if (dlab)
			return uart.dll;
		c = rx_ready() ? term_getc() : -1;
		if (c >= 0)
			term_resume();
		return c < 0 ? 0 : c;
	case UART_IER:
		return dlab ? uart.dlm : uart.ier;
	case UART_IIR:
		v = iir();
		if ((v & 0x0f) == UART_IIR_THRI)
			uart.thre_pending = false;
		return v;
	case UART_LCR:
		return uart.lcr;
	case UART_MCR:
		return uart.mcr;
	case UART_LSR:
		return UART_LSR_TEMT | UART_LSR_THRE |
		       (rx_ready() ? UART_LSR_DR : 0);
	case UART_MSR:
		return msr();
	default:
		return uart.scr;
	}
}

static void serial_write(unsigned int reg, uint8_t v)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab) {
			uart.dll = v;
			break;
		}
		/* Sent at once; in loopback it goes nowhere. */
		if (!(uart.mcr & UART_MCR_LOOP))
			console_output(&v, 1);
		uart.thre_pending = true;
		break;
	case UART_IER:
		if (dlab) {
			uart.dlm = v;
			break;
		}
		/* Enabling THRI while THR is empty raises THRE. */
		if ((v & UART_IER_THRI) && !(uart.ier & UART_IER_THRI))
			uart.thre_pending = true;
		uart.ier = v & 0x0f;
		break;
	case UART_FCR:
		uart.fcr = v & UART_FCR_ENABLE_FIFO;
		break;
	case UART_LCR:
		uart.lcr = v;
		break;
	case UART_MCR:
		uart.mcr = v & 0x1f;
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* read-only */
	default:
		uart.scr = v;
	}
}

/* Under dev_lock; false if the port is not ours. */
bool serial_io(uint16_t port, uint8_t *data, bool is_write)
{
	if (port < SERIAL_BASE || port > SERIAL_BASE + 7)
		return false;
	if (is_write)
		serial_write(port - SERIAL_BASE, *data);
	else
		*data = serial_read(port - SERIAL_BASE);
	update_irq();
	return true;
}

/* Under dev_lock: term.c queued input. */
static void serial_input_ready(void)
{
	update_irq();
}

void serial_init(bool console)
{
	is_console = console;
	if (console)
		console_input_ready = serial_input_ready;
}
