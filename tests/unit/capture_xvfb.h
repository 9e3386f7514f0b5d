/*
 * capture_xvfb.h - a private Xvfb for each capture unit test, so tests never
 * touch the user's display and can run in parallel.
 */
#ifndef SIPVNC_CAPTURE_XVFB_H
#define SIPVNC_CAPTURE_XVFB_H

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct xvfb {
	pid_t pid;
	char display[32];
};

static inline long long xvfb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Start Xvfb with one screen of geometry (e.g. "640x480x24"); without_ext
 * (or NULL) names an extension to disable.  Returns 0 once the server
 * accepts connections. */
static inline int xvfb_start(struct xvfb *x, const char *geometry,
			     const char *without_ext)
{
	char buf[32] = "";
	size_t got = 0;
	long long deadline = xvfb_now_us() + 10 * 1000000LL;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	x->pid = fork();
	if (x->pid < 0)
		return -1;
	if (x->pid == 0) {
		char fd[16];
		int dn, wfd = dup(p[1]);   /* dup drops close-on-exec */

		snprintf(fd, sizeof(fd), "%d", wfd);
		dn = open("/dev/null", O_WRONLY);
		if (dn >= 0) {
			dup2(dn, 1);
			dup2(dn, 2);
		}
		if (without_ext)
			execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0",
			       geometry, "-nolisten", "tcp", "-extension",
			       without_ext, (char *)NULL);
		else
			execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0",
			       geometry, "-nolisten", "tcp", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(buf) - 1 && !strchr(buf, '\n')) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long long left = deadline - xvfb_now_us();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)(left / 1000) + 1) <= 0)
			break;
		n = read(p[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
	}
	close(p[0]);
	if (!strchr(buf, '\n')) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
		x->pid = 0;
		return -1;
	}
	snprintf(x->display, sizeof(x->display), ":%d", atoi(buf));
	return 0;
}

static inline void xvfb_stop(struct xvfb *x)
{
	if (x->pid <= 0)
		return;
	kill(x->pid, SIGTERM);
	waitpid(x->pid, NULL, 0);
	x->pid = 0;
}

#endif
