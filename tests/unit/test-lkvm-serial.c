// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lkvm's 8250 (kvmtool-lite/serial.c): the register
 * sequences Linux's 8250 driver uses to probe a port and start it
 * (drivers/tty/serial/8250/8250_port.c: autoconfig(),
 * autoconfig_16550a(), serial8250_do_startup()) must find a working
 * 16550A without bugs, and the interrupt line must follow IIR.
 */
#include "ktest.h"
#include "../../kvmtool-lite/serial.c"

/* What serial.c calls, recorded. */
static int irq_level = -1, irq_changes;
static char output[256];
static size_t output_len;
static const char *input = "";
void (*console_input_ready)(void);

void kvm_irq_line(unsigned int irq, int level)
{
	if (irq == SERIAL_IRQ) {
		irq_level = level;
		irq_changes++;
	}
}

void console_output(const uint8_t *buf, size_t len)
{
	while (len-- && output_len < sizeof(output) - 1)
		output[output_len++] = *buf++;
}

bool term_has_input(void)
{
	return *input;
}

int term_getc(void)
{
	return *input ? *input++ : -1;
}

void term_resume(void)
{
}

static uint8_t in(unsigned int reg)
{
	uint8_t v;

	serial_io(SERIAL_BASE + reg, &v, false);
	return v;
}

static void out(unsigned int reg, uint8_t v)
{
	serial_io(SERIAL_BASE + reg, &v, true);
}

static void test_probe(void)
{
	uint8_t scratch2, scratch3, status1, status2, save_mcr;
	int superio;

	/* autoconfig(): IER keeps what is written to its low four bits. */
	out(UART_IER, 0);
	scratch2 = in(UART_IER) & 0x0f;
	out(UART_IER, 0x0f);
	scratch3 = in(UART_IER) & 0x0f;
	out(UART_IER, 0);
	KT_CHECK(scratch2 == 0 && scratch3 == 0x0f,
		 "probe: IER reads back 0 and 0x0f");

	/* Loopback: MCR's RTS and OUT2 come back as CTS and DCD. */
	save_mcr = in(UART_MCR);
	out(UART_MCR, UART_MCR_LOOP | 0x0a);
	status1 = in(UART_MSR) & 0xf0;
	out(UART_MCR, save_mcr);
	KT_EXPECT_EQ(status1, UART_MSR_DCD | UART_MSR_CTS,
		     "probe: loopback MSR shows DCD and CTS");

	/* FIFO: IIR's top bits say 16550A. */
	out(UART_LCR, 0xbf);
	out(UART_EFR, 0);
	out(UART_LCR, 0);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	KT_EXPECT_EQ(in(UART_IIR) >> 6, 3, "probe: a 16550A (FIFO bits in IIR)");

	/* autoconfig_16550a(): no EFR behind LCR 0x80 or 0xbf. */
	out(UART_LCR, 0x80);
	KT_CHECK(in(UART_EFR) != 0, "probe: no EFR with LCR 0x80 (no ST16C650V1)");
	out(UART_LCR, 0xbf);
	KT_CHECK(in(UART_EFR) != 0, "probe: no EFR with LCR 0xbf (no ST16C650V2)");

	/* Not a National SuperIO: EXCR1 does not follow MCR's LOOP. */
	out(UART_LCR, 0);
	status1 = in(UART_MCR);
	out(UART_LCR, 0xe0);
	status2 = in(0x02);
	superio = 0;
	if (!((status2 ^ status1) & UART_MCR_LOOP)) {
		out(UART_LCR, 0);
		out(UART_MCR, status1 ^ UART_MCR_LOOP);
		out(UART_LCR, 0xe0);
		status2 = in(0x02);
		out(UART_LCR, 0);
		out(UART_MCR, status1);
		superio = (status2 ^ status1) & UART_MCR_LOOP;
	}
	KT_CHECK(!superio, "probe: not a National SuperIO");

	/* Not a TI16750: bit 5 of IIR never set. */
	out(UART_FCR, UART_FCR_ENABLE_FIFO | 0x20);
	status1 = in(UART_IIR) & 0xe0;
	out(UART_FCR, 0);
	out(UART_LCR, 0x80);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | 0x20);
	status2 = in(UART_IIR) & 0xe0;
	out(UART_FCR, 0);
	out(UART_LCR, 0);
	KT_CHECK(!(status1 == 0xc0 && status2 == 0xe0), "probe: not a TI16750");

	/* Not an XScale: IER's UUE bit does not stick. */
	out(UART_IER, 0x40);
	KT_CHECK(!(in(UART_IER) & 0x40), "probe: IER's UUE bit does not stick");
	out(UART_IER, 0);
}

