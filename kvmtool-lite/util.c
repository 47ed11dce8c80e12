// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: messages and small helpers.  Every error is one line on stderr,
 * starting with "lkvm: ", and one of the documented exit statuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lkvm.h"

static void vmsg(const char *prefix, const char *fmt, va_list ap,
		 const char *suffix)
{
	char line[1024];
	int n;

	/* One write, so that the line cannot be split by guest output. */
	n = snprintf(line, sizeof(line), "lkvm: %s", prefix);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (suffix)
		n += snprintf(line + n, sizeof(line) - n, ": %s", suffix);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap, NULL);
	va_end(ap);
	exit(EXIT_LKVM);
}

void die_perror(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap, err);
	va_end(ap);
	exit(EXIT_LKVM);
}

void crash(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("guest crashed: ", fmt, ap, NULL);
	va_end(ap);
	exit(EXIT_CRASHED);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap, NULL);
	va_end(ap);
}

void *xmalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p)
		die("out of memory (%zu bytes)", size);
	return p;
}

/* Returns 0, or -1 with errno set. */
int read_whole_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		errno = ENOMEM;
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			free(buf);
			goto fail;
		}
		done += n;
	}
	close(fd);
	*bufp = buf;
	*lenp = done;
	return 0;
fail:
	n = errno;
	close(fd);
	errno = n;
	return -1;
}
