// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: virtio-net (-n tap:IFNAME), eth0 in the guest, on an existing
 * tap interface of the host.  No offloads: every buffer starts with a
 * 12-byte virtio_net_hdr (virtio 1.0 always has num_buffers), zeroed
 * on the way in and dropped on the way out.  Receiving waits for the
 * tap to be readable and for the guest to have posted a buffer; while
 * it has none, we stop polling the tap instead of dropping packets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "virtio.h"

#define RXQ		0
#define TXQ		1
#define QUEUE_SIZE	256
#define HDR_LEN		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define MAX_FRAME	65536

struct net {
	int fd;
	bool polling;		/* the tap is in the I/O loop */
	struct virtio_dev *dev;
	struct virtio_net_config config;
};

static struct net net;

/* Checked before the VM exists: TUNSETIFF would create a missing tap. */
int tap_open(const char *ifname)
{
	struct ifreq ifr = { 0 };
	char path[64 + IFNAMSIZ];
	struct stat st;
	int fd;

	if (strlen(ifname) >= IFNAMSIZ || !ifname[0] || strchr(ifname, '/'))
		die("-n tap:%s: not a valid interface name", ifname);
	snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
	if (stat(path, &st) < 0)
		die("-n tap:%s: no such network interface", ifname);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die_perror("-n tap:%s: cannot open /dev/net/tun", ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die_perror("-n tap:%s: cannot attach to the tap interface",
			   ifname);
	return fd;
}

static void tap_readable(void *arg);

static void poll_tap(bool on)
{
	if (on == net.polling)
		return;
	net.polling = on;
	if (on)
		ioloop_add(net.fd, tap_readable, NULL);
	else
		ioloop_del(net.fd);
}

/* Under dev_lock: move frames from the tap into posted rx buffers. */
static void receive(struct virtio_dev *dev)
{
	static uint8_t frame[MAX_FRAME];
	struct virtqueue *vq = &dev->vq[RXQ];
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = 1 };
	struct vq_req req;
	int got = 0, r;
	ssize_t n;

	for (;;) {
		r = vq_pop(dev, vq, &req);
		if (r <= 0) {
			/* No buffer: wait for the guest to post some. */
			poll_tap(false);
			break;
		}
		n = read(net.fd, frame, sizeof(frame));
		if (n < 0) {
			/* Nothing waiting: give the buffer back for later. */
			vq->last_avail--;
			poll_tap(true);
			break;
		}
		if ((size_t)n + HDR_LEN > req.in_len) {
			vq->last_avail--;	/* too big for it: drop */
			continue;
		}
		buf_to_iov(req.in, req.nr_in, 0, &hdr, HDR_LEN);
		buf_to_iov(req.in, req.nr_in, HDR_LEN, frame, n);
		vq_push(vq, req.head, HDR_LEN + n);
		got = 1;
	}
	if (got)
		vq_signal(dev, vq);
}

static void tap_readable(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&dev_lock);
	if (virtio_dev_ok(net.dev) && net.dev->vq[RXQ].ready)
		receive(net.dev);
	else
		poll_tap(false);
	pthread_mutex_unlock(&dev_lock);
}

static void transmit(struct virtio_dev *dev)
{
	struct virtqueue *vq = &dev->vq[TXQ];
	struct iovec iov[VQ_MAX_SEGS];
	struct vq_req req;
	unsigned int n;
	int got = 0;

	while (vq_pop(dev, vq, &req) > 0) {
		if (req.out_len > HDR_LEN) {
			n = iov_slice(req.out, req.nr_out, HDR_LEN,
				      req.out_len - HDR_LEN, iov);
			/* A full tap queue drops the frame, as a wire would. */
			if (writev(net.fd, iov, n) < 0 && errno != EAGAIN)
				warn("virtio-net: tap write: %s",
				     strerror(errno));
		}
		vq_push(vq, req.head, 0);
		got = 1;
	}
	if (got)
		vq_signal(dev, vq);
}

static void net_notify(struct virtio_dev *dev, unsigned int q)
{
	if (q == TXQ)
		transmit(dev);
	else
		receive(dev);
}

static void net_driver_ok(struct virtio_dev *dev)
{
	(void)dev;
	poll_tap(true);
}

static void net_reset(struct virtio_dev *dev)
{
	(void)dev;
	poll_tap(false);
}

static const struct virtio_ops net_ops = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.features = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_NET_F_MAC,
	.nr_queues = 2,
	.queue_max = QUEUE_SIZE,
	.config = &net.config,
	.config_size = sizeof(net.config.mac),
	.notify = net_notify,
	.driver_ok = net_driver_ok,
	.reset = net_reset,
};

/* fd: from tap_open(). */
void virtio_net_init(int fd)
{
	/* Locally administered (bit 1 of the first byte), unicast. */
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x4c, 0x4b, 0x01 };

	net.fd = fd;
	memcpy(net.config.mac, mac, sizeof(mac));
	net.dev = virtio_mmio_register(&net_ops, &net);
}
