// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: port I/O that KVM's in-kernel devices (PIC, PIT, speaker port)
 * did not take.  A port nobody emulates behaves as on an empty ISA bus:
 * reads return all ones, writes vanish.  Linux probes many such ports
 * (other UARTs, PCI configuration, the 0x80 delay port); they are
 * counted, not reported, and the count appears in crash diagnostics.
 */
#include <string.h>

#include "lkvm.h"

unsigned long unknown_io_count;
unsigned long unknown_mmio_count;

void ioport_exit(uint16_t port, uint8_t *data, int size, bool is_write)
{
	bool done = false;

	if (size == 1) {
		pthread_mutex_lock(&dev_lock);
		done = serial_io(port, data, is_write) ||
		       rtc_io(port, data, is_write);
		pthread_mutex_unlock(&dev_lock);
	}
	if (done)
		return;
	unknown_io_count++;
	if (!is_write)
		memset(data, 0xff, size);
}
