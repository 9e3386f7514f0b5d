/*
 * indicator.c - "your screen is being shared": who watches, and a button
 * that stops it.  A plain XCB window with the core "fixed" font (6x13), so
 * it needs nothing the X server does not always have.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xcb/xcb.h>

#include "capture/indicator.h"
#include "capture/xatom.h"

enum {
	MAX_LINES = 8,          /* more viewers: "... and N more" */
	LINE_CHARS = 64,
	CHAR_W = 6,
	LINE_H = 16,
	PAD = 10,
	BUTTON_W = 110,
	BUTTON_H = 24,
	MIN_W = 260,
	MARGIN = 8,             /* from the screen's corner */
};

static const char title_text[] = "Your screen is being shared with:";
static const char button_text[] = "Stop sharing";

struct capture_indicator {
	xcb_connection_t *conn;
	xcb_screen_t *screen;
	xcb_window_t win;
	xcb_atom_t viewers_atom;
	xcb_gcontext_t gc_text, gc_button;
	capture_indicator_stop_h *stoph;
	void *arg;
	char lines[MAX_LINES + 1][LINE_CHARS + 4];
	size_t n;
	int w, h;
	int screen_w;           /* follows RandR resizes */
	bool mapped;
	bool pressed;           /* a press began on the button */
	long long raise_second; /* raises back on top in this second */
	unsigned raises;
};

static int button_x(const struct capture_indicator *ind)
{
	return ind->w - BUTTON_W - PAD;
}

static int button_y(const struct capture_indicator *ind)
{
	return ind->h - BUTTON_H - PAD;
}

static bool on_button(const struct capture_indicator *ind, int x, int y)
{
	return x >= button_x(ind) && x < button_x(ind) + BUTTON_W &&
	       y >= button_y(ind) && y < button_y(ind) + BUTTON_H;
}

static void text(struct capture_indicator *ind, xcb_gcontext_t gc, int x,
		 int y, const char *s)
{
	xcb_image_text_8(ind->conn, (uint8_t)strlen(s), ind->win, gc,
			 (int16_t)x, (int16_t)y, s);
}

