// SPDX-License-Identifier: GPL-2.0
/*
 * run-guests: the host side of the guest tests.  For each flat 32-bit
 * guest image (tests/guest/t-*.c) it creates a VM with raw /dev/kvm
 * ioctls, starts the guest in protected mode and serves its exits:
 *
 *   port 0xe9 out		console: the guest's "ok"/"not ok" lines,
 *				and "expect: ..." (see guest-abi.h)
 *   port 0xf0 out		a request: memslots, MMIO log, signals
 *   port 0xf1 in		completed through immediate_exit
 *   port 0xf4 out		the guest is done; the value is its status
 *   port 0xf8 out/in		echo: in returns the last value written + 1
 *   port 0xfa out		raise an interrupt vector (KVM_INTERRUPT)
 *   port 0xfb in		how many KVM_EXIT_HLT exits so far
 *   port 0xfc out		inject an NMI (KVM_NMI)
 *   port 0xfd in		the vCPU's "exits" statistic
 *   0xd0000000 (MMIO)		echo: a read returns the last write inverted
 *   other MMIO			reads 0, writes ignored (and logged)
 *   HLT			resume (no irqchip) after counting it
 *   IRQ_WINDOW_OPEN		inject the raised interrupt
 *
 * The vCPU gets the CPUID KVM supports, as a VMM would give it.  Each
 * vCPU runs in a thread of its own; the main thread sends the signals
 * guests ask for and ends guests that run out of time.
 *
 * A guest passes by writing status 0 to the exit port, or, if it
 * announced another ending ("expect: shutdown", ...), by ending exactly
 * that way.  After a hostile guest (one with "hostile" in its name, an
 * announced ending, or any ending but a status) a tiny known-good guest
 * runs in a new VM of the same process, to show the host is still fine.
 *
 * Usage: run-guests [--irqchip] [--vcpus N] [--timeout S] [--parallel]
 *                   IMAGE...		(options before the images)
 *   --vcpus N	every VM gets N vCPUs (the guest learns its index in EBX)
 *   --timeout S	each guest must end within S seconds (default 20)
 *   --parallel	each image runs in a process of its own, all at once
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "ktest.h"
#include "guest-abi.h"

#define GUEST_MEM_SIZE	(8 << 20)
#define IMAGE_BASE	0x100000
#define MAX_VCPUS	4
#define NR_SLOTS	(HREQ_MAX_SLOT + 1)
#define PAGE_SIZE	4096
/* A signal the guest asked for (KICK, "expect: intr") or a time-out. */
#define SIG_KICK	SIGUSR1
/* A signal whose handler sets immediate_exit (KICK with HREQ_F_IMMEDIATE). */
#define SIG_IMMEDIATE	SIGUSR2
#define INTR_DELAY_MS	1000	/* "expect: intr": the signal comes after this */
#define INTR_LATENCY_NS	2000000000LL	/* ... and KVM_RUN must return this soon */

#define STR(x)		#x
#define XSTR(x)		STR(x)

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* How a vCPU's run ended. */
enum ending {
	END_NONE,
	END_STATUS,		/* the guest wrote its status to PORT_EXIT */
	END_SHUTDOWN,		/* KVM_EXIT_SHUTDOWN */
	END_INTERNAL_ERROR,	/* KVM_EXIT_INTERNAL_ERROR */
	END_INTR,		/* KVM_RUN interrupted by the expected signal */
	END_FAIL_ENTRY,		/* KVM_EXIT_FAIL_ENTRY */
	END_OTHER_EXIT,		/* any other exit reason */
	END_RUN_FAILED,		/* KVM_RUN failed with an errno */
	END_TIMEOUT,		/* out of time */
};

static const char *const ending_names[] = {
	[END_NONE] = "nothing",
	[END_STATUS] = "status",
	[END_SHUTDOWN] = "shutdown",
	[END_INTERNAL_ERROR] = "internal-error",
	[END_INTR] = "intr",
	[END_FAIL_ENTRY] = "fail-entry",
	[END_OTHER_EXIT] = "another exit",
	[END_RUN_FAILED] = "a failed KVM_RUN",
	[END_TIMEOUT] = "a time-out",
};

/* What a guest announced with "expect: ENDING [HEX]". */
struct expectation {
	enum ending ending;
	u8 bytes[15];			/* instruction bytes, or a reason */
	unsigned int nbytes;
};

/* A signal the guest asked for: when, and what to do when it lands. */
struct kick {
	u64 at_ns;			/* 0: none armed */
	u64 sent_ns;			/* when it was sent */
	u32 flags;			/* HREQ_F_IMMEDIATE */
	u32 counter_gpa;		/* bumped after each one */
	int ends_run;			/* "expect: intr" */
	int sent;
};

struct guest;

struct vcpu {
	struct guest *g;
	int index, fd;
	struct kvm_run *run;
	pthread_t thread;
	char line[256];
	unsigned int line_len;
	unsigned int hlt_exits;
	int irq_pending;		/* raised, not yet injected */
	u8 irq_vector;
	int stats_fd;			/* KVM_GET_STATS_FD, or -1 */
	off_t exits_offset;		/* where "exits" is in it */
	struct expectation expect;
	struct kick kick;
	enum ending ending;
	u32 status;
	struct kvm_run last;		/* kvm_run as the run ended */
	u64 intr_latency_ns;
	volatile int finished;		/* the thread is done */
	unsigned int steps_left;	/* PORT_DEBUG: single-steps to take */
	unsigned int debug_exits;
	u64 last_debug_pc;
};

struct slot {
	u8 *mem;
	u64 gpa;
	u32 pages;
	u32 flags;			/* HREQ_F_* */
	int present;			/* known to KVM */
};

struct guest {
	const char *name;
	int vm;
	u8 *mem;
	int nr_vcpus;
	struct vcpu vcpus[MAX_VCPUS];
	struct slot slots[NR_SLOTS];
	u32 echo_port, echo_mmio;
	u32 mmio_log_gpa;		/* 0: no MMIO log */
	/* One exit at a time is handled: shared state, and our output. */
	pthread_mutex_t lock;
	volatile int timed_out;
};

