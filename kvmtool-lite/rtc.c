// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: the MC146818 CMOS clock at ports 0x70/0x71, read-only, enough
 * for the kernel to learn the wall clock time at boot.  Without it the
 * all-ones reads of an empty port would show "update in progress"
 * forever.  Registers are in BCD, 24-hour mode, as a PC BIOS leaves them.
 */
#include <time.h>

#include "lkvm.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71

static uint8_t index_reg;

static uint8_t bcd(int v)
{
	return (v / 10) << 4 | (v % 10);
}

static uint8_t rtc_read(uint8_t reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return tm.tm_wday + 1;
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd(tm.tm_year / 100 + 19);	/* century */
	case 0x0a: return 0x26;	/* 32.768 kHz base, no update in progress */
	case 0x0b: return 0x02;	/* 24-hour mode, BCD, no interrupts */
	case 0x0d: return 0x80;	/* battery good */
	default: return 0;
	}
}

bool rtc_io(uint16_t port, uint8_t *data, bool is_write)
{
	if (port == RTC_INDEX) {
		/* Bit 7 masks NMIs on a PC; only the index matters here. */
		if (is_write)
			index_reg = *data & 0x7f;
		else
			*data = 0xff;
		return true;
	}
	if (port != RTC_DATA)
		return false;
	if (!is_write)
		*data = rtc_read(index_reg);
	return true;
}
