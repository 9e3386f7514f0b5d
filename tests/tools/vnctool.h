/*
 * vnctool.h - what the libvncclient test viewers (vncgrab, vncinput,
 * vncbench) share.
 *
 * vnc_pump: one step of a viewer's loop.
 * libvncclient reads the socket in large pieces: several server messages
 * can sit in its buffer while select() sees nothing more to read.
 * WaitForMessage() only looks at the socket, so a loop built on it alone
 * stalls with a whole frame buffered.  Handle what is buffered first.
 *
 * vnc_use_password: log in to `sipvnc view`'s TCP port as `vncviewer
 * -passwd FILE` does, with the file sipvnc wrote for that port.
 */
#ifndef SIPVNC_VNCTOOL_H
#define SIPVNC_VNCTOOL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rfb/rfbclient.h>

/* 1: a message was handled or the time ran out; 0: the connection is
 * gone. */
static inline int vnc_pump(rfbClient *cl, unsigned usec)
{
	int n = cl->buffered ? 1 : WaitForMessage(cl, usec);

	if (n < 0)
		return 0;
	if (n > 0 && !HandleRFBServerMessage(cl))
		return 0;
	return 1;
}

/* The password to log in to port with: $VNC_PASSWORD (plain, to test a
 * wrong one), else the vncpasswd file $VNC_PASSWD_FILE, else the one sipvnc
 * view writes for that port: $XDG_RUNTIME_DIR/sipvnc/view-PORT.passwd (or
 * /tmp/sipvnc-UID/...).  malloc'd, NULL when there is none. */
static inline char *vnc_password_for_port(int port)
{
	const char *plain = getenv("VNC_PASSWORD");
	const char *file = getenv("VNC_PASSWD_FILE");
	const char *run = getenv("XDG_RUNTIME_DIR");
	char path[4096];

	if (plain)
		return strdup(plain);
	if (!file) {
		if (run && run[0] == '/')
			snprintf(path, sizeof(path), "%s/sipvnc/view-%d.passwd",
				 run, port);
		else
			snprintf(path, sizeof(path),
				 "/tmp/sipvnc-%u/view-%d.passwd",
				 (unsigned)geteuid(), port);
		file = path;
	}
	return rfbDecryptPasswdFromFile((char *)file);
}

/* libvncclient frees what this returns */
static char *vnc_get_password(rfbClient *cl)
{
	return vnc_password_for_port(cl->serverPort);
}

static inline void vnc_use_password(rfbClient *cl)
{
	cl->GetPassword = vnc_get_password;
}

static inline double vnc_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Complete frames: an update may carry only a cursor shape, and that is
 * not a picture yet, so a frame counts once the rectangles received
 * cover the screen.  Install with vnc_count_frames(). */
static long long vnc_area_received;
static int vnc_frames_done;

static inline void vnc_on_rect(rfbClient *cl, int x, int y, int w, int h)
{
	(void)cl;
	(void)x;
	(void)y;
	vnc_area_received += (long long)w * h;
}

static inline void vnc_on_frame_done(rfbClient *cl)
{
	if (vnc_area_received >= (long long)cl->width * cl->height)
		vnc_frames_done++;
}

static inline void vnc_count_frames(rfbClient *cl)
{
	cl->GotFrameBufferUpdate = vnc_on_rect;
	cl->FinishedFrameBufferUpdate = vnc_on_frame_done;
}

/* libvncclient's default format: 32 bpp, red in the low byte.  Written
 * beside and renamed, so that a test waiting for the file never reads half
 * of it. */
static inline int vnc_write_ppm(const rfbClient *cl, const char *path)
{
	char tmp[4096];
	FILE *f;
	int x, y;

	snprintf(tmp, sizeof(tmp), "%s.part", path);
	f = fopen(tmp, "wb");
	if (!f)
		return -1;
	fprintf(f, "P6\n%d %d\n255\n", cl->width, cl->height);
	for (y = 0; y < cl->height; y++) {
		const uint8_t *row = cl->frameBuffer + (size_t)y * cl->width * 4;
		for (x = 0; x < cl->width; x++)
			fwrite(row + x * 4, 1, 3, f);
	}
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

#endif
