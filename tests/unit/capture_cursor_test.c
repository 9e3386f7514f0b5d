/*
 * capture_cursor_test.c - cursor shapes (XFixes) and pointer positions are
 * reported through capture_process(), positions only while tracking.
 */
#include <poll.h>
#include <string.h>
#include <xcb/xcb.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"

/* Glyphs of the core "cursor" font. */
#define GLYPH_WATCH 150
#define GLYPH_CROSS 34

static int shapes, moves, last_x = -1, last_y = -1;
static struct capture_cursor last_shape;
static uint32_t last_hot_pixel;

static void on_shape(const struct capture_cursor *cur, void *arg)
{
	(void)arg;
	shapes++;
	last_shape = *cur;
	last_shape.argb = NULL;       /* valid only during the call */
	last_hot_pixel = cur->argb[cur->yhot * cur->width + cur->xhot];
}

static void on_move(int x, int y, void *arg)
{
	(void)arg;
	moves++;
	last_x = x;
	last_y = y;
}

/* Run the capture as the event loop would, for at most ms or until
 * *counter exceeds target. */
static void run(struct capture *cap, int ms, const int *counter, int target)
{
	long long end = xvfb_now_us() + ms * 1000LL;

	while (xvfb_now_us() < end && (!counter || *counter <= target)) {
		struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };
		int wait = capture_pending(cap) ? 0 : capture_timeout_ms(cap);

		if (wait < 0 || wait > 20)
			wait = 20;
		(void)poll(&pfd, 1, wait);
		capture_process(cap, NULL, NULL);
	}
}

static void set_root_cursor(xcb_connection_t *c, xcb_window_t root, int glyph)
{
	xcb_font_t font = xcb_generate_id(c);
	xcb_cursor_t cursor = xcb_generate_id(c);
	uint32_t value;

	xcb_open_font(c, font, 6, "cursor");
	xcb_create_glyph_cursor(c, cursor, font, font, (uint16_t)glyph,
				(uint16_t)(glyph + 1), 0, 0, 0,
				0xffff, 0xffff, 0xffff);
	value = cursor;
	xcb_change_window_attributes(c, root, XCB_CW_CURSOR, &value);
	xcb_free_cursor(c, cursor);
	xcb_close_font(c, font);
	xcb_flush(c);
}

/* Conversion for viewers, without X: straight colour, alpha, bitmaps and
 * pixel layouts. */
static void test_convert(void)
{
	const struct capture_format rgb32 = {
		.bits_per_pixel = 32, .depth = 24, .red_mask = 0xff0000,
		.green_mask = 0xff00, .blue_mask = 0xff,
		.red_shift = 16, .green_shift = 8, .blue_shift = 0,
	};
	struct capture_format rgb16 = {
		.bits_per_pixel = 16, .depth = 16, .red_mask = 0xf800,
		.green_mask = 0x07e0, .blue_mask = 0x001f,
		.red_shift = 11, .green_shift = 5, .blue_shift = 0,
	};
	struct capture_format be32 = rgb32;
	/* 9 wide: the bitmaps need two bytes per row. */
	uint32_t argb[18] = {
		0xff000000, 0xffffffff, 0x80400000, 0x00000000, 0x40ff0000,
		0x7f7f7f7f, 0xff00ff00, 0xff0000ff, 0xffffffff,
	};
	struct capture_cursor cur = { 9, 2, 4, 1, argb };
	uint8_t pixels[18 * 4], alpha[18], opaque[4] = {0}, dark[4] = {0};
	uint8_t px16[18 * 2];

	be32.big_endian = true;
	capture_cursor_convert(&rgb32, &cur, pixels, alpha, opaque, dark);
	/* Little endian BGRX in memory. */
	CHECK(!memcmp(pixels + 0, "\x00\x00\x00", 3));        /* black */
	CHECK(!memcmp(pixels + 4, "\xff\xff\xff", 3));        /* white */
	CHECK(!memcmp(pixels + 8, "\x00\x00\x80", 3));        /* half red */
	CHECK(!memcmp(pixels + 16, "\x00\x00\xff", 3));       /* clamped */
	CHECK(!memcmp(pixels + 24, "\x00\xff\x00", 3));       /* green */
	CHECK_EQ_INT(alpha[0], 255);
	CHECK_EQ_INT(alpha[2], 128);
	CHECK_EQ_INT(alpha[3], 0);
	CHECK_EQ_INT(alpha[5], 127);
	/* Opaque: alpha >= 128: pixels 0, 1, 2, 6, 7, 8 of row 0. */
	CHECK_EQ_INT(opaque[0], 0xe3);
	CHECK_EQ_INT(opaque[1], 0x80);
	CHECK_EQ_INT(opaque[2], 0);       /* row 1 is transparent */
	/* Dark among them: black, half red, pure blue (not green, white). */
	CHECK_EQ_INT(dark[0], 0xa1);
	CHECK_EQ_INT(dark[1], 0x00);

	capture_cursor_convert(&rgb16, &cur, px16, NULL, NULL, NULL);
	CHECK(px16[2] == 0xff && px16[3] == 0xff);                /* white */
	CHECK(px16[4] == 0x00 && px16[5] == 0x80);               /* red 16/31 */

	capture_cursor_convert(&be32, &cur, pixels, NULL, NULL, NULL);
	CHECK(!memcmp(pixels + 8, "\x00\x80\x00\x00", 4));
}

