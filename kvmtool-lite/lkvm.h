/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkvm: kvm-lite's small launcher.  Declarations shared by its files;
 * each device lives in a file of its own.
 */
#ifndef LKVM_H
#define LKVM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <pthread.h>
#include <sys/uio.h>

#define LKVM_VERSION	"0.1"

/* Exit statuses, as lkvm --help documents them. */
#define EXIT_POWEROFF	0	/* the guest powered off */
#define EXIT_LKVM	1	/* bad input, or lkvm itself failed */
#define EXIT_CRASHED	2	/* the guest crashed */

#define MEM_MIN_MB	32
#define MEM_MAX_MB	2048
#define MEM_DEFAULT_MB	128

enum console_kind { CONSOLE_SERIAL, CONSOLE_VIRTIO };

struct options {
	const char *kernel;
	const char *initrd;
	const char *params;
	const char *disk;
	const char *tap;
	unsigned int mem_mb;
	bool rng;
	enum console_kind console;
};

/* util.c */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
void die_perror(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						     noreturn));
void crash(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						noreturn));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t size);
int read_whole_file(const char *path, uint8_t **buf, size_t *len);

/* The one lock for all device state; see ioloop.c. */
extern pthread_mutex_t dev_lock;

/* kernel.c: the bzImage, checked and loaded */
struct bzimage {
	uint8_t *file;
	size_t size;
	size_t setup_size;	/* (setup_sects + 1) * 512 */
	uint16_t protocol;
};
void bzimage_read(const char *path, struct bzimage *bz);

/* elfnote.c */
void check_guest_note(const char *path, const uint8_t *payload, size_t len);

/* kvm.c: the VM, its memory and its one vCPU */
extern int kvm_fd, vm_fd, vcpu_fd;
extern struct kvm_run *kvm_run;
extern uint8_t *guest_ram;
extern uint64_t ram_size;
void kvm_open(void);
void kvm_create_vm(uint64_t mem_bytes);
void *guest_ptr(uint64_t gpa, uint64_t len);
void kvm_irq_line(unsigned int irq, int level);
int kvm_run_vcpu(void);

/* debug.c: SIGUSR1 */
void debug_dump(void);

/* boot.c */
void boot_setup(const struct options *opt, const struct bzimage *bz,
		const char *cmdline);

/* mptable.c */
void mptable_setup(void);

/* ioport.c: port I/O dispatch for KVM_EXIT_IO */
void ioport_exit(uint16_t port, uint8_t *data, int size, bool is_write);
extern unsigned long unknown_io_count;
extern unsigned long unknown_mmio_count;

/* serial.c: the 8250 UART at 0x3f8, IRQ 4 */
#define SERIAL_BASE	0x3f8
#define SERIAL_IRQ	4
bool serial_io(uint16_t port, uint8_t *data, bool is_write);
void serial_init(bool is_console);

/* rtc.c: the CMOS clock at 0x70 */
bool rtc_io(uint16_t port, uint8_t *data, bool is_write);

/* term.c: stdin and stdout of the guest's console */
void term_init(void);
void term_restore(void);
int term_getc(void);		/* -1: nothing waiting */
bool term_has_input(void);
void term_poll_stdin(void);	/* called by the I/O thread */
void term_resume(void);
void console_output(const uint8_t *buf, size_t len);
const char *console_panic_line(void);
extern void (*console_input_ready)(void);

/* ioloop.c: the I/O thread */
typedef void (*io_handler)(void *arg);
bool ioloop_add(int fd, io_handler fn, void *arg);
void ioloop_del(int fd);
void ioloop_start(void);

/* virtio-mmio.c and virtqueue.c */
bool virtio_mmio_exit(uint64_t addr, uint8_t *data, int len, bool is_write);
void virtio_mmio_cmdline(char *buf, size_t size);

/* The devices. */
void virtio_console_init(void);
void virtio_console_input_ready(void);
void virtio_blk_init(int fd, uint64_t size);
void virtio_net_init(int fd);
void virtio_rng_init(void);
int disk_open(const char *path, uint64_t *size);
int tap_open(const char *ifname);

#endif /* LKVM_H */
