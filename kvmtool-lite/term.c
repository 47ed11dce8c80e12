// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: the guest console's end on our side.  Input: stdin, raw when it
 * is a terminal (restored on every exit, through atexit), queued here
 * until the console device (serial.c or virtio-console.c) takes it.
 * Output: stdout, watched for the kernel's panic line so that a crash
 * can be reported with its reason.
 *
 * On a terminal, Ctrl-A x quits and Ctrl-A Ctrl-A sends a Ctrl-A, as in
 * kvmtool and QEMU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lkvm.h"

#define INPUT_SIZE	4096
#define LINE_SIZE	256
#define CTRL_A		0x01
#define PANIC_TEXT	"Kernel panic - not syncing"

void (*console_input_ready)(void);

static struct termios saved_tio;
static bool tty_raw, is_tty, paused, stdin_done, unpollable;
static bool escape;

/* A ring of input bytes, under dev_lock. */
static uint8_t input[INPUT_SIZE];
static unsigned int in_head, in_tail;

static char line[LINE_SIZE];
static size_t line_len;
static char panic_line[LINE_SIZE];

void term_restore(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tty_raw = false;
}

static void read_stdin(void);

static void stdin_ready(void *arg)
{
	(void)arg;
	term_poll_stdin();
}

void term_init(void)
{
	struct termios tio;

	is_tty = isatty(STDIN_FILENO);
	if (is_tty && !tcgetattr(STDIN_FILENO, &saved_tio)) {
		tio = saved_tio;
		cfmakeraw(&tio);
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &tio)) {
			tty_raw = true;
			atexit(term_restore);
		}
	}
	/*
	 * A file (or /dev/null) cannot be polled, but is always readable:
	 * it is read whenever the queue has room, by whoever made room.
	 */
	if (!ioloop_add(STDIN_FILENO, stdin_ready, NULL)) {
		unpollable = true;
		pthread_mutex_lock(&dev_lock);
		read_stdin();
		pthread_mutex_unlock(&dev_lock);
	}
}

static unsigned int input_space(void)
{
	return INPUT_SIZE - (in_head - in_tail);
}

bool term_has_input(void)
{
	return in_head != in_tail;
}

/* Under dev_lock. */
int term_getc(void)
{
	if (!term_has_input())
		return -1;
	return input[in_tail++ % INPUT_SIZE];
}

/* Under dev_lock: a consumer made room; listen to stdin again. */
void term_resume(void)
{
	if (!paused || stdin_done || input_space() < INPUT_SIZE / 2)
		return;
	paused = false;
	if (unpollable)
		read_stdin();
	else
		ioloop_add(STDIN_FILENO, stdin_ready, NULL);
}

static void queue_byte(uint8_t c)
{
	if (tty_raw) {
		if (escape) {
			escape = false;
			if (c == 'x') {
				term_restore();
				die("stopped by Ctrl-A x");
			}
			if (c != CTRL_A)
				return;
		} else if (c == CTRL_A) {
			escape = true;
			return;
		}
	}
	input[in_head++ % INPUT_SIZE] = c;
}

/*
 * Under dev_lock: stdin is readable.  The read does not block: epoll
 * said so, or stdin is a file.  Holding the lock across it keeps the
 * queue simple.
 */
static void read_stdin(void)
{
	uint8_t buf[INPUT_SIZE];
	ssize_t n, i;

	n = read(STDIN_FILENO, buf, input_space());
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* End of input: the guest just gets no more. */
		stdin_done = true;
		if (!unpollable)
			ioloop_del(STDIN_FILENO);
		return;
	}
	for (i = 0; i < n; i++)
		queue_byte(buf[i]);
	if (input_space() == 0) {
		paused = true;
		if (!unpollable)
			ioloop_del(STDIN_FILENO);
	}
	if (console_input_ready)
		console_input_ready();
}

/* The I/O thread: stdin is readable. */
void term_poll_stdin(void)
{
	pthread_mutex_lock(&dev_lock);
	read_stdin();
	pthread_mutex_unlock(&dev_lock);
}

/*
 * Remember the line in which the kernel said why it panicked: the first
 * one, since its closing "---[ end Kernel panic - not syncing: ... ]---"
 * repeats the text.
 */
static void check_line(void)
{
	char *p;

	line[line_len] = '\0';
	p = strstr(line, PANIC_TEXT);
	if (p && !panic_line[0])
		snprintf(panic_line, sizeof(panic_line), "%s", p);
}

static void track_line(char c)
{
	if (c != '\n') {
		if (c != '\r' && line_len < LINE_SIZE - 1)
			line[line_len++] = c;
		return;
	}
	check_line();
	line_len = 0;
}

/* Under dev_lock: guest console output. */
void console_output(const uint8_t *buf, size_t len)
{
	size_t i, done = 0;
	ssize_t n;

	for (i = 0; i < len; i++)
		track_line(buf[i]);
	while (done < len) {
		n = write(STDOUT_FILENO, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* nobody listens; the guest goes on */
		done += n;
	}
}

/*
 * The panic reason, or NULL.  A panic line still without its newline
 * counts too: a dying kernel may not finish it.  Under dev_lock.
 */
const char *console_panic_line(void)
{
	check_line();
	return panic_line[0] ? panic_line : NULL;
}