static int kvm_fd = -1;
static int use_irqchip;
static int nr_vcpus = 1;
static int timeout_s = 20;
static __thread struct vcpu *this_vcpu;

/*
 * The known-good guest that runs after every hostile one: natively in
 * ring 1, port I/O both ways, MMIO both ways, a hypercall.  It exits
 * with 0, or with the number of the step that went wrong.  Plain code,
 * position independent, copied to IMAGE_BASE.
 */
asm(".pushsection .rodata\n"
    "	.globl canary_code, canary_end\n"
    "canary_code:\n"
    "	movl	$1, %esi\n"
    "	movl	%cs, %eax\n"
    "	andl	$3, %eax\n"
    "	cmpl	$1, %eax\n"
    "	jne	1f\n"
    "	movl	$2, %esi\n"
    "	movl	$0x1234, %eax\n"
    "	outl	%eax, $" XSTR(PORT_ECHO) "\n"
    "	inl	$" XSTR(PORT_ECHO) ", %eax\n"
    "	cmpl	$0x1235, %eax\n"
    "	jne	1f\n"
    "	movl	$3, %esi\n"
    "	movl	$0x5a5a5a5a, " XSTR(MMIO_ECHO) "\n"
    "	movl	" XSTR(MMIO_ECHO) ", %eax\n"
    "	cmpl	$0xa5a5a5a5, %eax\n"
    "	jne	1f\n"
    "	movl	$4, %esi\n"
    "	movl	$1, %eax\n"		/* KVM_HC_VAPIC_POLL_IRQ */
    "	vmcall\n"
    "	testl	%eax, %eax\n"
    "	jne	1f\n"
    "	xorl	%esi, %esi\n"
    "1:	movl	%esi, %eax\n"
    "	outl	%eax, $" XSTR(PORT_EXIT) "\n"
    "2:	hlt\n"
    "	jmp	2b\n"
    "canary_end:\n"
    ".popsection");
extern const u8 canary_code[], canary_end[];

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* SIG_KICK only interrupts KVM_RUN; it is taken with sigtimedwait(). */
static void on_kick(int sig)
{
	(void)sig;
}

/*
 * The way api.rst recommends for a VMM without KVM_SET_SIGNAL_MASK: the
 * handler sets immediate_exit, so a signal that lands just before
 * KVM_RUN still stops the guest.
 */
static void on_immediate(int sig)
{
	(void)sig;
	if (this_vcpu)
		this_vcpu->run->immediate_exit = 1;
}

/* ------------------------------------------------------------ VM setup */

static u64 gdt_entry(u32 base, u32 limit, u32 flags)
{
	return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)flags << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)(base >> 24) << 56);
}

/* Flags: type | S | DPL | P (bits 40-47), AVL L DB G (bits 52-55). */
#define FLAT_CODE(dpl)	(0xc09a | ((dpl) << 5))
#define FLAT_DATA(dpl)	(0xc092 | ((dpl) << 5))

static void setup_tables(struct guest *g)
{
	u64 *gdt = (u64 *)(g->mem + GDT_BASE);
	u32 *tss = (u32 *)(g->mem + TSS_BASE);

	gdt[0] = 0;
	gdt[1] = gdt_entry(0, 0xfffff, FLAT_CODE(0));
	gdt[2] = gdt_entry(0, 0xfffff, FLAT_DATA(0));
	gdt[3] = gdt_entry(0, 0xfffff, FLAT_CODE(3));
	gdt[4] = gdt_entry(0, 0xfffff, FLAT_DATA(3));
	gdt[5] = gdt_entry(TSS_BASE, 0x67, 0x89);	/* 32-bit TSS */
	tss[1] = 0x70000;				/* esp0 */
	tss[2] = SEL_KDATA;				/* ss0 */
	/* I/O map base beyond the limit: no bitmap, ring-3 I/O faults. */
	tss[25] = 0x68 << 16;
}

static void flat_seg(struct kvm_segment *s, u16 sel, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 0xb : 0x3;
	s->s = 1;
	s->present = 1;
	s->db = 1;
	s->g = 1;
}

/*
 * The vCPU's binary statistics: find the "exits" counter once, so that
 * the guest can ask how often it left (PORT_EXITS).
 */
static void open_stats(struct vcpu *v)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t size;
	char *descs;
	u32 i;

	v->stats_fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	if (v->stats_fd < 0 || pread(v->stats_fd, &h, sizeof(h), 0) != sizeof(h))
		return;
	size = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, size);
	if (!descs)
		return;
	if (pread(v->stats_fd, descs, size * h.num_desc, h.desc_offset) ==
	    (ssize_t)(size * h.num_desc)) {
		for (i = 0; i < h.num_desc; i++) {
			d = (struct kvm_stats_desc *)(descs + i * size);
			if (!strcmp(d->name, "exits"))
				v->exits_offset = h.data_offset + d->offset;
		}
	}
	free(descs);
}

static u32 read_exits(struct vcpu *v)
{
	u64 val;

	if (v->stats_fd < 0 || !v->exits_offset ||
	    pread(v->stats_fd, &val, sizeof(val), v->exits_offset) != sizeof(val))
		return ~0u;
	return val;
}

/* What every VMM does first: give the vCPU the CPUID KVM supports. */
static int setup_cpuid(struct vcpu *v)
{
	int n = 100;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) +
					  n * sizeof(cpuid->entries[0]));
	int ret = -1;

	if (!cpuid)
		return -1;
	cpuid->nent = n;
	if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) &&
	    !ioctl(v->fd, KVM_SET_CPUID2, cpuid))
		ret = 0;
	free(cpuid);
	return ret;
}

