/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkvm: virtio 1.0 devices over the MMIO transport (virtio-mmio.c) with
 * split virtqueues (virtqueue.c).  A device supplies its ID, features,
 * config space and a notify handler, and is called under dev_lock.
 */
#ifndef LKVM_VIRTIO_H
#define LKVM_VIRTIO_H

#include <linux/virtio_ring.h>

#include "lkvm.h"

#define VIRTIO_MAX_QUEUES	2
/* The longest descriptor chain we take (virtio-blk's seg_max + 2). */
#define VQ_MAX_SEGS		130

struct virtqueue {
	uint16_t num;
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;
};

struct virtio_dev;

struct virtio_ops {
	const char *name;
	uint32_t device_id;
	uint64_t features;
	unsigned int nr_queues;
	uint16_t queue_max;
	const void *config;
	size_t config_size;
	/* The guest notified queue q (I/O thread). */
	void (*notify)(struct virtio_dev *dev, unsigned int q);
	/* The driver set DRIVER_OK, or reset the device (vCPU thread). */
	void (*driver_ok)(struct virtio_dev *dev);
	void (*reset)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	void *priv;
	uint64_t base;
	unsigned int irq;
	int irq_fd;
	uint32_t status, isr;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	struct virtqueue vq[VIRTIO_MAX_QUEUES];
};

/* One descriptor chain: what the driver gave to read, then to write. */
struct vq_req {
	uint16_t head;
	unsigned int nr_out, nr_in;
	size_t out_len, in_len;
	struct iovec out[VQ_MAX_SEGS];
	struct iovec in[VQ_MAX_SEGS];
};

struct virtio_dev *virtio_mmio_register(const struct virtio_ops *ops,
					void *priv);
bool virtio_dev_ok(struct virtio_dev *dev);
void virtio_dev_broken(struct virtio_dev *dev, const char *why);

/* 1: got a chain; 0: the queue is empty; -1: the queue is broken. */
int vq_pop(struct virtio_dev *dev, struct virtqueue *vq, struct vq_req *req);
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len);
void vq_signal(struct virtio_dev *dev, struct virtqueue *vq);
bool vq_setup(struct virtqueue *vq);

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
		  void *buf, size_t len);
size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t skip,
		  const void *buf, size_t len);
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t skip,
		       size_t len, struct iovec *dst);

#endif /* LKVM_VIRTIO_H */
