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
/* kvm-lite's own hypercall numbers (plain defines, usable here). */
#include "../../include/uapi/linux/kvm_lite.h"

/* KVM's hypercall ABI, from <linux/kvm_para.h> (not usable freestanding). */
#define KVM_HC_VAPIC_POLL_IRQ	1
#define KVM_ENOSYS		1000
#define KVM_EFAULT		14	/* EFAULT */
#define KVM_EPERM		1	/* EPERM */
#define KVM_EINVAL		22	/* EINVAL */
#define KVM_EOPNOTSUPP		95	/* EOPNOTSUPP */

#define X86_CR0_PE		0x00000001
#define X86_CR0_ET		0x00000010
#define X86_CR0_WP		0x00010000
#define X86_CR0_PG		0x80000000
#define X86_CR4_PSE		0x00000010

#define STR(x)			#x
#define XSTR(x)			STR(x)

#ifndef __ASSEMBLER__
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define NULL			((void *)0)

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

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
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

static inline u32 read_cr0(void)
{
	u32 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u32 read_cr3(void)
{
	u32 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline u32 read_cr4(void)
{
	u32 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* "memory": code after a CR0/CR3/CR4 write may see memory differently. */
static inline void write_cr0(u32 v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr3(u32 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(u32 addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/* The word at %gs:0, with %gs freshly loaded with @selector. */
static inline u32 read_gs0(u16 selector)
{
	u32 v;

	asm volatile("movw %w1, %%gs\n\t"
		     "movl %%gs:0, %0"
		     : "=r"(v) : "r"(selector) : "memory");
	return v;
}

static inline void write_cr4(u32 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* The CS selector as the CPU holds it (RPL 1 for a kvm-lite guest kernel). */
static inline u32 read_cs(void)
{
	u32 v;

	asm volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(0));
}

/*
 * The CPUID the VMM gave this vCPU.  cpuid itself runs natively in ring 1
 * and shows the host's (a documented hole); kvm-lite's hypercall doesn't.
 */
static inline void lite_cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("vmcall"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(KVM_HC_LITE_CPUID), "b"(leaf), "c"(0)
		     : "memory");
}

static inline u64 rdmsr(u32 msr)
{
	u64 v;

	asm volatile("rdmsr" : "=A"(v) : "c"(msr));
	return v;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "A"(v) : "memory");
}

static inline u64 rdtsc(void)
{
	u64 v;

	asm volatile("rdtsc" : "=A"(v));
	return v;
}

/*
 * KVM's hypercall: vmcall, EAX = number, EBX, ECX, EDX, ESI = arguments,
 * result in EAX.  Without VMX it raises #UD, which kvm-lite catches.
 */
static inline u32 hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3)
{
	u32 ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
		     : "memory");
	return ret;
}

/* The local APIC's xAPIC page, where KVM's in-kernel APIC answers. */
#define LAPIC_BASE		0xfee00000
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ISR		0x100
#define APIC_IRR		0x200
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3e0
#define SVR_ENABLE		0x100
#define TDCR_DIV_1		0xb

static inline u32 lapic_read(u32 reg)
{
	return *(volatile u32 *)(LAPIC_BASE + reg);
}

static inline void lapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(LAPIC_BASE + reg) = v;
}

/* @vector's bit in a 256-bit register of the APIC (ISR, IRR, TMR). */
static inline int lapic_vector_bit(u32 reg, u32 vector)
{
	return (lapic_read(reg + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

/* GDTR and IDTR as sgdt/lgdt see them. */
struct desc_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

static inline void sgdt(struct desc_ptr *p)
{
	asm volatile("sgdt %0" : "=m"(*p));
}

static inline void lgdt(const struct desc_ptr *p)
{
	asm volatile("lgdt %0" : : "m"(*p) : "memory");
}

static inline void lidt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p) : "memory");
}

/* Descriptor access bytes (type | S | DPL | P). */
#define DESC_CODE(dpl)		(0x9a | ((dpl) << 5))	/* execute/read */
#define DESC_DATA(dpl)		(0x92 | ((dpl) << 5))	/* read/write */
#define DESC_CALL_GATE(dpl)	(0x8c | ((dpl) << 5))	/* 32-bit */
#define DESC_LDT		0x82
#define DESC_TSS		0x89			/* available */

u64 make_desc(u32 base, u32 limit, u32 access);
u64 gate_desc(u16 selector, u32 offset, u32 access);

#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_U			0x004
#define PDE_PS			0x080	/* a 4 MB page (CR4.PSE) */

void puts(const char *s);
void put_hex(u32 v);
void put_dec(u32 v);
int check(int cond, const char *what);
int check_eq(u32 got, u32 want, const char *what);
const char *join(const char *a, const char *b);
void set_gate(int vector, void (*entry)(void), int dpl);
void set_trap_gate(int vector, void (*entry)(void), int dpl);
void set_soft_gate(int vector, int dpl);
void clear_gate(int vector);
void expect(const char *ending);
int harness(struct harness_req *r);
u32 hole_base(void);
u32 fault_on_this_cpu_page_b(void (*access)(u32 addr), u32 *traps);
u32 copy_to_this_cpu_page_a(const void *src, u32 len);
u64 vcpu_page_tsc_ns(u32 mul, int shift, u64 delta);
void fixup_hook(struct trap_frame *f);
u32 enter_user(void (*fn)(void), u32 user_esp);
void leave_user(struct trap_frame *f, u32 value);
void guest_exit(u32 status);

/* Set by guest_trap() for the test to inspect. */
extern volatile u32 trap_count, last_vector, last_error, last_eip, last_cs;
/* If non-zero, guest_trap() resumes the faulting code there. */
extern volatile u32 trap_resume;
/* With trap_hook = fixup_hook: every trap resumes there (if non-zero). */
extern volatile u32 fixup_eip;
/* How many vCPUs the VM has (ECX at entry). */
extern volatile u32 nr_cpus;
/* soft_entries[v]: an entry for vector v without a CPU error code. */
extern const u32 soft_entries[256];
extern void (*trap_hook)(struct trap_frame *f);

extern void trap_entry_0(void), trap_entry_2(void), trap_entry_3(void);
extern void trap_entry_6(void);
extern void trap_entry_13(void), trap_entry_14(void);
extern void trap_entry_32(void), trap_entry_48(void), trap_entry_128(void);

int guest_main(void);
/* vCPUs other than 0 run this; by default they just finish. */
int guest_ap_main(u32 cpu);
#endif

#endif /* GUEST_H */