static void test_startup(void)
{
	uint8_t iir1, iir;

	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
	    UART_FCR_CLEAR_XMIT);
	KT_CHECK(in(UART_LSR) != 0xff, "startup: LSR is not 0xff");
	in(UART_RX);
	in(UART_IIR);
	in(UART_MSR);

	/* serial8250_do_startup(): THRE must be reasserted (no THRE bug). */
	out(UART_IER, UART_IER_THRI);
	iir1 = in(UART_IIR);
	out(UART_IER, 0);
	out(UART_IER, UART_IER_THRI);
	iir = in(UART_IIR);
	out(UART_IER, 0);
	KT_CHECK(!(iir1 & UART_IIR_NO_INT) && !(iir & UART_IIR_NO_INT),
		 "startup: enabling THRI raises THRE each time");
	KT_CHECK(in(UART_LSR) & UART_LSR_TEMT, "startup: TEMT is set");
}

static void test_irq_and_data(void)
{
	/* The driver sets OUT2 (the ISA interrupt gate) and enables RDI. */
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	out(UART_IER, UART_IER_RDI);
	KT_EXPECT_EQ(irq_level, 0, "irq: low with nothing to say");

	input = "hi";
	serial_input_ready();
	KT_EXPECT_EQ(irq_level, 1, "irq: input raises it");
	KT_EXPECT_EQ(in(UART_IIR) & 0x0f, UART_IIR_RDI, "irq: IIR says RDI");
	KT_CHECK(in(UART_LSR) & UART_LSR_DR, "rx: LSR says data ready");
	KT_EXPECT_EQ(in(UART_RX), 'h', "rx: first byte");
	KT_EXPECT_EQ(in(UART_RX), 'i', "rx: second byte");
	KT_CHECK(!(in(UART_LSR) & UART_LSR_DR), "rx: then no data");
	KT_EXPECT_EQ(irq_level, 0, "irq: low again once the input is read");

	/* Transmit with THRI: each THR write re-raises THRE. */
	out(UART_IER, UART_IER_RDI | UART_IER_THRI);
	KT_EXPECT_EQ(irq_level, 1, "irq: enabling THRI raises it");
	KT_EXPECT_EQ(in(UART_IIR) & 0x0f, UART_IIR_THRI, "irq: IIR says THRI");
	KT_EXPECT_EQ(irq_level, 0, "irq: reading IIR clears THRE");
	out(UART_TX, 'o');
	out(UART_TX, 'k');
	KT_EXPECT_EQ(irq_level, 1, "irq: THR written and sent: THRE again");
	out(UART_IER, UART_IER_RDI);
	KT_EXPECT_EQ(irq_level, 0, "irq: low once THRI is off");
	KT_CHECK(output_len == 2 && !memcmp(output, "ok", 2),
		 "tx: THR writes reach the console");

	/* Without OUT2 the line stays low whatever IIR says. */
	out(UART_MCR, 0);
	out(UART_IER, UART_IER_THRI);
	KT_EXPECT_EQ(irq_level, 0, "irq: OUT2 clear gates it off");
	out(UART_IER, 0);

	/* The divisor latch hides RBR/THR and IER. */
	out(UART_LCR, UART_LCR_DLAB);
	out(UART_DLL, 1);
	out(UART_DLM, 0);
	KT_EXPECT_EQ(in(UART_DLL), 1, "dlab: DLL reads back");
	out(UART_LCR, 0x03);
	KT_CHECK(output_len == 2, "dlab: a DLL write sends nothing");
	KT_EXPECT_EQ(in(UART_IER), 0, "dlab: IER untouched by DLM");
	out(UART_SCR, 0x5a);
	KT_EXPECT_EQ(in(UART_SCR), 0x5a, "scratch register keeps its value");
}

int main(void)
{
	ktest_set_group("unit-lkvm-serial");
	serial_init(true);
	test_probe();
	test_startup();
	test_irq_and_data();
	return ktest_exit();
}