static void draw(struct capture_indicator *ind)
{
	xcb_rectangle_t r = { (int16_t)button_x(ind), (int16_t)button_y(ind),
			      BUTTON_W, BUTTON_H };
	size_t i;

	xcb_clear_area(ind->conn, 0, ind->win, 0, 0, 0, 0);
	text(ind, ind->gc_text, PAD, PAD + 11, title_text);
	for (i = 0; i < ind->n; i++)
		text(ind, ind->gc_text, PAD + 2 * CHAR_W,
		     PAD + 11 + (int)(i + 1) * LINE_H, ind->lines[i]);
	xcb_poly_fill_rectangle(ind->conn, ind->win, ind->gc_text, 1, &r);
	text(ind, ind->gc_button, r.x + (BUTTON_W - CHAR_W *
	     (int)strlen(button_text)) / 2, r.y + BUTTON_H / 2 + 4,
	     button_text);
	xcb_flush(ind->conn);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void raise_window(struct capture_indicator *ind)
{
	const uint32_t above = XCB_STACK_MODE_ABOVE;

	xcb_configure_window(ind->conn, ind->win, XCB_CONFIG_WINDOW_STACK_MODE,
			     &above);
	xcb_flush(ind->conn);
}

/* The caller's URI is chosen by the caller: only printable ASCII, so it
 * cannot hide text behind control characters, and cut to fit. */
static void copy_line(char *out, const char *in)
{
	size_t i;

	for (i = 0; i < LINE_CHARS && in[i]; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
	if (in[i])
		memcpy(out + i, "...", 4);
}

/* The same lines as text in _SIPVNC_VIEWERS, for what cannot read pixels
 * (screen readers' scripts, tests). */
static void set_viewers_property(struct capture_indicator *ind)
{
	char buf[(MAX_LINES + 1) * (LINE_CHARS + 5)];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < ind->n; i++)
		if (len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", i ? "\n" : "",
						ind->lines[i]);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	xcb_change_property(ind->conn, XCB_PROP_MODE_REPLACE, ind->win,
			    ind->viewers_atom, XCB_ATOM_STRING, 8,
			    (uint32_t)len, buf);
}

int capture_indicator_show(struct capture_indicator *ind,
			   const char *const *lines, size_t n)
{
	size_t i, widest = sizeof(title_text) - 1;
	uint32_t geo[4];

	if (!ind)
		return EINVAL;
	if (!n) {
		if (ind->mapped)
			xcb_unmap_window(ind->conn, ind->win);
		ind->mapped = false;
		ind->n = 0;
		xcb_flush(ind->conn);
		return 0;
	}
	ind->n = n > MAX_LINES ? MAX_LINES + 1 : n;
	for (i = 0; i < ind->n && i < MAX_LINES; i++)
		copy_line(ind->lines[i], lines[i]);
	if (n > MAX_LINES)
		(void)snprintf(ind->lines[MAX_LINES], sizeof(ind->lines[0]),
			       "... and %zu more", n - MAX_LINES);
	for (i = 0; i < ind->n; i++)
		if (strlen(ind->lines[i]) + 2 > widest)
			widest = strlen(ind->lines[i]) + 2;
	ind->w = 2 * PAD + (int)widest * CHAR_W;
	if (ind->w < MIN_W)
		ind->w = MIN_W;
	ind->h = 2 * PAD + (int)(ind->n + 1) * LINE_H + PAD + BUTTON_H;
	geo[0] = (uint32_t)(ind->screen_w - ind->w - MARGIN);
	geo[1] = MARGIN;
	geo[2] = (uint32_t)ind->w;
	geo[3] = (uint32_t)ind->h;
	if ((int)geo[0] < 0)
		geo[0] = 0;
	set_viewers_property(ind);
	xcb_configure_window(ind->conn, ind->win, XCB_CONFIG_WINDOW_X |
			     XCB_CONFIG_WINDOW_Y | XCB_CONFIG_WINDOW_WIDTH |
			     XCB_CONFIG_WINDOW_HEIGHT, geo);
	if (!ind->mapped) {
		xcb_map_window(ind->conn, ind->win);
		ind->mapped = true;
	}
	raise_window(ind);
	draw(ind);
	return xcb_connection_has_error(ind->conn) ? EPIPE : 0;
}

static void handle(struct capture_indicator *ind, xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {

	case XCB_EXPOSE:
		if (((xcb_expose_event_t *)ev)->count == 0 && ind->mapped)
			draw(ind);
		break;

	case XCB_CONFIGURE_NOTIFY: {
		const xcb_configure_notify_event_t *cn = (void *)ev;
		uint32_t x;

		/* the screen was resized: back to its top right corner */
		if (cn->window != ind->screen->root ||
		    cn->width == ind->screen_w)
			break;
		ind->screen_w = cn->width;
		x = (uint32_t)(ind->screen_w - ind->w - MARGIN > 0 ?
			       ind->screen_w - ind->w - MARGIN : 0);
		xcb_configure_window(ind->conn, ind->win, XCB_CONFIG_WINDOW_X,
				     &x);
		xcb_flush(ind->conn);
		break;
	}

	case XCB_VISIBILITY_NOTIFY:
		/* something came in front: back on top, but at most ten
		 * times a second, so that a window that raises itself too (a
		 * screen locker) cannot start a match that eats the CPU */
		if (((xcb_visibility_notify_event_t *)ev)->state !=
		    XCB_VISIBILITY_UNOBSCURED && ind->mapped) {
			long long second = now_ms() / 1000;

			if (second != ind->raise_second) {
				ind->raise_second = second;
				ind->raises = 0;
			}
			if (ind->raises++ < 10)
				raise_window(ind);
		}
		break;

	case XCB_BUTTON_PRESS: {
		const xcb_button_press_event_t *b = (void *)ev;

		ind->pressed = b->detail == 1 &&
			       on_button(ind, b->event_x, b->event_y);
		break;
	}

	case XCB_BUTTON_RELEASE: {
		const xcb_button_release_event_t *b = (void *)ev;
		bool stop = ind->pressed && b->detail == 1 &&
			    on_button(ind, b->event_x, b->event_y);

		ind->pressed = false;
		if (stop && ind->stoph)
			ind->stoph(ind->arg);
		break;
	}
	}
}

int capture_indicator_process(struct capture_indicator *ind)
{
	xcb_generic_event_t *ev;

	if (!ind)
		return EINVAL;
	/* stoph may end calls and hide us: events are read first */
	while ((ev = xcb_poll_for_event(ind->conn)) != NULL) {
		handle(ind, ev);
		free(ev);
	}
	return xcb_connection_has_error(ind->conn) ? EPIPE : 0;
}

int capture_indicator_fd(const struct capture_indicator *ind)
{
	return ind ? xcb_get_file_descriptor(ind->conn) : -1;
}

static void create_window(struct capture_indicator *ind)
{
	static const char title[] = "sipvnc: screen shared";
	/* WM_HINTS: flags = InputHint, input = False */
	static const uint32_t hints[9] = { 1, 0 };
	xcb_screen_t *scr = ind->screen;
	xcb_font_t font = xcb_generate_id(ind->conn);
	uint32_t values[3];

	ind->w = MIN_W;
	ind->h = 4 * LINE_H;
	ind->win = xcb_generate_id(ind->conn);
	values[0] = scr->white_pixel;
	values[1] = 1;   /* override-redirect: no window manager moves,
			    decorates or focuses it */
	values[2] = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_BUTTON_PRESS |
		    XCB_EVENT_MASK_BUTTON_RELEASE |
		    XCB_EVENT_MASK_VISIBILITY_CHANGE;
	xcb_create_window(ind->conn, XCB_COPY_FROM_PARENT, ind->win, scr->root,
			  0, 0, (uint16_t)ind->w, (uint16_t)ind->h, 2,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, scr->root_visual,
			  XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT |
			  XCB_CW_EVENT_MASK, values);
	xcb_change_property(ind->conn, XCB_PROP_MODE_REPLACE, ind->win,
			    XCB_ATOM_WM_NAME, XCB_ATOM_STRING, 8,
			    sizeof(title) - 1, title);
	xcb_change_property(ind->conn, XCB_PROP_MODE_REPLACE, ind->win,
			    XCB_ATOM_WM_HINTS, XCB_ATOM_WM_HINTS, 32, 9, hints);
	/* for compositors and pagers that list windows: a notification */
	{
		xcb_atom_t type = capture_atom(ind->conn,
					       "_NET_WM_WINDOW_TYPE");
		xcb_atom_t notif = capture_atom(ind->conn,
					"_NET_WM_WINDOW_TYPE_NOTIFICATION");

		xcb_change_property(ind->conn, XCB_PROP_MODE_REPLACE, ind->win,
				    type, XCB_ATOM_ATOM, 32, 1, &notif);
	}
	ind->viewers_atom = capture_atom(ind->conn, "_SIPVNC_VIEWERS");
	/* the root's size changes (RandR) as ConfigureNotify */
	ind->screen_w = scr->width_in_pixels;
	values[0] = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
	xcb_change_window_attributes(ind->conn, scr->root, XCB_CW_EVENT_MASK,
				     values);
	xcb_open_font(ind->conn, font, 5, "fixed");
	ind->gc_text = xcb_generate_id(ind->conn);
	values[0] = scr->black_pixel;
	values[1] = scr->white_pixel;
	values[2] = font;
	xcb_create_gc(ind->conn, ind->gc_text, ind->win, XCB_GC_FOREGROUND |
		      XCB_GC_BACKGROUND | XCB_GC_FONT, values);
	ind->gc_button = xcb_generate_id(ind->conn);
	values[0] = scr->white_pixel;
	values[1] = scr->black_pixel;
	xcb_create_gc(ind->conn, ind->gc_button, ind->win, XCB_GC_FOREGROUND |
		      XCB_GC_BACKGROUND | XCB_GC_FONT, values);
	xcb_close_font(ind->conn, font);
	xcb_flush(ind->conn);
}

int capture_indicator_open(struct capture_indicator **indp,
			   const char *display,
			   capture_indicator_stop_h *stoph, void *arg)
{
	struct capture_indicator *ind;
	int screen_num = 0, i;
	xcb_screen_iterator_t it;

	if (!indp)
		return EINVAL;
	ind = calloc(1, sizeof(*ind));
	if (!ind)
		return ENOMEM;
	ind->stoph = stoph;
	ind->arg = arg;
	ind->conn = xcb_connect(display, &screen_num);
	if (xcb_connection_has_error(ind->conn)) {
		capture_indicator_close(ind);
		return ECONNREFUSED;
	}
	it = xcb_setup_roots_iterator(xcb_get_setup(ind->conn));
	for (i = 0; i < screen_num && it.rem; i++)
		xcb_screen_next(&it);
	ind->screen = it.data;
	if (!ind->screen) {
		capture_indicator_close(ind);
		return ENODEV;
	}
	create_window(ind);
	if (xcb_connection_has_error(ind->conn)) {
		capture_indicator_close(ind);
		return EPIPE;
	}
	*indp = ind;
	return 0;
}

void capture_indicator_close(struct capture_indicator *ind)
{
	if (!ind)
		return;
	if (ind->conn)
		xcb_disconnect(ind->conn);   /* the window goes with it */
	free(ind);
}
