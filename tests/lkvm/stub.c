// SPDX-License-Identifier: GPL-2.0
/*
 * The stub guest: a few KB of freestanding code that mkbzimage wraps
 * into a fake bzImage, so that lkvm's boot path and devices can be
 * tested without a Linux guest.  lkvm enters it as it would a kernel:
 * 32-bit protected mode at 1 MB, ESI = boot_params.  It reports on the
 * serial port, one "stub: ..." line per fact, drives every virtio-mmio
 * device it finds by polling (no interrupts), and then does what
 * "stub.action=" on its command line says:
 *
 *   poweroff (default)  KVM_HC_LITE_SYSTEM_EVENT(SHUTDOWN)
 *   reboot              the same with RESET, once (marked on the disk)
 *   panic               print a Linux-style panic line, triple fault
 *   fault               triple fault
 *   crash               KVM_HC_LITE_SYSTEM_EVENT(CRASH), then a panic line
 *   crash-quiet         KVM_HC_LITE_SYSTEM_EVENT(CRASH), then silence
 *   echo                echo one line read from the serial port
 *   net                 wait for a frame from the tap, then power off
 *
 * Before the action it takes one interrupt from the 8250 (IRQ 4) and,
 * with --rng, one from virtio-rng (its irqfd), through KVM's IOAPIC.
 */
#include <stddef.h>
#include <stdint.h>
#include <asm/bootparam.h>
#include <linux/kvm_lite.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_config.h>
#include <linux/virtio_blk.h>

#define COM1		0x3f8
#define LAPIC		0xfee00000
#define IOAPIC		0xfec00000
#define VEC_VIRTIO	0x40
#define VEC_SERIAL	0x41
#define QSIZE		8
/* From <linux/kvm.h>, which is not for freestanding code. */
#define KVM_SYSTEM_EVENT_SHUTDOWN	1
#define KVM_SYSTEM_EVENT_RESET		2
#define KVM_SYSTEM_EVENT_CRASH		3

asm(".section .text.start, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "	movl $0x90000, %esp\n"
    "	pushl %esi\n"
    "	call stub_main\n"
    "1:	ud2\n"
    "	jmp 1b\n"
    ".previous\n");

/* Interrupt entries: save the registers, count, return. */
asm(".text\n"
    "irq_virtio_entry:\n"
    "	pushal\n"
    "	call irq_virtio\n"
    "	popal\n"
    "	iret\n"
    "irq_serial_entry:\n"
    "	pushal\n"
    "	call irq_serial\n"
    "	popal\n"
    "	iret\n");
void irq_virtio_entry(void);
void irq_serial_entry(void);

