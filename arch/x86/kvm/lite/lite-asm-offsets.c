// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offsets into struct lite_cpu_pages for switcher.S, which reaches all
 * of a CPU's hole pages through one pointer to page A.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include "switcher.h"

#define LITE_OFFSET(sym, member) \
	OFFSET(sym, lite_cpu_pages, member)

static void __used common(void)
{
	LITE_OFFSET(LITE_A_regs, a.regs);
	LITE_OFFSET(LITE_B_gdt, b.gdt);
	LITE_OFFSET(LITE_B_idt, b.idt);
	LITE_OFFSET(LITE_B_gdt_desc, b.gdt_desc);
	LITE_OFFSET(LITE_B_idt_desc, b.idt_desc);
	LITE_OFFSET(LITE_B_nmi_pending, b.nmi_pending);
	LITE_OFFSET(LITE_C_host_sp, c.host_sp);
	LITE_OFFSET(LITE_C_host_gdt_rw, c.host_gdt_rw);
	LITE_OFFSET(LITE_C_host_gdt_ro, c.host_gdt_ro);
	LITE_OFFSET(LITE_C_host_idt, c.host_idt);
	LITE_OFFSET(LITE_C_cr2, c.cr2);
	LITE_OFFSET(LITE_C_exit_sp, c.exit_sp);
}
