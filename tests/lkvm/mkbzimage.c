// SPDX-License-Identifier: GPL-2.0
/*
 * mkbzimage: write a small fake bzImage for lkvm's tests.  It has a
 * valid setup header (or a deliberately broken one) and, as its
 * payload, a gzipped 32-bit ELF "vmlinux" that holds nothing but notes:
 * with or without kvm-lite's guest note.  Its protected-mode code is a
 * file of our choice (the stub guest, stub.c), or a single ud2.
 *
 *   mkbzimage [--code FILE] [--note VERSION] [--note-in-sections]
 *             [--protocol 0xNNN] [--zimage] [--raw-payload] OUT
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <asm/bootparam.h>
#include <linux/kvm_lite.h>

#define SETUP_SECTS	4
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define HDR_OFFSET	0x1f1
#define MAX_CODE	(1 << 20)

static void die(const char *msg)
{
	fprintf(stderr, "mkbzimage: %s\n", msg);
	exit(1);
}

struct elf {
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	Elf32_Shdr sh[2];
	Elf32_Nhdr other;	/* a note every vmlinux has: "Linux" */
	char other_name[8];
	uint32_t other_desc;
	Elf32_Nhdr note;
	char name[12];		/* "kvm-lite\0" padded to 4 */
	uint32_t desc;
} __attribute__((packed));

/* A vmlinux of notes; with_note < 0: without kvm-lite's. */
static void make_elf(struct elf *e, long version, int in_sections)
{
	size_t notes = offsetof(struct elf, other);
	size_t notes_len = sizeof(*e) - notes;

	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS32;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = ET_EXEC;
	e->eh.e_machine = EM_386;
	e->eh.e_version = EV_CURRENT;
	e->eh.e_ehsize = sizeof(e->eh);
	e->eh.e_phentsize = sizeof(e->ph);
	e->eh.e_shentsize = sizeof(e->sh[0]);
	if (in_sections) {
		e->eh.e_shoff = offsetof(struct elf, sh);
		e->eh.e_shnum = 2;
		e->sh[1].sh_type = SHT_NOTE;
		e->sh[1].sh_offset = notes;
		e->sh[1].sh_size = notes_len;
	} else {
		e->eh.e_phoff = offsetof(struct elf, ph);
		e->eh.e_phnum = 1;
		e->ph.p_type = PT_NOTE;
		e->ph.p_offset = notes;
		e->ph.p_filesz = notes_len;
	}
	e->other.n_namesz = 6;
	e->other.n_descsz = 4;
	e->other.n_type = 0x100;
	memcpy(e->other_name, "Linux", 6);
	if (version < 0)
		return;
	e->note.n_namesz = sizeof(KVM_LITE_ELFNOTE_NAME);
	e->note.n_descsz = 4;
	e->note.n_type = KVM_LITE_ELFNOTE_GUEST;
	memcpy(e->name, KVM_LITE_ELFNOTE_NAME, sizeof(KVM_LITE_ELFNOTE_NAME));
	e->desc = version;
}

static size_t gzip(const void *in, size_t len, uint8_t *out, size_t max)
{
	z_stream zs = { 0 };

	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	zs.next_in = (uint8_t *)in;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = max;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		die("deflate");
	deflateEnd(&zs);
	return max - zs.avail_out;
}

int main(int argc, char **argv)
{
	static uint8_t image[SETUP_SIZE + MAX_CODE + 4096];
	struct setup_header *hdr = (void *)(image + HDR_OFFSET);
	long version = -1, protocol = 0x20f;
	int in_sections = 0, zimage = 0, raw = 0, i;
	const char *code = NULL, *out = NULL;
	size_t code_len = 2, payload_len;
	struct elf elf;
	uint8_t *pm = image + SETUP_SIZE;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--code") && i + 1 < argc)
			code = argv[++i];
		else if (!strcmp(argv[i], "--note") && i + 1 < argc)
			version = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--note-in-sections"))
			in_sections = 1;
		else if (!strcmp(argv[i], "--protocol") && i + 1 < argc)
			protocol = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--zimage"))
			zimage = 1;
		else if (!strcmp(argv[i], "--raw-payload"))
			raw = 1;
		else if (argv[i][0] != '-' && !out)
			out = argv[i];
		else
			die("usage: mkbzimage [--code FILE] [--note VERSION] [--note-in-sections] [--protocol N] [--zimage] [--raw-payload] OUT");
	}
	if (!out)
		die("no output file");

	pm[0] = 0x0f;		/* ud2, unless there is code */
	pm[1] = 0x0b;
	if (code) {
		f = fopen(code, "rb");
		if (!f)
			die("cannot open the code file");
		code_len = fread(pm, 1, MAX_CODE, f);
		fclose(f);
	}
	code_len = (code_len + 15) & ~15u;

	make_elf(&elf, version, in_sections);
	if (raw) {
		memcpy(pm + code_len, &elf, sizeof(elf));
		payload_len = sizeof(elf);
	} else {
		payload_len = gzip(&elf, sizeof(elf), pm + code_len, 4096);
	}

	image[0x1fe] = 0x55;
	image[0x1ff] = 0xaa;
	image[0x200] = 0xeb;			/* jmp over the header */
	image[0x201] = 0x26c - 0x202;		/* the header ends at 0x26c */
	hdr->setup_sects = SETUP_SECTS;
	hdr->boot_flag = 0xaa55;
	hdr->header = 0x53726448;		/* "HdrS" */
	hdr->version = protocol;
	hdr->loadflags = zimage ? 0 : LOADED_HIGH;
	hdr->code32_start = 0x100000;
	hdr->initrd_addr_max = 0x7fffffff;
	hdr->cmdline_size = 2047;
	hdr->payload_offset = code_len;
	hdr->payload_length = payload_len;
	hdr->init_size = 1 << 20;

	f = fopen(out, "wb");
	if (!f || fwrite(image, 1, SETUP_SIZE + code_len + payload_len, f) !=
	    SETUP_SIZE + code_len + payload_len || fclose(f))
		die("cannot write the output file");
	return 0;
}
