// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: put a bzImage into guest memory and set up the vCPU as the x86
 * boot protocol's 32-bit entry expects (Documentation/arch/x86/boot.rst,
 * "32-bit boot protocol").  kvm-lite runs protected mode natively, so we
 * skip the real-mode setup code and enter the kernel in protected mode,
 * as kvmtool and QEMU do for their fast paths.
 *
 * Guest physical layout, all below 1 MB in what the e820 table calls
 * RAM (the kernel reuses it once it has copied what it needs):
 *
 *   0x01000  GDT: flat code at 0x10, flat data at 0x18 (__BOOT_CS/DS)
 *   0x10000  boot_params (the "zero page")
 *   0x20000  kernel command line
 *   0xf0000  MP table (mptable.c), in the reserved BIOS area
 *   1 MB     the protected-mode kernel (code32_start)
 *   top      the initrd, below hdr.initrd_addr_max
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <asm/bootparam.h>
#include <asm/e820.h>
#include <linux/kvm.h>
#include <linux/kvm_lite.h>

#include "lkvm.h"

#define GDT_ADDR		0x1000
#define BOOT_PARAMS_ADDR	0x10000
#define CMDLINE_ADDR		0x20000
#define CMDLINE_MAX		0x10000
#define KERNEL_ADDR		0x100000
#define BDA_EBDA_SEG		0x40e	/* BIOS data area: EBDA segment */
#define BDA_BASE_MEM_KB		0x413	/* BIOS data area: base memory size */
#define EBDA_ADDR		0x9fc00
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define HDR_OFFSET		0x1f1

/* A flat 4 GB segment descriptor with the given access byte. */
static uint64_t flat_desc(uint8_t access)
{
	/* limit 0xfffff in 4 KB pages (G), 32-bit (D/B), base 0. */
	return 0x00cf00000000ffffULL | (uint64_t)access << 40;
}

static void setup_gdt(void)
{
	uint64_t *gdt = guest_ptr(GDT_ADDR, 4 * 8);

	gdt[0] = 0;
	gdt[1] = 0;
	/* Present, DPL 0, code (readable) or data (writable), accessed. */
	gdt[BOOT_CS / 8] = flat_desc(0x9b);
	gdt[BOOT_DS / 8] = flat_desc(0x93);
}

static void add_e820(struct boot_params *bp, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

/* Load the initrd as high as the kernel allows, page aligned. */
static void load_initrd(struct boot_params *bp, const char *path,
			uint64_t kernel_end)
{
	uint64_t top = ram_size;
	uint8_t *data;
	size_t size;
	uint64_t addr;

	if (read_whole_file(path, &data, &size) < 0)
		die_perror("cannot read initrd '%s'", path);
	if ((uint64_t)bp->hdr.initrd_addr_max + 1 < top)
		top = (uint64_t)bp->hdr.initrd_addr_max + 1;
	addr = (top - size) & ~0xfffULL;
	if (size > top || addr < kernel_end)
		die("initrd '%s' (%zu KB) does not fit in %llu MB of guest memory beside the kernel",
		    path, size >> 10, (unsigned long long)ram_size >> 20);
	memcpy(guest_ptr(addr, size), data, size);
	free(data);
	bp->hdr.ramdisk_image = addr;
	bp->hdr.ramdisk_size = size;
}

static void setup_cpu(void)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_CS,
		.type = 0xb, .present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_segment data = code;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	data.selector = BOOT_DS;
	data.type = 0x3;
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = 0x11;		/* PE, ET; paging off */
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");

	regs.rflags = 0x2;
	regs.rsi = BOOT_PARAMS_ADDR;
	regs.rip = KERNEL_ADDR;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}

void boot_setup(const struct options *opt, const struct bzimage *bz,
		const char *cmdline)
{
	struct boot_params *bp = guest_ptr(BOOT_PARAMS_ADDR, sizeof(*bp));
	const struct setup_header *hdr =
		(const struct setup_header *)(bz->file + HDR_OFFSET);
	size_t kernel_size = bz->size - bz->setup_size;
	uint64_t kernel_end;
	size_t hdr_end, len = strlen(cmdline);
	uint32_t cmdline_max;
	uint16_t *bda;

	/*
	 * The kernel decompresses itself to pref_address (protocol 2.10)
	 * and needs init_size bytes there: the initrd must stay clear.
	 */
	kernel_end = KERNEL_ADDR + kernel_size;
	if (bz->protocol >= 0x20a && hdr->pref_address + hdr->init_size >
	    kernel_end)
		kernel_end = hdr->pref_address + hdr->init_size;
	if (kernel_end > ram_size)
		die("kernel '%s' needs %llu MB of guest memory; -m gives %u",
		    opt->kernel,
		    (unsigned long long)(kernel_end + (1 << 20) - 1) >> 20,
		    opt->mem_mb);
	memcpy(guest_ptr(KERNEL_ADDR, kernel_size),
	       bz->file + bz->setup_size, kernel_size);

	/*
	 * The setup header goes into boot_params as the file has it, up to
	 * the end its jump instruction (at 0x200) announces.
	 */
	memset(bp, 0, sizeof(*bp));
	hdr_end = 0x202 + bz->file[0x201];
	if (hdr_end > HDR_OFFSET + sizeof(bp->hdr))
		hdr_end = HDR_OFFSET + sizeof(bp->hdr);
	memcpy(&bp->hdr, bz->file + HDR_OFFSET, hdr_end - HDR_OFFSET);
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.vid_mode = 0xffff;		/* "normal" */
	bp->hdr.hardware_subarch = KVM_LITE_HARDWARE_SUBARCH;

	cmdline_max = bp->hdr.cmdline_size ? bp->hdr.cmdline_size : 255;
	if (cmdline_max > CMDLINE_MAX - 1)
		cmdline_max = CMDLINE_MAX - 1;
	if (len > cmdline_max)
		die("kernel command line too long (%zu bytes; the kernel takes %u)",
		    len, cmdline_max);
	memcpy(guest_ptr(CMDLINE_ADDR, len + 1), cmdline, len + 1);
	bp->hdr.cmd_line_ptr = CMDLINE_ADDR;

	if (opt->initrd)
		load_initrd(bp, opt->initrd, kernel_end);

	add_e820(bp, 0, EBDA_ADDR, E820_RAM);
	add_e820(bp, EBDA_ADDR, KERNEL_ADDR - EBDA_ADDR, E820_RESERVED);
	add_e820(bp, KERNEL_ADDR, ram_size - KERNEL_ADDR, E820_RAM);

	/* What a BIOS leaves for the kernel's EBDA and MP table scans. */
	bda = guest_ptr(BDA_EBDA_SEG, 2);
	*bda = EBDA_ADDR >> 4;
	bda = guest_ptr(BDA_BASE_MEM_KB, 2);
	*bda = EBDA_ADDR >> 10;

	setup_gdt();
	mptable_setup();
	setup_cpu();
}
