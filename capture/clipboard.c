/*
 * clipboard.c - X selections as a clipboard: we own CLIPBOARD and PRIMARY
 * with a viewer's text and serve it to X clients (ICCCM), and we read
 * CLIPBOARD whenever another client takes it (XFixes tells us).
 *
 * Nothing here waits for X in the event path: the viewer's text arrives on
 * another thread, which only stores it and appends nothing to a property
 * of our window; the PropertyNotify that follows wakes the event loop and
 * brings the server timestamp ICCCM wants for taking ownership.  Reading
 * another client's text is ConvertSelection, then its SelectionNotify,
 * then one GetProperty.  Without INCR, what we serve is capped at one
 * request and what we read at CAPTURE_CLIPBOARD_MAX.  Answering requests
 * is in clipboard_serve.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/xfixes.h>

#include "capture/capture_log.h"
#include "capture/clipboard_int.h"

static const char *const atom_names[ATOM_COUNT] = {
	"CLIPBOARD", "UTF8_STRING", "TARGETS", "TEXT", "TIMESTAMP", "INCR",
	"_SIPVNC_CLIPBOARD", "_SIPVNC_WAKE",
};

static int intern_atoms(xcb_connection_t *conn, xcb_atom_t *atom)
{
	xcb_intern_atom_cookie_t ck[ATOM_COUNT];
	int i, err = 0;

	for (i = 0; i < ATOM_COUNT; i++)
		ck[i] = xcb_intern_atom(conn, 0, (uint16_t)strlen(atom_names[i]),
					atom_names[i]);
	for (i = 0; i < ATOM_COUNT; i++) {
		xcb_intern_atom_reply_t *r =
			xcb_intern_atom_reply(conn, ck[i], NULL);

		if (!r)
			err = EIO;
		else
			atom[i] = r->atom;
		free(r);
	}
	return err;
}

void capture_clipboard_init(struct capture *cap)
{
	struct clipboard *cb = calloc(1, sizeof(*cb));
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
	uint32_t max_req;

	if (!cb || intern_atoms(cap->conn, cb->atom)) {
		free(cb);
		return;
	}
	pthread_mutex_init(&cb->lock, NULL);
	/* The largest request, in 4-byte units, less ChangeProperty's own
	 * 24 bytes. */
	max_req = xcb_get_maximum_request_length(cap->conn);
	cb->max_serve = (size_t)max_req * 4 - 24;
	if (cb->max_serve > CAPTURE_CLIPBOARD_MAX)
		cb->max_serve = CAPTURE_CLIPBOARD_MAX;

	cb->win = xcb_generate_id(cap->conn);
	xcb_create_window(cap->conn, 0, cb->win, cap->root, 0, 0, 1, 1, 0,
			  XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT,
			  XCB_CW_EVENT_MASK, &mask);
	if (cap->have_xfixes)
		xcb_xfixes_select_selection_input(cap->conn, cb->win,
			cb->atom[ATOM_CLIPBOARD],
			XCB_XFIXES_SELECTION_EVENT_MASK_SET_SELECTION_OWNER);
	cap->clipboard = cb;
}

void capture_clipboard_close(struct capture *cap)
{
	struct clipboard *cb = cap->clipboard;

	if (!cb)
		return;
	cap->clipboard = NULL;
	pthread_mutex_destroy(&cb->lock);
	free(cb->incoming);
	free(cb->text);
	free(cb);
}

void capture_watch_clipboard(struct capture *cap, capture_clipboard_h *h,
			     void *arg)
{
	if (!cap || !cap->clipboard)
		return;
	cap->clipboard->h = h;
	cap->clipboard->arg = arg;
}

