/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest.h - the tiny assertion library every in-VM test program uses.
 *
 * Each assertion prints exactly one line on stdout:
 *
 *	ok - <group>: <what was checked>
 *	not ok - <group>: <what was checked> (<why>)
 *
 * The host-side runner (tests/run-machine) counts these lines; it never
 * trusts an exit status alone.  Programs end with ktest_exit(), which
 * returns non-zero if anything failed so the init script can flag a
 * program that died before printing its assertions.
 */
#ifndef KTEST_H
#define KTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ktest_failed_count;
static int ktest_passed_count;
static const char *ktest_group = "test";

static inline void ktest_set_group(const char *group)
{
	ktest_group = group;
}

static inline int ktest_report(int pass, const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("%s - %s: ", pass ? "ok" : "not ok", ktest_group);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!pass && why)
		printf(" (%s)", why);
	printf("\n");
	fflush(stdout);
	if (pass)
		ktest_passed_count++;
	else
		ktest_failed_count++;
	return pass;
}

/* KT_CHECK(cond, "description %d", args...): a plain boolean assertion. */
#define KT_CHECK(cond, ...) \
	ktest_report(!!(cond), "condition false: " #cond, __VA_ARGS__)

/*
 * KT_EXPECT_OK(ret, ...): ret must be >= 0 (a syscall/ioctl that succeeds).
 * Reports errno on failure.
 */
#define KT_EXPECT_OK(ret, ...) ({					\
	long __r = (long)(ret);						\
	int __e = errno;						\
	char __why[96];							\
	snprintf(__why, sizeof(__why), "returned %ld, errno %d %s",	\
		 __r, __e, strerror(__e));				\
	ktest_report(__r >= 0, __why, __VA_ARGS__);			\
})

/*
 * KT_EXPECT_ERRNO(ret, err, ...): ret must be -1 with errno == err
 * (a syscall/ioctl that is documented to fail with err).
 */
#define KT_EXPECT_ERRNO(ret, err, ...) ({				\
	long __r = (long)(ret);						\
	int __e = errno;						\
	char __why[128];						\
	snprintf(__why, sizeof(__why),					\
		 "returned %ld, errno %d %s; wanted -1 with %s",	\
		 __r, __r < 0 ? __e : 0, __r < 0 ? strerror(__e) : "",	\
		 strerror(err));					\
	ktest_report(__r == -1 && __e == (err), __why, __VA_ARGS__);	\
})

/* KT_EXPECT_EQ(got, want, ...): integer equality, values shown on failure. */
#define KT_EXPECT_EQ(got, want, ...) ({					\
	unsigned long long __g = (unsigned long long)(got);		\
	unsigned long long __w = (unsigned long long)(want);		\
	char __why[96];							\
	snprintf(__why, sizeof(__why), "got %#llx, want %#llx",	\
		 __g, __w);						\
	ktest_report(__g == __w, __why, __VA_ARGS__);			\
})

static inline int ktest_exit(void)
{
	printf("# %s: %d passed, %d failed\n", ktest_group,
	       ktest_passed_count, ktest_failed_count);
	fflush(stdout);
	return ktest_failed_count ? 1 : 0;
}

#endif /* KTEST_H */
