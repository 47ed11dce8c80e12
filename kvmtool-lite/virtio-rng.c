// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: virtio-rng (--rng), /dev/hwrng in the guest.  Each buffer the
 * guest posts is filled from the host's /dev/urandom.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "virtio.h"

static int urandom_fd = -1;

static void rng_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtqueue *vq = &dev->vq[q];
	struct vq_req req;
	ssize_t n;
	int got = 0;

	while (vq_pop(dev, vq, &req) > 0) {
		do {
			n = readv(urandom_fd, req.in, req.nr_in);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			warn("virtio-rng: /dev/urandom: %s", strerror(errno));
		vq_push(vq, req.head, n > 0 ? n : 0);
		got = 1;
	}
	if (got)
		vq_signal(dev, vq);
}

static const struct virtio_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.features = 1ULL << VIRTIO_F_VERSION_1,
	.nr_queues = 1,
	.queue_max = 64,
	.notify = rng_notify,
};

void virtio_rng_init(void)
{
	urandom_fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (urandom_fd < 0)
		die_perror("--rng: cannot open /dev/urandom");
	virtio_mmio_register(&rng_ops, NULL);
}
