/*
 * capture_input_test.c - keysyms arrive as the right keycodes with the right
 * modifiers, pointer motion and buttons arrive, and nothing stays pressed.
 */
#include <pthread.h>
#include <xcb/xcb.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"

enum {
	SYM_SHIFT_L = 0xffe1,
	SYM_TAB = 0xff09,
	SYM_LEVEL3 = 0xfe03,
	SYM_EURO = 0x20ac,
	SYM_ZHE = 0x1000416,     /* Unicode keysym, absent from the keymap */
};

static xcb_connection_t *c;
static xcb_window_t win;
static int borrowed;     /* a keycode the capture bound for a keysym */

/* The next event of one of the wanted types (others are skipped), or
 * NULL after a second. */
static xcb_generic_event_t *next_event(uint8_t t1, uint8_t t2)
{
	long long end = xvfb_now_us() + 1000000;

	xcb_flush(c);
	while (xvfb_now_us() < end) {
		xcb_generic_event_t *ev = xcb_poll_for_event(c);
		struct pollfd pfd = { .fd = xcb_get_file_descriptor(c),
				      .events = POLLIN };

		if (ev) {
			uint8_t t = ev->response_type & 0x7f;

			if (t == t1 || t == t2)
				return ev;
			free(ev);
			continue;
		}
		poll(&pfd, 1, 20);
	}
	return NULL;
}

static xcb_keysym_t sym_of(uint8_t keycode, int column)
{
	xcb_get_keyboard_mapping_reply_t *r;
	xcb_keysym_t s = 0;

	r = xcb_get_keyboard_mapping_reply(c,
		xcb_get_keyboard_mapping(c, keycode, 1), NULL);
	if (r && column < r->keysyms_per_keycode)
		s = xcb_get_keyboard_mapping_keysyms(r)[column];
	free(r);
	return s;
}

/* Expect a KeyPress whose keycode's `column` is keysym; returns it. */
static int expect_key(uint8_t type, uint32_t keysym, int column,
		      bool shifted)
{
	xcb_key_press_event_t *ev = (void *)next_event(type, 0);
	int kc = -1;

	CHECK(ev != NULL);
	if (!ev)
		return -1;
	kc = ev->detail;
	CHECK_EQ_INT(sym_of(ev->detail, column), keysym);
	if (type == XCB_KEY_PRESS)
		CHECK_EQ_INT(!!(ev->state & XCB_MOD_MASK_SHIFT), shifted);
	free(ev);
	return kc;
}

static bool nothing_pressed(void)
{
	long long end = xvfb_now_us() + 1000000;

	/* XTEST input of the other connection lands asynchronously. */
	while (xvfb_now_us() < end) {
		xcb_query_keymap_reply_t *k;
		xcb_query_pointer_reply_t *p;
		bool clear = true;
		int i;

		k = xcb_query_keymap_reply(c, xcb_query_keymap(c), NULL);
		p = xcb_query_pointer_reply(c, xcb_query_pointer(c, win),
					    NULL);
		for (i = 0; k && i < 32; i++)
			clear = clear && !k->keys[i];
		clear = clear && k && p && !(p->mask & 0x1f00);
		free(k);
		free(p);
		if (clear)
			return true;
		usleep(10000);
	}
	return false;
}

/* The other connection's requests land asynchronously. */
static bool keycode_unbound_soon(uint8_t keycode)
{
	long long end = xvfb_now_us() + 1000000;

	while (xvfb_now_us() < end) {
		if (sym_of(keycode, 0) == 0)
			return true;
		usleep(10000);
	}
	return false;
}

static bool key_is_down(int kc)
{
	xcb_query_keymap_reply_t *k;
	bool down;

	k = xcb_query_keymap_reply(c, xcb_query_keymap(c), NULL);
	down = k && (k->keys[kc / 8] & (1 << (kc % 8)));
	free(k);
	return down;
}

