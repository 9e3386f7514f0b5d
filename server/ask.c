/*
 * ask.c - `sipvnc ask CALLER RIGHTS`: ask the person at the screen whether
 * a caller may see (or control) it.  answermode manual runs this when no
 * answer_command is configured; the exit status is the verdict (0: allow).
 *
 * A plain XCB window with the core "fixed" font, so it needs nothing the X
 * server does not always have.  Only a mouse click on Allow says yes: a
 * person typing when the dialog pops up must not accept a stranger by
 * accident, so keys can only say no (Escape), and clicks in the first
 * moments after the dialog appears are ignored for the same reason.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xcb/xcb.h>

#include "capture/xatom.h"
#include "server/ask.h"

#define DIALOG_W 560
#define DIALOG_H 150
#define BUTTON_W 110
#define BUTTON_H 30
#define BUTTON_Y (DIALOG_H - BUTTON_H - 16)
#define ALLOW_X (DIALOG_W - 2 * BUTTON_W - 32)
#define REJECT_X (DIALOG_W - BUTTON_W - 16)
#define CLICK_GRACE_MS 600
#define CALLER_MAX 72
#define KEYSYM_ESCAPE 0xff1b

enum verdict { VERDICT_PENDING = -1, VERDICT_ALLOW = 0, VERDICT_REJECT = 1,
	       VERDICT_ERROR = 2 };

struct dialog {
	xcb_connection_t *conn;
	xcb_window_t win;
	xcb_gcontext_t gc_text, gc_face;
	xcb_atom_t wm_delete;
	char caller[CALLER_MAX + 4];
	bool control;
	long long shown_ms;
	int pressed;   /* the button under a press: 0 none, 1 allow, 2 reject */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The caller's URI is chosen by the caller: show only printable ASCII, so
 * it cannot hide text behind control characters, and keep it short. */
