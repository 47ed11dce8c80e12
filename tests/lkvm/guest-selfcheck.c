// SPDX-License-Identifier: GPL-2.0
/*
 * guest-selfcheck - run inside a kvm-lite Linux guest (lkvm, host-41):
 * work that goes through the paravirtual kernel's every common path,
 * with every result checked.
 *
 *  - processes: fork, exec of this program, exit status through wait;
 *  - system calls of several kinds (getpid, getppid, open/read/close of
 *    /proc/self/stat, gettimeofday and CLOCK_MONOTONIC, pipes), each
 *    result compared with what it must be;
 *  - memory: anonymous mappings touched page by page and read back,
 *    MAP_SHARED seen by parent and child, MAP_PRIVATE copied on write,
 *    an unmapped page faulting with SIGSEGV, and mprotect and mremap
 *    of a run of pages, protections and contents checked.
 *
 * A guest kernel that loses a register across a trap, mixes up shadow
 * page tables or drops a TLB flush fails here with a message instead of
 * only misbehaving later.  Exit status 0 and one "selfcheck: ok" line on
 * success; 1 and "selfcheck: FAILED: ..." on the first mismatch.
 *
 *   guest-selfcheck [FORKS [SYSCALL-ROUNDS]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define CHILD_ARG	"--child"

static unsigned long nsyscalls, nforks, mapped_kb;

static void __attribute__((noreturn, format(printf, 1, 2)))
failed(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("selfcheck: FAILED: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Raw system calls: libc must not answer from a cache of its own. */
static pid_t sys_getpid(void)
{
	nsyscalls++;
	return syscall(SYS_getpid);
}

static pid_t sys_getppid(void)
{
	nsyscalls++;
	return syscall(SYS_getppid);
}

/*
 * The exec'd child: its parent's pid and the status to exit with come
 * on the command line, so both directions are checked.
 */
static int child_main(int argc, char **argv)
{
	if (argc != 4)
		failed("child: expected PARENT-PID STATUS, got %d arguments",
		       argc - 2);
	if (sys_getppid() != atoi(argv[2]))
		failed("child: getppid() %d, parent said it was %s",
		       (int)sys_getppid(), argv[2]);
	return atoi(argv[3]);
}

static void check_forks(unsigned long count)
{
	char ppid[16], want[16];
	unsigned long i;
	int status;
	pid_t pid;

	snprintf(ppid, sizeof(ppid), "%d", (int)sys_getpid());
	for (i = 0; i < count; i++) {
		/* Statuses 0..126: a failed exec would be 127. */
		snprintf(want, sizeof(want), "%lu", i % 127);
		pid = fork();
		if (pid < 0)
			failed("fork %lu: %s", i, strerror(errno));
		if (!pid) {
			execl("/proc/self/exe", "guest-selfcheck", CHILD_ARG,
			      ppid, want, (char *)NULL);
			fprintf(stderr, "selfcheck: FAILED: exec: %s\n",
				strerror(errno));
			_exit(127);
		}
		nforks++;
		if (waitpid(pid, &status, 0) != pid)
			failed("waitpid %d: %s", (int)pid, strerror(errno));
		if (!WIFEXITED(status) ||
		    (unsigned long)WEXITSTATUS(status) != i % 127)
			failed("child %lu: wait status 0x%x, expected exit %lu",
			       i, status, i % 127);
	}
}