static int setup_cpu(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return -1;
	flat_seg(&sregs.cs, SEL_KCODE, 1);
	flat_seg(&sregs.ds, SEL_KDATA, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.selector = SEL_TSS;
	sregs.tr.base = TSS_BASE;
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xb;
	sregs.tr.present = 1;
	sregs.gdt.base = GDT_BASE;
	sregs.gdt.limit = 6 * 8 - 1;
	sregs.idt.base = IDT_BASE;
	sregs.idt.limit = 256 * 8 - 1;
	sregs.cr0 = 0x11;	/* PE, ET */
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return -1;

	memset(&regs, 0, sizeof(regs));
	regs.rip = IMAGE_BASE;
	regs.rsp = GUEST_STACK_TOP + v->index * GUEST_STACK_STRIDE;
	regs.rbx = v->index;
	regs.rcx = v->g->nr_vcpus;
	regs.rflags = 0x2;
	return ioctl(v->fd, KVM_SET_REGS, &regs);
}

/*
 * Outside KVM_RUN the thread blocks SIG_KICK; inside, KVM unblocks it
 * (KVM_SET_SIGNAL_MASK), so a kick sent at any moment ends exactly one
 * KVM_RUN: the current one, or else the next.
 */
static int set_run_sigmask(struct vcpu *v)
{
	struct {
		struct kvm_signal_mask m;
		u8 set[8];		/* the kernel's sigset_t on i386 */
	} mask = { .m.len = 8 };
	sigset_t set;

	pthread_sigmask(SIG_BLOCK, NULL, &set);
	sigdelset(&set, SIG_KICK);
	memcpy(mask.set, &set, 8);
	return ioctl(v->fd, KVM_SET_SIGNAL_MASK, &mask);
}

/* With an in-kernel irqchip, vCPUs other than 0 wait for INIT/SIPI. */
static int make_runnable(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (!use_irqchip || !v->index)
		return 0;
	return ioctl(v->fd, KVM_SET_MP_STATE, &mp);
}

static int create_vcpu(struct guest *g, int index)
{
	struct vcpu *v = &g->vcpus[index];
	long run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	v->g = g;
	v->index = index;
	v->stats_fd = -1;
	v->fd = ioctl(g->vm, KVM_CREATE_VCPU, index);
	if (v->fd < 0 || run_size <= 0)
		return -1;
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED)
		return -1;
	open_stats(v);
	if (setup_cpuid(v) || setup_cpu(v) || set_run_sigmask(v) ||
	    make_runnable(v))
		return -1;
	return 0;
}

static int load_image(struct guest *g, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) ||
	    st.st_size > GUEST_MEM_SIZE - IMAGE_BASE) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = read(fd, g->mem + IMAGE_BASE, st.st_size);
	close(fd);
	return n == st.st_size ? 0 : -1;
}

/* @path NULL: the known-good canary instead of an image. */
static int create_guest(struct guest *g, const char *path, int vcpus)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM_SIZE,
	};
	int i;

	pthread_mutex_init(&g->lock, NULL);
	g->nr_vcpus = vcpus;
	g->vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return -1;
	if (use_irqchip && ioctl(g->vm, KVM_CREATE_IRQCHIP, 0))
		return -1;
	g->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -1;
	region.userspace_addr = (uintptr_t)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -1;
	setup_tables(g);
	if (path && load_image(g, path))
		return -1;
	if (!path)
		memcpy(g->mem + IMAGE_BASE, canary_code,
		       canary_end - canary_code);
	for (i = 0; i < vcpus; i++)
		if (create_vcpu(g, i))
			return -1;
	return 0;
}

static void destroy_guest(struct guest *g)
{
	int i;

	for (i = 0; i < g->nr_vcpus; i++) {
		if (g->vcpus[i].stats_fd >= 0)
			close(g->vcpus[i].stats_fd);
		if (g->vcpus[i].fd >= 0)
			close(g->vcpus[i].fd);
	}
	close(g->vm);
	munmap(g->mem, GUEST_MEM_SIZE);
	for (i = 0; i < NR_SLOTS; i++)
		if (g->slots[i].mem)
			munmap(g->slots[i].mem, g->slots[i].pages * PAGE_SIZE);
	pthread_mutex_destroy(&g->lock);
}

/* --------------------------------------------------------- the console */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "expect: ENDING [HEX]": remember how this vCPU is going to end. */
static void parse_expect(struct vcpu *v, const char *p)
{
	struct expectation *e = &v->expect;
	enum ending i;
	size_t n;

	memset(e, 0, sizeof(*e));
	for (i = END_SHUTDOWN; i <= END_FAIL_ENTRY; i++) {
		n = strlen(ending_names[i]);
		if (!strncmp(p, ending_names[i], n) &&
		    (p[n] == 0 || p[n] == ' '))
			break;
	}
	if (i > END_FAIL_ENTRY) {
		ktest_report(0, NULL, "the guest announced an unknown ending: %s", p);
		return;
	}
	e->ending = i;
	for (p += n; *p == ' '; p++)
		;
	while (e->nbytes < sizeof(e->bytes) && hex_digit(p[0]) >= 0 &&
	       hex_digit(p[1]) >= 0) {
		e->bytes[e->nbytes++] = hex_digit(p[0]) << 4 | hex_digit(p[1]);
		p += 2;
	}
	if (i == END_INTR) {
		v->kick.at_ns = now_ns() + INTR_DELAY_MS * 1000000ULL;
		v->kick.ends_run = 1;
	}
}

/* A console line: guest results become ours, tagged with the image. */
static void console_line(struct vcpu *v)
{
	const char *p = v->line;

	v->line[v->line_len] = 0;
	v->line_len = 0;
	if (!strncmp(p, "ok - guest: ", 12)) {
		ktest_report(1, NULL, "%s", p + 12);
	} else if (!strncmp(p, "not ok - guest: ", 16)) {
		ktest_report(0, NULL, "%s", p + 16);
	} else {
		printf("# %s: %s\n", v->g->name, p);
		if (!strncmp(p, "expect: ", 8))
			parse_expect(v, p + 8);
	}
	fflush(stdout);
}

static void io_console(struct vcpu *v, u8 *data, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n' || v->line_len == sizeof(v->line) - 1)
			console_line(v);
		if (data[i] != '\n')
			v->line[v->line_len++] = data[i];
	}
}

/* ------------------------------------------------------------ requests */

