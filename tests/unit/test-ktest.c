// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tests/lib/ktest.h, run on the build machine.
 *
 * Every in-VM test reports through these macros, so they must be able to
 * fail: each case below runs one assertion in a child process, captures
 * the line it prints, and checks the verdict and the explanation.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The assertion under test runs in a child; its stdout comes back here. */
static int run_child(void (*fn)(void), char *out, size_t len, int *status)
{
	int pipefd[2];
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		/* A fresh reporter: no inherited group or counts. */
		ktest_passed_count = 0;
		ktest_failed_count = 0;
		ktest_set_group("test");
		fn();
		exit(ktest_exit());
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, status, 0);
	return 0;
}

static void pass_check(void) { KT_CHECK(1 + 1 == 2, "arith"); }
static void fail_check(void) { KT_CHECK(1 + 1 == 3, "arith"); }
static void pass_ok(void) { KT_EXPECT_OK(0, "zero"); }
static void fail_ok(void) { errno = ENOENT; KT_EXPECT_OK(-1, "minus"); }

static void pass_errno(void)
{
	errno = EBADF;
	KT_EXPECT_ERRNO(-1, EBADF, "bad fd");
}

static void fail_errno_wrong(void)
{
	errno = EINVAL;
	KT_EXPECT_ERRNO(-1, EBADF, "bad fd");
}

static void fail_errno_success(void)
{
	errno = EBADF;		/* stale errno must not count */
	KT_EXPECT_ERRNO(0, EBADF, "bad fd");
}

static void pass_eq(void) { KT_EXPECT_EQ(0x1234, 0x1234, "eq"); }
static void fail_eq(void) { KT_EXPECT_EQ(0x1234, 0x1235, "eq"); }

static void group_and_format(void)
{
	ktest_set_group("grp");
	KT_CHECK(1, "value %d", 42);
}

struct unit_case {
	const char *name;
	void (*fn)(void);
	int want_pass;		/* the assertion's verdict */
	const char *want_text;	/* must appear in its output */
};

static const struct unit_case cases[] = {
	{ "KT_CHECK true", pass_check, 1, "ok - test: arith" },
	{ "KT_CHECK false", fail_check, 0, "condition false: 1 + 1 == 3" },
	{ "KT_EXPECT_OK on 0", pass_ok, 1, "ok - test: zero" },
	{ "KT_EXPECT_OK on -1", fail_ok, 0, "errno 2" },
	{ "KT_EXPECT_ERRNO match", pass_errno, 1, "ok - test: bad fd" },
	{ "KT_EXPECT_ERRNO wrong errno", fail_errno_wrong, 0, "wanted -1" },
	{ "KT_EXPECT_ERRNO on success", fail_errno_success, 0, "returned 0" },
	{ "KT_EXPECT_EQ equal", pass_eq, 1, "ok - test: eq" },
	{ "KT_EXPECT_EQ different", fail_eq, 0, "got 0x1234, want 0x1235" },
	{ "group and printf format", group_and_format, 1, "ok - grp: value 42" },
};

static void check_case(const struct unit_case *c)
{
	char out[1024];
	int status, verdict_ok, exit_ok;

	if (run_child(c->fn, out, sizeof(out), &status)) {
		KT_CHECK(0, "%s: could not run the child", c->name);
		return;
	}
	verdict_ok = c->want_pass ? strncmp(out, "ok - ", 5) == 0 :
				    strncmp(out, "not ok - ", 9) == 0;
	KT_CHECK(verdict_ok, "%s: prints \"%s\"", c->name,
		 c->want_pass ? "ok" : "not ok");
	KT_CHECK(strstr(out, c->want_text) != NULL,
		 "%s: explains itself (\"%s\")", c->name, c->want_text);
	exit_ok = WIFEXITED(status) &&
		  WEXITSTATUS(status) == (c->want_pass ? 0 : 1);
	KT_CHECK(exit_ok, "%s: ktest_exit() returns %d", c->name,
		 c->want_pass ? 0 : 1);
}

int main(void)
{
	size_t i;

	ktest_set_group("unit-ktest");
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i]);
	return ktest_exit();
}
