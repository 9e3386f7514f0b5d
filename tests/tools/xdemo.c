/*
 * xdemo - an X client to share in tests and in `make run`: paints a
 * recognisable pattern over the whole screen, takes the keyboard focus and
 * prints every key it receives ("key 0x61 a") on stdout.
 *
 *   xdemo [--animate WxH FPS] [--frames N] [--seconds N] [--marker FIFO]
 *
 * --animate scrolls a detailed picture through a centred WxH area at FPS
 * frames per second, every pixel changing each frame (a workload for
 * benchmarks, as hard to compress as real content); --frames stops the
 * animation after N frames, leaving the last one up; --seconds ends it after N
 * seconds (default: run forever); --marker draws a 16x16 marker at (8,8)
 * for every byte written to FIFO, its colour chosen by the byte (vncbench
 * times how long the marker takes to reach a viewer).
 */
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xcb/xcb.h>
#include <xcb/xcb_keysyms.h>

static xcb_connection_t *c;
static xcb_window_t win;
static xcb_gcontext_t gc;
static int width, height;

/* Keep in step with vncbench.c. */
#define MARKER_X 8
#define MARKER_Y 8
#define MARKER_COLOUR(b) ((uint32_t)((b) * 0x3b5f17u + 0x102030u) & 0xffffffu)

static void fill(uint32_t rgb, int x, int y, int w, int h)
{
	xcb_rectangle_t r = {(int16_t)x, (int16_t)y, (uint16_t)w, (uint16_t)h};

	xcb_change_gc(c, gc, XCB_GC_FOREGROUND, &rgb);
	xcb_poly_fill_rectangle(c, win, gc, 1, &r);
}

/* Bands of colour, a grid of distinct tiles and a gradient strip: every
 * pixel format or offset mistake shows. */
static void paint(void)
{
	int x, y, i = 0;

	fill(0x203040, 0, 0, width, height);
	for (y = 0; y < height / 2; y += 40)
		for (x = 0; x < width; x += 40, i++)
			fill((uint32_t)(i * 0x3b5f17) & 0xffffff, x, y, 39, 39);
	for (x = 0; x < width; x++)
		fill((uint32_t)((x * 255 / width) << 16 | (255 - x * 255 / width)),
		     x, height * 3 / 4, 1, height / 8);
	xcb_flush(c);
}

#define SCROLL_SPAN 256   /* the picture is this much wider than the area */
#define SCROLL_STEP 7

static xcb_pixmap_t picture;

/* A picture with detail everywhere (smooth gradients crossed by a fine
 * pattern), drawn once into a pixmap, in bands that fit a request. */
static int make_picture(int w, int h, int depth)
{
	int pw = w + SCROLL_SPAN, rows = 60000 / pw > 0 ? 60000 / pw : 1;
	uint32_t *buf = malloc((size_t)pw * rows * 4);
	int x, y, y0;

	if (!buf)
		return -1;
	picture = xcb_generate_id(c);
	xcb_create_pixmap(c, (uint8_t)depth, picture, win, (uint16_t)pw,
			  (uint16_t)h);
	for (y0 = 0; y0 < h; y0 += rows) {
		int n = h - y0 < rows ? h - y0 : rows;

		for (y = 0; y < n; y++)
			for (x = 0; x < pw; x++) {
				unsigned yy = (unsigned)(y0 + y), xx = (unsigned)x;
				uint32_t r = (xx * 255 / (unsigned)pw) ^ ((yy * 3) & 0x1f);
				uint32_t g = (yy * 255 / (unsigned)h) ^ ((xx * 5) & 0x1f);
				uint32_t b = ((xx ^ yy) * 7) & 0xff;

				buf[(size_t)y * pw + x] = r << 16 | g << 8 | b;
			}
		xcb_put_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, picture, gc,
			      (uint16_t)pw, (uint16_t)n, 0, (int16_t)y0, 0,
			      (uint8_t)depth, (uint32_t)pw * n * 4,
			      (const uint8_t *)buf);
	}
	free(buf);
	return 0;
}

/* One frame: the picture moved on by a few pixels, one CopyArea. */
static void animate(int w, int h, int frame)
{
	int x0 = (width - w) / 2, y0 = (height - h) / 2;
	int shift = (frame * SCROLL_STEP) % SCROLL_SPAN;

	xcb_copy_area(c, picture, win, gc, (int16_t)shift, 0, (int16_t)x0,
		      (int16_t)y0, (uint16_t)w, (uint16_t)h);
	xcb_flush(c);
}

