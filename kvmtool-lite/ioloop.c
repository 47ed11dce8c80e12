// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: the I/O thread.  One epoll loop waits on the queue-notify
 * eventfds KVM signals (ioeventfd: a guest notification costs no exit
 * to user space), on stdin and on the tap device, and calls the handler
 * registered for the fd.  The vCPU thread handles register accesses
 * (MMIO and port exits); both take dev_lock around device state.
 */
#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>

#include "lkvm.h"

#define MAX_FDS		256

pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;

static int epoll_fd = -1;
static struct {
	io_handler fn;
	void *arg;
} handlers[MAX_FDS];

static void ioloop_init(void)
{
	if (epoll_fd >= 0)
		return;
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (epoll_fd < 0)
		die_perror("epoll_create1");
}

/* false if fd cannot be polled (a regular file, /dev/null). */
bool ioloop_add(int fd, io_handler fn, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	ioloop_init();
	if (fd < 0 || fd >= MAX_FDS)
		die("fd %d out of the I/O loop's range", fd);
	handlers[fd].fn = fn;
	handlers[fd].arg = arg;
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		if (errno == EPERM)
			return false;
		if (errno != EEXIST)
			die_perror("epoll_ctl(ADD, %d)", fd);
	}
	return true;
}

/* Stop watching fd for now (its handler stays for ioloop_add). */
void ioloop_del(int fd)
{
	epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, NULL);
}

static void *io_thread(void *unused)
{
	struct epoll_event ev[16];
	int i, n, fd;

	(void)unused;
	for (;;) {
		n = epoll_wait(epoll_fd, ev, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_perror("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			fd = ev[i].data.fd;
			if (handlers[fd].fn)
				handlers[fd].fn(handlers[fd].arg);
		}
	}
	return NULL;
}

void ioloop_start(void)
{
	sigset_t block, old;
	pthread_t tid;

	/* Signals that stop KVM_RUN are for the vCPU thread alone. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ioloop_init();
	if (pthread_create(&tid, NULL, io_thread, NULL))
		die("cannot start the I/O thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
