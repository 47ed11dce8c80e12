// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: virtio-blk (-d image), /dev/vda in the guest: a raw image file,
 * read and written with pread and pwrite, flushed with fdatasync.
 * Requests are handled in the I/O thread, one after another.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "virtio.h"

#define SECTOR		512
#define QUEUE_SIZE	128
/* A request is a header, the data segments and a status byte. */
#define SEG_MAX		(VQ_MAX_SEGS - 2)

struct blk {
	int fd;
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];
	struct virtio_blk_config config;
	struct virtio_ops ops;
};

/* Checked before the VM exists, so that a bad image is a clear error. */
int disk_open(const char *path, uint64_t *size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_perror("cannot open disk image '%s'", path);
	if (fstat(fd, &st) < 0)
		die_perror("disk image '%s'", path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		die("disk image '%s' is not a file or block device", path);
	if (S_ISBLK(st.st_mode))
		st.st_size = lseek(fd, 0, SEEK_END);
	if (st.st_size % SECTOR)
		die("disk image '%s': its size (%lld bytes) is not a multiple of 512",
		    path, (long long)st.st_size);
	*size = st.st_size;
	return fd;
}

static uint8_t do_rw(struct blk *blk, const struct vq_req *req,
		     uint32_t type, uint64_t sector, uint32_t *written)
{
	struct iovec iov[VQ_MAX_SEGS];
	unsigned int n;
	size_t len;
	ssize_t r;

	if (type == VIRTIO_BLK_T_IN) {
		len = req->in_len - 1;		/* less the status byte */
		n = iov_slice(req->in, req->nr_in, 0, len, iov);
	} else {
		len = req->out_len - sizeof(struct virtio_blk_outhdr);
		n = iov_slice(req->out, req->nr_out,
			      sizeof(struct virtio_blk_outhdr), len, iov);
	}
	if (len % SECTOR || sector > blk->sectors ||
	    len / SECTOR > blk->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	do {
		if (type == VIRTIO_BLK_T_IN)
			r = preadv(blk->fd, iov, n, sector * SECTOR);
		else
			r = pwritev(blk->fd, iov, n, sector * SECTOR);
	} while (r < 0 && errno == EINTR);
	/* Short transfers of a regular file only happen on errors. */
	if (r != (ssize_t)len)
		return VIRTIO_BLK_S_IOERR;
	if (type == VIRTIO_BLK_T_IN)
		*written = len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t handle(struct blk *blk, const struct vq_req *req,
		      uint32_t *written)
{
	struct virtio_blk_outhdr hdr;

	if (iov_to_buf(req->out, req->nr_out, 0, &hdr, sizeof(hdr)) !=
	    sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return do_rw(blk, req, hdr.type, hdr.sector, written);
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(blk->fd))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		*written = buf_to_iov(req->in, req->nr_in, 0, blk->id,
				      req->in_len - 1 < sizeof(blk->id) ?
				      req->in_len - 1 : sizeof(blk->id));
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(struct virtio_dev *dev, unsigned int q)
{
	struct blk *blk = dev->priv;
	struct virtqueue *vq = &dev->vq[q];
	struct vq_req req;
	uint32_t written;
	uint8_t status;
	int done = 0;

	while (vq_pop(dev, vq, &req) > 0) {
		written = 0;
		if (!req.in_len) {
			virtio_dev_broken(dev, "request without a status byte");
			return;
		}
		status = handle(blk, &req, &written);
		buf_to_iov(req.in, req.nr_in, req.in_len - 1, &status, 1);
		vq_push(vq, req.head, written + 1);
		done = 1;
	}
	if (done)
		vq_signal(dev, vq);
}

/* fd and size: from disk_open(). */
void virtio_blk_init(int fd, uint64_t size)
{
	struct blk *blk = xmalloc(sizeof(*blk));

	blk->fd = fd;
	blk->sectors = size / SECTOR;
	strncpy(blk->id, "lkvm-vda", sizeof(blk->id));
	blk->config.capacity = blk->sectors;
	blk->config.seg_max = SEG_MAX;
	blk->ops = (struct virtio_ops) {
		.name = "blk",
		.device_id = VIRTIO_ID_BLOCK,
		.features = 1ULL << VIRTIO_F_VERSION_1 |
			    1ULL << VIRTIO_BLK_F_FLUSH |
			    1ULL << VIRTIO_BLK_F_SEG_MAX,
		.nr_queues = 1,
		.queue_max = QUEUE_SIZE,
		.config = &blk->config,
		.config_size = sizeof(blk->config),
		.notify = blk_notify,
	};
	virtio_mmio_register(&blk->ops, blk);
}