static void read_markers(int fd)
{
	uint8_t buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fill(MARKER_COLOUR(buf[n - 1]), MARKER_X, MARKER_Y, 16, 16);
		xcb_flush(c);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	int anim_w = 0, anim_h = 0, fps = 0, frame = 0, i, marker_fd = -1;
	int frames = -1;
	double seconds = -1, start, next_frame;
	xcb_key_symbols_t *syms;
	xcb_screen_t *screen;
	uint32_t values[2];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--animate") && i + 2 < argc) {
			if (sscanf(argv[++i], "%dx%d", &anim_w, &anim_h) != 2)
				return 2;
			fps = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
			frames = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--marker") && i + 1 < argc) {
			/* Read-write: no end of file when a writer leaves. */
			marker_fd = open(argv[++i], O_RDWR | O_NONBLOCK |
					 O_CLOEXEC);
			if (marker_fd < 0) {
				perror("xdemo: --marker");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: xdemo [--animate WxH FPS] "
				"[--frames N] [--seconds N] [--marker FIFO]\n");
			return 2;
		}
	}
	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "xdemo: cannot open the display\n");
		return 1;
	}
	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	width = screen->width_in_pixels;
	height = screen->height_in_pixels;
	win = xcb_generate_id(c);
	values[0] = 1; /* override-redirect: no window manager needed */
	values[1] = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_KEY_PRESS;
	xcb_create_window(c, XCB_COPY_FROM_PARENT, win, screen->root, 0, 0,
			  (uint16_t)width, (uint16_t)height, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual,
			  XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK, values);
	gc = xcb_generate_id(c);
	xcb_create_gc(c, gc, win, 0, NULL);
	xcb_map_window(c, win);
	xcb_set_input_focus(c, XCB_INPUT_FOCUS_POINTER_ROOT, win,
			    XCB_CURRENT_TIME);
	syms = xcb_key_symbols_alloc(c);
	if (anim_w > width)
		anim_w = width;
	if (anim_h > height)
		anim_h = height;
	if (fps && (anim_w <= 0 || anim_h <= 0 || fps > 1000 ||
		    screen->root_depth != 24 ||
		    make_picture(anim_w, anim_h, screen->root_depth))) {
		fprintf(stderr, "xdemo: cannot animate that (needs depth 24)\n");
		return 2;
	}
	xcb_flush(c);

	start = now_s();
	next_frame = start;
	for (;;) {
		struct pollfd pfd[2] = {
			{xcb_get_file_descriptor(c), POLLIN, 0},
			{marker_fd, POLLIN, 0},
		};
		xcb_generic_event_t *ev;
		int wait_ms = -1;

		if (fps && frames >= 0 && frame >= frames) {
			fps = 0;   /* the last frame stays up */
			printf("animation done\n");
			fflush(stdout);
		}
		if (fps) {
			/* Never negative: late by a millisecond or more (a
			 * preemption after "fell behind" below) would make
			 * poll() wait for ever and freeze the picture; +1
			 * rounds up, so it does not spin before the frame. */
			double ahead = next_frame - now_s();

			wait_ms = ahead > 0 ? (int)(ahead * 1000) + 1 : 0;
		}
		if (seconds >= 0) {
			int left = (int)((start + seconds - now_s()) * 1000);
			if (left <= 0)
				break;
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
		}
		if (wait_ms != 0)
			(void)poll(pfd, marker_fd >= 0 ? 2 : 1,
				   wait_ms < 0 ? -1 : wait_ms);
		if (marker_fd >= 0)
			read_markers(marker_fd);
		while ((ev = xcb_poll_for_event(c))) {
			uint8_t type = ev->response_type & 0x7f;

			if (type == XCB_EXPOSE)
				paint();
			else if (type == XCB_KEY_PRESS) {
				xcb_key_press_event_t *kp = (void *)ev;
				int col = (kp->state & XCB_MOD_MASK_SHIFT) ? 1 : 0;
				xcb_keysym_t ks = xcb_key_symbols_get_keysym(
					syms, kp->detail, col);
				printf("key 0x%x\n", ks);
				fflush(stdout);
			}
			free(ev);
		}
		if (xcb_connection_has_error(c))
			return 1;
		if (fps && now_s() >= next_frame) {
			animate(anim_w, anim_h, frame);
			frame++;
			next_frame += 1.0 / fps;
			/* Fell behind: skip frames rather than burst. */
			if (next_frame < now_s())
				next_frame = now_s();
		}
	}
	xcb_key_symbols_free(syms);
	xcb_disconnect(c);
	return 0;
}
