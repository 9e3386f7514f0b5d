/*
 * capture_pixels_test.c - the framebuffer follows the screen, and only
 * really changed areas are reported (with DAMAGE, and with polling).
 */
#include <errno.h>
#include <sys/resource.h>
#include <xcb/xcb.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"

#define W 640
#define H 480
#define MAX_RECTS 1024

struct rect { int x, y, w, h; };

static struct rect rects[MAX_RECTS];
static int n_rects;

static void on_changed(int x, int y, int w, int h, void *arg)
{
	int *calls = arg;

	if (calls)
		(*calls)++;
	if (n_rects < MAX_RECTS)
		rects[n_rects++] = (struct rect){ x, y, w, h };
}

static bool rects_cover(int x, int y, int w, int h)
{
	int px, py, i;

	for (py = y; py < y + h; py++) {
		for (px = x; px < x + w; px++) {
			for (i = 0; i < n_rects; i++) {
				const struct rect *r = &rects[i];

				if (px >= r->x && px < r->x + r->w &&
				    py >= r->y && py < r->y + r->h)
					break;
			}
			if (i == n_rects)
				return false;
		}
	}
	return true;
}

static long rects_area(void)
{
	long a = 0;
	int i;

	for (i = 0; i < n_rects; i++)
		a += (long)rects[i].w * rects[i].h;
	return a;
}

static bool rects_inside_screen(void)
{
	int i;

	for (i = 0; i < n_rects; i++) {
		const struct rect *r = &rects[i];

		if (r->x < 0 || r->y < 0 || r->w <= 0 || r->h <= 0 ||
		    r->x + r->w > W || r->y + r->h > H)
			return false;
	}
	return true;
}

static void sync_conn(xcb_connection_t *c)
{
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
}

static void fill(xcb_connection_t *c, xcb_window_t root, uint32_t pixel,
		 int x, int y, int w, int h)
{
	xcb_gcontext_t gc = xcb_generate_id(c);
	xcb_rectangle_t r = { (int16_t)x, (int16_t)y, (uint16_t)w,
			      (uint16_t)h };

	xcb_create_gc(c, gc, root, XCB_GC_FOREGROUND, &pixel);
	xcb_poly_fill_rectangle(c, root, gc, 1, &r);
	xcb_free_gc(c, gc);
	sync_conn(c);
}

/* Process for a while, as an event loop would: wait on the descriptor,
 * or the poll timeout, or what capture_pending() says. */
static int run_capture(struct capture *cap, int ms, int *calls)
{
	long long end = xvfb_now_us() + ms * 1000LL;
	int err = 0;

	n_rects = 0;
	while (!err && xvfb_now_us() < end) {
		struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };
		int t = capture_timeout_ms(cap);

		if (!capture_pending(cap))
			poll(&pfd, 1, t >= 0 && t < 20 ? t : 20);
		err = capture_process(cap, on_changed, calls);
	}
	return err;
}

static bool framebuffer_matches(xcb_connection_t *c, xcb_window_t root,
				struct capture *cap)
{
	xcb_get_image_reply_t *img;
	bool same;

	img = xcb_get_image_reply(c, xcb_get_image(c,
		XCB_IMAGE_FORMAT_Z_PIXMAP, root, 0, 0, W, H, ~0u), NULL);
	if (!img)
		return false;
	same = xcb_get_image_data_length(img) ==
		capture_format(cap)->stride * H &&
		!memcmp(xcb_get_image_data(img), capture_framebuffer(cap),
			(size_t)capture_format(cap)->stride * H);
	free(img);
	return same;
}

static void test_damage(xcb_connection_t *c, xcb_window_t root,
			struct capture *cap)
{
	const struct capture_format *f = capture_format(cap);
	long long t0, t1;
	struct rusage ru0, ru1;
	int calls = 0, wakeups = 0, err = 0;

	CHECK_EQ_INT(f->width, W);
	CHECK_EQ_INT(f->height, H);
	CHECK_EQ_INT(f->bits_per_pixel, 32);
	CHECK_EQ_INT(f->depth, 24);
	CHECK_EQ_INT(f->stride, W * 4);
	CHECK_EQ_INT(f->red_mask, 0xff0000);
	CHECK_EQ_INT(f->green_mask, 0x00ff00);
	CHECK_EQ_INT(f->blue_mask, 0x0000ff);
	CHECK(!f->big_endian);
	CHECK_EQ_INT(capture_timeout_ms(cap), -1);
	CHECK(framebuffer_matches(c, root, cap));

