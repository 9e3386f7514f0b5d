/*
 * input.c - inject a viewer's keys and pointer with XTEST.
 *
 * A viewer sends keysyms, the server wants keycodes: the keysym's level
 * decides whether Shift or Level3 must be down, and when the viewer's own
 * modifiers disagree they are flipped just around the key.  Every key and
 * button pressed here is remembered so that a leaving viewer leaves
 * nothing stuck.
 */
#include <stdlib.h>
#include <string.h>
#include <xcb/xtest.h>

#include "capture/capture_int.h"

enum {
	KEYSYM_SHIFT_L = 0xffe1,
	KEYSYM_SHIFT_R = 0xffe2,
	KEYSYM_LEVEL3 = 0xfe03,     /* ISO_Level3_Shift */
	KEYSYM_ALTGR = 0xff7e,      /* Mode_switch, AltGr on older layouts */
	BUTTONS = 8,
};

static void fake(struct capture *cap, uint8_t type, uint8_t detail)
{
	xcb_test_fake_input(cap->conn, type, detail, XCB_CURRENT_TIME,
			    XCB_NONE, 0, 0, 0);
}

/* The viewer repeats a held key itself: the X server repeating it too
 * would double every repeat and go on after a lost release.  Requests on
 * the main connection, so the change is in place before the press. */
static void repeat_off(struct capture *cap)
{
	const uint32_t off = XCB_AUTO_REPEAT_MODE_OFF;
	xcb_get_keyboard_control_reply_t *kb;

	if (!cap->input_conn)
		return;
	kb = xcb_get_keyboard_control_reply(cap->input_conn,
		xcb_get_keyboard_control(cap->input_conn), NULL);
	if (kb && kb->global_auto_repeat) {
		xcb_change_keyboard_control(cap->conn,
			XCB_KB_AUTO_REPEAT_MODE, &off);
		cap->repeat_restore = true;
	}
	free(kb);
}

static void repeat_restore(struct capture *cap)
{
	const uint32_t on = XCB_AUTO_REPEAT_MODE_ON;

	if (!cap->repeat_restore)
		return;
	xcb_change_keyboard_control(cap->conn, XCB_KB_AUTO_REPEAT_MODE, &on);
	cap->repeat_restore = false;
}

static void press_code(struct capture *cap, int kc, uint32_t keysym)
{
	if (!cap->pressed[kc] && cap->n_pressed++ == 0)
		repeat_off(cap);
	/* With auto-repeat off the server drops a press of a key that is
	 * down: the viewer's repeat goes in as release and press, the way
	 * X's own repeat looks to clients. */
	if (cap->pressed[kc])
		fake(cap, XCB_KEY_RELEASE, (uint8_t)kc);
	fake(cap, XCB_KEY_PRESS, (uint8_t)kc);
	cap->pressed[kc] = true;
	cap->pressed_sym[kc] = keysym;
}

static void release_code(struct capture *cap, int kc)
{
	fake(cap, XCB_KEY_RELEASE, (uint8_t)kc);
	if (cap->pressed[kc] && --cap->n_pressed == 0)
		repeat_restore(cap);
	cap->pressed[kc] = false;
	cap->pressed_sym[kc] = 0;
}

static bool is_shift(uint32_t s)
{
	return s == KEYSYM_SHIFT_L || s == KEYSYM_SHIFT_R;
}

static bool is_level3(uint32_t s)
{
	return s == KEYSYM_LEVEL3 || s == KEYSYM_ALTGR;
}

static bool held(const struct capture *cap, bool (*kind)(uint32_t))
{
	int kc;

	for (kc = 0; kc < 256; kc++) {
		if (cap->pressed[kc] &&
		    kind(capture_keymap_sym(&cap->keymap, kc, 0)))
			return true;
	}
	return false;
}

/* Make the modifier of `kind` be down (want) or up around a key press:
 * returns the keycodes it flipped in flipped[], to undo afterwards. */
static int flip_modifier(struct capture *cap, bool (*kind)(uint32_t),
			 uint32_t keysym, bool want, uint8_t *flipped)
{
	int kc, n = 0;

	if (want == held(cap, kind))
		return 0;
	if (want) {
		kc = capture_keymap_find_first(&cap->keymap, keysym);
		if (kc < 0)
			return 0;
		fake(cap, XCB_KEY_PRESS, (uint8_t)kc);
		flipped[n++] = (uint8_t)kc;
		return n;
	}
	for (kc = 0; kc < 256; kc++) {
		if (cap->pressed[kc] &&
		    kind(capture_keymap_sym(&cap->keymap, kc, 0))) {
			fake(cap, XCB_KEY_RELEASE, (uint8_t)kc);
			flipped[n++] = (uint8_t)kc;
		}
	}
	return n;
}

/* Tab, Return, arrows, F-keys: a held modifier is part of the viewer's
 * shortcut (Shift+Tab, Shift+Arrow), never to be taken away. */
static bool is_function_key(uint32_t keysym)
{
	return keysym >= 0xff00 && keysym <= 0xffff;
}

/* A held Shift need not be released when the shifted level gives the
 * same keysym anyway. */
static bool shift_irrelevant(const struct capture *cap, int kc, int column,
			     uint32_t keysym)
{
	return is_function_key(keysym) ||
		capture_keymap_sym(&cap->keymap, kc, column | 1) == keysym;
}

