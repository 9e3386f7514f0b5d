/*
 * xselection.h - a plain X client of the selections, for the clipboard
 * tests (tools/xclipboard and the capture unit test): read a selection in
 * a given target, or own one and answer requests for it, as ICCCM says.
 * While it waits, a caller-given function runs (the unit test drives the
 * capture there, in the same thread).
 */
#ifndef SIPVNC_XSELECTION_H
#define SIPVNC_XSELECTION_H

#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xcb/xcb.h>

struct xsel {
	xcb_connection_t *conn;
	xcb_window_t win;
	xcb_atom_t clipboard, utf8, targets, prop;
	/* What we serve while owning a selection. */
	const char *text;
	size_t len;
	xcb_atom_t text_type;     /* UTF8_STRING, or STRING only */
	bool lost;                /* someone else took our selection */
	int served;               /* requests answered with data */
};

typedef void (xsel_wait_h)(void *arg);

static inline long long xsel_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline xcb_atom_t xsel_atom(xcb_connection_t *c, const char *name)
{
	xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(c,
		xcb_intern_atom(c, 0, (uint16_t)strlen(name), name), NULL);
	xcb_atom_t a = r ? r->atom : XCB_NONE;

	free(r);
	return a;
}

static inline int xsel_open(struct xsel *xs, const char *display)
{
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
	xcb_screen_t *screen;

	memset(xs, 0, sizeof(*xs));
	xs->conn = xcb_connect(display, NULL);
	if (xcb_connection_has_error(xs->conn))
		return -1;
	screen = xcb_setup_roots_iterator(xcb_get_setup(xs->conn)).data;
	xs->win = xcb_generate_id(xs->conn);
	xcb_create_window(xs->conn, 0, xs->win, screen->root, 0, 0, 1, 1, 0,
			  XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT,
			  XCB_CW_EVENT_MASK, &mask);
	xs->clipboard = xsel_atom(xs->conn, "CLIPBOARD");
	xs->utf8 = xsel_atom(xs->conn, "UTF8_STRING");
	xs->targets = xsel_atom(xs->conn, "TARGETS");
	xs->prop = xsel_atom(xs->conn, "XSEL_TEST_DATA");
	xs->text_type = xs->utf8;
	return 0;
}

static inline void xsel_close(struct xsel *xs)
{
	if (xs->conn)
		xcb_disconnect(xs->conn);
	xs->conn = NULL;
}

static inline void xsel_answer(struct xsel *xs,
			       const xcb_selection_request_event_t *rq)
{
	xcb_selection_notify_event_t note;
	char wire[32];
	xcb_atom_t prop = rq->property ? rq->property : rq->target;
	bool done = true;

	if (rq->target == xs->targets) {
		xcb_atom_t list[2] = { xs->targets, xs->text_type };

		xcb_change_property(xs->conn, XCB_PROP_MODE_REPLACE,
				    rq->requestor, prop, XCB_ATOM_ATOM, 32, 2,
				    list);
	}
	else if (rq->target == xs->text_type) {
		xcb_change_property(xs->conn, XCB_PROP_MODE_REPLACE,
				    rq->requestor, prop, xs->text_type, 8,
				    (uint32_t)xs->len, xs->text);
		xs->served++;
	}
	else {
		done = false;
	}
	memset(&note, 0, sizeof(note));
	note.response_type = XCB_SELECTION_NOTIFY;
	note.time = rq->time;
	note.requestor = rq->requestor;
	note.selection = rq->selection;
	note.target = rq->target;
	note.property = done ? prop : XCB_NONE;
	memset(wire, 0, sizeof(wire));
	memcpy(wire, &note, sizeof(note));
	xcb_send_event(xs->conn, 0, rq->requestor, XCB_EVENT_MASK_NO_EVENT,
		       wire);
	xcb_flush(xs->conn);
}