static void *guest_ptr(struct guest *g, u32 gpa, u32 len)
{
	if (gpa >= GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - gpa)
		return NULL;
	return g->mem + gpa;
}

static int set_slot(struct guest *g, int id, int present)
{
	struct slot *s = &g->slots[id];
	struct kvm_userspace_memory_region region = {
		.slot = id,
		.guest_phys_addr = s->gpa,
		.memory_size = present ? (u64)s->pages * PAGE_SIZE : 0,
		.userspace_addr = (uintptr_t)s->mem,
		.flags = (s->flags & HREQ_F_READONLY ? KVM_MEM_READONLY : 0) |
			 (s->flags & HREQ_F_LOG_DIRTY ?
			  KVM_MEM_LOG_DIRTY_PAGES : 0),
	};

	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	s->present = present;
	return 0;
}

static int req_slot_add(struct guest *g, struct harness_req *r)
{
	struct slot *s = &g->slots[r->slot];
	u32 i, *words;
	int ret;

	if (s->present)
		return -EEXIST;
	if (!r->pages || r->pages > HREQ_MAX_PAGES)
		return -EINVAL;
	if (s->mem)
		munmap(s->mem, s->pages * PAGE_SIZE);
	s->mem = mmap(NULL, r->pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED) {
		s->mem = NULL;
		return -ENOMEM;
	}
	words = (u32 *)s->mem;
	for (i = 0; i < r->pages * PAGE_SIZE / 4; i++)
		words[i] = r->arg + i;
	s->pages = r->pages;
	s->gpa = r->gpa_lo | (u64)r->gpa_hi << 32;
	s->flags = r->flags;
	ret = set_slot(g, r->slot, 1);
	if (ret) {
		munmap(s->mem, s->pages * PAGE_SIZE);
		memset(s, 0, sizeof(*s));
	}
	return ret;
}

static int req_slot_move(struct guest *g, struct harness_req *r)
{
	struct slot *s = &g->slots[r->slot];
	int ret;

	if (s->present) {
		ret = set_slot(g, r->slot, 0);
		if (ret)
			return ret;
	}
	s->gpa = r->gpa_lo | (u64)r->gpa_hi << 32;
	return set_slot(g, r->slot, 1);
}

static int req_slot_flags(struct guest *g, struct harness_req *r)
{
	struct slot *s = &g->slots[r->slot];
	u32 old = s->flags;
	int ret;

	s->flags = r->flags;
	ret = set_slot(g, r->slot, 1);
	if (ret)
		s->flags = old;
	return ret;
}

static int req_dirty_log(struct guest *g, struct harness_req *r)
{
	u32 bitmap[HREQ_MAX_PAGES / 32] = { 0 };
	struct kvm_dirty_log log = {
		.slot = r->slot,
		.dirty_bitmap = bitmap,
	};

	if (ioctl(g->vm, KVM_GET_DIRTY_LOG, &log))
		return -errno;
	r->out[0] = bitmap[0];
	r->out[1] = bitmap[1];
	return 0;
}

static int req_peek(struct guest *g, struct harness_req *r)
{
	struct slot *s = &g->slots[r->slot];

	if (r->arg >= s->pages * PAGE_SIZE / 4)
		return -EINVAL;
	r->out[0] = ((u32 *)s->mem)[r->arg];
	return 0;
}

static int req_kick(struct vcpu *v, struct harness_req *r)
{
	if (!guest_ptr(v->g, r->gpa_lo, 4))
		return -EINVAL;
	v->kick.flags = r->flags;
	v->kick.counter_gpa = r->gpa_lo;
	v->kick.ends_run = 0;
	v->kick.at_ns = now_ns() + r->arg * 1000000ULL;
	return 0;
}

static int do_request(struct vcpu *v, struct harness_req *r)
{
	struct guest *g = v->g;

	if (r->op >= HREQ_MEMSLOT_ADD && r->op <= HREQ_PEEK &&
	    (r->slot < 1 || r->slot > HREQ_MAX_SLOT))
		return -EINVAL;
	if (r->op > HREQ_MEMSLOT_ADD && r->op <= HREQ_PEEK &&
	    !g->slots[r->slot].mem)
		return -ENOENT;
	switch (r->op) {
	case HREQ_MEMSLOT_ADD:
		return req_slot_add(g, r);
	case HREQ_MEMSLOT_DELETE:
		return set_slot(g, r->slot, 0);
	case HREQ_MEMSLOT_MOVE:
		return req_slot_move(g, r);
	case HREQ_MEMSLOT_FLAGS:
		return req_slot_flags(g, r);
	case HREQ_DIRTY_LOG:
		return req_dirty_log(g, r);
	case HREQ_PEEK:
		return req_peek(g, r);
	case HREQ_MMIO_LOG:
		if (r->gpa_lo && !guest_ptr(g, r->gpa_lo, sizeof(struct mmio_log)))
			return -EINVAL;
		g->mmio_log_gpa = r->gpa_lo;
		return 0;
	case HREQ_KICK:
		return req_kick(v, r);
	}
	return -ENOSYS;
}

static void io_request(struct vcpu *v, u32 gpa)
{
	struct harness_req *r = guest_ptr(v->g, gpa, sizeof(*r));

	if (!r) {
		ktest_report(0, NULL, "a request at %#x, outside guest memory", gpa);
		return;
	}
	r->result = do_request(v, r);
}

/* ------------------------------------------------------------ the exits */

static void io_echo(struct guest *g, u8 *data, int out)
{
	u32 val;

	if (out) {
		memcpy(&g->echo_port, data, 4);
	} else {
		val = g->echo_port + 1;
		memcpy(data, &val, 4);
	}
}

/* One pending vector, like a single interrupt line; see inject_irq(). */
static void io_irq(struct vcpu *v, u8 vector)
{
	v->irq_vector = vector;
	v->irq_pending = 1;
}

static void io_nmi(struct vcpu *v)
{
	if (ioctl(v->fd, KVM_NMI, 0))
		ktest_report(0, strerror(errno), "KVM_NMI failed");
}

