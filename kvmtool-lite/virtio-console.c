// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: virtio-console (--console virtio), hvc0 in the guest: one port,
 * no multiport, receiveq 0 fed from term.c's input queue, transmitq 1
 * written to stdout.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "virtio.h"

#define RXQ		0
#define TXQ		1

static struct virtio_dev *con;

/* Under dev_lock: move queued input into the buffers the guest posted. */
static void receive(struct virtio_dev *dev)
{
	struct virtqueue *vq = &dev->vq[RXQ];
	uint8_t buf[256];
	struct vq_req req;
	size_t n, room;
	int c, got = 0;

	while (term_has_input() && vq_pop(dev, vq, &req) > 0) {
		room = req.in_len < sizeof(buf) ? req.in_len : sizeof(buf);
		for (n = 0; n < room && (c = term_getc()) >= 0; n++)
			buf[n] = c;
		buf_to_iov(req.in, req.nr_in, 0, buf, n);
		vq_push(vq, req.head, n);
		got = 1;
	}
	if (got) {
		vq_signal(dev, vq);
		term_resume();
	}
}

static void transmit(struct virtio_dev *dev)
{
	struct virtqueue *vq = &dev->vq[TXQ];
	struct vq_req req;
	unsigned int i;
	int got = 0;

	while (vq_pop(dev, vq, &req) > 0) {
		for (i = 0; i < req.nr_out; i++)
			console_output(req.out[i].iov_base, req.out[i].iov_len);
		vq_push(vq, req.head, 0);
		got = 1;
	}
	if (got)
		vq_signal(dev, vq);
}

static void console_notify(struct virtio_dev *dev, unsigned int q)
{
	if (q == TXQ)
		transmit(dev);
	else
		receive(dev);
}

/* Under dev_lock: term.c has new input. */
void virtio_console_input_ready(void)
{
	if (virtio_dev_ok(con) && con->vq[RXQ].ready)
		receive(con);
}

static void console_driver_ok(struct virtio_dev *dev)
{
	(void)dev;
	virtio_console_input_ready();
}

static const struct virtio_ops console_ops = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 1ULL << VIRTIO_F_VERSION_1,
	.nr_queues = 2,
	.queue_max = 64,
	.notify = console_notify,
	.driver_ok = console_driver_ok,
};

void virtio_console_init(void)
{
	con = virtio_mmio_register(&console_ops, NULL);
	console_input_ready = virtio_console_input_ready;
}