int capture_set_clipboard(struct capture *cap, const char *utf8, size_t len)
{
	struct clipboard *cb;
	xcb_connection_t *wake;
	char *copy;

	if (!cap || !cap->clipboard)
		return ENOTSUP;
	cb = cap->clipboard;
	len = utf8 ? capture_utf8_valid_prefix(utf8, len, cb->max_serve) : 0;
	copy = malloc(len + 1);
	if (!copy)
		return ENOMEM;
	if (len)
		memcpy(copy, utf8, len);
	copy[len] = '\0';

	pthread_mutex_lock(&cb->lock);
	free(cb->incoming);
	cb->incoming = copy;
	cb->incoming_len = len;
	cb->incoming_set = true;
	pthread_mutex_unlock(&cb->lock);

	/* Through the input threads' connection: a flush on the main one
	 * could read the event loop's events into xcb's queue, where its
	 * poll on capture_fd() would not see them.  The notification still
	 * goes to the main connection, which watches our window. */
	wake = cap->input_conn ? cap->input_conn : cap->conn;
	xcb_change_property(wake, XCB_PROP_MODE_APPEND, cb->win,
			    cb->atom[ATOM_WAKE], XCB_ATOM_INTEGER, 32, 0, NULL);
	xcb_flush(wake);
	return 0;
}

static void selection_lost(struct clipboard *cb,
			   const xcb_selection_clear_event_t *sc)
{
	if (sc->selection == cb->atom[ATOM_CLIPBOARD])
		cb->own_clipboard = false;
	else if (sc->selection == XCB_ATOM_PRIMARY)
		cb->own_primary = false;
	if (!cb->own_clipboard && !cb->own_primary) {
		free(cb->text);
		cb->text = NULL;
		cb->len = 0;
	}
}

static void conversion_done(struct capture *cap, struct clipboard *cb,
			    const xcb_selection_notify_event_t *sn)
{
	if (cb->fetch == FETCH_IDLE ||
	    sn->selection != cb->atom[ATOM_CLIPBOARD])
		return;
	if (sn->property != XCB_NONE) {
		cb->fetch_ready = true;
		return;
	}
	if (cb->fetch == FETCH_UTF8) {
		/* An older owner: ask for Latin-1 instead. */
		cb->fetch = FETCH_STRING;
		xcb_convert_selection(cap->conn, cb->win, sn->selection,
				      XCB_ATOM_STRING, cb->atom[ATOM_RECEIVED],
				      cb->fetch_time);
		cb->flush_needed = true;
		return;
	}
	cb->fetch = FETCH_IDLE;
}

bool capture_clipboard_handle_event(struct capture *cap,
				    const xcb_generic_event_t *ev)
{
	struct clipboard *cb = cap->clipboard;
	uint8_t type = ev->response_type & 0x7f;

	if (!cb)
		return false;
	switch (type) {
	case XCB_PROPERTY_NOTIFY: {
		const xcb_property_notify_event_t *pn = (const void *)ev;

		if (pn->window != cb->win)
			return false;
		if (pn->atom == cb->atom[ATOM_WAKE]) {
			cb->take_pending = true;
			cb->take_time = pn->time;
		}
		return true;
	}
	case XCB_SELECTION_REQUEST: {
		const xcb_selection_request_event_t *rq = (const void *)ev;

		if (rq->owner != cb->win)
			return false;
		capture_clipboard_answer_request(cap, rq);
		return true;
	}
	case XCB_SELECTION_CLEAR: {
		const xcb_selection_clear_event_t *sc = (const void *)ev;

		if (sc->owner != cb->win)
			return false;
		selection_lost(cb, sc);
		return true;
	}
	case XCB_SELECTION_NOTIFY: {
		const xcb_selection_notify_event_t *sn = (const void *)ev;

		if (sn->requestor != cb->win)
			return false;
		conversion_done(cap, cb, sn);
		return true;
	}
	default:
		break;
	}
	if (cap->have_xfixes &&
	    type == cap->xfixes_event + XCB_XFIXES_SELECTION_NOTIFY) {
		const xcb_xfixes_selection_notify_event_t *xn =
			(const void *)ev;

		if (xn->window != cb->win)
			return false;
		/* Our own taking, or an owner gone: nothing new to read. */
		if (xn->owner != cb->win && xn->owner != XCB_NONE) {
			cb->fetch_wanted = true;
			cb->fetch_time = xn->selection_timestamp;
		}
		return true;
	}
	return false;
}

bool capture_clipboard_pending(const struct capture *cap)
{
	const struct clipboard *cb = cap->clipboard;

	if (!cb)
		return false;
	return cb->take_pending || cb->fetch_ready || cb->flush_needed ||
		(cb->fetch_wanted && cb->fetch == FETCH_IDLE);
}