/* The length of the in at guest-virtual @rip: e5 ib, or ed. */
static int in_length(struct vcpu *v, u64 rip)
{
	struct kvm_translation tr = { .linear_address = rip };
	u8 *insn;

	if (ioctl(v->fd, KVM_TRANSLATE, &tr) || !tr.valid)
		return -1;
	insn = guest_ptr(v->g, tr.physical_address, 1);
	if (!insn)
		return -1;
	return *insn == 0xe5 ? 2 : *insn == 0xed ? 1 : -1;
}

/*
 * api.rst: user space sets immediate_exit and calls KVM_RUN to complete
 * a pending operation without running the guest any further.
 */
static void io_immediate(struct vcpu *v, u8 *data)
{
	struct kvm_regs before, after;
	u32 val = IMMEDIATE_VALUE;
	int ret, err, len;

	memcpy(data, &val, 4);
	ioctl(v->fd, KVM_GET_REGS, &before);
	len = in_length(v, before.rip);
	v->run->immediate_exit = 1;
	ret = ioctl(v->fd, KVM_RUN, 0);
	err = errno;
	v->run->immediate_exit = 0;
	ioctl(v->fd, KVM_GET_REGS, &after);
	ktest_report(ret == -1 && err == EINTR, NULL,
		     "immediate_exit with an in pending: KVM_RUN returns -EINTR (got %d, %s)",
		     ret, ret ? strerror(err) : "no error");
	ktest_report((u32)after.rax == IMMEDIATE_VALUE && len > 0 &&
		     after.rip == before.rip + len, NULL,
		     "  ... having completed the in: EAX %#x, EIP %#llx -> %#llx (+%d)",
		     (u32)after.rax, (unsigned long long)before.rip,
		     (unsigned long long)after.rip, len);
}

static void set_guest_debug(struct vcpu *v, u32 control)
{
	struct kvm_guest_debug dbg = { .control = control };

	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg))
		ktest_report(0, strerror(errno), "KVM_SET_GUEST_DEBUG(%#x)",
			     control);
}

/* PORT_DEBUG out: single-step N instructions, or catch the next int3. */
static void io_debug(struct vcpu *v, u8 request)
{
	if (request == DEBUG_SW_BP) {
		set_guest_debug(v, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP);
		return;
	}
	v->steps_left = request;
	v->last_debug_pc = 0;
	if (request)
		set_guest_debug(v, KVM_GUESTDBG_ENABLE |
				   KVM_GUESTDBG_SINGLESTEP);
}

/*
 * KVM_EXIT_DEBUG: a single-step must land on a new instruction each
 * time; an int3 is stepped over by hand, as a debugger would.
 */
static void handle_debug(struct vcpu *v)
{
	struct kvm_debug_exit_arch *d = &v->run->debug.arch;
	struct kvm_regs regs;

	v->debug_exits++;
	if (d->exception == 3) {
		set_guest_debug(v, 0);
		if (!ioctl(v->fd, KVM_GET_REGS, &regs)) {
			regs.rip++;
			ioctl(v->fd, KVM_SET_REGS, &regs);
		}
		return;
	}
	if (d->exception != 1 || !(d->dr6 & 0x4000) ||
	    d->pc == v->last_debug_pc)
		ktest_report(0, NULL, "a single-step exit with exception %u, dr6 %#llx, pc %#llx",
			     d->exception, (unsigned long long)d->dr6,
			     (unsigned long long)d->pc);
	v->last_debug_pc = d->pc;
	if (v->steps_left && !--v->steps_left)
		set_guest_debug(v, 0);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	u8 *data = (u8 *)r + r->io.data_offset;
	int out = r->io.direction == KVM_EXIT_IO_OUT;
	u32 val;

	if (r->io.port == PORT_CONSOLE && out) {
		io_console(v, data, r->io.count * r->io.size);
	} else if (r->io.port == PORT_EXIT && r->io.size == 4) {
		memcpy(&v->status, data, 4);
		v->ending = END_STATUS;
	} else if (r->io.port == PORT_ECHO && r->io.size == 4) {
		io_echo(v->g, data, out);
	} else if (r->io.port == PORT_REQUEST && r->io.size == 4 && out) {
		memcpy(&val, data, 4);
		io_request(v, val);
	} else if (r->io.port == PORT_IMMEDIATE && r->io.size == 4 && !out) {
		io_immediate(v, data);
	} else if (r->io.port == PORT_IRQ && r->io.size == 1 && out) {
		io_irq(v, data[0]);
	} else if (r->io.port == PORT_HLT_COUNT && r->io.size == 4 && !out) {
		memcpy(data, &v->hlt_exits, 4);
	} else if (r->io.port == PORT_NMI && out) {
		io_nmi(v);
	} else if (r->io.port == PORT_EXITS && r->io.size == 4 && !out) {
		val = read_exits(v);
		memcpy(data, &val, 4);
	} else if (r->io.port == PORT_DEBUG && r->io.size == 1 && out) {
		io_debug(v, data[0]);
	} else if (r->io.port == PORT_DEBUG && r->io.size == 4 && !out) {
		memcpy(data, &v->debug_exits, 4);
	} else {
		printf("# %s: unexpected I/O port %#x\n", v->g->name, r->io.port);
	}
}

