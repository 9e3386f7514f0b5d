/*
 * capture_resize_input_test.c - a viewer's pointer arrives while what is
 * shared changes size: the clamp follows the new size, and (under the
 * ThreadSanitizer build, `make tsan`) the input thread and the resize on
 * the event loop share no unguarded state.
 *
 * Xvfb's screen cannot change size, but a RandR 1.5 monitor can: a
 * shared monitor is resized through the same path as the screen.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <xcb/xcb.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"

static xcb_connection_t *c;
static xcb_window_t root;

struct pointer_thread {
	struct capture *cap;
	atomic_bool stop;
	atomic_uint moves;
};

/* A viewer's client thread: pointer events as fast as it can, far
 * outside the area as often as inside, so each one is clamped. */
static void *pointer_loop(void *arg)
{
	struct pointer_thread *pt = arg;
	unsigned i = 0;

	while (!atomic_load(&pt->stop)) {
		capture_pointer(pt->cap, (int)(i * 37 % 700) - 20,
				(int)(i * 53 % 500) - 20, 0);
		atomic_fetch_add(&pt->moves, 1);
		i++;
	}
	return NULL;
}

/* xrandr, as an administrator would: libxcb's own SetMonitor request is
 * built wrong by some libxcb versions. */
static void set_monitor(const char *display, int x, int y, int w, int h)
{
	char cmd[200];

	/* A monitor is replaced by deleting it first: the server refuses
	 * a second one of the same name. */
	snprintf(cmd, sizeof(cmd), "export DISPLAY=%s; xrandr --delmonitor "
		 "SVTEST >/dev/null 2>&1; xrandr --setmonitor SVTEST "
		 "%d/%dx%d/%d+%d+%d none", display, w, w / 4, h, h / 4, x, y);
	if (system(cmd) != 0)
		fprintf(stderr, "failed: %s\n", cmd);
}

/* Run the capture's event loop until it shows w x h (or 3 s pass). */
static bool follow(struct capture *cap, int w, int h)
{
	long long end = xvfb_now_us() + 3000000;

	while (xvfb_now_us() < end) {
		struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };

		if (capture_format(cap)->width == w &&
		    capture_format(cap)->height == h)
			return true;
		if (!capture_pending(cap))
			poll(&pfd, 1, 20);
		if (capture_process(cap, NULL, NULL))
			return false;
	}
	return false;
}

/* The capture's requests travel on its own connection: wait for them. */
static bool pointer_at(int x, int y)
{
	long long end = xvfb_now_us() + 2000000;
	bool ok = false;

	while (!ok && xvfb_now_us() < end) {
		xcb_query_pointer_reply_t *p = xcb_query_pointer_reply(c,
			xcb_query_pointer(c, root), NULL);

		ok = p && p->root_x == x && p->root_y == y;
		free(p);
		if (!ok)
			usleep(10000);
	}
	return ok;
}

static void test_resize_under_input(const char *display)
{
	static const int sizes[][4] = {
		{0, 0, 320, 240}, {100, 50, 200, 150}, {40, 30, 600, 450},
		{300, 200, 64, 48},
	};
	struct capture_area area = {CAPTURE_MONITOR, "SVTEST"};
	struct pointer_thread pt = {0};
	struct capture *cap = NULL;
	pthread_t th;
	int i, followed = 0;

	set_monitor(display, 0, 0, 320, 240);
	CHECK_EQ_INT(capture_open_area(&cap, display, &area, NULL), 0);
	if (!cap)
		return;
	CHECK_EQ_INT(capture_format(cap)->width, 320);
	pt.cap = cap;
	CHECK_EQ_INT(pthread_create(&th, NULL, pointer_loop, &pt), 0);

	for (i = 0; i < 23; i++) {
		const int *s = sizes[(i + 1) % 4];
		unsigned before = atomic_load(&pt.moves);

		set_monitor(display, s[0], s[1], s[2], s[3]);
		if (follow(cap, s[2], s[3]))
			followed++;
		/* Some input went in while this size was being taken on. */
		while (atomic_load(&pt.moves) == before)
			sched_yield();
	}
	atomic_store(&pt.stop, true);
	pthread_join(th, NULL);
	CHECK_EQ_INT(followed, 23);
	CHECK(atomic_load(&pt.moves) > 23);

	/* The clamp is the last size's: the far corner of the monitor,
	 * which sits at (300, 200) with 64x48. */
	capture_pointer(cap, 5000, 5000, 0);
	CHECK(pointer_at(300 + 63, 200 + 47));
	capture_pointer(cap, -5, -5, 0);
	CHECK(pointer_at(300, 200));
	capture_close(cap);
}

int main(void)
{
	struct xvfb x;

	if (xvfb_start(&x, "640x480x24", NULL)) {
		fprintf(stderr, "capture_resize_input: cannot start Xvfb\n");
		return 1;
	}
	c = xcb_connect(x.display, NULL);
	if (xcb_connection_has_error(c)) {
		xvfb_stop(&x);
		return 1;
	}
	root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;
	test_resize_under_input(x.display);
	xcb_disconnect(c);
	xvfb_stop(&x);
	CHECK_DONE("capture_resize_input");
}