/* Handle one event; a SelectionNotify for us is handed back in *got. */
static inline void xsel_event(struct xsel *xs, xcb_generic_event_t *ev,
			      xcb_selection_notify_event_t *got, bool *have)
{
	switch (ev->response_type & 0x7f) {
	case XCB_SELECTION_REQUEST:
		xsel_answer(xs, (const void *)ev);
		break;
	case XCB_SELECTION_CLEAR:
		xs->lost = true;
		break;
	case XCB_SELECTION_NOTIFY:
		if (got && have) {
			memcpy(got, ev, sizeof(*got));
			*have = true;
		}
		break;
	default:
		break;
	}
}

/* Answer requests for ms milliseconds (or until we lose the selection). */
static inline void xsel_serve(struct xsel *xs, int ms, xsel_wait_h *waith,
			      void *arg)
{
	long long end = xsel_now_ms() + ms;

	while (xsel_now_ms() < end && !xs->lost &&
	       !xcb_connection_has_error(xs->conn)) {
		struct pollfd pfd = { .fd = xcb_get_file_descriptor(xs->conn),
				      .events = POLLIN };
		xcb_generic_event_t *ev;

		if (waith)
			waith(arg);
		else
			(void)poll(&pfd, 1, 20);
		while ((ev = xcb_poll_for_event(xs->conn))) {
			xsel_event(xs, ev, NULL, NULL);
			free(ev);
		}
	}
}

/* Own selection with text of type text_type (UTF8_STRING or STRING). */
static inline void xsel_own(struct xsel *xs, xcb_atom_t selection,
			    const char *text, size_t len, xcb_atom_t text_type)
{
	xs->text = text;
	xs->len = len;
	xs->text_type = text_type;
	xs->lost = false;
	xcb_set_selection_owner(xs->conn, xs->win, selection,
				XCB_CURRENT_TIME);
	xcb_flush(xs->conn);
}

static inline xcb_window_t xsel_owner(struct xsel *xs, xcb_atom_t selection)
{
	xcb_get_selection_owner_reply_t *r = xcb_get_selection_owner_reply(
		xs->conn, xcb_get_selection_owner(xs->conn, selection), NULL);
	xcb_window_t w = r ? r->owner : XCB_NONE;

	free(r);
	return w;
}

/* Convert selection to target and read the answer (at most max bytes)
 * into a malloc'd *out.  Returns the length, -1 when the owner refused or
 * did not answer within ms.  *type gets the property's type. */
static inline long xsel_read(struct xsel *xs, xcb_atom_t selection,
			     xcb_atom_t target, char **out, size_t max,
			     xcb_atom_t *type, int ms, xsel_wait_h *waith,
			     void *arg)
{
	xcb_selection_notify_event_t got;
	bool have = false;
	long long end = xsel_now_ms() + ms;
	xcb_get_property_reply_t *r;
	long len;

	*out = NULL;
	xcb_convert_selection(xs->conn, xs->win, selection, target, xs->prop,
			      XCB_CURRENT_TIME);
	xcb_flush(xs->conn);
	while (!have && xsel_now_ms() < end) {
		struct pollfd pfd = { .fd = xcb_get_file_descriptor(xs->conn),
				      .events = POLLIN };
		xcb_generic_event_t *ev;

		if (waith)
			waith(arg);
		else
			(void)poll(&pfd, 1, 20);
		while ((ev = xcb_poll_for_event(xs->conn))) {
			xsel_event(xs, ev, &got, &have);
			free(ev);
		}
		if (xcb_connection_has_error(xs->conn))
			return -1;
	}
	if (!have || got.property == XCB_NONE)
		return -1;
	r = xcb_get_property_reply(xs->conn, xcb_get_property(xs->conn, 1,
		xs->win, xs->prop, XCB_GET_PROPERTY_TYPE_ANY, 0,
		(uint32_t)(max / 4 + 1)), NULL);
	if (!r)
		return -1;
	len = xcb_get_property_value_length(r);   /* bytes */
	if ((size_t)len > max)
		len = (long)max;
	*type = r->type;
	*out = malloc((size_t)len + 1);
	if (*out) {
		memcpy(*out, xcb_get_property_value(r), (size_t)len);
		(*out)[len] = '\0';
	}
	free(r);
	return *out ? len : -1;
}

#endif
