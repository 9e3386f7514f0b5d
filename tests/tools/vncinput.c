/*
 * vncinput - a real VNC client (libvncclient) that plays a script of
 * input and pictures, for tests of where input lands and what is shown.
 *
 *   vncinput HOST:PORT ACTION...
 *     --ppm OUT           write the framebuffer once it is up to date
 *     --size              print "size W H" of the framebuffer
 *     --wait-size W H     until the framebuffer has that size (10 s)
 *     --click X Y         button 1 pressed and released at X,Y
 *     --down KEYSYM / --up KEYSYM
 *     --sleep SECONDS     keep reading updates meanwhile
 *
 * Exit status: 0 done, 1 error or timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rfb/rfbclient.h>

#include "tests/tools/vnctool.h"


static int pump_for(rfbClient *cl, double seconds)
{
	double until = vnc_now_s() + seconds;

	while (vnc_now_s() < until)
		if (!vnc_pump(cl, 20000))
			return 0;
	return 1;
}

/* A full, non-incremental frame after everything sent so far. */
static int fresh_frame(rfbClient *cl)
{
	double until = vnc_now_s() + 10;
	int before;

	if (!pump_for(cl, 0.3))
		return 0;
	vnc_area_received = 0;
	before = vnc_frames_done;
	SendFramebufferUpdateRequest(cl, 0, 0, cl->width, cl->height, FALSE);
	while (vnc_frames_done == before) {
		if (!vnc_pump(cl, 20000) || vnc_now_s() > until)
			return 0;
	}
	return 1;
}

int main(int argc, char *argv[])
{
	char *my_argv[] = {argv[0], NULL};
	int my_argc = 1, i;
	rfbClient *cl;
	char *host, *colon;

	if (argc < 2) {
		fprintf(stderr, "usage: vncinput HOST:PORT ACTION...\n");
		return 1;
	}
	host = strdup(argv[1]);
	colon = host ? strrchr(host, ':') : NULL;
	if (!colon) {
		fprintf(stderr, "vncinput: want HOST:PORT\n");
		free(host);
		return 1;
	}
	*colon = '\0';
	rfbEnableClientLogging = FALSE;
	cl = rfbGetClient(8, 3, 4);
	cl->serverHost = host;
	cl->serverPort = atoi(colon + 1);
	vnc_use_password(cl);
	vnc_count_frames(cl);
	cl->appData.useRemoteCursor = TRUE;
	cl->appData.enableJPEG = FALSE;
	cl->appData.encodingsString = "tight zrle hextile zlib raw";
	if (!rfbInitClient(cl, &my_argc, my_argv)) {
		fprintf(stderr, "vncinput: cannot connect to %s\n", argv[1]);
		return 1;
	}
	if (!fresh_frame(cl)) {
		fprintf(stderr, "vncinput: no first frame\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		int ok = 1;

		if (!strcmp(a, "--ppm") && i + 1 < argc) {
			ok = fresh_frame(cl) && !vnc_write_ppm(cl, argv[++i]);
		} else if (!strcmp(a, "--size")) {
			printf("size %d %d\n", cl->width, cl->height);
			fflush(stdout);
		} else if (!strcmp(a, "--wait-size") && i + 2 < argc) {
			int w = atoi(argv[i + 1]), h = atoi(argv[i + 2]);
			double until = vnc_now_s() + 10;

			i += 2;
			while (ok && (cl->width != w || cl->height != h))
				ok = vnc_pump(cl, 20000) && vnc_now_s() < until;
		} else if (!strcmp(a, "--click") && i + 2 < argc) {
			int x = atoi(argv[i + 1]), y = atoi(argv[i + 2]);

			i += 2;
			SendPointerEvent(cl, x, y, 0);
			SendPointerEvent(cl, x, y, rfbButton1Mask);
			SendPointerEvent(cl, x, y, 0);
			ok = pump_for(cl, 0.1);
		} else if ((!strcmp(a, "--down") || !strcmp(a, "--up")) &&
			   i + 1 < argc) {
			SendKeyEvent(cl, (uint32_t)strtoul(argv[++i], NULL, 0),
				     !strcmp(a, "--down"));
			ok = pump_for(cl, 0.05);
		} else if (!strcmp(a, "--sleep") && i + 1 < argc) {
			ok = pump_for(cl, atof(argv[++i]));
		} else {
			fprintf(stderr, "vncinput: unknown action %s\n", a);
			return 1;
		}
		if (!ok) {
			fprintf(stderr, "vncinput: %s failed\n", a);
			return 1;
		}
	}
	rfbClientCleanup(cl);   /* frees host too */
	return 0;
}
