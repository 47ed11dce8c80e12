/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test guests' tiny runtime.  The host harness (run-guests.c) owns the
 * ports below; everything the guest wants to say is a line on PORT_CONSOLE
 * in ktest format ("ok - ..."/"not ok - ..."), and it ends by writing its
 * exit status to PORT_EXIT.
 */
#ifndef GUEST_H
#define GUEST_H

#include "guest-abi.h"

#ifndef __ASSEMBLER__
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct trap_frame {
	u32 edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
	u32 vector, error_code;
	u32 eip, cs, eflags;
	u32 user_esp, user_ss;		/* only from ring 3 */
};

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 read_cr2(void)
{
	u32 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

void puts(const char *s);
void put_hex(u32 v);
void put_dec(u32 v);
int check(int cond, const char *what);
int check_eq(u32 got, u32 want, const char *what);
void set_gate(int vector, void (*entry)(void), int dpl);
void guest_exit(u32 status);

/* Set by guest_trap() for the test to inspect. */
extern volatile u32 trap_count, last_vector, last_error, last_eip, last_cs;
/* If non-zero, guest_trap() resumes the faulting code there. */
extern volatile u32 trap_resume;
extern void (*trap_hook)(struct trap_frame *f);

extern void trap_entry_0(void), trap_entry_3(void), trap_entry_6(void);
extern void trap_entry_13(void), trap_entry_14(void);
extern void trap_entry_32(void), trap_entry_48(void), trap_entry_128(void);

int guest_main(void);
#endif

#endif /* GUEST_H */
