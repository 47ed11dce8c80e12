// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: split virtqueues (virtio 1.0, 2.4).  The rings live in guest
 * memory, which the guest writes while we read: every index is read
 * once, and the fences order our reads of the ring after the index and
 * the used entries before the index we publish.  No indirect
 * descriptors and no event index are offered, which keeps this short.
 */
#include <string.h>
#include <unistd.h>
#include <linux/virtio_mmio.h>

#include "virtio.h"

/* Map the three rings; false if any lies outside guest RAM. */
bool vq_setup(struct virtqueue *vq)
{
	uint16_t num = vq->num;

	if (!num || (num & (num - 1)))
		return false;
	vq->desc = guest_ptr(vq->desc_gpa, 16ULL * num);
	vq->avail = guest_ptr(vq->avail_gpa, 6 + 2ULL * num);
	vq->used = guest_ptr(vq->used_gpa, 6 + 8ULL * num);
	vq->last_avail = 0;
	return vq->desc && vq->avail && vq->used;
}

int vq_pop(struct virtio_dev *dev, struct virtqueue *vq, struct vq_req *req)
{
	uint16_t avail_idx, i, seen = 0;
	struct vring_desc d;
	struct iovec *iov;
	void *p;

	avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		virtio_dev_broken(dev, "avail index ran ahead of the ring");
		return -1;
	}
	req->head = vq->avail->ring[vq->last_avail % vq->num];
	vq->last_avail++;
	req->nr_out = req->nr_in = 0;
	req->out_len = req->in_len = 0;

	for (i = req->head;; i = d.next) {
		if (i >= vq->num || ++seen > vq->num ||
		    req->nr_out + req->nr_in >= VQ_MAX_SEGS) {
			virtio_dev_broken(dev, "bad descriptor chain");
			return -1;
		}
		d = vq->desc[i];
		if (d.flags & VRING_DESC_F_INDIRECT) {
			virtio_dev_broken(dev, "indirect descriptor not negotiated");
			return -1;
		}
		p = guest_ptr(d.addr, d.len);
		if (!p) {
			virtio_dev_broken(dev, "buffer outside guest memory");
			return -1;
		}
		if (d.flags & VRING_DESC_F_WRITE) {
			iov = &req->in[req->nr_in++];
			req->in_len += d.len;
		} else if (req->nr_in) {
			virtio_dev_broken(dev, "readable buffer after a writable one");
			return -1;
		} else {
			iov = &req->out[req->nr_out++];
			req->out_len += d.len;
		}
		iov->iov_base = p;
		iov->iov_len = d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
	}
	return 1;
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	uint16_t idx = vq->used->idx;
	struct vring_used_elem *e = &vq->used->ring[idx % vq->num];

	e->id = head;
	e->len = len;
	__atomic_store_n(&vq->used->idx, idx + 1, __ATOMIC_RELEASE);
}

/* Interrupt the guest for used buffers, unless it asked us not to. */
void vq_signal(struct virtio_dev *dev, struct virtqueue *vq)
{
	/* Our used index must be visible before we read its flags. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	dev->isr |= VIRTIO_MMIO_INT_VRING;
	if (write(dev->irq_fd, &(uint64_t){ 1 }, 8) < 0)
		return;
}

/* Copy between buf and the [skip, skip + len) part of iov. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip,
		       uint8_t *buf, size_t len, bool to_iov)
{
	struct iovec part[VQ_MAX_SEGS];
	size_t done = 0;
	unsigned int i;

	n = iov_slice(iov, n, skip, len, part);
	for (i = 0; i < n; i++) {
		if (to_iov)
			memcpy(part[i].iov_base, buf + done, part[i].iov_len);
		else
			memcpy(buf + done, part[i].iov_base, part[i].iov_len);
		done += part[i].iov_len;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
		  void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t skip,
		  const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (uint8_t *)buf, len, true);
}

/* dst = the [skip, skip + len) part of iov; returns its element count. */
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t skip,
		       size_t len, struct iovec *dst)
{
	unsigned int i, out = 0;
	size_t chunk;

	for (i = 0; i < n && len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - skip;
		if (chunk > len)
			chunk = len;
		dst[out].iov_base = (uint8_t *)iov[i].iov_base + skip;
		dst[out].iov_len = chunk;
		out++;
		len -= chunk;
		skip = 0;
	}
	return out;
}