/* MMIO nobody claims: reads see zeroes, and the guest may see a log. */
static void mmio_unclaimed(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	struct mmio_log *log;
	u32 data[2] = { 0, 0 };

	if (!r->mmio.is_write)
		memset(r->mmio.data, 0, sizeof(r->mmio.data));
	log = v->g->mmio_log_gpa ?
	      guest_ptr(v->g, v->g->mmio_log_gpa, sizeof(*log)) : NULL;
	if (!log) {
		printf("# %s: unexpected MMIO at %#llx len %u\n", v->g->name,
		       (unsigned long long)r->mmio.phys_addr, r->mmio.len);
		return;
	}
	memcpy(data, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
	log->count++;
	log->gpa_lo = r->mmio.phys_addr;
	log->gpa_hi = r->mmio.phys_addr >> 32;
	log->len = r->mmio.len;
	log->is_write = r->mmio.is_write;
	log->data_lo = r->mmio.is_write ? data[0] : 0;
	log->data_hi = r->mmio.is_write ? data[1] : 0;
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	u32 val;

	if (r->mmio.phys_addr != MMIO_ECHO || r->mmio.len != 4) {
		mmio_unclaimed(v);
		return;
	}
	if (r->mmio.is_write) {
		memcpy(&v->g->echo_mmio, r->mmio.data, 4);
	} else {
		val = ~v->g->echo_mmio;
		memcpy(r->mmio.data, &val, 4);
	}
}

static void dump_state(struct vcpu *v)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (!ioctl(v->fd, KVM_GET_REGS, &regs) &&
	    !ioctl(v->fd, KVM_GET_SREGS, &sregs))
		printf("#   vcpu %d eip %#llx esp %#llx eflags %#llx cs %#x ss %#x cr0 %#llx\n",
		       v->index, (unsigned long long)regs.rip,
		       (unsigned long long)regs.rsp,
		       (unsigned long long)regs.rflags, sregs.cs.selector,
		       sregs.ss.selector, (unsigned long long)sregs.cr0);
}

/*
 * Before each KVM_RUN: inject the raised interrupt if KVM said at the
 * last exit that the guest can take one (IF set, no interrupt shadow);
 * otherwise ask for an exit as soon as it can.  KVM_INTERRUPT itself
 * does not wait for IF: honouring ready_for_interrupt_injection is our
 * job, as it is any VMM's without an in-kernel irqchip.
 */
static void inject_irq(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	struct kvm_interrupt irq = { .irq = v->irq_vector };

	if (v->irq_pending && r->ready_for_interrupt_injection) {
		if (ioctl(v->fd, KVM_INTERRUPT, &irq))
			ktest_report(0, strerror(errno), "KVM_INTERRUPT failed");
		v->irq_pending = 0;
	}
	r->request_interrupt_window = v->irq_pending;
}

/* The run is over: keep what kvm_run said, for end_report(). */
static void end_run(struct vcpu *v, enum ending ending)
{
	v->ending = ending;
	memcpy(&v->last, v->run, sizeof(v->last));
}

static void handle_exit(struct vcpu *v)
{
	struct kvm_run *r = v->run;

	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_HLT:
		v->hlt_exits++;
		break;
	case KVM_EXIT_DEBUG:
		handle_debug(v);
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		break;		/* inject_irq() does the rest */
	case KVM_EXIT_SHUTDOWN:
		end_run(v, END_SHUTDOWN);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		end_run(v, END_INTERNAL_ERROR);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		end_run(v, END_FAIL_ENTRY);
		break;
	default:
		end_run(v, END_OTHER_EXIT);
	}
}

/* ------------------------------------------------------------ signals */

/* Take a pending SIG_KICK, so that it ends no further KVM_RUN. */
static int take_kick(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	return sigtimedwait(&set, NULL, &zero) == SIG_KICK;
}

/*
 * The signal handler set immediate_exit: the next KVM_RUN must return
 * -EINTR at once, with the guest exactly where it was.
 */
static void check_immediate_exit(struct vcpu *v)
{
	struct kvm_regs before, after;
	int ret, err;

	ioctl(v->fd, KVM_GET_REGS, &before);
	ret = ioctl(v->fd, KVM_RUN, 0);
	err = errno;
	ioctl(v->fd, KVM_GET_REGS, &after);
	v->run->immediate_exit = 0;
	ktest_report(ret == -1 && err == EINTR, NULL,
		     "immediate_exit: KVM_RUN returns -EINTR at once (got %d, %s)",
		     ret, ret ? strerror(err) : "no error");
	ktest_report(!memcmp(&before, &after, sizeof(before)), NULL,
		     "immediate_exit: the guest did not run (registers unchanged)");
}

static void bump_guest_counter(struct vcpu *v)
{
	u32 *counter = guest_ptr(v->g, v->kick.counter_gpa, 4);

	if (counter)
		__atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
}

/* KVM_RUN came back with -EINTR after a kick the guest asked for. */
static void kicked(struct vcpu *v)
{
	struct kick *k = &v->kick;
	u64 latency = now_ns() - k->sent_ns;

	k->sent = 0;
	if (k->ends_run) {
		v->intr_latency_ns = latency;
		end_run(v, END_INTR);
		return;
	}
	if (k->flags & HREQ_F_IMMEDIATE) {
		check_immediate_exit(v);
	} else {
		KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_INTR,
			     "a signal ends KVM_RUN with -EINTR and KVM_EXIT_INTR");
	}
	bump_guest_counter(v);
}

