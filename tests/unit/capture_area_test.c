/*
 * capture_area_test - capture_open_area() on a private Xvfb: a shared
 * window's framebuffer holds the window's own pixels even where another
 * window covers it or the screen edge cuts it; a monitor is its part of
 * the screen; names that are not there fail cleanly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xcb/xcb.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"

static xcb_connection_t *c;
static xcb_screen_t *screen;

static xcb_window_t make_window(const char *title, uint32_t rgb, int x,
				int y, int w, int h)
{
	xcb_window_t win = xcb_generate_id(c);
	uint32_t values[1] = {rgb};

	xcb_create_window(c, XCB_COPY_FROM_PARENT, win, screen->root,
			  (int16_t)x, (int16_t)y, (uint16_t)w, (uint16_t)h, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual,
			  XCB_CW_BACK_PIXEL, values);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, win, XCB_ATOM_WM_NAME,
			    XCB_ATOM_STRING, 8, (uint32_t)strlen(title), title);
	xcb_map_window(c, win);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	return win;
}

/* Every pixel of the framebuffer is rgb (24-bit TrueColor, 32 bpp). */
static bool all_pixels(struct capture *cap, uint32_t rgb)
{
	const struct capture_format *f = capture_format(cap);
	const uint8_t *fb = capture_framebuffer(cap);
	int x, y;

	for (y = 0; y < f->height; y++)
		for (x = 0; x < f->width; x++) {
			uint32_t p;

			memcpy(&p, fb + (size_t)y * f->stride + (size_t)x * 4, 4);
			if ((p & 0xffffff) != rgb)
				return false;
		}
	return true;
}

static void test_window(const char *display)
{
	struct capture_area area = {CAPTURE_WINDOW, "target*"};
	struct capture *cap = NULL;
	char id[32];

	/* Partly off the screen's right edge, and half covered. */
	make_window("target window", 0x3060a0, 560, 100, 160, 120);
	make_window("cover", 0xff00ff, 500, 80, 100, 200);
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), 0);
	if (!cap)
		return;
	CHECK_EQ_INT(capture_format(cap)->width, 160);
	CHECK_EQ_INT(capture_format(cap)->height, 120);
	CHECK(all_pixels(cap, 0x3060a0));
	capture_close(cap);

	/* By id, too. */
	snprintf(id, sizeof(id), "0x%x",
		 make_window("by id", 0x20a040, 10, 10, 50, 40));
	area.spec = id;
	cap = NULL;
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), 0);
	if (cap) {
		CHECK_EQ_INT(capture_format(cap)->width, 50);
		CHECK(all_pixels(cap, 0x20a040));
		capture_close(cap);
	}
}

static void test_errors(const char *display)
{
	struct capture_area area = {CAPTURE_WINDOW, "nothing like this"};
	struct capture *cap = NULL;
	char longname[400];

	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), ENOENT);
	CHECK(cap == NULL);
	area.spec = "0x1fff0001";
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), ENOENT);
	area.spec = "";
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), EINVAL);
	area = (struct capture_area){CAPTURE_MONITOR, "HDMI-9"};
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), ENOENT);
	CHECK(cap == NULL);

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	area.spec = longname;
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), EINVAL);
	area.spec = NULL;
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), EINVAL);
}

/* The root's own monitor, "screen" on Xvfb: all of it. */
static void test_monitor(const char *display)
{
	struct capture_area area = {CAPTURE_MONITOR, "screen"};
	struct capture *cap = NULL;

	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), 0);
	if (cap) {
		CHECK_EQ_INT(capture_format(cap)->width, 640);
		CHECK_EQ_INT(capture_format(cap)->height, 480);
		capture_close(cap);
	}
}

int main(void)
{
	struct xvfb x;

	if (xvfb_start(&x, "640x480x24", NULL)) {
		fprintf(stderr, "capture_area: cannot start Xvfb\n");
		return 1;
	}
	c = xcb_connect(x.display, NULL);
	if (xcb_connection_has_error(c)) {
		xvfb_stop(&x);
		return 1;
	}
	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	test_window(x.display);
	test_errors(x.display);
	test_monitor(x.display);
	xcb_disconnect(c);
	xvfb_stop(&x);
	CHECK_DONE("capture_area");
}
