/*
 * vncbench - a measuring VNC client (libvncclient) for benchmarks and
 * cursor tests.
 *
 *   vncbench HOST:PORT [--seconds S] [--latency N --marker FIFO]
 *            [--cursor] [--quality Q] [--compress C] [--cpu-pid P] [--ppm OUT.ppm]
 *            [--timeout S]
 *            [--stall S] [--swap-format S [--swaps N] [--swap-gap MS]]
 *
 * Prints, one result per line:
 *   first_frame_ms X           connect to the first complete frame
 *   updates N frames F seconds S rx_bytes B
 *                              over --seconds after the first frame: every
 *                              FramebufferUpdate, those carrying pixels, and
 *                              the bytes read from the server
 *   latency samples N median X p95 Y
 *                              --latency: N times, write one byte to FIFO
 *                              (xdemo --marker draws a marker of a colour
 *                              chosen by the byte) and time until the
 *                              marker's pixels arrive (ms)
 *   shape W H XHOT YHOT / pos X Y / size W H
 *                              --cursor: each cursor shape or position and
 *                              each new desktop size the server sends, as
 *                              it arrives
 * --ppm writes the framebuffer as it is at the end.
 * --swap-format S: S seconds into the timed run, the viewer changes its
 *                  pixel format (red and blue swapped, still lossless) and
 *                  asks for a whole frame; --ppm writes it as before.
 *                  --swaps N: N times, 0.5 s apart, back and forth;
 *                  --swap-16: to 16 bits a pixel (RGB565) and back
 *                  instead (--ppm then writes nothing useful);
 *                  --swap-gap MS: the new format first on its own, and
 *                  MS ms later again with the encodings and the request
 *                  (RFC 6143 lets a client send them apart; a server
 *                  that restarts an encoder at the first must not mix
 *                  the two up).
 * --stall S: after the first frame, a viewer that stops reading but not
 * asking: for S seconds a request for the whole screen every 10 ms and
 * nothing read (the slow or hung viewer a server must not let slow the
 * others or grow its memory); prints `stalled requests N`.
 * --cpu-pid P: with --seconds, also `cpu_ns N`, the CPU time process P
 * (e.g. `sipvnc view`) spent in the same window as the updates counted.
 * --quality Q asks for JPEG at quality Q (0-9) as a typical viewer does;
 * without it everything is lossless.  --compress C asks for Tight's
 * compression level C (0-9; libvncclient's default is 3, noVNC's page
 * asks 2): the web bench gives both sides the same settings.
 * Exit status 0, or 1 on error or timeout.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rfb/rfbclient.h>

#include "tests/tools/vnctool.h"

/* Where xdemo --marker draws, and its colour for a byte (keep in step
 * with xdemo.c). */
#define MARKER_X 8
#define MARKER_Y 8
#define MARKER_COLOUR(b) ((uint32_t)((b) * 0x3b5f17u + 0x102030u) & 0xffffffu)

/* libvncclient's last word, shown when the connection is lost: it says
 * why (its errors go through either of its two logs). */
static char last_log[256];

static void keep_last(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(last_log, sizeof(last_log), format, ap);
	va_end(ap);
	last_log[strcspn(last_log, "\n")] = '\0';
}

static void lost(void)
{
	fprintf(stderr, "vncbench: connection lost%s%s\n",
		last_log[0] ? "; libvncclient said: " : "", last_log);
}

static long long area_received;
static int frames_complete, updates, pixel_updates;
static int show_cursor;
static MallocFrameBufferProc default_malloc_fb;

/* CPU time of every thread of process pid in ns (schedstat's first
 * field), -1 if unreadable: --cpu-pid reads it at the ends of the timed
 * run, so that the CPU and the updates counted cover the same window. */
static long long cpu_ns(long pid)
{
	char path[64];
	struct dirent *de;
	long long sum = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		char name[300];
		long long v;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "/proc/%ld/task/%s/schedstat",
			 pid, de->d_name);
		f = fopen(name, "r");
		if (!f)
			continue;
		if (fscanf(f, "%lld", &v) == 1)
			sum += v;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* Bytes this process read(): libvncclient reads its socket with read(),
 * and nothing else is read while measuring. */