static void run_failed(struct vcpu *v, int err)
{
	if (err != EINTR) {
		ktest_report(0, strerror(err), "KVM_RUN failed");
		end_run(v, END_RUN_FAILED);
		return;
	}
	if (v->g->timed_out) {
		end_run(v, END_TIMEOUT);
		return;
	}
	/* The immediate kick's handler already ran; SIG_KICK is taken here. */
	if (v->kick.sent &&
	    ((v->kick.flags & HREQ_F_IMMEDIATE && !v->kick.ends_run) ||
	     take_kick()))
		kicked(v);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct guest *g = v->g;
	int ret, err;

	this_vcpu = v;
	pthread_mutex_lock(&g->lock);
	while (v->ending == END_NONE) {
		inject_irq(v);
		pthread_mutex_unlock(&g->lock);
		ret = ioctl(v->fd, KVM_RUN, 0);
		err = errno;
		pthread_mutex_lock(&g->lock);
		if (ret < 0)
			run_failed(v, err);
		else
			handle_exit(v);
	}
	v->finished = 1;
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* ----------------------------------------------------- running a guest */

static void send_kick(struct vcpu *v, u64 now)
{
	v->kick.at_ns = 0;
	v->kick.sent_ns = now;
	v->kick.sent = 1;
	pthread_kill(v->thread,
		     v->kick.flags & HREQ_F_IMMEDIATE && !v->kick.ends_run ?
		     SIG_IMMEDIATE : SIG_KICK);
}

static int all_finished(struct guest *g)
{
	int i;

	for (i = 0; i < g->nr_vcpus; i++)
		if (!g->vcpus[i].finished)
			return 0;
	return 1;
}

/*
 * The main thread's part: send the signals guests asked for, and end
 * every vCPU (a signal makes KVM_RUN return) when time is up.
 */
static void supervise(struct guest *g)
{
	u64 deadline = now_ns() + timeout_s * 1000000000ULL, now;
	struct timespec tick = { 0, 2000000 };
	int i;

	while (!all_finished(g)) {
		nanosleep(&tick, NULL);
		now = now_ns();
		pthread_mutex_lock(&g->lock);
		if (now > deadline && !g->timed_out)
			g->timed_out = 1;
		for (i = 0; i < g->nr_vcpus; i++) {
			struct vcpu *v = &g->vcpus[i];

			if (v->finished)
				continue;
			if (g->timed_out)
				pthread_kill(v->thread, SIG_KICK);
			else if (v->kick.at_ns && now >= v->kick.at_ns)
				send_kick(v, now);
		}
		pthread_mutex_unlock(&g->lock);
	}
}

/* A vCPU that does not stop even for a signal: nothing more can be done. */
static void join_vcpus(struct guest *g)
{
	struct timespec limit;
	int i;

	for (i = 0; i < g->nr_vcpus; i++) {
		clock_gettime(CLOCK_REALTIME, &limit);
		limit.tv_sec += 10;
		if (pthread_timedjoin_np(g->vcpus[i].thread, NULL, &limit)) {
			ktest_report(0, NULL, "vCPU %d is stuck in KVM_RUN", i);
			fflush(stdout);
			_exit(ktest_exit());
		}
	}
}

static const char *vcpu_name(struct vcpu *v)
{
	static char buf[32];

	if (v->g->nr_vcpus == 1)
		return "the guest";
	snprintf(buf, sizeof(buf), "vCPU %d", v->index);
	return buf;
}

/* The documented fields of KVM_EXIT_INTERNAL_ERROR for an emulation failure. */
static void report_internal_error(struct vcpu *v)
{
	struct kvm_run *r = &v->last;
	struct expectation *e = &v->expect;
	int has_bytes = r->emulation_failure.flags &
			KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	/* flags, [insn_size + bytes,] then KVM's five words of exit info */
	u32 want_ndata = has_bytes ? 8 : 6;
	int bytes_ok = !e->nbytes ||
		       (has_bytes && r->emulation_failure.insn_size >= e->nbytes &&
			!memcmp(r->emulation_failure.insn_bytes, e->bytes,
				e->nbytes));
	int ok = r->emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
		 r->emulation_failure.ndata == want_ndata && bytes_ok;

	ktest_report(ok, NULL,
		     "%s ended as announced: KVM_EXIT_INTERNAL_ERROR, suberror %u (want %u, emulation), ndata %u (want %u), instruction %02x %02x %02x%s",
		     vcpu_name(v), r->emulation_failure.suberror,
		     KVM_INTERNAL_ERROR_EMULATION, r->emulation_failure.ndata,
		     want_ndata, r->emulation_failure.insn_bytes[0],
		     r->emulation_failure.insn_bytes[1],
		     r->emulation_failure.insn_bytes[2],
		     bytes_ok ? "" : " (not the announced bytes)");
}

static void report_fail_entry(struct vcpu *v)
{
	u64 got = v->last.fail_entry.hardware_entry_failure_reason, want = 0;
	unsigned int i;

	for (i = 0; i < v->expect.nbytes; i++)
		want = want << 8 | v->expect.bytes[i];
	ktest_report(!v->expect.nbytes || got == want, NULL,
		     "%s ended as announced: KVM_EXIT_FAIL_ENTRY, reason %#llx",
		     vcpu_name(v), (unsigned long long)got);
}

static void report_intr(struct vcpu *v)
{
	ktest_report(v->last.exit_reason == KVM_EXIT_INTR &&
		     v->intr_latency_ns < INTR_LATENCY_NS, NULL,
		     "%s ended as announced: a signal ended KVM_RUN with -EINTR, KVM_EXIT_INTR (reason %u) after %llu ms",
		     vcpu_name(v), v->last.exit_reason,
		     (unsigned long long)v->intr_latency_ns / 1000000);
}

static void report_expected(struct vcpu *v)
{
	switch (v->ending) {
	case END_SHUTDOWN:
		ktest_report(1, NULL, "%s ended as announced: KVM_EXIT_SHUTDOWN",
			     vcpu_name(v));
		break;
	case END_INTERNAL_ERROR:
		report_internal_error(v);
		break;
	case END_INTR:
		report_intr(v);
		break;
	default:
		report_fail_entry(v);
	}
}

static const char *exit_name(u32 reason)
{
	switch (reason) {
	case KVM_EXIT_SHUTDOWN:
		return "KVM_EXIT_SHUTDOWN";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_FAIL_ENTRY:
		return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_INTR:
		return "KVM_EXIT_INTR";
	case KVM_EXIT_DEBUG:
		return "KVM_EXIT_DEBUG";
	}
	return "exit";
}

static void report_unexpected(struct vcpu *v)
{
	struct kvm_run *r = &v->last;

	if (v->ending == END_TIMEOUT)
		ktest_report(0, NULL, "%s did not end within %d s", vcpu_name(v),
			     timeout_s);
	else if (v->ending == END_STATUS)
		ktest_report(0, NULL, "%s finished with status %u, but it announced %s",
			     vcpu_name(v), v->status,
			     ending_names[v->expect.ending]);
	else if (v->ending != END_RUN_FAILED)
		ktest_report(0, NULL, "%s: unexpected %s, reason %u (suberror/reason %#llx)%s%s",
			     vcpu_name(v), exit_name(r->exit_reason),
			     r->exit_reason,
			     (unsigned long long)r->fail_entry.hardware_entry_failure_reason,
			     v->expect.ending ? ", it announced " : "",
			     v->expect.ending ? ending_names[v->expect.ending] : "");
	dump_state(v);
}

/* Was this the ending the guest asked for? One line says. */
static void end_report(struct vcpu *v)
{
	if (v->expect.ending && v->ending == v->expect.ending) {
		report_expected(v);
	} else if (!v->expect.ending && v->ending == END_STATUS) {
		KT_EXPECT_EQ(v->status, 0, "%s finished with status 0",
			     vcpu_name(v));
	} else {
		report_unexpected(v);
	}
}

/* A hostile guest, or one that ended some other way than by its status. */
static int needs_canary(struct guest *g)
{
	int i;

	for (i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i].expect.ending ||
		    g->vcpus[i].ending != END_STATUS)
			return 1;
	return strstr(g->name, "hostile") != NULL;
}