static void test_keys(struct capture *cap)
{
	int a, kc, kc2;

	capture_key(cap, 'a', true);
	a = expect_key(XCB_KEY_PRESS, 'a', 0, false);
	capture_key(cap, 'a', false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, 'a', 0, false), a);

	/* The viewer's auto-repeat: presses pass, one release ends it. */
	capture_key(cap, 'z', true);
	kc = expect_key(XCB_KEY_PRESS, 'z', 0, false);
	capture_key(cap, 'z', true);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 'z', 0, false), kc);
	capture_key(cap, 'z', false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, 'z', 0, false), kc);
	CHECK(nothing_pressed());

	/* Shifted level: Shift goes down just around the key. */
	capture_key(cap, 'A', true);
	expect_key(XCB_KEY_PRESS, SYM_SHIFT_L, 0, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 'A', 1, true), a);
	expect_key(XCB_KEY_RELEASE, SYM_SHIFT_L, 0, false);
	capture_key(cap, 'A', false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, 'A', 1, false), a);

	/* The viewer holds Shift but sends a lower-case letter: Shift is
	 * lifted for it, and put back. */
	capture_key(cap, SYM_SHIFT_L, true);
	expect_key(XCB_KEY_PRESS, SYM_SHIFT_L, 0, false);
	capture_key(cap, 'a', true);
	expect_key(XCB_KEY_RELEASE, SYM_SHIFT_L, 0, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 'a', 0, false), a);
	expect_key(XCB_KEY_PRESS, SYM_SHIFT_L, 0, false);
	capture_key(cap, 'a', false);
	expect_key(XCB_KEY_RELEASE, 'a', 0, false);
	/* ... but not for Shift+Tab, a shortcut. */
	capture_key(cap, SYM_TAB, true);
	expect_key(XCB_KEY_PRESS, SYM_TAB, 0, true);
	capture_key(cap, SYM_TAB, false);
	expect_key(XCB_KEY_RELEASE, SYM_TAB, 0, false);
	/* The viewer already holds Shift: no extra Shift events. */
	capture_key(cap, 'A', true);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 'A', 1, true), a);
	capture_key(cap, 'A', false);
	capture_key(cap, SYM_SHIFT_L, false);
	expect_key(XCB_KEY_RELEASE, 'A', 1, false);
	expect_key(XCB_KEY_RELEASE, SYM_SHIFT_L, 0, false);

	/* Keysyms the layout lacks get a borrowed keycode. */
	CHECK_EQ_INT(sym_of(248, 0), 0);
	capture_key(cap, SYM_ZHE, true);
	kc = expect_key(XCB_KEY_PRESS, SYM_ZHE, 0, false);
	borrowed = kc;
	capture_key(cap, SYM_ZHE, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, SYM_ZHE, 0, false), kc);
	capture_key(cap, SYM_EURO, true);
	kc2 = expect_key(XCB_KEY_PRESS, SYM_EURO, 0, false);
	CHECK(kc2 != kc);
	capture_key(cap, SYM_EURO, false);
	expect_key(XCB_KEY_RELEASE, SYM_EURO, 0, false);
	/* ... and keep it while it is in use. */
	capture_key(cap, SYM_ZHE, true);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, SYM_ZHE, 0, false), kc);
	capture_key(cap, SYM_ZHE, false);
	expect_key(XCB_KEY_RELEASE, SYM_ZHE, 0, false);

	/* Unicode forms of Latin-1 use the layout's own key. */
	capture_key(cap, 0x1000061, true);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 'a', 0, false), a);
	capture_key(cap, 0x1000061, false);
	expect_key(XCB_KEY_RELEASE, 'a', 0, false);

	/* Holding more absent keysyms than there are spare keycodes: the
	 * extra ones are dropped, nothing breaks. */
	for (kc = 0; kc < 12; kc++)
		capture_key(cap, 0x1000410 + (uint32_t)kc, true);
	for (kc = 0; kc < 8; kc++)
		expect_key(XCB_KEY_PRESS, 0x1000410 + (uint32_t)kc, 0, false);
	capture_release_all(cap);
	CHECK(nothing_pressed());

	/* Releases without a press are ignored; keysym 0 too. */
	capture_key(cap, 'q', false);
	capture_key(cap, 0, true);
	capture_key(cap, 0xffffffff, true);
	CHECK(nothing_pressed());
}

static void test_pointer(struct capture *cap)
{
	xcb_motion_notify_event_t *m;
	xcb_button_press_event_t *b;
	int shift, kb;

	capture_pointer(cap, 50, 60, 0);
	m = (void *)next_event(XCB_MOTION_NOTIFY, 0);
	CHECK(m && m->event_x == 50 && m->event_y == 60);
	free(m);

	capture_pointer(cap, 50, 60, 1);
	b = (void *)next_event(XCB_BUTTON_PRESS, 0);
	CHECK(b && b->detail == 1 && b->event_x == 50);
	free(b);
	capture_pointer(cap, 70, 80, 0);
	b = (void *)next_event(XCB_BUTTON_RELEASE, 0);
	CHECK(b && b->detail == 1 && b->event_x == 70 && b->event_y == 80);
	free(b);

	/* Out of the screen is clamped to its edge. */
	capture_pointer(cap, -5, 100000, 0);
	m = (void *)next_event(XCB_MOTION_NOTIFY, 0);
	CHECK(m && m->event_x == 0 && m->event_y == 479);
	free(m);

	/* Wheel (buttons 4, 5) and a held button 3 and keys, all released
	 * when the viewer leaves. */
	capture_pointer(cap, 10, 10, 8);
	b = (void *)next_event(XCB_BUTTON_PRESS, 0);
	CHECK(b && b->detail == 4);
	free(b);
	capture_pointer(cap, 10, 10, 4);
	b = (void *)next_event(XCB_BUTTON_RELEASE, XCB_BUTTON_PRESS);
	CHECK(b && b->response_type == XCB_BUTTON_PRESS && b->detail == 3);
	free(b);
	b = (void *)next_event(XCB_BUTTON_RELEASE, XCB_BUTTON_PRESS);
	CHECK(b && b->response_type == XCB_BUTTON_RELEASE && b->detail == 4);
	free(b);
	capture_key(cap, SYM_SHIFT_L, true);
	capture_key(cap, 'B', true);
	shift = expect_key(XCB_KEY_PRESS, SYM_SHIFT_L, 0, false);
	kb = expect_key(XCB_KEY_PRESS, 'B', 1, true);
	CHECK(shift > 0 && key_is_down(shift));
	CHECK(kb > 0 && key_is_down(kb));
	capture_release_all(cap);
	CHECK(nothing_pressed());
}