static long long bytes_read(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void on_rect(rfbClient *cl, int x, int y, int w, int h)
{
	(void)cl;
	(void)x;
	(void)y;
	area_received += (long long)w * h;
}

/* CopyRect: counted, then done as libvncclient would. */
static int copy_rects;
static GotCopyRectProc default_copy_rect;

static void on_copy_rect(rfbClient *cl, int src_x, int src_y, int w, int h,
			 int dest_x, int dest_y)
{
	copy_rects++;
	if (default_copy_rect)
		default_copy_rect(cl, src_x, src_y, w, h, dest_x, dest_y);
}

static void on_update_done(rfbClient *cl)
{
	updates++;
	if (area_received > 0)
		pixel_updates++;
	if (area_received >= (long long)cl->width * cl->height)
		frames_complete++;
	area_received = 0;
}

static void on_cursor_shape(rfbClient *cl, int xhot, int yhot, int w, int h,
			    int bytes_pp)
{
	(void)cl;
	(void)bytes_pp;
	if (show_cursor) {
		printf("shape %d %d %d %d\n", w, h, xhot, yhot);
		fflush(stdout);
	}
}

static rfbBool on_cursor_pos(rfbClient *cl, int x, int y)
{
	(void)cl;
	if (show_cursor) {
		printf("pos %d %d\n", x, y);
		fflush(stdout);
	}
	return TRUE;
}

/* Called for the first frame and for every desktop size change. */
static rfbBool on_new_size(rfbClient *cl)
{
	if (show_cursor) {
		printf("size %d %d\n", cl->width, cl->height);
		fflush(stdout);
	}
	return default_malloc_fb(cl);
}

/* One message, or a timeout slice; false when the connection is gone. */
static int pump(rfbClient *cl, int usec)
{
	return vnc_pump(cl, (unsigned)usec);
}

/* libvncclient's default format: 32 bpp, red in the low byte. */
static uint32_t pixel_at(const rfbClient *cl, int x, int y)
{
	const uint8_t *p = cl->frameBuffer + ((size_t)y * cl->width + x) * 4;

	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int measure_latency(rfbClient *cl, const char *fifo, int samples)
{
	double *ms = calloc((size_t)samples, sizeof(double));
	int fd = open(fifo, O_WRONLY | O_CLOEXEC), i, got = 0;

	if (!ms || fd < 0) {
		fprintf(stderr, "vncbench: cannot open the marker fifo %s\n",
			fifo);
		free(ms);
		return 1;
	}
	for (i = 0; i < samples; i++) {
		uint8_t b = (uint8_t)(i % 250 + 1);
		uint32_t want = MARKER_COLOUR(b);
		double t0, until;

		/* Settle between samples so each one is a lone change. */
		until = vnc_now_s() + 0.03 + (i % 5) * 0.007;
		while (vnc_now_s() < until)
			if (!pump(cl, 5000))
				goto lost;
		t0 = vnc_now_s();
		if (write(fd, &b, 1) != 1)
			break;
		while (pixel_at(cl, MARKER_X + 4, MARKER_Y + 4) != want) {
			if (!pump(cl, 100000))
				goto lost;
			if (vnc_now_s() - t0 > 3)
				break;
		}
		if (pixel_at(cl, MARKER_X + 4, MARKER_Y + 4) == want)
			ms[got++] = (vnc_now_s() - t0) * 1000;
	}
	close(fd);
	if (got == 0) {
		fprintf(stderr, "vncbench: no marker ever arrived\n");
		free(ms);
		return 1;
	}
	qsort(ms, (size_t)got, sizeof(double), cmp_double);
	printf("latency samples %d median %.2f p95 %.2f\n", got,
	       ms[got / 2], ms[(got * 95 + 99) / 100 - 1]);
	free(ms);
	return 0;
 lost:
	close(fd);
	free(ms);
	lost();
	return 1;
}

/* --swap-format: cl->format, on its own gap_ms before the encodings and
 * a whole-frame request (which SetFormatAndEncodings sends it with). */
static int swap_format(rfbClient *client, double gap_ms)
{
	/* (libvncclient's byte-order macros name it client) */
	if (gap_ms > 0) {
		rfbSetPixelFormatMsg spf;

		memset(&spf, 0, sizeof(spf));
		spf.type = rfbSetPixelFormat;
		spf.format = client->format;
		spf.format.redMax = rfbClientSwap16IfLE(spf.format.redMax);
		spf.format.greenMax = rfbClientSwap16IfLE(spf.format.greenMax);
		spf.format.blueMax = rfbClientSwap16IfLE(spf.format.blueMax);
		if (!WriteToRFBServer(client, (char *)&spf,
				      sz_rfbSetPixelFormatMsg))
			return -1;
		usleep((useconds_t)(gap_ms * 1000));
	}
	if (!SetFormatAndEncodings(client) ||
	    !SendFramebufferUpdateRequest(client, 0, 0, client->width,
					  client->height, FALSE))
		return -1;
	return 0;
}

int main(int argc, char *argv[])
{
	double seconds = 0, timeout = 20, stall = 0, start;
	int latency = 0, quality = -1, compress = -1, i, my_argc = 1;
	long cpu_pid = 0;
	const char *fifo = NULL, *ppm = NULL;
	double swap_at = -1, swap_gap_ms = 0;
	int swaps = 1, swaps_done = 0;
	bool swapped = false, swap16 = false;
	rfbPixelFormat pf0;
	char *my_argv[] = {argv[0], NULL};
	char *host, *colon;
	rfbClient *cl;

	if (argc < 2) {
		fprintf(stderr, "usage: vncbench HOST:PORT [--seconds S] "
			"[--latency N --marker FIFO] [--cursor] "
			"[--quality Q] [--compress C] [--ppm OUT.ppm] [--timeout S] "
			"[--stall S]\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--latency") && i + 1 < argc)
			latency = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--marker") && i + 1 < argc)
			fifo = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (!strcmp(argv[i], "--quality") && i + 1 < argc)
			quality = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cpu-pid") && i + 1 < argc)
			cpu_pid = atol(argv[++i]);
		else if (!strcmp(argv[i], "--compress") && i + 1 < argc)
			compress = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ppm") && i + 1 < argc)
			ppm = argv[++i];
		else if (!strcmp(argv[i], "--swap-format") && i + 1 < argc)
			swap_at = atof(argv[++i]);
		else if (!strcmp(argv[i], "--swaps") && i + 1 < argc)
			swaps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--swap-16"))
			swap16 = true;
		else if (!strcmp(argv[i], "--swap-gap") && i + 1 < argc)
			swap_gap_ms = atof(argv[++i]);
		else if (!strcmp(argv[i], "--stall") && i + 1 < argc)
			stall = atof(argv[++i]);
		else if (!strcmp(argv[i], "--cursor"))
			show_cursor = 1;
		else {
			fprintf(stderr, "vncbench: unknown argument %s\n",
				argv[i]);
			return 1;
		}
	}
	if ((latency > 0) != (fifo != NULL) || latency > 100000) {
		fprintf(stderr, "vncbench: --latency needs --marker\n");
		return 1;
	}
	host = strdup(argv[1]);
	colon = host ? strrchr(host, ':') : NULL;
	if (!colon) {
		fprintf(stderr, "vncbench: want HOST:PORT\n");
		return 1;
	}
	*colon = '\0';

	rfbClientLog = rfbClientErr = keep_last;
	cl = rfbGetClient(8, 3, 4);
	cl->serverHost = host;
	cl->serverPort = atoi(colon + 1);
	vnc_use_password(cl);
	cl->GotFrameBufferUpdate = on_rect;
	cl->FinishedFrameBufferUpdate = on_update_done;
	cl->GotCursorShape = on_cursor_shape;
	cl->HandleCursorPos = on_cursor_pos;
	default_copy_rect = cl->GotCopyRect;
	cl->GotCopyRect = on_copy_rect;
	default_malloc_fb = cl->MallocFrameBuffer;
	cl->MallocFrameBuffer = on_new_size;
	cl->appData.useRemoteCursor = TRUE;
	/* Lossless unless asked: markers are compared exactly (Tight sends
	 * a marker, a solid area, losslessly either way). */
	cl->appData.enableJPEG = quality >= 0 && quality <= 9;
	if (cl->appData.enableJPEG)
		cl->appData.qualityLevel = quality;
	if (compress >= 0 && compress <= 9)
		cl->appData.compressLevel = compress;
	cl->appData.encodingsString = getenv("VNCBENCH_ENCODINGS") ?
		getenv("VNCBENCH_ENCODINGS") : "tight copyrect zrle hextile zlib raw";

	start = vnc_now_s();
	if (!rfbInitClient(cl, &my_argc, my_argv)) {
		fprintf(stderr, "vncbench: cannot connect to %s\n", argv[1]);
		return 1;
	}
	while (!frames_complete) {
		if (!pump(cl, 100000) || vnc_now_s() - start > timeout) {
			fprintf(stderr, "vncbench: no complete frame\n");
			return 1;
		}
	}
	printf("first_frame_ms %.1f\n", (vnc_now_s() - start) * 1000);
	fflush(stdout);

	if (stall > 0) {
		double until = vnc_now_s() + stall;
		long n = 0;

		while (vnc_now_s() < until) {
			if (!SendFramebufferUpdateRequest(cl, 0, 0, cl->width,
							  cl->height, FALSE))
				break;
			n++;
			usleep(10000);
		}
		printf("stalled requests %ld\n", n);
		fflush(stdout);
		return 0;
	}
	if (seconds > 0) {
		long long b0 = bytes_read();
		long long c0 = cpu_pid > 0 ? cpu_ns(cpu_pid) : -1;
		double t0 = vnc_now_s(), until = t0 + seconds;

		updates = pixel_updates = 0;
		while (vnc_now_s() < until) {
			if (swap_at >= 0 && swaps_done < swaps &&
			    vnc_now_s() - t0 >= swap_at + 0.5 * swaps_done) {
				swaps_done++;
				swapped = !swapped;
				if (swaps_done == 1)
					pf0 = cl->format;
				cl->format = pf0;
				if (swapped && swap16) {
					cl->format.bitsPerPixel = 16;
					cl->format.depth = 16;
					cl->format.redMax = 31;
					cl->format.greenMax = 63;
					cl->format.blueMax = 31;
					cl->format.redShift = 11;
					cl->format.greenShift = 5;
					cl->format.blueShift = 0;
				}
				else if (swapped) {
					cl->format.redShift = 16;
					cl->format.blueShift = 0;
				}
				if (swap_format(cl, swap_gap_ms)) {
					fprintf(stderr, "vncbench: cannot "
						"change the format\n");
					return 1;
				}
			}
			if (!pump(cl, 20000)) {
				lost();
				return 1;
			}
		}
		printf("updates %d frames %d seconds %.2f rx_bytes %lld "
		       "copyrects %d\n", updates, pixel_updates, vnc_now_s() - t0,
		       bytes_read() - b0, copy_rects);
		if (c0 >= 0)
			printf("cpu_ns %lld\n", cpu_ns(cpu_pid) - c0);
		fflush(stdout);
	}
	if (latency > 0 && measure_latency(cl, fifo, latency))
		return 1;

	/* back to the order vnc_write_ppm() knows */
	if (swapped && !swap16) {
		long px;

		for (px = 0; px < (long)cl->width * cl->height; px++) {
			uint8_t *p = cl->frameBuffer + px * 4, t = p[0];

			p[0] = p[2];
			p[2] = t;
		}
	}
	if (ppm && vnc_write_ppm(cl, ppm)) {
		perror("vncbench: writing the image");
		return 1;
	}
	rfbClientCleanup(cl);
	return 0;
}
