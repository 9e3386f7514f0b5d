/*
 * sipload - place N calls at once, each a real RFB viewer (libvncclient),
 * and report each viewer's framebuffer updates per second.
 *
 *   sipload [--seconds S] [--timeout T] HOST:PORT...
 *
 * Each HOST:PORT is where a `sipvnc view` waits for a local viewer: the
 * connection places its call.  One process per viewer (libvncclient keeps
 * some state per process), all started together; each counts the updates
 * that arrive during S seconds (default 10) after its first one, asking
 * for the next one as soon as one is done, as a real viewer does.
 * Prints one line per viewer, "viewer I: U updates/s (first after F ms)",
 * then "viewers N lowest L mean M updates/s".  Exit status 0 when every
 * viewer got its first update within T seconds (default 20) and kept its
 * connection for S seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/rfbclient.h>

#include "tests/tools/vnctool.h"

static int updates;

static void quiet(const char *format, ...)
{
	(void)format;
}

static void on_update_done(rfbClient *cl)
{
	(void)cl;
	updates++;
}

/* In the child: one viewer.  Writes "U F" (updates/s, first-update ms)
 * to out, or "-1 -1". */
static int viewer(const char *where, double seconds, double timeout, int out)
{
	char *argv[] = {(char *)"sipload", NULL};
	int argc = 1;
	rfbClient *cl = rfbGetClient(8, 3, 4);
	char host[256], line[64], *colon;
	double t0 = vnc_now_s(), first = 0, until;
	int n0 = 0, ok = 0;

	snprintf(host, sizeof(host), "%s", where);
	colon = strrchr(host, ':');
	if (!cl || !colon)
		goto out;
	*colon = '\0';
	cl->serverHost = strdup(host);
	cl->serverPort = atoi(colon + 1);
	cl->FinishedFrameBufferUpdate = on_update_done;
	vnc_use_password(cl);   /* view's TCP port asks for its password */
	if (!rfbInitClient(cl, &argc, argv)) {
		cl = NULL;   /* freed by libvncclient */
		goto out;
	}
	while (!updates && vnc_now_s() - t0 < timeout)
		if (!vnc_pump(cl, 100000))
			goto out;
	if (!updates)
		goto out;
	first = vnc_now_s();
	n0 = updates;
	until = first + seconds;
	while (vnc_now_s() < until)
		if (!vnc_pump(cl, 50000))
			goto out;
	ok = 1;
out:
	if (ok)
		snprintf(line, sizeof(line), "%.1f %.0f\n",
			 (updates - n0) / seconds, (first - t0) * 1000);
	else
		snprintf(line, sizeof(line), "-1 -1\n");
	if (write(out, line, strlen(line)) < 0)
		ok = 0;
	if (cl)
		rfbClientCleanup(cl);
	return ok ? 0 : 1;
}

int main(int argc, char *argv[])
{
	double seconds = 10, timeout = 20, lowest = -1, sum = 0;
	int i, first_ep = 1, n, failed = 0;
	int (*pipes)[2];
	pid_t *pids;

	rfbClientLog = rfbClientErr = quiet;
	while (first_ep + 1 < argc && argv[first_ep][0] == '-') {
		if (!strcmp(argv[first_ep], "--seconds"))
			seconds = atof(argv[first_ep + 1]);
		else if (!strcmp(argv[first_ep], "--timeout"))
			timeout = atof(argv[first_ep + 1]);
		else
			break;
		first_ep += 2;
	}
	n = argc - first_ep;
	if (n <= 0 || seconds <= 0) {
		fprintf(stderr, "usage: sipload [--seconds S] [--timeout T] "
			"HOST:PORT...\n");
		return 2;
	}
	pipes = calloc((size_t)n, sizeof(*pipes));
	pids = calloc((size_t)n, sizeof(*pids));
	if (!pipes || !pids)
		return 1;
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if (pipe(pipes[i]))
			return 1;
		pids[i] = fork();
		if (pids[i] == 0) {
			close(pipes[i][0]);
			_exit(viewer(argv[first_ep + i], seconds, timeout,
				     pipes[i][1]));
		}
		close(pipes[i][1]);
	}
	for (i = 0; i < n; i++) {
		char buf[64] = "";
		double ups = -1, first_ms = -1;
		ssize_t got = read(pipes[i][0], buf, sizeof(buf) - 1);

		if (got > 0) {
			buf[got] = '\0';
			sscanf(buf, "%lf %lf", &ups, &first_ms);
		}
		close(pipes[i][0]);
		waitpid(pids[i], NULL, 0);
		if (ups < 0) {
			printf("viewer %d: FAILED\n", i + 1);
			failed++;
			continue;
		}
		printf("viewer %d: %.1f updates/s (first after %.0f ms)\n",
		       i + 1, ups, first_ms);
		if (lowest < 0 || ups < lowest)
			lowest = ups;
		sum += ups;
	}
	printf("viewers %d lowest %.1f mean %.1f updates/s%s\n", n,
	       lowest < 0 ? 0 : lowest, n > failed ? sum / (n - failed) : 0,
	       failed ? " (some failed)" : "");
	return failed ? 1 : 0;
}
