// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: does this kernel know it may run as a kvm-lite guest?  A kernel
 * that does not would only crash in ring 1, so lkvm refuses it.  The
 * answer is an ELF note in vmlinux (see <linux/kvm_lite.h>), which a
 * bzImage carries compressed as its payload.  We inflate the payload
 * only as far as the note segments reach, not the whole kernel.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <linux/kvm_lite.h>

#include "lkvm.h"

#define CHUNK		(256 * 1024)

struct vmlinux {
	uint8_t *buf;
	size_t len, cap;
};

/*
 * How far into vmlinux the data we need goes: the ELF and program
 * headers, then every PT_NOTE segment.  0 while the headers themselves
 * are not inflated yet; SIZE_MAX when the file has no PT_NOTE.
 */
static size_t needed(const char *path, const struct vmlinux *v)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)v->buf;
	const Elf32_Phdr *ph;
	size_t end, i;

	if (v->len < sizeof(*eh))
		return 0;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		die("'%s': the bzImage payload is not an ELF vmlinux", path);
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386)
		die("'%s' is not a 32-bit x86 kernel", path);
	end = (size_t)eh->e_phoff + (size_t)eh->e_phnum * sizeof(*ph);
	if (v->len < end)
		return end;
	ph = (const Elf32_Phdr *)(v->buf + eh->e_phoff);
	end = 0;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_NOTE &&
		    ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	return end ? end : SIZE_MAX;
}

/* Walk one block of notes; the kvm-lite note's ABI version, or -1. */
static long find_note(const uint8_t *p, size_t len)
{
	const char *name = KVM_LITE_ELFNOTE_NAME;
	size_t namesz = strlen(name) + 1;
	const Elf32_Nhdr *n;
	size_t off = 0, nsz, dsz;

	while (off + sizeof(*n) <= len) {
		n = (const Elf32_Nhdr *)(p + off);
		nsz = (n->n_namesz + 3) & ~3u;
		dsz = (n->n_descsz + 3) & ~3u;
		off += sizeof(*n);
		if (nsz > len - off || dsz > len - off - nsz)
			return -1;
		if (n->n_type == KVM_LITE_ELFNOTE_GUEST &&
		    n->n_namesz == namesz && n->n_descsz >= 4 &&
		    !memcmp(p + off, name, namesz)) {
			const uint8_t *d = p + off + nsz;

			return d[0] | d[1] << 8 | d[2] << 16 |
			       (uint32_t)d[3] << 24;
		}
		off += nsz + dsz;
	}
	return -1;
}

/* The note may also be found through the section headers. */
static long scan_sections(const struct vmlinux *v)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)v->buf;
	const Elf32_Shdr *sh;
	long ver;
	size_t i;

	if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > v->len)
		return -1;
	sh = (const Elf32_Shdr *)(v->buf + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_NOTE ||
		    sh[i].sh_offset + (size_t)sh[i].sh_size > v->len)
			continue;
		ver = find_note(v->buf + sh[i].sh_offset, sh[i].sh_size);
		if (ver >= 0)
			return ver;
	}
	return -1;
}

static long scan_segments(const struct vmlinux *v)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)v->buf;
	const Elf32_Phdr *ph = (const Elf32_Phdr *)(v->buf + eh->e_phoff);
	long ver;
	size_t i;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		ver = find_note(v->buf + ph[i].p_offset, ph[i].p_filesz);
		if (ver >= 0)
			return ver;
	}
	return -1;
}

void check_guest_note(const char *path, const uint8_t *payload, size_t len)
{
	struct vmlinux v = { 0 };
	z_stream zs = { 0 };
	size_t want = 0;
	long ver;
	int ret = Z_OK;

	if (len < 2 || payload[0] != 0x1f || payload[1] != 0x8b)
		die("'%s': cannot check for kvm-lite guest support: its payload is not gzip-compressed (lkvm reads gzip only)",
		    path);
	/* 16 + MAX_WBITS: a gzip stream, header and trailer included. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		die("zlib: %s", zs.msg ? zs.msg : "inflateInit2 failed");
	zs.next_in = (uint8_t *)payload;
	zs.avail_in = len;
	while (ret != Z_STREAM_END) {
		if (v.len == v.cap) {
			v.cap += CHUNK;
			v.buf = realloc(v.buf, v.cap);
			if (!v.buf)
				die("out of memory inflating '%s'", path);
		}
		zs.next_out = v.buf + v.len;
		zs.avail_out = v.cap - v.len;
		ret = inflate(&zs, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END)
			die("'%s': its gzip payload is corrupt (%s)", path,
			    zs.msg ? zs.msg : "inflate failed");
		v.len = v.cap - zs.avail_out;
		want = needed(path, &v);
		if (want && want != SIZE_MAX && v.len >= want)
			break;
	}
	inflateEnd(&zs);

	if (!want || (want != SIZE_MAX && v.len < want))
		die("'%s': its vmlinux is truncated", path);
	ver = want == SIZE_MAX ? scan_sections(&v) : scan_segments(&v);
	free(v.buf);
	if (ver < 0)
		die("'%s' lacks kvm-lite guest support (no \"%s\" ELF note in its vmlinux)",
		    path, KVM_LITE_ELFNOTE_NAME);
	if (ver != KVM_LITE_GUEST_ABI_VERSION)
		die("'%s' speaks kvm-lite guest ABI %ld; this lkvm speaks %d",
		    path, ver, KVM_LITE_GUEST_ABI_VERSION);
}
