// SPDX-License-Identifier: GPL-2.0
/*
 * guest-bench - the workloads of 'make bench'.  The same static binary
 * runs natively in the test machine, in a kvm-lite guest (lkvm) and in a
 * guest of QEMU TCG nested in the test machine, and prints one line
 * "bench NAME NANOSECONDS-PER-OPERATION" per workload, so that the three
 * can be divided.
 *
 *   guest-bench getppid N          N getppid() system calls
 *   guest-bench forkexec N         N times fork, exec "guest-bench true", wait
 *   guest-bench faults MB ROUNDS   mmap MB anonymous, write each page, munmap
 *   guest-bench mprotect PAGES ROUNDS
 *                                  PAGES made read-only, writable, written
 *   guest-bench cpu N              N rounds of an integer hash, no system call
 *   guest-bench all DIV            all of them (and getppid by int $0x80),
 *                                  best of five, counts / DIV
 *   guest-bench exits              all but cpu once, between markers for
 *                                  counting exits (see bench_exits())
 *   guest-bench cpu-turns N ROUNDS ROUNDS cpu loops of N, each after a pause
 *                                  for the host's own round (see cpu_turns())
 *   guest-bench boot PATTERN CMD [ARG...]
 *                                  run CMD, pass its output through, and
 *                                  time the first PATTERN in its output
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE	4096
#define BEST_OF		5

/* The program's own path, for forkexec: argv[0] need not be one. */
static char self[4096];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Each workload returns its time per operation, in nanoseconds. */

/* glibc does not cache getppid(): every call enters the kernel. */
static double bench_getppid(unsigned long n)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < n; i++)
		getppid();
	return (now_ns() - t0) / n;
}

/*
 * getppid through "int $0x80" everywhere.  glibc enters the kernel the
 * vDSO's way: sysenter where the CPU has it, as the test machine does,
 * but a kvm-lite guest hides SEP (SYSENTER_CS is the host's) and gets
 * int $0x80.  This row compares the same entry on both sides.
 */
static double bench_getppid_int80(unsigned long n)
{
	double t0 = now_ns();
	unsigned long i;
	long ret;

	for (i = 0; i < n; i++)
		asm volatile("int $0x80" : "=a"(ret) : "a"(64) : "memory");
	return (now_ns() - t0) / n;
}

static double bench_forkexec(unsigned long n)
{
	double t0 = now_ns();
	unsigned long i;
	int status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(self, "guest-bench", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || status != 0) {
			fprintf(stderr, "guest-bench: child exec failed\n");
			exit(1);
		}
	}
	return (now_ns() - t0) / n;
}

/*
 * Each first write to a fresh anonymous page is one page fault; munmap
 * frees the pages again, so every round faults them all anew.  The time
 * is per page: the fault, zeroing the page, and its share of mmap and
 * munmap.
 */
static double bench_faults(unsigned long mb, unsigned long rounds)
{
	unsigned long len = mb << 20, r, off;
	double t0 = now_ns();
	char *p;

	for (r = 0; r < rounds; r++) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		for (off = 0; off < len; off += PAGE_SIZE)
			p[off] = 1;
		munmap(p, len);
	}
	return (now_ns() - t0) / (rounds * (len / PAGE_SIZE));
}

/*
 * A run of pages made read-only and writable again, then written, as a
 * garbage collector or JIT does: mprotect rewrites a run of live page
 * table entries in lazy MMU mode.  The time is per page and round.
 */
static double bench_mprotect(unsigned long pages, unsigned long rounds)
{
	unsigned long len = pages * PAGE_SIZE, r, off;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0;

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 1, len);
	t0 = now_ns();
	for (r = 0; r < rounds; r++) {
		if (mprotect(p, len, PROT_READ) ||
		    mprotect(p, len, PROT_READ | PROT_WRITE))
			die("mprotect");
		for (off = 0; off < len; off += PAGE_SIZE)
			p[off]++;
	}
	t0 = (now_ns() - t0) / (rounds * pages);
	munmap(p, len);
	return t0;
}

/* Registers only: what a guest costs when it never leaves user mode. */
static double bench_cpu(unsigned long n)
{
	double t0 = now_ns();
	unsigned int x = 1;
	unsigned long i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		x ^= x >> 13;
	}
	/* Use the result, or the compiler drops the loop. */
	if (x == 42)
		t0 -= 1;
	return (now_ns() - t0) / n;
}

static void report(const char *name, double ns)
{
	printf("bench %s %.3f\n", name, ns);
	fflush(stdout);
}

static void best(double *b, double t)
{
	if (!*b || t < *b)
		*b = t;
}

static unsigned long scaled(unsigned long n, unsigned long div)
{
	return n / div ? n / div : 1;
}

/*
 * The best of BEST_OF runs of each workload: the test machine shares
 * the build machine's CPUs, and the time other processes take from it
 * only ever adds.  The runs of the workloads interleave, so that a busy
 * spell does not spoil all runs of one.  A nested TCG guest divides the
 * counts by DIV.
 */