	n_rects = 0;
	CHECK_EQ_INT(capture_refresh(cap, on_changed, NULL), 0);
	CHECK_EQ_INT(n_rects, 1);
	CHECK(n_rects == 1 && rects[0].x == 0 && rects[0].y == 0 &&
	      rects[0].w == W && rects[0].h == H);

	fill(c, root, 0xff0000, 100, 100, 200, 150);
	CHECK_EQ_INT(run_capture(cap, 300, NULL), 0);
	CHECK(framebuffer_matches(c, root, cap));
	CHECK(n_rects > 0);
	CHECK(rects_inside_screen());
	CHECK(rects_cover(100, 100, 200, 150));
	/* Tiles of 32: 96..320 x 96..256 at most. */
	CHECK(rects_area() <= (320 - 96) * (256 - 96));
	CHECK(!rects_cover(600, 440, 1, 1));
	CHECK(n_rects <= 2);   /* merged, not one per tile */

	fill(c, root, 0xff0000, 100, 100, 200, 150);
	CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
	CHECK_EQ_INT(n_rects, 0);

	/* One pixel: that pixel (rows and columns of its tile that did not
	 * change are not sent, as tiles that did not are not). */
	fill(c, root, 0x00ff00, 33, 65, 1, 1);
	CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
	CHECK_EQ_INT(n_rects, 1);
	CHECK(n_rects == 1 && rects[0].x == 33 && rects[0].y == 65 &&
	      rects[0].w == 1 && rects[0].h == 1);
	CHECK(framebuffer_matches(c, root, cap));

	/* A line of text across two rows of tiles: its rows only. */
	fill(c, root, 0x102030, 40, 58, 300, 13);
	CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
	CHECK(n_rects >= 1 && n_rects <= 2);
	CHECK(rects_cover(40, 58, 300, 13));
	CHECK_EQ_INT(rects_area(), 300 * 13);   /* its columns only too */

	/* Trimmed sides of a rectangle of several rows of tiles: the
	 * widest of its rows' changes (a box across tile edges). */
	fill(c, root, 0x405060, 70, 100, 5, 40);
	fill(c, root, 0x405060, 66, 150, 20, 3);
	CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
	CHECK(rects_cover(70, 100, 5, 40) && rects_cover(66, 150, 20, 3));
	CHECK(!rects_cover(64, 100, 2, 60) && !rects_cover(86, 100, 10, 60));
	CHECK(framebuffer_matches(c, root, cap));
	CHECK(framebuffer_matches(c, root, cap));

	/* Two separate areas stay separate. */
	fill(c, root, 0x0000ff, 0, 0, 10, 10);
	fill(c, root, 0x0000ff, 630, 470, 10, 10);
	CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
	CHECK_EQ_INT(n_rects, 2);
	CHECK(rects_cover(0, 0, 10, 10) && rects_cover(630, 470, 10, 10));
	CHECK(!rects_cover(320, 240, 1, 1));
	CHECK(rects_inside_screen());
	CHECK(framebuffer_matches(c, root, cap));

	/* Drawing inside a window (as applications do) is seen too. */
	{
		xcb_window_t w = xcb_generate_id(c);
		uint32_t values[2] = { 0x00ffff, 1 };

		xcb_create_window(c, XCB_COPY_FROM_PARENT, w, root, 200, 300,
				  100, 80, 0, XCB_WINDOW_CLASS_INPUT_OUTPUT,
				  XCB_COPY_FROM_PARENT,
				  XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT,
				  values);
		xcb_map_window(c, w);
		sync_conn(c);
		CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
		CHECK(rects_cover(200, 300, 100, 80));
		CHECK(framebuffer_matches(c, root, cap));

		fill(c, w, 0xff00ff, 10, 10, 20, 20);
		CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
		CHECK(rects_cover(210, 310, 20, 20));
		CHECK(rects_area() <= 4 * 32 * 32);  /* 2x2 tiles: 210..230 and 310..330 each cross a tile edge */
		CHECK(framebuffer_matches(c, root, cap));

		xcb_destroy_window(c, w);
		sync_conn(c);
		CHECK_EQ_INT(run_capture(cap, 200, NULL), 0);
		CHECK(rects_cover(200, 300, 100, 80));
		CHECK(framebuffer_matches(c, root, cap));
	}

