/*
 * vncgrab - a real VNC client (libvncclient) for the tests: connect, take
 * one complete framebuffer, write it as a PPM, optionally type keys, and
 * optionally stay connected to see whether the server closes.
 *
 *   vncgrab HOST:PORT|/SOCKET OUT.ppm [--key KEYSYM]... [--hold SECONDS]
 *           [--timeout SECONDS] [--send-cut-text TEXT]
 *           [--expect-cut-text TEXT] [--print-cut-text]
 *           [--flip-format SECONDS]
 *
 * Cut text (the clipboard) is given and printed in UTF-8; on the wire it is
 * RFB's classic Latin-1.  --send-cut-text sends after the first frame;
 * --expect-cut-text waits (up to --timeout) for the server to send it;
 * --print-cut-text prints every cut text received as "cut text: TEXT".
 * --flip-format, after the first frame, behaves as a hostile viewer: for
 * SECONDS it switches between 16 and 32 bits per pixel, each time asking
 * for a whole frame, without waiting for the answers (which it reads and
 * drops unparsed), so the server's encoder is busy whenever a new format
 * arrives; then it exits 0 if the server still has the connection open.
 *
 * Exit status: 0 done (with --hold: the server closed the connection),
 * 1 error, 3 --hold ran out with the connection still open, 4 the expected
 * cut text did not come.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/select.h>
#include <unistd.h>

#include <rfb/rfbclient.h>

#include "tests/tools/vnctool.h"

static const char *expect_cut;
static int expected_cut_seen, cuts_seen;
static int print_cut;

/* Latin-1 from the server, compared and printed as UTF-8. */
static void on_cut_text(rfbClient *cl, const char *text, int len)
{
	char utf8[8192];
	size_t o = 0;
	int i;

	(void)cl;
	for (i = 0; i < len && o + 3 < sizeof(utf8); i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x80) {
			utf8[o++] = (char)c;
		}
		else {
			utf8[o++] = (char)(0xc0 | c >> 6);
			utf8[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	utf8[o] = '\0';
	cuts_seen++;
	if (print_cut) {
		printf("cut text: %s\n", utf8);
		fflush(stdout);
	}
	if (expect_cut && !strcmp(utf8, expect_cut))
		expected_cut_seen = 1;
}

/* UTF-8 from the command line to Latin-1 for the wire ('?' beyond it). */
static int to_latin1(const char *utf8, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t o = 0;

	while (*s && o + 1 < size) {
		if (*s < 0x80) {
			out[o++] = (char)*s++;
		}
		else if ((*s & 0xe0) == 0xc0 && s[1]) {
			unsigned cp = (unsigned)(*s & 0x1f) << 6 | (s[1] & 0x3f);

			out[o++] = cp < 0x100 ? (char)cp : '?';
			s += 2;
		}
		else {
			out[o++] = '?';
			for (s++; (*s & 0xc0) == 0x80; s++)
				;
		}
	}
	out[o] = '\0';
	return (int)o;
}

/* Bytes from the server, read and dropped; 0 once it closed. */
static int drain(rfbClient *cl, double secs)
{
	char buf[65536];
	fd_set rd;
	struct timeval tv = {0, (suseconds_t)(secs * 1e6)};
	ssize_t n;

	FD_ZERO(&rd);
	FD_SET(cl->sock, &rd);
	if (select(cl->sock + 1, &rd, NULL, NULL, &tv) <= 0)
		return 1;
	n = read(cl->sock, buf, sizeof(buf));
	return n > 0 || (n < 0 && errno == EINTR);
}

static int flip_format(rfbClient *cl, double secs)
{
	rfbPixelFormat full = cl->format, low = cl->format;
	double until = vnc_now_s() + secs;
	long flips = 0;

	low.bitsPerPixel = 16;
	low.depth = 16;
	low.redMax = 31;
	low.greenMax = 63;
	low.blueMax = 31;
	low.redShift = 11;
	low.greenShift = 5;
	low.blueShift = 0;
	while (vnc_now_s() < until) {
		cl->format = flips % 2 ? full : low;
		if (!SetFormatAndEncodings(cl) ||
		    !SendFramebufferUpdateRequest(cl, 0, 0, cl->width,
						  cl->height, FALSE)) {
			printf("flip-format: the server closed after %ld "
			       "flips\n", flips);
			return 1;
		}
		flips++;
		if (!drain(cl, 0.002)) {
			printf("flip-format: the server closed after %ld "
			       "flips\n", flips);
			return 1;
		}
	}
	printf("flip-format: %ld flips, connection still open\n", flips);
	return 0;
}

int main(int argc, char *argv[])
{
	int keys[32], nkeys = 0, i, my_argc = 1;
	double hold = -1, timeout = 20, start, flip = 0;
	char *my_argv[] = {argv[0], NULL};
	rfbClient *cl;
	char *host, *colon;
	const char *send_cut = NULL;

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
		else if (!strcmp(argv[i], "--send-cut-text") && i + 1 < argc)
			send_cut = argv[++i];
		else if (!strcmp(argv[i], "--expect-cut-text") && i + 1 < argc)
			expect_cut = argv[++i];
		else if (!strcmp(argv[i], "--flip-format") && i + 1 < argc)
			flip = atof(argv[++i]);
		else if (!strcmp(argv[i], "--print-cut-text"))
			print_cut = 1;
		else {
			fprintf(stderr, "vncgrab: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	host = strdup(argv[1]);
	/* a Unix socket is a path: libvncclient knows it by its stat() */
	colon = host[0] == '/' ? NULL : strrchr(host, ':');
	if (!colon && host[0] != '/') {
		fprintf(stderr, "vncgrab: want HOST:PORT or /SOCKET\n");
		return 1;
	}
	if (colon)
		*colon = '\0';

	rfbEnableClientLogging = FALSE;
	cl = rfbGetClient(8, 3, 4);
	cl->serverHost = host;
	cl->serverPort = colon ? atoi(colon + 1) : 0;
	vnc_use_password(cl);
	vnc_count_frames(cl);
	cl->GotXCutText = on_cut_text;
	cl->appData.useRemoteCursor = TRUE;   /* no cursor drawn into pixels */
	cl->appData.enableJPEG = FALSE;       /* lossless, to compare pixels */
	cl->appData.encodingsString = getenv("VNCGRAB_ENCODINGS") ?
		getenv("VNCGRAB_ENCODINGS") : "tight zrle hextile zlib raw";
	start = vnc_now_s();
	if (!rfbInitClient(cl, &my_argc, my_argv)) {
		fprintf(stderr, "vncgrab: cannot connect to %s\n", argv[1]);
		return 1;
	}
	while (!vnc_frames_done) {
		if (!vnc_pump(cl, 100000)) {
			fprintf(stderr, "vncgrab: connection lost before a frame\n");
			return 1;
		}
		if (vnc_now_s() - start > timeout) {
			fprintf(stderr, "vncgrab: no frame in %.0f s\n", timeout);
			return 1;
		}
	}
	printf("first frame %dx%d after %.0f ms\n", cl->width, cl->height,
	       (vnc_now_s() - start) * 1000);
	if (vnc_write_ppm(cl, argv[2])) {
		perror("vncgrab: writing the image");
		return 1;
	}
	if (flip > 0)
		return flip_format(cl, flip);
	for (i = 0; i < nkeys; i++) {
		SendKeyEvent(cl, (uint32_t)keys[i], TRUE);
		SendKeyEvent(cl, (uint32_t)keys[i], FALSE);
	}
	if (send_cut) {
		char latin1[8192];
		int n = to_latin1(send_cut, latin1, sizeof(latin1));

		if (!SendClientCutText(cl, latin1, n)) {
			fprintf(stderr, "vncgrab: cannot send the cut text\n");
			return 1;
		}
		printf("sent cut text (%d bytes)\n", n);
	}
	while (expect_cut && !expected_cut_seen) {
		if (!vnc_pump(cl, 100000)) {
			fprintf(stderr, "vncgrab: connection lost before the "
				"cut text\n");
			return 4;
		}
		if (vnc_now_s() - start > timeout) {
			fprintf(stderr, "vncgrab: no expected cut text in %.0f s"
				" (%d others)\n", timeout, cuts_seen);
			return 4;
		}
	}
	if (expect_cut)
		printf("got the expected cut text\n");
	fflush(stdout);
	if (hold >= 0) {
		double until = vnc_now_s() + hold;

		while (vnc_now_s() < until) {
			if (!vnc_pump(cl, 100000)) {
				printf("closed by the server\n");
				return 0;
			}
		}
		return 3;
	}
	/* Let the key events leave before the socket closes. */
	if (nkeys || send_cut) {
		double until = vnc_now_s() + 0.3;
		while (vnc_now_s() < until)
			if (!vnc_pump(cl, 50000))
				break;
	}
	rfbClientCleanup(cl);
	return 0;
}