static void bench_all(unsigned long div)
{
	double b[6] = { 0 };
	int r;

	for (r = 0; r < BEST_OF; r++) {
		best(&b[0], bench_getppid(scaled(400000, div)));
		best(&b[4], bench_getppid_int80(scaled(400000, div)));
		best(&b[1], bench_forkexec(scaled(60, div)));
		best(&b[2], bench_faults(4, scaled(8, div)));
		best(&b[3], bench_cpu(scaled(100000000, div)));
		best(&b[5], bench_mprotect(64, scaled(200, div)));
	}
	report("getppid", b[0]);
	report("forkexec", b[1]);
	report("faults", b[2]);
	report("cpu", b[3]);
	report("getppid80", b[4]);
	report("mprotect", b[5]);
}

/*
 * Each workload but the CPU loop (cpu_turns() counts its exits) once,
 * between markers that the host side of 'make bench'
 * reads as they come, to count the exits in between from KVM's
 * statistics: "bench-begin NAME", a pause for the host to read the count
 * (an idle guest hardly exits), the workload, then "bench-end NAME
 * NS-PER-OPERATION TOTAL-NS ." (the dot takes the console's '\r').
 */
static double mark_begin(const char *name)
{
	printf("bench-begin %s\n", name);
	fflush(stdout);
	usleep(300000);
	return now_ns();
}

static void mark_end(const char *name, double per_op_ns, double t0)
{
	printf("bench-end %s %.3f %.0f .\n", name, per_op_ns, now_ns() - t0);
	fflush(stdout);
	usleep(300000);
}

static void bench_exits(void)
{
	double t;

	t = mark_begin("getppid");
	mark_end("getppid", bench_getppid(400000), t);
	t = mark_begin("getppid80");
	mark_end("getppid80", bench_getppid_int80(400000), t);
	t = mark_begin("forkexec");
	mark_end("forkexec", bench_forkexec(60), t);
	t = mark_begin("faults");
	mark_end("faults", bench_faults(4, 8), t);
	t = mark_begin("mprotect");
	mark_end("mprotect", bench_mprotect(64, 200), t);
}

/*
 * The CPU-bound goal is a few percent, less than the build machine's
 * load moves a run from one minute to the next.  So the guest's rounds
 * take turns with the host's: "bench-cpu-turn" asks the host side of
 * 'make bench' to run its round while this (idle, so not exiting) guest
 * sleeps, then the guest runs its own and prints "bench-cpu-round NS .".
 * Each pair of rounds is under a second apart.
 */
static void cpu_turns(unsigned long n, unsigned long rounds)
{
	unsigned long r;

	for (r = 0; r < rounds; r++) {
		printf("bench-cpu-turn\n");
		fflush(stdout);
		usleep(800000);
		printf("bench-cpu-round %.3f .\n", bench_cpu(n));
		fflush(stdout);
	}
}

/*
 * Run a VMM and time how long its guest takes to print PATTERN on its
 * console, counting from just before the fork: the VMM's own start-up
 * is part of what a user waits for.  PATTERN is looked for anywhere in
 * a line: firmware may leave escape sequences in front of it.
 */
static int boot(const char *pattern, char **argv)
{
	size_t len = 0, plen = strlen(pattern);
	char buf[4096], line[256];
	double t0, seen = 0;
	int fd[2], status;
	ssize_t n, i;
	pid_t pid;

	if (pipe(fd))
		die("pipe");
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		die(argv[0]);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		for (i = 0; i < n && !seen; i++) {
			if (buf[i] == '\n') {
				len = 0;
				continue;
			}
			if (buf[i] == '\r' || len >= sizeof(line))
				continue;
			line[len++] = buf[i];
			if (len >= plen &&
			    !memcmp(line + len - plen, pattern, plen))
				seen = now_ns();
		}
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (seen)
		report("boot", seen - t0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static unsigned long arg(char **argv, int i)
{
	char *end;
	unsigned long v = strtoul(argv[i], &end, 0);

	if (!*argv[i] || *end || !v) {
		fprintf(stderr, "guest-bench: bad count '%s'\n", argv[i]);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0)
		self[n] = '\0';
	else
		snprintf(self, sizeof(self), "%s", argv[0]);

	if (!strcmp(mode, "true"))
		return 0;
	if (!strcmp(mode, "getppid") && argc == 3)
		report(mode, bench_getppid(arg(argv, 2)));
	else if (!strcmp(mode, "forkexec") && argc == 3)
		report(mode, bench_forkexec(arg(argv, 2)));
	else if (!strcmp(mode, "faults") && argc == 4)
		report(mode, bench_faults(arg(argv, 2), arg(argv, 3)));
	else if (!strcmp(mode, "mprotect") && argc == 4)
		report(mode, bench_mprotect(arg(argv, 2), arg(argv, 3)));
	else if (!strcmp(mode, "cpu") && argc == 3)
		report(mode, bench_cpu(arg(argv, 2)));
	else if (!strcmp(mode, "all") && argc == 3)
		bench_all(arg(argv, 2));
	else if (!strcmp(mode, "exits") && argc == 2)
		bench_exits();
	else if (!strcmp(mode, "cpu-turns") && argc == 4)
		cpu_turns(arg(argv, 2), arg(argv, 3));
	else if (!strcmp(mode, "boot") && argc >= 4)
		return boot(argv[2], argv + 3);
	else {
		fprintf(stderr, "usage: guest-bench getppid N | forkexec N | "
			"faults MB ROUNDS | mprotect PAGES ROUNDS | cpu N |\n"
			"                   all DIV | exits | cpu-turns N ROUNDS |\n"
			"                   boot PATTERN CMD [ARG...]\n");
		return 2;
	}
	return 0;
}
