// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: the virtio-mmio transport, version 2 (virtio 1.0).  Device n
 * sits at 0xd0000000 + n * 0x200 with an ISA IRQ from a fixed list, and
 * is announced on the kernel command line
 * (virtio_mmio.device=0x200@0xd0000000:5; see README.md for why not a
 * device tree).  Register accesses exit to us (KVM_EXIT_MMIO) except
 * QueueNotify, which an ioeventfd turns into an eventfd signal for the
 * I/O thread.  Interrupts go in through an irqfd: each signal is one
 * edge on the ISA line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "virtio.h"

#define MMIO_BASE	0xd0000000ULL
#define MMIO_SIZE	0x200
#define MMIO_MAGIC	0x74726976	/* "virt" */
#define MMIO_VENDOR	0x4d564b4c	/* "LKVM" */

static const unsigned int irqs[] = { 5, 6, 7, 9, 10, 11 };
#define MAX_DEVS	(sizeof(irqs) / sizeof(irqs[0]))

static struct virtio_dev *devs[MAX_DEVS];
static unsigned int nr_devs;

struct notify {
	struct virtio_dev *dev;
	unsigned int q;
	int fd;
};

/* I/O thread: the guest wrote QueueNotify. */
static void notified(void *arg)
{
	struct notify *n = arg;
	uint64_t count;

	if (read(n->fd, &count, sizeof(count)) < 0)
		return;
	pthread_mutex_lock(&dev_lock);
	if (virtio_dev_ok(n->dev) && n->dev->vq[n->q].ready)
		n->dev->ops->notify(n->dev, n->q);
	pthread_mutex_unlock(&dev_lock);
}

static void add_ioeventfd(struct virtio_dev *dev, unsigned int q)
{
	struct notify *n = xmalloc(sizeof(*n));
	struct kvm_ioeventfd ioev = {
		.datamatch = q,
		.addr = dev->base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	n->dev = dev;
	n->q = q;
	n->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->fd < 0)
		die_perror("eventfd");
	ioev.fd = n->fd;
	if (ioctl(vm_fd, KVM_IOEVENTFD, &ioev) < 0)
		die_perror("KVM_IOEVENTFD");
	ioloop_add(n->fd, notified, n);
}

struct virtio_dev *virtio_mmio_register(const struct virtio_ops *ops,
					void *priv)
{
	struct virtio_dev *dev = xmalloc(sizeof(*dev));
	struct kvm_irqfd irqfd = { 0 };
	unsigned int q;

	if (nr_devs == MAX_DEVS)
		die("too many virtio devices (at most %zu)", MAX_DEVS);
	dev->ops = ops;
	dev->priv = priv;
	dev->base = MMIO_BASE + nr_devs * MMIO_SIZE;
	dev->irq = irqs[nr_devs];
	dev->irq_fd = eventfd(0, EFD_CLOEXEC);
	if (dev->irq_fd < 0)
		die_perror("eventfd");
	irqfd.fd = dev->irq_fd;
	irqfd.gsi = dev->irq;
	if (ioctl(vm_fd, KVM_IRQFD, &irqfd) < 0)
		die_perror("KVM_IRQFD");
	for (q = 0; q < ops->nr_queues; q++)
		add_ioeventfd(dev, q);
	devs[nr_devs++] = dev;
	return dev;
}

/* The kernel parameters that announce every device. */
void virtio_mmio_cmdline(char *buf, size_t size)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < nr_devs && n < size; i++)
		n += snprintf(buf + n, size - n,
			      " virtio_mmio.device=%#x@%#llx:%u", MMIO_SIZE,
			      (unsigned long long)devs[i]->base, devs[i]->irq);
}