static void sanitize_caller(char *out, const char *in)
{
	size_t i;

	for (i = 0; i < CALLER_MAX && in[i]; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
	if (in[i])
		strcpy(out + i, "...");
}

static void text(struct dialog *d, int x, int y, const char *s)
{
	xcb_image_text_8(d->conn, (uint8_t)strlen(s), d->win, d->gc_text,
			 (int16_t)x, (int16_t)y, s);
}

static void button(struct dialog *d, int x, const char *label)
{
	xcb_rectangle_t r = { (int16_t)x, BUTTON_Y, BUTTON_W, BUTTON_H };

	xcb_poly_fill_rectangle(d->conn, d->win, d->gc_face, 1, &r);
	xcb_poly_rectangle(d->conn, d->win, d->gc_text, 1, &r);
	/* the fixed font is 6 pixels wide, 13 high */
	text(d, x + (BUTTON_W - 6 * (int)strlen(label)) / 2,
	     BUTTON_Y + BUTTON_H / 2 + 4, label);
}

static void draw(struct dialog *d)
{
	text(d, 16, 26, "Incoming screen-sharing call from");
	text(d, 32, 46, d->caller);
	text(d, 16, 70, d->control ?
	     "It asks to SEE and CONTROL your screen (keyboard and mouse)." :
	     "It asks to SEE your screen.");
	button(d, ALLOW_X, "Allow");
	button(d, REJECT_X, "Reject");
	xcb_flush(d->conn);
}

static int button_at(int x, int y)
{
	if (y < BUTTON_Y || y >= BUTTON_Y + BUTTON_H)
		return 0;
	if (x >= ALLOW_X && x < ALLOW_X + BUTTON_W)
		return 1;
	if (x >= REJECT_X && x < REJECT_X + BUTTON_W)
		return 2;
	return 0;
}

static void set_property(struct dialog *d, xcb_atom_t prop, xcb_atom_t type,
			 uint8_t format, uint32_t n, const void *data)
{
	xcb_change_property(d->conn, XCB_PROP_MODE_REPLACE, d->win, prop,
			    type, format, n, data);
}

static int create_window(struct dialog *d)
{
	static const char title[] = "sipvnc: incoming call";
	const xcb_setup_t *setup = xcb_get_setup(d->conn);
	xcb_screen_t *scr = xcb_setup_roots_iterator(setup).data;
	xcb_font_t font = xcb_generate_id(d->conn);
	xcb_atom_t type, dialog_type, state, above;
	uint32_t values[3];
	int x, y;

	if (!scr)
		return -1;
	x = (scr->width_in_pixels - DIALOG_W) / 2;
	y = (scr->height_in_pixels - DIALOG_H) / 3;
	d->win = xcb_generate_id(d->conn);
	values[0] = scr->white_pixel;
	values[1] = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_BUTTON_PRESS |
		    XCB_EVENT_MASK_BUTTON_RELEASE | XCB_EVENT_MASK_KEY_PRESS |
		    XCB_EVENT_MASK_STRUCTURE_NOTIFY;
	xcb_create_window(d->conn, XCB_COPY_FROM_PARENT, d->win, scr->root,
			  (int16_t)(x > 0 ? x : 0), (int16_t)(y > 0 ? y : 0),
			  DIALOG_W, DIALOG_H, 1, XCB_WINDOW_CLASS_INPUT_OUTPUT,
			  scr->root_visual,
			  XCB_CW_BACK_PIXEL | XCB_CW_EVENT_MASK, values);
	set_property(d, XCB_ATOM_WM_NAME, XCB_ATOM_STRING, 8,
		     sizeof(title) - 1, title);
	d->wm_delete = capture_atom(d->conn, "WM_DELETE_WINDOW");
	set_property(d, capture_atom(d->conn, "WM_PROTOCOLS"), XCB_ATOM_ATOM,
		     32, 1, &d->wm_delete);
	/* a dialog that stays on top, for window managers that listen */
	type = capture_atom(d->conn, "_NET_WM_WINDOW_TYPE");
	dialog_type = capture_atom(d->conn, "_NET_WM_WINDOW_TYPE_DIALOG");
	state = capture_atom(d->conn, "_NET_WM_STATE");
	above = capture_atom(d->conn, "_NET_WM_STATE_ABOVE");
	set_property(d, type, XCB_ATOM_ATOM, 32, 1, &dialog_type);
	set_property(d, state, XCB_ATOM_ATOM, 32, 1, &above);

	xcb_open_font(d->conn, font, 5, "fixed");
	d->gc_text = xcb_generate_id(d->conn);
	values[0] = scr->black_pixel;
	values[1] = scr->white_pixel;
	values[2] = font;
	xcb_create_gc(d->conn, d->gc_text, d->win, XCB_GC_FOREGROUND |
		      XCB_GC_BACKGROUND | XCB_GC_FONT, values);
	d->gc_face = xcb_generate_id(d->conn);
	values[0] = scr->white_pixel;
	xcb_create_gc(d->conn, d->gc_face, d->win, XCB_GC_FOREGROUND, values);
	xcb_close_font(d->conn, font);

	xcb_map_window(d->conn, d->win);
	xcb_flush(d->conn);
	d->shown_ms = now_ms();
	return xcb_connection_has_error(d->conn) ? -1 : 0;
}

static bool is_escape(struct dialog *d, xcb_keycode_t keycode)
{
	const xcb_setup_t *setup = xcb_get_setup(d->conn);
	xcb_get_keyboard_mapping_reply_t *map;
	bool escape = false;

	if (keycode < setup->min_keycode)
		return false;
	map = xcb_get_keyboard_mapping_reply(d->conn,
		xcb_get_keyboard_mapping(d->conn, keycode, 1), NULL);
	if (map) {
		const xcb_keysym_t *syms = xcb_get_keyboard_mapping_keysyms(map);
		int n = xcb_get_keyboard_mapping_keysyms_length(map);

		escape = n > 0 && syms[0] == KEYSYM_ESCAPE;
		free(map);
	}
	return escape;
}

static enum verdict handle(struct dialog *d, xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {

	case XCB_EXPOSE:
		if (((xcb_expose_event_t *)ev)->count == 0)
			draw(d);
		break;

	case XCB_MAP_NOTIFY:
		/* Escape must reach us, not the application in front; a
		 * window manager may refuse, which leaves the mouse */
		xcb_set_input_focus(d->conn, XCB_INPUT_FOCUS_POINTER_ROOT,
				    d->win, XCB_CURRENT_TIME);
		xcb_flush(d->conn);
		break;

	case XCB_BUTTON_PRESS: {
		const xcb_button_press_event_t *b = (void *)ev;

		d->pressed = 0;
		if (b->detail == 1 && now_ms() - d->shown_ms >= CLICK_GRACE_MS)
			d->pressed = button_at(b->event_x, b->event_y);
		break;
	}

	case XCB_BUTTON_RELEASE: {
		const xcb_button_release_event_t *b = (void *)ev;
		int released = b->detail == 1 ?
			       button_at(b->event_x, b->event_y) : 0;

		if (released && released == d->pressed)
			return released == 1 ? VERDICT_ALLOW : VERDICT_REJECT;
		d->pressed = 0;
		break;
	}

	case XCB_KEY_PRESS:
		if (is_escape(d, ((xcb_key_press_event_t *)ev)->detail))
			return VERDICT_REJECT;
		break;

	case XCB_CLIENT_MESSAGE: {
		const xcb_client_message_event_t *cm = (void *)ev;

		if (cm->format == 32 && cm->data.data32[0] == d->wm_delete)
			return VERDICT_REJECT;
		break;
	}

	case XCB_DESTROY_NOTIFY:
		return VERDICT_REJECT;
	}
	return VERDICT_PENDING;
}

int ask_main(int argc, char *argv[])
{
	struct dialog d;
	enum verdict verdict = VERDICT_PENDING;

	if (argc != 3 || (strcmp(argv[2], "view") != 0 &&
			  strcmp(argv[2], "control") != 0)) {
		fprintf(stderr, "usage: sipvnc ask CALLER view|control\n");
		return VERDICT_ERROR;
	}
	memset(&d, 0, sizeof(d));
	sanitize_caller(d.caller, argv[1]);
	d.control = !strcmp(argv[2], "control");
	d.conn = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(d.conn) || create_window(&d)) {
		fprintf(stderr, "sipvnc ask: cannot open a window on the "
			"display '%s'\n", getenv("DISPLAY") ?
			getenv("DISPLAY") : "");
		xcb_disconnect(d.conn);
		return VERDICT_ERROR;
	}
	while (verdict == VERDICT_PENDING) {
		xcb_generic_event_t *ev = xcb_wait_for_event(d.conn);

		if (!ev) {
			verdict = VERDICT_ERROR;   /* the X server went away */
			break;
		}
		verdict = handle(&d, ev);
		free(ev);
	}
	xcb_disconnect(d.conn);
	return verdict;
}