int main(void)
{
	struct xvfb x;
	struct capture *cap = NULL;
	xcb_connection_t *c;
	xcb_window_t root;
	int before, err;

	test_convert();
	if (xvfb_start(&x, "320x240x24", NULL)) {
		fprintf(stderr, "capture_cursor_test: cannot start Xvfb\n");
		return 1;
	}
	err = capture_open(&cap, x.display);
	CHECK(err == 0);
	c = xcb_connect(x.display, NULL);
	CHECK(!xcb_connection_has_error(c));
	if (err || xcb_connection_has_error(c))
		goto out;
	root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;

	capture_watch_cursor(cap, on_shape, on_move, NULL);
	run(cap, 2000, &shapes, 0);
	CHECK_EQ_INT(shapes, 1);
	CHECK(last_shape.width > 0 && last_shape.width <= 256);
	CHECK(last_shape.height > 0 && last_shape.height <= 256);

	/* Nothing changes: nothing is reported, and no position without
	 * tracking. */
	run(cap, 200, NULL, 0);
	CHECK_EQ_INT(shapes, 1);
	CHECK_EQ_INT(moves, 0);

	set_root_cursor(c, root, GLYPH_WATCH);
	run(cap, 2000, &shapes, 1);
	CHECK_EQ_INT(shapes, 2);
	before = shapes;
	set_root_cursor(c, root, GLYPH_CROSS);
	run(cap, 2000, &shapes, before);
	CHECK_EQ_INT(shapes, before + 1);
	/* The crosshair's hot spot is its centre, which is drawn. */
	CHECK((last_hot_pixel >> 24) != 0);

	xcb_warp_pointer(c, XCB_NONE, root, 0, 0, 0, 0, 77, 66);
	xcb_flush(c);
	run(cap, 200, NULL, 0);
	CHECK_EQ_INT(moves, 0);

	capture_track_pointer(cap, true);
	run(cap, 1000, &moves, 0);
	CHECK_EQ_INT(moves, 1);
	CHECK_EQ_INT(last_x, 77);
	CHECK_EQ_INT(last_y, 66);
	xcb_warp_pointer(c, XCB_NONE, root, 0, 0, 0, 0, 10, 200);
	xcb_flush(c);
	run(cap, 1000, &moves, 1);
	CHECK_EQ_INT(moves, 2);
	CHECK_EQ_INT(last_x, 10);
	CHECK_EQ_INT(last_y, 200);
	/* Still pointer: no more reports. */
	run(cap, 200, NULL, 0);
	CHECK_EQ_INT(moves, 2);

	capture_track_pointer(cap, false);
	CHECK_EQ_INT(capture_timeout_ms(cap), -1);
	xcb_warp_pointer(c, XCB_NONE, root, 0, 0, 0, 0, 5, 5);
	xcb_flush(c);
	run(cap, 200, NULL, 0);
	CHECK_EQ_INT(moves, 2);

 out:
	if (c)
		xcb_disconnect(c);
	capture_close(cap);
	xvfb_stop(&x);
	CHECK_DONE("capture_cursor");
}