/* The first field of /proc/self/stat is our pid. */
static void check_proc_stat(pid_t self)
{
	char buf[512];
	ssize_t n;
	int fd;

	fd = open("/proc/self/stat", O_RDONLY);
	if (fd < 0)
		failed("open /proc/self/stat: %s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		failed("read /proc/self/stat: %zd (%s)", n, strerror(errno));
	buf[n] = 0;
	if (close(fd))
		failed("close /proc/self/stat: %s", strerror(errno));
	nsyscalls += 3;
	if (atoi(buf) != self || !strstr(buf, " ("))
		failed("/proc/self/stat says '%.40s', expected pid %d",
		       buf, (int)self);
}

static void check_syscalls(unsigned long rounds)
{
	pid_t self = sys_getpid(), parent = sys_getppid();
	struct timeval tv, last_tv = { 0, 0 };
	struct timespec ts, last_ts = { 0, 0 };
	uint32_t in, out;
	unsigned long i;
	int fds[2];

	if (pipe(fds))
		failed("pipe: %s", strerror(errno));
	for (i = 0; i < rounds; i++) {
		if (sys_getpid() != self)
			failed("round %lu: getpid() %d, was %d", i,
			       (int)sys_getpid(), (int)self);
		if (sys_getppid() != parent)
			failed("round %lu: getppid() %d, was %d", i,
			       (int)sys_getppid(), (int)parent);
		check_proc_stat(self);

		if (gettimeofday(&tv, NULL))
			failed("gettimeofday: %s", strerror(errno));
		if (tv.tv_sec < last_tv.tv_sec ||
		    (tv.tv_sec == last_tv.tv_sec && tv.tv_usec < last_tv.tv_usec))
			failed("gettimeofday went back: %ld.%06ld after %ld.%06ld",
			       (long)tv.tv_sec, (long)tv.tv_usec,
			       (long)last_tv.tv_sec, (long)last_tv.tv_usec);
		last_tv = tv;
		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			failed("clock_gettime: %s", strerror(errno));
		if (ts.tv_sec < last_ts.tv_sec ||
		    (ts.tv_sec == last_ts.tv_sec && ts.tv_nsec < last_ts.tv_nsec))
			failed("CLOCK_MONOTONIC went back: %ld.%09ld after %ld.%09ld",
			       (long)ts.tv_sec, ts.tv_nsec,
			       (long)last_ts.tv_sec, last_ts.tv_nsec);
		last_ts = ts;

		/* A value that differs in every round and every byte. */
		out = (uint32_t)i * 0x9e3779b9u ^ 0xa5a5a5a5u;
		if (write(fds[1], &out, sizeof(out)) != sizeof(out))
			failed("pipe write: %s", strerror(errno));
		in = ~out;
		if (read(fds[0], &in, sizeof(in)) != sizeof(in))
			failed("pipe read: %s", strerror(errno));
		if (in != out)
			failed("pipe round %lu: read 0x%08x, wrote 0x%08x",
			       i, in, out);
		nsyscalls += 4;
	}
	close(fds[0]);
	close(fds[1]);
}

/* Each word of a page holds its own address mixed with a seed. */
static uint32_t pattern(const void *p, uint32_t seed)
{
	return (uint32_t)(uintptr_t)p * 2654435761u ^ seed;
}

static void fill(uint32_t *p, size_t bytes, uint32_t seed)
{
	size_t i;

	for (i = 0; i < bytes / 4; i += 61)
		p[i] = pattern(&p[i], seed);
	/* The last word of each page too, across page boundaries. */
	for (i = PAGE / 4 - 1; i < bytes / 4; i += PAGE / 4)
		p[i] = pattern(&p[i], seed);
}

/*
 * Returns the offset of the first mismatch, or -1.  @p holds what fill()
 * wrote at @filled (the same address unless the memory moved since).
 */
static long verify_moved(const uint32_t *p, const uint32_t *filled,
			 size_t bytes, uint32_t seed)
{
	size_t i;

	for (i = 0; i < bytes / 4; i += 61)
		if (p[i] != pattern(&filled[i], seed))
			return i * 4;
	for (i = PAGE / 4 - 1; i < bytes / 4; i += PAGE / 4)
		if (p[i] != pattern(&filled[i], seed))
			return i * 4;
	return -1;
}

static long verify(const uint32_t *p, size_t bytes, uint32_t seed)
{
	return verify_moved(p, p, bytes, seed);
}

static void *map(size_t bytes, int flags)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		failed("mmap %zu bytes: %s", bytes, strerror(errno));
	mapped_kb += bytes / 1024;
	return p;
}

static void unmap(void *p, size_t bytes)
{
	if (munmap(p, bytes))
		failed("munmap: %s", strerror(errno));
}

/* fork, run fn(arg) in the child, and expect it to exit 0. */
static void in_child(const char *what, void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		failed("fork for %s: %s", what, strerror(errno));
	if (!pid) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		failed("%s: child ended with wait status 0x%x", what, status);
}

struct region {
	uint32_t *p;
	size_t bytes;
};

static void child_fill(void *arg)
{
	struct region *r = arg;

	fill(r->p, r->bytes, 0xc0ffee);
}

static void child_verify(void *arg)
{
	struct region *r = arg;
	long off = verify(r->p, r->bytes, 0xbeef);

	if (off >= 0)
		failed("child: the parent's MAP_SHARED write at +%ld is not seen",
		       off);
}

static void child_touch_unmapped(void *arg)
{
	volatile uint32_t *p = arg;

	signal(SIGSEGV, SIG_DFL);
	*p = 1;
	/* Reaching here means the unmapped page was still mapped. */
	_exit(3);
}

