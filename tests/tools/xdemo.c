/*
 * xdemo - an X client to share in tests and in `make run`: paints a
 * recognisable pattern over the whole screen, takes the keyboard focus and
 * prints every key it receives ("key 0x61 a") on stdout.
 *
 *   xdemo [--animate WxH FPS] [--seconds N]
 *
 * --animate moves a WxH block at FPS frames per second (a workload for
 * benchmarks); --seconds ends it after N seconds (default: run forever).
 */
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	int anim_w = 0, anim_h = 0, fps = 0, frame = 0, i;
	double seconds = -1, start, next_frame;
	xcb_key_symbols_t *syms;
	xcb_screen_t *screen;
	uint32_t values[2];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--animate") && i + 2 < argc) {
			if (sscanf(argv[++i], "%dx%d", &anim_w, &anim_h) != 2)
				return 2;
			fps = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else {
			fprintf(stderr, "usage: xdemo [--animate WxH FPS] "
				"[--seconds N]\n");
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
	xcb_flush(c);

	start = now_s();
	next_frame = start;
	for (;;) {
		struct pollfd pfd = {xcb_get_file_descriptor(c), POLLIN, 0};
		xcb_generic_event_t *ev;
		int wait_ms = -1;

		if (fps)
			wait_ms = (int)((next_frame - now_s()) * 1000);
		if (seconds >= 0) {
			int left = (int)((start + seconds - now_s()) * 1000);
			if (left <= 0)
				break;
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
		}
		if (wait_ms != 0)
			(void)poll(&pfd, 1, wait_ms < 0 ? -1 : wait_ms);
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
			int span = width - anim_w, x = span > 0 ? (frame * 7) % span : 0;
			fill(0x203040, 0, height / 2, width, anim_h);
			fill((uint32_t)(frame * 0x10101) & 0xffffff, x, height / 2,
			     anim_w, anim_h);
			xcb_flush(c);
			frame++;
			next_frame += 1.0 / fps;
		}
	}
	xcb_key_symbols_free(syms);
	xcb_disconnect(c);
	return 0;
}