static void key_down(struct capture *cap, uint32_t keysym)
{
	uint8_t shift_flip[256], level3_flip[256];
	int n_shift, n_level3, i, column = 0, kc;
	bool want_shift, want_level3;

	kc = capture_keymap_find(&cap->keymap, keysym, &column);
	if (kc >= 0 && column >= 4 &&
	    capture_keymap_find_first(&cap->keymap, KEYSYM_LEVEL3) < 0)
		kc = -1;
	if (kc < 0) {
		kc = capture_keymap_bind_spare(cap, keysym);
		column = 0;
	}
	if (kc < 0)
		return;    /* every borrowed keycode is held down */

	/* A press of a key already held is the viewer's auto-repeat and is
	 * passed on like a real keyboard's repeat; a modifier goes through
	 * as it is. */
	if (is_shift(keysym) || is_level3(keysym)) {
		press_code(cap, kc, keysym);
		return;
	}
	want_shift = column & 1;
	want_level3 = column >= 4;
	n_shift = n_level3 = 0;
	if (want_shift || !shift_irrelevant(cap, kc, column, keysym))
		n_shift = flip_modifier(cap, is_shift, KEYSYM_SHIFT_L,
					want_shift, shift_flip);
	if (want_level3 || !is_function_key(keysym))
		n_level3 = flip_modifier(cap, is_level3, KEYSYM_LEVEL3,
					 want_level3, level3_flip);
	press_code(cap, kc, keysym);
	for (i = n_level3 - 1; i >= 0; i--)
		fake(cap, want_level3 ? XCB_KEY_RELEASE : XCB_KEY_PRESS,
		     level3_flip[i]);
	for (i = n_shift - 1; i >= 0; i--)
		fake(cap, want_shift ? XCB_KEY_RELEASE : XCB_KEY_PRESS,
		     shift_flip[i]);
}

static void key_up(struct capture *cap, uint32_t keysym)
{
	int kc;

	/* Release the keycode the press went to, even if the mapping or
	 * the viewer's modifiers changed since. */
	for (kc = 0; kc < 256; kc++) {
		if (cap->pressed[kc] && cap->pressed_sym[kc] == keysym) {
			release_code(cap, kc);
			return;
		}
	}
}

void capture_key(struct capture *cap, uint32_t keysym, bool down)
{
	/* Keysyms have 29 bits; the server would refuse to bind others. */
	if (!cap || keysym == 0 || keysym > 0x1fffffff)
		return;
	/* Unicode keysyms of Latin-1 characters have a classic keysym that
	 * layouts actually contain. */
	if (keysym >= 0x1000020 && keysym <= 0x10000ff)
		keysym -= 0x1000000;

	pthread_mutex_lock(&cap->input_lock);
	/* A shared window gets keys only with the focus (it is given the
	 * focus when it has not); a release always follows its press. */
	if (down && capture_area_key_allowed(cap))
		key_down(cap, keysym);
	else if (!down)
		key_up(cap, keysym);
	xcb_flush(cap->conn);
	pthread_mutex_unlock(&cap->input_lock);
}

void capture_pointer(struct capture *cap, int x, int y, int button_mask)
{
	bool reachable;
	int b;

	if (!cap)
		return;
	/* The size is read under the lock: a resize rewrites it on the
	 * event loop while this runs on a viewer's thread. */
	pthread_mutex_lock(&cap->input_lock);
	if (x >= cap->fmt.width)
		x = cap->fmt.width - 1;
	if (y >= cap->fmt.height)
		y = cap->fmt.height - 1;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	/* Where a shared window is covered the pointer stays put and no
	 * button goes down; releases still go (to the window that got the
	 * press, X's implicit grab). */
	reachable = capture_area_pointer_to_root(cap, &x, &y);
	if (reachable)
		xcb_test_fake_input(cap->conn, XCB_MOTION_NOTIFY, 0,
				    XCB_CURRENT_TIME, cap->root, (int16_t)x,
				    (int16_t)y, 0);
	for (b = 0; b < BUTTONS; b++) {
		int bit = 1 << b;

		if ((button_mask & bit) == (cap->buttons & bit) ||
		    ((button_mask & bit) && !reachable))
			continue;
		fake(cap, (button_mask & bit) ? XCB_BUTTON_PRESS :
		     XCB_BUTTON_RELEASE, (uint8_t)(b + 1));
		cap->buttons ^= bit;
	}
	xcb_flush(cap->conn);
	pthread_mutex_unlock(&cap->input_lock);
}

/* Called with input_lock held. */
void capture_input_release_all_locked(struct capture *cap)
{
	int kc, b;

	for (kc = 0; kc < 256; kc++) {
		if (cap->pressed[kc])
			release_code(cap, kc);
	}
	for (b = 0; b < BUTTONS; b++) {
		if (cap->buttons & (1 << b))
			fake(cap, XCB_BUTTON_RELEASE, (uint8_t)(b + 1));
	}
	cap->buttons = 0;
	xcb_flush(cap->conn);
}

void capture_release_all(struct capture *cap)
{
	if (!cap)
		return;
	pthread_mutex_lock(&cap->input_lock);
	capture_input_release_all_locked(cap);
	pthread_mutex_unlock(&cap->input_lock);
}