static void check_memory(void)
{
	static const size_t sizes[] = { PAGE, 64 * 1024, 1 << 20, 8 << 20 };
	struct region r;
	unsigned int round, i;
	int status;
	long off;
	pid_t pid;

	/* Anonymous private memory, mapped, touched, checked, unmapped. */
	for (round = 0; round < 4; round++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			r.bytes = sizes[i];
			r.p = map(r.bytes, MAP_PRIVATE);
			fill(r.p, r.bytes, round * 16 + i);
			off = verify(r.p, r.bytes, round * 16 + i);
			if (off >= 0)
				failed("anonymous %zu bytes, round %u: mismatch at +%ld",
				       r.bytes, round, off);
			unmap(r.p, r.bytes);
		}
	}

	/* MAP_SHARED: the child's writes reach the parent, and back. */
	r.bytes = 2 << 20;
	r.p = map(r.bytes, MAP_SHARED);
	in_child("MAP_SHARED fill", child_fill, &r);
	off = verify(r.p, r.bytes, 0xc0ffee);
	if (off >= 0)
		failed("MAP_SHARED: the child's write at +%ld is not seen", off);
	fill(r.p, r.bytes, 0xbeef);
	in_child("MAP_SHARED verify", child_verify, &r);
	unmap(r.p, r.bytes);

	/* MAP_PRIVATE across fork: the child's writes stay its own. */
	r.bytes = 2 << 20;
	r.p = map(r.bytes, MAP_PRIVATE);
	fill(r.p, r.bytes, 0xbeef);
	in_child("MAP_PRIVATE copy on write", child_fill, &r);
	off = verify(r.p, r.bytes, 0xbeef);
	if (off >= 0)
		failed("MAP_PRIVATE: the child's write at +%ld leaked into the parent",
		       off);

	/* An unmapped page must fault, not show stale memory. */
	unmap(r.p, r.bytes);
	pid = fork();
	if (pid < 0)
		failed("fork: %s", strerror(errno));
	if (!pid)
		child_touch_unmapped(r.p);
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGSEGV)
		failed("a write to unmapped memory: wait status 0x%x, expected SIGSEGV",
		       status);
}

/* A write to @p must kill a child with SIGSEGV. */
static void expect_write_fault(const char *what, void *p)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		failed("fork: %s", strerror(errno));
	if (!pid)
		child_touch_unmapped(p);
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGSEGV)
		failed("%s: wait status 0x%x, expected SIGSEGV", what, status);
}

/*
 * mprotect and mremap rewrite runs of live page-table entries (in lazy
 * MMU mode, where a kvm-lite guest may batch them): protections and
 * contents must follow exactly.
 */
static void check_protections(void)
{
	size_t bytes = 64 * PAGE;
	unsigned int round;
	uint32_t *p, *q;
	char *area;
	long off;

	for (round = 0; round < 4; round++) {
		/* p, a gap, and where mremap moves p to: all ours. */
		area = mmap(NULL, 3 * bytes, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED)
			failed("mmap %zu bytes: %s", 3 * bytes, strerror(errno));
		p = mmap(area, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			failed("mmap at %p: %s", area, strerror(errno));
		mapped_kb += bytes / 1024;
		fill(p, bytes, 0x600d + round);
		if (mprotect(p, bytes, PROT_READ))
			failed("mprotect read-only: %s", strerror(errno));
		off = verify(p, bytes, 0x600d + round);
		if (off >= 0)
			failed("read-only, round %u: mismatch at +%ld", round, off);
		expect_write_fault("a write to a read-only page", p + bytes / 8);
		if (mprotect(p, bytes, PROT_READ | PROT_WRITE))
			failed("mprotect writable: %s", strerror(errno));
		fill(p, bytes, 0xbad + round);
		q = mremap(p, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED,
			   area + 2 * bytes);
		if (q == MAP_FAILED)
			failed("mremap: %s", strerror(errno));
		off = verify_moved(q, p, bytes, 0xbad + round);
		if (off >= 0)
			failed("moved by mremap, round %u: mismatch at +%ld",
			       round, off);
		expect_write_fault("a write where mremap moved from", p);
		unmap(area, 3 * bytes);
	}
}

int main(int argc, char **argv)
{
	unsigned long forks = 300, rounds = 1000;

	if (argc > 1 && !strcmp(argv[1], CHILD_ARG))
		return child_main(argc, argv);
	if (argc > 1)
		forks = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		rounds = strtoul(argv[2], NULL, 0);

	setvbuf(stdout, NULL, _IOLBF, 0);
	check_forks(forks);
	printf("selfcheck: %lu fork/exec/exit done\n", nforks);
	check_syscalls(rounds);
	printf("selfcheck: %lu system calls checked\n", nsyscalls);
	check_memory();
	check_protections();
	printf("selfcheck: %lu KB mapped, touched, checked, unmapped, also by mprotect and mremap\n",
	       mapped_kb);
	printf("selfcheck: ok\n");
	return 0;
}