static void run_guest(struct guest *g)
{
	sigset_t set;
	int i;

	/* Threads inherit the mask: SIG_KICK only reaches them in KVM_RUN. */
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < g->nr_vcpus; i++)
		pthread_create(&g->vcpus[i].thread, NULL, vcpu_thread,
			       &g->vcpus[i]);
	supervise(g);
	join_vcpus(g);
}

/* After a hostile guest: can a new VM of this process still run? */
static void run_canary(const char *after)
{
	struct guest g = { .name = "canary" };
	struct vcpu *v = &g.vcpus[0];
	int saved = use_irqchip;

	use_irqchip = 0;
	if (create_guest(&g, NULL, 1)) {
		ktest_report(0, strerror(errno),
			     "another guest can be set up after %s", after);
		use_irqchip = saved;
		return;
	}
	use_irqchip = saved;
	run_guest(&g);
	if (v->ending == END_STATUS)
		KT_EXPECT_EQ(v->status, 0, "another guest still runs after %s",
			     after);
	else
		ktest_report(0, NULL, "another guest still runs after %s (it ended with %s)",
			     after, ending_names[v->ending]);
	destroy_guest(&g);
}

static void run_image(const char *path)
{
	struct guest g = { 0 };
	const char *slash = strrchr(path, '/');
	int i;

	g.name = slash ? slash + 1 : path;
	ktest_set_group(g.name);
	if (!KT_EXPECT_OK(create_guest(&g, path, nr_vcpus) ? -1 : 0,
			  "VM set up in protected mode"))
		return;
	run_guest(&g);
	for (i = 0; i < g.nr_vcpus; i++)
		end_report(&g.vcpus[i]);
	if (needs_canary(&g))
		run_canary(g.name);
	destroy_guest(&g);
}

/* ------------------------------------------------------- --parallel */

struct interval {
	u64 start, end;
};

/* One child per image, its output kept apart and shown after all ended. */
static pid_t spawn(const char *path, int out_fd, int go_fd,
		   struct interval *when)
{
	pid_t pid = fork();
	char go;

	if (pid)
		return pid;
	dup2(out_fd, STDOUT_FILENO);
	if (read(go_fd, &go, 1) != 1)
		_exit(2);
	when->start = now_ns();
	run_image(path);
	when->end = now_ns();
	_exit(ktest_exit());
}

static void show_output(int fd)
{
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, n) != n)
			break;
}

static int temp_file(void)
{
	char name[] = "/tmp/run-guests.XXXXXX";
	int fd = mkstemp(name);

	if (fd >= 0)
		unlink(name);
	return fd;
}

/*
 * Every image in a process of its own, started together: VMs side by
 * side, on different CPUs when there are several.
 */
static void run_parallel(char **images, int n)
{
	struct interval *when = mmap(NULL, n * sizeof(*when),
				     PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int go[2], fds[n], status, i, passed = 1;
	pid_t pids[n];
	u64 last_start = 0, first_end = ~0ULL;

	ktest_set_group("parallel");
	if (when == MAP_FAILED || pipe(go)) {
		ktest_report(0, strerror(errno), "processes set up");
		return;
	}
	fflush(stdout);
	for (i = 0; i < n; i++) {
		fds[i] = temp_file();
		pids[i] = spawn(images[i], fds[i], go[0], &when[i]);
	}
	for (i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	for (i = 0; i < n; i++) {
		waitpid(pids[i], &status, 0);
		show_output(fds[i]);
		close(fds[i]);
		passed &= WIFEXITED(status) && !WEXITSTATUS(status);
		last_start = when[i].start > last_start ? when[i].start : last_start;
		first_end = when[i].end < first_end ? when[i].end : first_end;
	}
	ktest_set_group("parallel");
	ktest_report(passed, NULL, "%d guests in %d processes all passed", n, n);
	ktest_report(last_start < first_end, NULL,
		     "their runs overlapped in time (%lld ms in common)",
		     (long long)(first_end - last_start) / 1000000);
	munmap(when, n * sizeof(*when));
}

/* ---------------------------------------------------------------- main */

static void set_handlers(void)
{
	struct sigaction kick = { .sa_handler = on_kick };
	struct sigaction immediate = { .sa_handler = on_immediate };

	sigaction(SIG_KICK, &kick, NULL);
	sigaction(SIG_IMMEDIATE, &immediate, NULL);
}

int main(int argc, char **argv)
{
	int i, parallel = 0, first = 0;

	set_handlers();
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ktest_set_group("guest");
	if (!KT_EXPECT_OK(kvm_fd, "open /dev/kvm"))
		return ktest_exit();

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--irqchip")) {
			use_irqchip = 1;
		} else if (!strcmp(argv[i], "--parallel")) {
			parallel = 1;
		} else if (!strcmp(argv[i], "--vcpus") && i + 1 < argc) {
			nr_vcpus = atoi(argv[++i]);
			if (nr_vcpus < 1 || nr_vcpus > MAX_VCPUS)
				nr_vcpus = 1;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout_s = atoi(argv[++i]);
		} else {
			if (!first)
				first = i;
			if (!parallel)
				run_image(argv[i]);
		}
	}
	if (parallel && first)
		run_parallel(argv + first, argc - first);
	return ktest_exit();
}