/* Another client changes the keymap: after capture_process() has seen the
 * MappingNotify, the new keysym is typed with that client's keycode. */
static void test_mapping_notify(struct capture *cap)
{
	xcb_keysym_t syms[2] = { 0x1000500, 0x1000500 };
	xcb_keysym_t none[2] = { 0, 0 };
	xcb_keysym_t level3[5] = { 0x1000600, 0x1000601, 0, 0, 0x1000602 };
	long long end;
	int err = 0;

	CHECK_EQ_INT(sym_of(93, 0), 0);
	xcb_change_keyboard_mapping(c, 1, 93, 2, syms);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	end = xvfb_now_us() + 300000;
	while (!err && xvfb_now_us() < end) {
		err = capture_process(cap, NULL, NULL);
		usleep(10000);
	}
	CHECK_EQ_INT(err, 0);
	capture_key(cap, 0x1000500, true);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 0x1000500, 0, false), 93);
	capture_key(cap, 0x1000500, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, 0x1000500, 0, false), 93);
	xcb_change_keyboard_mapping(c, 1, 93, 2, none);

	/* A keysym on the third level: ISO_Level3_Shift around it. */
	xcb_change_keyboard_mapping(c, 1, 97, 5, level3);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	CHECK_EQ_INT(sym_of(97, 4), 0x1000602);
	end = xvfb_now_us() + 300000;
	while (!err && xvfb_now_us() < end) {
		err = capture_process(cap, NULL, NULL);
		usleep(10000);
	}
	CHECK_EQ_INT(err, 0);
	capture_key(cap, 0x1000602, true);
	expect_key(XCB_KEY_PRESS, SYM_LEVEL3, 0, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_PRESS, 0x1000602, 4, false), 97);
	expect_key(XCB_KEY_RELEASE, SYM_LEVEL3, 0, false);
	capture_key(cap, 0x1000602, false);
	CHECK_EQ_INT(expect_key(XCB_KEY_RELEASE, 0x1000602, 4, false), 97);
	CHECK(nothing_pressed());
	xcb_change_keyboard_mapping(c, 1, 97, 2, none);
}

static void *hammer(void *arg)
{
	struct capture *cap = arg;
	int i;

	for (i = 0; i < 200; i++) {
		capture_key(cap, 'x', true);
		capture_pointer(cap, i, i, i & 1);
		capture_key(cap, 'x', false);
	}
	return NULL;
}

static void test_threads(struct capture *cap)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, cap);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	capture_release_all(cap);
	CHECK(nothing_pressed());
}

int main(void)
{
	struct xvfb x = { 0 };
	struct capture *cap = NULL;
	uint32_t values[2];
	xcb_screen_t *screen;

	if (xvfb_start(&x, "640x480x24", NULL)) {
		fprintf(stderr, "cannot start Xvfb\n");
		return 1;
	}
	CHECK_EQ_INT(capture_open(&cap, x.display), 0);
	c = xcb_connect(x.display, NULL);
	CHECK(!xcb_connection_has_error(c));
	if (!cap || xcb_connection_has_error(c))
		goto out;

	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	win = xcb_generate_id(c);
	values[0] = 1;
	values[1] = XCB_EVENT_MASK_KEY_PRESS | XCB_EVENT_MASK_KEY_RELEASE |
		XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_BUTTON_RELEASE |
		XCB_EVENT_MASK_POINTER_MOTION;
	xcb_create_window(c, XCB_COPY_FROM_PARENT, win, screen->root, 0, 0,
			  640, 480, 0, XCB_WINDOW_CLASS_INPUT_OUTPUT,
			  screen->root_visual,
			  XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK, values);
	xcb_map_window(c, win);
	xcb_set_input_focus(c, XCB_INPUT_FOCUS_POINTER_ROOT, win,
			    XCB_CURRENT_TIME);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));

	test_keys(cap);
	test_pointer(cap);
	test_mapping_notify(cap);
	test_threads(cap);

	/* Borrowed keycodes are given back when the capture closes. */
	capture_close(cap);
	cap = NULL;
	CHECK(borrowed > 0);
	CHECK(borrowed > 0 && keycode_unbound_soon((uint8_t)borrowed));
 out:
	capture_close(cap);
	xcb_disconnect(c);
	xvfb_stop(&x);
	CHECK_DONE("capture_input");
}