	/* Timing: how long one process of a 400x400 change takes. */
	fill(c, root, 0x123456, 100, 40, 400, 400);
	{
		struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };

		poll(&pfd, 1, 1000);
	}
	n_rects = 0;
	t0 = xvfb_now_us();
	CHECK_EQ_INT(capture_process(cap, on_changed, &calls), 0);
	t1 = xvfb_now_us();
	CHECK(rects_cover(100, 40, 400, 400));
	CHECK(framebuffer_matches(c, root, cap));
	printf("capture: processing a 400x400 change took %lld us\n",
	       t1 - t0);

	/* Idle: nothing changed, so neither work nor round trips. */
	CHECK_EQ_INT(run_capture(cap, 50, NULL), 0);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = xvfb_now_us();
	n_rects = 0;
	for (t1 = t0; !err && t1 < t0 + 1000000; t1 = xvfb_now_us()) {
		struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };

		if (!capture_pending(cap))
			poll(&pfd, 1, (int)((t0 + 1000000 - t1) / 1000) + 1);
		err = capture_process(cap, on_changed, &calls);
		wakeups++;
	}
	getrusage(RUSAGE_SELF, &ru1);
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_INT(n_rects, 0);
	CHECK(wakeups <= 3);   /* nothing makes the loop spin */
	printf("capture: idle for %lld ms cost %ld us of CPU\n",
	       (t1 - t0) / 1000,
	       (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1000000L +
	       (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) +
	       (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000L +
	       (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec));
}

/* Held while nobody watches: changes are neither fetched nor reported
 * and nothing is pending; released, one pass fetches and reports all
 * of them, and no more. */
static void test_hold(xcb_connection_t *c, xcb_window_t root,
		      struct capture *cap)
{
	int calls = 0;

	CHECK_EQ_INT(run_capture(cap, 100, NULL), 0);
	CHECK(framebuffer_matches(c, root, cap));
	capture_hold(cap, true);
	fill(c, root, 0x3c1f5a, 40, 50, 70, 30);
	fill(c, root, 0x5a3c1f, 600, 10, 5, 5);
	CHECK_EQ_INT(run_capture(cap, 300, &calls), 0);
	CHECK_EQ_INT(calls, 0);
	CHECK(!capture_pending(cap));
	CHECK(!framebuffer_matches(c, root, cap));

	capture_hold(cap, false);
	CHECK(capture_pending(cap));
	n_rects = 0;
	CHECK_EQ_INT(capture_process(cap, on_changed, &calls), 0);
	CHECK(rects_cover(40, 50, 70, 30) && rects_cover(600, 10, 5, 5));
	CHECK(!rects_cover(320, 240, 1, 1));
	CHECK(framebuffer_matches(c, root, cap));
}

static void test_polling(void)
{
	struct xvfb x = { 0 };
	struct capture *cap = NULL;
	xcb_connection_t *c;
	xcb_window_t root;
	long long end;
	int err = 0;

	CHECK_EQ_INT(xvfb_start(&x, "640x480x24", "DAMAGE"), 0);
	CHECK_EQ_INT(capture_open(&cap, x.display), 0);
	c = xcb_connect(x.display, NULL);
	CHECK(!xcb_connection_has_error(c));
	if (!cap || xcb_connection_has_error(c))
		goto out;
	root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;

	CHECK(capture_timeout_ms(cap) >= 0);
	CHECK(capture_timeout_ms(cap) <= 50);

	/* A change as small as one pixel is found within 32 passes. */
	fill(c, root, 0xabcdef, 200, 120, 150, 100);
	fill(c, root, 0x00ff00, 500, 400, 1, 1);
	end = xvfb_now_us() + 5 * 1000000LL;
	while (!err && xvfb_now_us() < end &&
	       !framebuffer_matches(c, root, cap))
		err = run_capture(cap, 100, NULL);
	CHECK_EQ_INT(err, 0);
	CHECK(framebuffer_matches(c, root, cap));

	CHECK_EQ_INT(run_capture(cap, 300, NULL), 0);
	CHECK_EQ_INT(n_rects, 0);
	fill(c, root, 0x0f0f0f, 10, 10, 100, 100);
	CHECK_EQ_INT(run_capture(cap, 500, NULL), 0);
	CHECK(rects_cover(10, 10, 100, 100));
	CHECK(!rects_cover(600, 440, 1, 1));
	CHECK(framebuffer_matches(c, root, cap));

	/* held: not polled; released: the whole screen at the next pass */
	capture_hold(cap, true);
	CHECK_EQ_INT(capture_timeout_ms(cap), -1);
	fill(c, root, 0x00f0f0, 300, 300, 2, 2);
	CHECK_EQ_INT(run_capture(cap, 300, NULL), 0);
	CHECK_EQ_INT(n_rects, 0);
	CHECK(!framebuffer_matches(c, root, cap));
	capture_hold(cap, false);
	CHECK(capture_pending(cap));
	n_rects = 0;
	CHECK_EQ_INT(capture_process(cap, on_changed, NULL), 0);
	CHECK(rects_cover(300, 300, 2, 2));
	CHECK(framebuffer_matches(c, root, cap));

 out:
	xcb_disconnect(c);
	capture_close(cap);
	xvfb_stop(&x);
}

/* 16 bits per pixel: rows of 1280 bytes, RGB565 masks, same behaviour. */
static void test_16bpp(void)
{
	struct xvfb x = { 0 };
	struct capture *cap = NULL;
	const struct capture_format *f;
	xcb_connection_t *c;
	xcb_window_t root;

	CHECK_EQ_INT(xvfb_start(&x, "640x480x16", NULL), 0);
	CHECK_EQ_INT(capture_open(&cap, x.display), 0);
	c = xcb_connect(x.display, NULL);
	CHECK(!xcb_connection_has_error(c));
	if (!cap || xcb_connection_has_error(c))
		goto out;
	root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;

	f = capture_format(cap);
	CHECK_EQ_INT(f->bits_per_pixel, 16);
	CHECK_EQ_INT(f->depth, 16);
	CHECK_EQ_INT(f->stride, W * 2);
	CHECK_EQ_INT(f->red_mask, 0xf800);
	CHECK_EQ_INT(f->green_mask, 0x07e0);
	CHECK_EQ_INT(f->blue_mask, 0x001f);
	CHECK(framebuffer_matches(c, root, cap));

	fill(c, root, 0xf800, 3, 5, 101, 77);
	fill(c, root, 0x07e0, 637, 477, 3, 3);
	CHECK_EQ_INT(run_capture(cap, 300, NULL), 0);
	CHECK(rects_cover(3, 5, 101, 77) && rects_cover(637, 477, 3, 3));
	CHECK(!rects_cover(320, 240, 1, 1));
	CHECK(rects_inside_screen());
	CHECK(framebuffer_matches(c, root, cap));

 out:
	xcb_disconnect(c);
	capture_close(cap);
	xvfb_stop(&x);
}

int main(void)
{
	struct xvfb x = { 0 };
	struct capture *cap = NULL;
	xcb_connection_t *c;
	xcb_window_t root;
	int err;

	CHECK(capture_open(&cap, ":65000") != 0);
	CHECK(cap == NULL);

	if (xvfb_start(&x, "640x480x24", NULL)) {
		fprintf(stderr, "cannot start Xvfb\n");
		return 1;
	}
	CHECK_EQ_INT(capture_open(&cap, x.display), 0);
	c = xcb_connect(x.display, NULL);
	CHECK(!xcb_connection_has_error(c));
	if (cap && !xcb_connection_has_error(c)) {
		root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;
		test_damage(c, root, cap);
		test_hold(c, root, cap);
	}
	xcb_disconnect(c);

	/* The server going away is an error, not a hang or a crash. */
	xvfb_stop(&x);
	if (cap) {
		err = run_capture(cap, 200, NULL);
		CHECK(err == EPIPE);
		CHECK(capture_refresh(cap, NULL, NULL) != 0);
	}
	capture_close(cap);

	test_polling();
	test_16bpp();

	CHECK_DONE("capture_pixels");
}