/* What the compiler may call for struct copies and clears. */
void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t rd(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void wr(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static long hypercall(uint32_t nr, uint32_t a0)
{
	long ret;

	asm volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a0) : "memory");
	return ret;
}

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void putn(uint32_t v, int base)
{
	char buf[12];
	int i = 0;

	do {
		buf[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		putc(buf[--i]);
}

static int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return *a - *b;
	return 0;
}

/* Ends the guest for good: ud2 with an empty IDT is a triple fault. */
static void __attribute__((noreturn)) triple_fault(void)
{
	for (;;)
		asm volatile("ud2");
}

/* The value of "key=" on the command line, up to a space, or "". */
static void param(const char *cmdline, const char *key, char *val, int max)
{
	const char *p = cmdline;
	int n = 0;

	for (; *key && *p; p++) {
		if ((p == cmdline || p[-1] == ' ') &&
		    !strncmp(p, key, __builtin_strlen(key))) {
			p += __builtin_strlen(key);
			while (*p && *p != ' ' && n < max - 1)
				val[n++] = *p++;
			break;
		}
	}
	val[n] = '\0';
}

/* One virtqueue, polled. */
static struct vq {
	struct vring_desc desc[QSIZE];
	struct vring_avail avail;
	uint16_t avail_ring[QSIZE];
	uint8_t pad[4096];
	struct vring_used used __attribute__((aligned(4096)));
	struct vring_used_elem used_ring[QSIZE];
	uint16_t last_used;
} queues[2] __attribute__((aligned(4096)));

static uint8_t bufs[4][2048];

static int dev_setup(uint32_t base, unsigned int nq)
{
	unsigned int q;

	wr(base + VIRTIO_MMIO_STATUS, 0);
	wr(base + VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(base + VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	if (!(rd(base + VIRTIO_MMIO_DEVICE_FEATURES) & 1))
		return -1;			/* no VERSION_1 */
	wr(base + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(base + VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(base + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(base + VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(base + VIRTIO_MMIO_STATUS, rd(base + VIRTIO_MMIO_STATUS) |
	   VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(rd(base + VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -2;
	for (q = 0; q < nq; q++) {
		struct vq *v = &queues[q];

		memset(v, 0, sizeof(*v));
		wr(base + VIRTIO_MMIO_QUEUE_SEL, q);
		if (rd(base + VIRTIO_MMIO_QUEUE_NUM_MAX) < QSIZE)
			return -3;
		wr(base + VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		wr(base + VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)v->desc);
		wr(base + VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)&v->avail);
		wr(base + VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)&v->used);
		wr(base + VIRTIO_MMIO_QUEUE_READY, 1);
		if (!rd(base + VIRTIO_MMIO_QUEUE_READY))
			return -4;
	}
	wr(base + VIRTIO_MMIO_STATUS, rd(base + VIRTIO_MMIO_STATUS) |
	   VIRTIO_CONFIG_S_DRIVER_OK);
	return 0;
}

/* Post a chain of n buffers (the last "in" of them device-writable). */
static void post(uint32_t base, unsigned int q, void **buf, uint32_t *len,
		 int n, int in)
{
	struct vq *v = &queues[q];
	int i;

	for (i = 0; i < n; i++) {
		v->desc[i].addr = (uint32_t)buf[i];
		v->desc[i].len = len[i];
		v->desc[i].flags = (i < n - 1 ? VRING_DESC_F_NEXT : 0) |
				   (i >= n - in ? VRING_DESC_F_WRITE : 0);
		v->desc[i].next = i + 1;
	}
	v->avail_ring[v->avail.idx % QSIZE] = 0;
	__sync_synchronize();
	v->avail.idx++;
	__sync_synchronize();
	wr(base + VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Wait for the device to return a chain; its length, or -1. */
static long wait_used(unsigned int q, unsigned long spins)
{
	struct vq *v = &queues[q];

	while (spins--) {
		if (*(volatile uint16_t *)&v->used.idx != v->last_used) {
			__sync_synchronize();
			return v->used_ring[v->last_used++ % QSIZE].len;
		}
	}
	return -1;
}

static void result(const char *what, long r)
{
	puts("stub: ");
	puts(what);
	if (r < 0)
		puts(" FAILED\n");
	else
		puts(" ok\n");
}

static void test_rng(uint32_t base)
{
	void *b[1] = { bufs[0] };
	uint32_t len[1] = { 16 };
	long n;
	int i, nonzero = 0;

	post(base, 0, b, len, 1, 1);
	n = wait_used(0, 1000000000);
	for (i = 0; i < 16; i++)
		nonzero |= bufs[0][i];
	puts("stub: rng gave ");
	putn(n < 0 ? 0 : n, 10);
	puts(nonzero ? " bytes, not all zero\n" : " bytes, all zero\n");
}

/* One block request: header, data, status. */
static long blk_req(uint32_t base, uint32_t type, uint32_t sector,
		    void *data, uint32_t len)
{
	static struct virtio_blk_outhdr hdr;
	static uint8_t status;
	void *b[3] = { &hdr, data, &status };
	uint32_t l[3] = { sizeof(hdr), len, 1 };

	hdr.type = type;
	hdr.sector = sector;
	status = 0xff;
	if (len)
		post(base, 0, b, l, 3, type == VIRTIO_BLK_T_OUT ? 1 : 2);
	else
		post(base, 0, (void *[]){ &hdr, &status },
		     (uint32_t[]){ sizeof(hdr), 1 }, 2, 1);
	if (wait_used(0, 1000000000) < 0)
		return -1;
	return status == VIRTIO_BLK_S_OK ? 0 : -(long)status - 2;
}

static int test_blk(uint32_t base, int mark_reboot)
{
	uint8_t *sec = bufs[0];
	const char *msg = "written by the stub\n";
	int i, rebooted;

	puts("stub: blk capacity ");
	putn(rd(base + VIRTIO_MMIO_CONFIG), 10);
	puts(" sectors\n");
	result("blk read sector 0",
	       blk_req(base, VIRTIO_BLK_T_IN, 0, sec, 512));
	puts("stub: blk sector 0 says: ");
	for (i = 0; i < 40 && sec[i] >= ' ' && sec[i] < 127; i++)
		putc(sec[i]);
	putc('\n');
	result("blk get-id", blk_req(base, VIRTIO_BLK_T_GET_ID, 0, sec, 20));
	puts("stub: blk id ");
	puts((char *)sec);
	putc('\n');

	memset(sec, 0, 512);
	for (i = 0; msg[i]; i++)
		sec[i] = msg[i];
	result("blk write sector 1",
	       blk_req(base, VIRTIO_BLK_T_OUT, 1, sec, 512));
	result("blk flush", blk_req(base, VIRTIO_BLK_T_FLUSH, 0, NULL, 0));
	result("blk read past the end refused",
	       blk_req(base, VIRTIO_BLK_T_IN, rd(base + VIRTIO_MMIO_CONFIG),
		       sec, 512) == -3 ? 0 : -1);

	/* Sector 2 remembers a reboot. */
	blk_req(base, VIRTIO_BLK_T_IN, 2, sec, 512);
	rebooted = !strncmp((char *)sec, "REBOOTED", 8);
	if (rebooted)
		puts("stub: this is the boot after a reboot\n");
	if (mark_reboot && !rebooted) {
		memcpy(sec, "REBOOTED", 8);
		blk_req(base, VIRTIO_BLK_T_OUT, 2, sec, 512);
		blk_req(base, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
	}
	return rebooted;
}

/* With echo, a line comes in through the console's receiveq. */
static void test_console(uint32_t base, int echo)
{
	static char msg[] = "stub: hello through virtio-console\n";
	void *b[1] = { msg };
	uint32_t len[1] = { sizeof(msg) - 1 };
	char *in = (char *)bufs[3];
	long n, i;

	post(base, 1, b, len, 1, 0);
	wait_used(1, 1000000000);
	if (!echo)
		return;
	b[0] = in;
	len[0] = 64;
	post(base, 0, b, len, 1, 1);
	n = wait_used(0, 1000000000);
	puts("stub: virtio-console got '");
	for (i = 0; i < n && in[i] != '\n'; i++)
		putc(in[i]);
	puts("'\n");
}

static void test_net(uint32_t base, int wait_rx)
{
	static uint8_t frame[12 + 60];
	void *b[1] = { frame };
	uint32_t len[1] = { sizeof(frame) };
	long n;
	int i;

	puts("stub: net mac ");
	for (i = 0; i < 6; i++) {
		putn(*(volatile uint8_t *)(base + VIRTIO_MMIO_CONFIG + i), 16);
		putc(i < 5 ? ':' : '\n');
	}
	/* A broadcast frame of ethertype 0x88b5 (local experimental). */
	for (i = 0; i < 6; i++) {
		frame[12 + i] = 0xff;
		frame[12 + 6 + i] = *(volatile uint8_t *)(base +
						VIRTIO_MMIO_CONFIG + i);
	}
	frame[12 + 12] = 0x88;
	frame[12 + 13] = 0xb5;
	post(base, 1, b, len, 1, 0);
	result("net sent a frame", wait_used(1, 1000000000));
	if (!wait_rx)
		return;
	b[0] = bufs[1];
	len[0] = sizeof(bufs[1]);
	post(base, 0, b, len, 1, 1);
	n = wait_used(0, 1000000000);
	puts("stub: net received ");
	putn(n < 0 ? 0 : n - 12, 10);
	puts(" bytes, ethertype ");
	putn(bufs[1][12 + 12] << 8 | bufs[1][12 + 13], 16);
	putc('\n');
}

static void echo_line(void)
{
	char c;

	puts("stub: type a line\n");
	puts("stub: got '");
	for (;;) {
		while (!(inb(COM1 + 5) & 1))
			;
		c = inb(COM1);
		if (c == '\n' || c == '\r')
			break;
		putc(c);
	}
	puts("'\n");
}

static void system_event(uint32_t type)
{
	long r = hypercall(KVM_HC_LITE_SYSTEM_EVENT, type);

	puts("stub: SYSTEM_EVENT returned ");
	if (r < 0) {
		putc('-');
		r = -r;
	}
	putn(r, 10);
	putc('\n');
	triple_fault();
}

static int check_mptable(void)
{
	const uint8_t *p = (const uint8_t *)0xf0000;
	uint8_t sum = 0;
	int i;

	if (strncmp((const char *)p, "_MP_", 4))
		return -1;
	for (i = 0; i < 16; i++)
		sum += p[i];
	p = (const uint8_t *)*(const uint32_t *)(p + 4);
	if (strncmp((const char *)p, "PCMP", 4))
		return -1;
	for (i = 0; i < *(const uint16_t *)(p + 4); i++)
		sum += p[i];
	return sum ? -1 : 0;
}

static volatile uint32_t virtio_irqs, serial_irqs;
static uint32_t irq_dev;
static uint64_t idt[256] __attribute__((aligned(8)));

void irq_virtio(void)
{
	/* As Linux does: read the cause, acknowledge it. */
	wr(irq_dev + VIRTIO_MMIO_INTERRUPT_ACK,
	   rd(irq_dev + VIRTIO_MMIO_INTERRUPT_STATUS));
	virtio_irqs++;
	wr(LAPIC + 0xb0, 0);			/* EOI */
}

void irq_serial(void)
{
	inb(COM1 + 2);				/* IIR: clears THRE */
	outb(COM1 + 1, 0);			/* IER: no more */
	serial_irqs++;
	wr(LAPIC + 0xb0, 0);
}

static void set_gate(int vec, void (*fn)(void))
{
	uint32_t a = (uint32_t)fn;

	/* Present, DPL 0, 32-bit interrupt gate, into the code segment. */
	idt[vec] = (a & 0xffff) | 0x10 << 16 |
		   (uint64_t)(0x8e00 | (a & 0xffff0000)) << 32;
}

static void ioapic_route(int pin, int vec)
{
	/* Edge, active high, physical destination APIC 0, unmasked. */
	wr(IOAPIC, 0x10 + 2 * pin);
	wr(IOAPIC + 0x10, vec);
	wr(IOAPIC, 0x11 + 2 * pin);
	wr(IOAPIC + 0x10, 0);
}

/* Wait with interrupts on until *count moves. */
static long wait_irq(volatile uint32_t *count)
{
	unsigned long spins = 1000000000;
	uint32_t was = *count;

	asm volatile("sti" : : : "memory");
	while (*count == was && --spins)
		;
	asm volatile("cli" : : : "memory");
	return spins ? 0 : -1;
}

static void test_irqs(uint32_t rng, int rng_irq)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed))
		idtr = { sizeof(idt) - 1, (uint32_t)idt };
	void *b[1] = { bufs[2] };
	uint32_t len[1] = { 8 };

	set_gate(VEC_VIRTIO, irq_virtio_entry);
	set_gate(VEC_SERIAL, irq_serial_entry);
	asm volatile("lidt %0" : : "m"(idtr));
	/* The 8259s deliver through LINT0 too; as Linux does, mask them. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	wr(LAPIC + 0xf0, 0x1ff);		/* SVR: APIC on */

	ioapic_route(4, VEC_SERIAL);
	outb(COM1 + 4, 0x08);			/* MCR: OUT2 gates the IRQ */
	outb(COM1 + 1, 0x02);			/* IER: THRE, which is empty */
	result("serial interrupt through the IOAPIC", wait_irq(&serial_irqs));

	if (!rng)
		return;
	irq_dev = rng;
	ioapic_route(rng_irq, VEC_VIRTIO);
	post(rng, 0, b, len, 1, 1);
	result("virtio interrupt through the irqfd", wait_irq(&virtio_irqs));
}

void stub_main(struct boot_params *bp)
{
	const char *cmdline = (const char *)bp->hdr.cmd_line_ptr;
	char action[16];
	static const int irqs[] = { 5, 6, 7, 9, 10, 11 };
	uint32_t base, id, rng = 0;
	int rebooted = 0, rng_irq = 0, i;

	puts("\nstub: hello from the stub guest\n");
	puts("stub: cmdline: ");
	puts(cmdline);
	putc('\n');
	param(cmdline, "stub.action=", action, sizeof(action));
	if (!action[0])
		memcpy(action, "poweroff", 9);

	result("boot_params HdrS", bp->hdr.header == 0x53726448 ? 0 : -1);
	result("hardware_subarch is kvm-lite's",
	       bp->hdr.hardware_subarch == KVM_LITE_HARDWARE_SUBARCH ? 0 : -1);
	result("type_of_loader 0xff", bp->hdr.type_of_loader == 0xff ? 0 : -1);
	result("e820 has 3 entries", bp->e820_entries == 3 ? 0 : -1);
	result("MP table checksums", check_mptable());
	puts("stub: memory ");
	putn((bp->e820_table[2].addr + bp->e820_table[2].size) >> 20, 10);
	puts(" MB\n");
	if (bp->hdr.ramdisk_size) {
		puts("stub: initrd ");
		putn(bp->hdr.ramdisk_size, 10);
		puts(" bytes: ");
		for (i = 0; i < 16; i++)
			putc(((char *)bp->hdr.ramdisk_image)[i]);
		putc('\n');
	}

	for (base = 0xd0000000; rd(base + VIRTIO_MMIO_MAGIC_VALUE) ==
	     0x74726976; base += 0x200) {
		id = rd(base + VIRTIO_MMIO_DEVICE_ID);
		puts("stub: virtio device ");
		putn(id, 10);
		puts(" at 0x");
		putn(base, 16);
		putc('\n');
		i = dev_setup(base, id == VIRTIO_ID_NET ||
			      id == VIRTIO_ID_CONSOLE ? 2 : 1);
		result("virtio set-up", i);
		if (i < 0)
			continue;
		if (id == VIRTIO_ID_RNG) {
			test_rng(base);
			rng = base;
			rng_irq = irqs[(base - 0xd0000000) / 0x200];
		}
		if (id == VIRTIO_ID_BLOCK)
			rebooted = test_blk(base,
					    !strncmp(action, "reboot", 6));
		if (id == VIRTIO_ID_CONSOLE) {
			test_console(base, !strncmp(action, "echo", 4));
			action[0] = '\0';	/* the 8250 has no input now */
		}
		if (id == VIRTIO_ID_NET)
			test_net(base, !strncmp(action, "net", 3));
	}
	puts("stub: empty MMIO reads as 0x");
	putn(rd(base), 16);
	putc('\n');
	test_irqs(rng, rng_irq);

	if (!strncmp(action, "panic", 5)) {
		puts("[    0.123456] Kernel panic - not syncing: stub panic\n");
		puts("[    0.123457] ---[ end Kernel panic - not syncing: stub panic ]---\n");
		triple_fault();
	}
	if (!strncmp(action, "fault", 5))
		triple_fault();
	if (!strncmp(action, "crash", 5)) {
		/* Like Linux when printk had not flushed the panic line. */
		if (hypercall(KVM_HC_LITE_SYSTEM_EVENT, KVM_SYSTEM_EVENT_CRASH))
			system_event(KVM_SYSTEM_EVENT_CRASH);
		if (!action[5])
			puts("Kernel panic - not syncing: stub crash, told late\n");
		for (;;)
			;
	}
	if (!strncmp(action, "echo", 4))
		echo_line();
	if (!strncmp(action, "reboot", 6) && !rebooted)
		system_event(KVM_SYSTEM_EVENT_RESET);
	system_event(KVM_SYSTEM_EVENT_SHUTDOWN);
}