static void take_selections(struct capture *cap, struct clipboard *cb)
{
	bool got = false;

	pthread_mutex_lock(&cb->lock);
	if (cb->incoming_set) {
		free(cb->text);
		cb->text = cb->incoming;
		cb->len = cb->incoming_len;
		cb->incoming = NULL;
		cb->incoming_set = false;
		got = true;
	}
	pthread_mutex_unlock(&cb->lock);
	cb->take_pending = false;
	if (!got)
		return;
	cb->owned_since = cb->take_time;
	xcb_set_selection_owner(cap->conn, cb->win, cb->atom[ATOM_CLIPBOARD],
				cb->take_time);
	xcb_set_selection_owner(cap->conn, cb->win, XCB_ATOM_PRIMARY,
				cb->take_time);
	cb->own_clipboard = cb->own_primary = true;
	cb->flush_needed = true;
}

/* The owner's answer is in our property: read it once, bounded, and
 * report it as UTF-8. */
static void read_received(struct capture *cap, struct clipboard *cb)
{
	xcb_get_property_reply_t *r;
	const char *data;
	char *utf8 = NULL;
	size_t len, n = 0;

	cb->fetch_ready = false;
	cb->fetch = FETCH_IDLE;
	r = xcb_get_property_reply(cap->conn,
		xcb_get_property(cap->conn, 1, cb->win, cb->atom[ATOM_RECEIVED],
				 XCB_GET_PROPERTY_TYPE_ANY, 0,
				 CAPTURE_CLIPBOARD_MAX / 4), NULL);
	if (!r)
		return;
	data = xcb_get_property_value(r);
	len = (size_t)xcb_get_property_value_length(r);
	if (r->format != 8 || r->type == cb->atom[ATOM_INCR]) {
		if (r->type == cb->atom[ATOM_INCR])
			capture_warn(cap, "capture: clipboard text too large "
				     "for one transfer (INCR), not read\n");
	}
	else if (r->type == cb->atom[ATOM_UTF8_STRING]) {
		n = capture_utf8_valid_prefix(data, len, CAPTURE_CLIPBOARD_MAX);
		utf8 = malloc(n + 1);
		if (utf8)
			memcpy(utf8, data, n);
	}
	else if (r->type == XCB_ATOM_STRING) {
		utf8 = malloc(2 * len + 1);
		if (utf8)
			n = capture_latin1_to_utf8(data, len, utf8,
						   CAPTURE_CLIPBOARD_MAX);
	}
	/* GetProperty deletes only what it read to the end; an INCR
	 * owner waits for the deletion to start sending. */
	if (r->bytes_after || r->type == cb->atom[ATOM_INCR]) {
		xcb_delete_property(cap->conn, cb->win,
				    cb->atom[ATOM_RECEIVED]);
		cb->flush_needed = true;
	}
	if (utf8) {
		utf8[n] = '\0';
		if (cb->h)
			cb->h(utf8, n, cb->arg);
	}
	free(utf8);
	free(r);
}

int capture_clipboard_process(struct capture *cap)
{
	struct clipboard *cb = cap->clipboard;

	if (!cb)
		return 0;
	if (cb->take_pending)
		take_selections(cap, cb);
	if (cb->fetch != FETCH_IDLE && !cb->fetch_ready &&
	    capture_now_ms() - cb->fetch_started_ms > CLIPBOARD_FETCH_TIMEOUT_MS)
		cb->fetch = FETCH_IDLE;
	if (cb->fetch_ready)
		read_received(cap, cb);
	if (cb->fetch_wanted && cb->fetch == FETCH_IDLE) {
		cb->fetch_wanted = false;
		cb->fetch = FETCH_UTF8;
		cb->fetch_started_ms = capture_now_ms();
		xcb_convert_selection(cap->conn, cb->win,
				      cb->atom[ATOM_CLIPBOARD],
				      cb->atom[ATOM_UTF8_STRING],
				      cb->atom[ATOM_RECEIVED], cb->fetch_time);
		cb->flush_needed = true;
	}
	if (cb->flush_needed) {
		cb->flush_needed = false;
		if (xcb_flush(cap->conn) <= 0)
			return EPIPE;
	}
	return 0;
}
