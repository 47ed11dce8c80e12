// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: read a bzImage and check, before any VM exists, that it can run
 * as a kvm-lite guest: a setup header ("HdrS") of boot protocol 2.07 or
 * later, loaded high, and a vmlinux that carries kvm-lite's ELF note.
 * Documentation/arch/x86/boot.rst describes the header.
 */
#include <errno.h>
#include <string.h>
#include <asm/bootparam.h>

#include "lkvm.h"

/* Offsets into the file: the setup header sits at 0x1f1. */
#define HDR_OFFSET	0x1f1
#define HDR_FIELD(f)	(HDR_OFFSET + offsetof(struct setup_header, f))
#define HDR_MAGIC	0x53726448	/* "HdrS" */

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void bzimage_read(const char *path, struct bzimage *bz)
{
	const struct setup_header *hdr;
	unsigned int setup_sects;
	uint32_t off, len;

	if (read_whole_file(path, &bz->file, &bz->size) < 0)
		die_perror("cannot read kernel '%s'", path);
	if (bz->size < HDR_FIELD(payload_length) + 4 ||
	    get32(bz->file + HDR_FIELD(header)) != HDR_MAGIC)
		die("'%s' is not a bzImage (no \"HdrS\" setup header)", path);

	/* The file is not aligned for us; the header is packed anyway. */
	hdr = (const struct setup_header *)(bz->file + HDR_OFFSET);
	bz->protocol = hdr->version;
	if (bz->protocol < 0x207)
		die("'%s' uses boot protocol %u.%02u; lkvm needs 2.07 or later",
		    path, bz->protocol >> 8, bz->protocol & 0xff);
	if (!(hdr->loadflags & LOADED_HIGH))
		die("'%s' is a zImage, not a bzImage (not loaded high)", path);

	setup_sects = hdr->setup_sects ? hdr->setup_sects : 4;
	bz->setup_size = (setup_sects + 1) * 512;
	if (bz->setup_size >= bz->size)
		die("'%s' is truncated: no protected-mode kernel after its %zu bytes of setup",
		    path, bz->setup_size);

	/*
	 * Protocol 2.08 says where the compressed vmlinux is; without it
	 * there is nothing to check for guest support.
	 */
	if (bz->protocol < 0x208)
		die("'%s' uses boot protocol 2.07, which does not locate its vmlinux; cannot check it for kvm-lite guest support",
		    path);
	off = hdr->payload_offset;
	len = hdr->payload_length;
	if (!len || off > bz->size - bz->setup_size ||
	    len > bz->size - bz->setup_size - off)
		die("'%s' is truncated: its payload lies outside the file", path);
	check_guest_note(path, bz->file + bz->setup_size + off, len);
}