bool virtio_dev_ok(struct virtio_dev *dev)
{
	return (dev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(dev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* The driver broke a rule: stop, and tell it (virtio 1.0, 2.1.2). */
void virtio_dev_broken(struct virtio_dev *dev, const char *why)
{
	if (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	warn("virtio-%s: %s; device stopped until reset", dev->ops->name, why);
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	dev->isr |= VIRTIO_MMIO_INT_CONFIG;
	if (write(dev->irq_fd, &(uint64_t){ 1 }, 8) < 0)
		return;
}

static void reset(struct virtio_dev *dev)
{
	dev->status = 0;
	dev->isr = 0;
	dev->dev_features_sel = dev->drv_features_sel = dev->queue_sel = 0;
	dev->drv_features = 0;
	memset(dev->vq, 0, sizeof(dev->vq));
	if (dev->ops->reset)
		dev->ops->reset(dev);
}

static void set_status(struct virtio_dev *dev, uint32_t status)
{
	uint32_t was = dev->status;

	if (!status) {
		reset(dev);
		return;
	}
	/* FEATURES_OK only for a subset of ours that includes VERSION_1. */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(was & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((dev->drv_features & ~dev->ops->features) ||
	     !(dev->drv_features & (1ULL << VIRTIO_F_VERSION_1))))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	dev->status = status | (was & VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(was & VIRTIO_CONFIG_S_DRIVER_OK) && dev->ops->driver_ok)
		dev->ops->driver_ok(dev);
}

static struct virtqueue *cur_vq(struct virtio_dev *dev)
{
	if (dev->queue_sel >= dev->ops->nr_queues)
		return NULL;
	return &dev->vq[dev->queue_sel];
}

static void set_addr(uint64_t *addr, bool high, uint32_t v)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | v;
}

static uint32_t reg_read(struct virtio_dev *dev, unsigned int off)
{
	struct virtqueue *vq = cur_vq(dev);
	uint64_t feat = dev->ops->features;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->dev_features_sel > 1)
			return 0;
		return feat >> (32 * dev->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? dev->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return dev->isr;
	case VIRTIO_MMIO_STATUS:
		return dev->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;	/* our config space never changes */
	default:
		return 0;
	}
}

static void reg_write(struct virtio_dev *dev, unsigned int off, uint32_t v)
{
	struct virtqueue *vq = cur_vq(dev);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->dev_features_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->drv_features_sel <= 1)
			set_addr(&dev->drv_features, dev->drv_features_sel, v);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->drv_features_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = v;
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		dev->isr &= ~v;
		return;
	case VIRTIO_MMIO_STATUS:
		set_status(dev, v);
		return;
	}
	/* The rest configure the selected queue, and only while it is off. */
	if (!vq || (vq->ready && off != VIRTIO_MMIO_QUEUE_READY))
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!v)
			vq->ready = false;
		else if (!vq_setup(vq) || vq->num > dev->ops->queue_max)
			virtio_dev_broken(dev, "bad virtqueue set-up");
		else
			vq->ready = true;
		break;
	/* Each address is a LOW register and, 4 bytes on, a HIGH one. */
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_addr(&vq->desc_gpa, off & 4, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_addr(&vq->avail_gpa, off & 4, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_addr(&vq->used_gpa, off & 4, v);
		break;
	}
}

/* Config space: read-only here, any width, little-endian as we are. */
static void config_access(struct virtio_dev *dev, unsigned int off,
			  uint8_t *data, int len, bool is_write)
{
	const uint8_t *cfg = dev->ops->config;

	if (is_write)
		return;
	memset(data, 0, len);
	if (off < dev->ops->config_size) {
		if ((size_t)len > dev->ops->config_size - off)
			len = dev->ops->config_size - off;
		memcpy(data, cfg + off, len);
	}
}

/* vCPU thread, on KVM_EXIT_MMIO; false if no device is there. */
bool virtio_mmio_exit(uint64_t addr, uint8_t *data, int len, bool is_write)
{
	struct virtio_dev *dev;
	unsigned int off;
	uint32_t v = 0;

	if (addr < MMIO_BASE || addr >= MMIO_BASE + nr_devs * MMIO_SIZE)
		return false;
	dev = devs[(addr - MMIO_BASE) / MMIO_SIZE];
	off = (addr - MMIO_BASE) % MMIO_SIZE;

	pthread_mutex_lock(&dev_lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		config_access(dev, off - VIRTIO_MMIO_CONFIG, data, len,
			      is_write);
	} else if (len != 4 || (off & 3)) {
		/* The registers are 32 bits wide and aligned. */
		if (!is_write)
			memset(data, 0xff, len);
	} else if (is_write) {
		memcpy(&v, data, 4);
		reg_write(dev, off, v);
	} else {
		v = reg_read(dev, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&dev_lock);
	return true;
}
