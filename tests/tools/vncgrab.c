/*
 * vncgrab - a real VNC client (libvncclient) for the tests: connect, take
 * one complete framebuffer, write it as a PPM, optionally type keys, and
 * optionally stay connected to see whether the server closes.
 *
 *   vncgrab HOST:PORT OUT.ppm [--key KEYSYM]... [--hold SECONDS]
 *           [--timeout SECONDS]
 *
 * Exit status: 0 done (with --hold: the server closed the connection),
 * 1 error, 3 --hold ran out with the connection still open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rfb/rfbclient.h>

#include "tests/tools/vnctool.h"

static int frames_done;
static long long area_received;

/* A frame is complete once its rectangles cover the screen: an update may
 * carry only a cursor shape, and that is not a picture yet. */
static void on_rect(rfbClient *cl, int x, int y, int w, int h)
{
	(void)x;
	(void)y;
	(void)cl;
	area_received += (long long)w * h;
}

static void on_frame_done(rfbClient *cl)
{
	if (area_received >= (long long)cl->width * cl->height)
		frames_done++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	int keys[32], nkeys = 0, i, my_argc = 1;
	double hold = -1, timeout = 20, start;
	char *my_argv[] = {argv[0], NULL};
	rfbClient *cl;
	char *host, *colon;

	if (argc < 3) {
		fprintf(stderr, "usage: vncgrab HOST:PORT OUT.ppm [--key KEYSYM]..."
			" [--hold SECONDS] [--timeout SECONDS]\n");
		return 1;
	}
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--key") && i + 1 < argc && nkeys < 32)
			keys[nkeys++] = (int)strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = atof(argv[++i]);
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else {
			fprintf(stderr, "vncgrab: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	host = strdup(argv[1]);
	colon = strrchr(host, ':');
	if (!colon) {
		fprintf(stderr, "vncgrab: want HOST:PORT\n");
		return 1;
	}
	*colon = '\0';

	rfbEnableClientLogging = FALSE;
	cl = rfbGetClient(8, 3, 4);
	cl->serverHost = host;
	cl->serverPort = atoi(colon + 1);
	cl->FinishedFrameBufferUpdate = on_frame_done;
	cl->GotFrameBufferUpdate = on_rect;
	cl->appData.useRemoteCursor = TRUE;   /* no cursor drawn into pixels */
	cl->appData.enableJPEG = FALSE;       /* lossless, to compare pixels */
	cl->appData.encodingsString = getenv("VNCGRAB_ENCODINGS") ?
		getenv("VNCGRAB_ENCODINGS") : "tight zrle hextile zlib raw";
	start = now_s();
	if (!rfbInitClient(cl, &my_argc, my_argv)) {
		fprintf(stderr, "vncgrab: cannot connect to %s\n", argv[1]);
		return 1;
	}
	while (!frames_done) {
		if (!vnc_pump(cl, 100000)) {
			fprintf(stderr, "vncgrab: connection lost before a frame\n");
			return 1;
		}
		if (now_s() - start > timeout) {
			fprintf(stderr, "vncgrab: no frame in %.0f s\n", timeout);
			return 1;
		}
	}
	printf("first frame %dx%d after %.0f ms\n", cl->width, cl->height,
	       (now_s() - start) * 1000);
	if (vnc_write_ppm(cl, argv[2])) {
		perror("vncgrab: writing the image");
		return 1;
	}
	for (i = 0; i < nkeys; i++) {
		SendKeyEvent(cl, (uint32_t)keys[i], TRUE);
		SendKeyEvent(cl, (uint32_t)keys[i], FALSE);
	}
	if (hold >= 0) {
		double until = now_s() + hold;

		while (now_s() < until) {
			if (!vnc_pump(cl, 100000)) {
				printf("closed by the server\n");
				return 0;
			}
		}
		return 3;
	}
	/* Let the key events leave before the socket closes. */
	if (nkeys) {
		double until = now_s() + 0.3;
		while (now_s() < until)
			if (!vnc_pump(cl, 50000))
				break;
	}
	rfbClientCleanup(cl);
	return 0;
}
