/*
 * cursor.c - the pointer's shape (XFixes cursor notifications, then one
 * GetCursorImage per change) and its position (polled while a viewer
 * watches: the core protocol tells a client about motion only over its own
 * windows, and we own none).
 */
#include <errno.h>
#include <stdlib.h>
#include <xcb/xfixes.h>

#include "capture/capture_int.h"

void capture_cursor_init(struct capture *cap)
{
	const xcb_query_extension_reply_t *ext;
	xcb_xfixes_query_version_reply_t *ver;

	ext = xcb_get_extension_data(cap->conn, &xcb_xfixes_id);
	if (!ext || !ext->present)
		return;
	/* The version must be announced before any other XFixes request. */
	ver = xcb_xfixes_query_version_reply(cap->conn,
		xcb_xfixes_query_version(cap->conn, XCB_XFIXES_MAJOR_VERSION,
					 XCB_XFIXES_MINOR_VERSION), NULL);
	if (!ver)
		return;
	free(ver);

	xcb_xfixes_select_cursor_input(cap->conn, cap->root,
		XCB_XFIXES_CURSOR_NOTIFY_MASK_DISPLAY_CURSOR);
	cap->xfixes_event = ext->first_event;
	cap->have_xfixes = true;
	cap->cursor_changed = true;     /* the first shape is the current one */
	cap->pointer_x = cap->pointer_y = -1;
}

bool capture_cursor_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev)
{
	uint8_t type = ev->response_type & 0x7f;

	if (!cap->have_xfixes ||
	    type != cap->xfixes_event + XCB_XFIXES_CURSOR_NOTIFY)
		return false;
	cap->cursor_changed = true;
	return true;
}

void capture_watch_cursor(struct capture *cap, capture_cursor_h *shapeh,
			  capture_pointer_h *moveh, void *arg)
{
	if (!cap)
		return;
	cap->cursorh = shapeh;
	cap->pointerh = moveh;
	cap->cursor_arg = arg;
	cap->cursor_changed = cap->have_xfixes;
}

void capture_track_pointer(struct capture *cap, bool on)
{
	if (!cap)
		return;
	if (on && !cap->track_pointer) {
		cap->next_pointer_ms = capture_now_ms();
		/* Whoever just started watching has not been told yet. */
		cap->pointer_x = cap->pointer_y = -1;
		cap->pointer_still = 0;
	}
	cap->track_pointer = on;
}

bool capture_cursor_pending(const struct capture *cap)
{
	if (cap->cursor_changed && cap->cursorh)
		return true;
	return cap->track_pointer && cap->pointerh &&
		capture_now_ms() >= cap->next_pointer_ms;
}

int capture_cursor_timeout_ms(const struct capture *cap)
{
	uint64_t now;

	if (!cap->track_pointer || !cap->pointerh)
		return -1;
	now = capture_now_ms();
	return now >= cap->next_pointer_ms ? 0 :
		(int)(cap->next_pointer_ms - now);
}

static void report_shape(struct capture *cap)
{
	xcb_xfixes_get_cursor_image_reply_t *r;
	struct capture_cursor cur;

	cap->cursor_changed = false;
	r = xcb_xfixes_get_cursor_image_reply(cap->conn,
		xcb_xfixes_get_cursor_image(cap->conn), NULL);
	if (!r)
		return;
	/* The reply's length is checked by xcb against what it carries; the
	 * pixel count must also fit what the header claims. */
	if (r->width <= CAPTURE_CURSOR_MAX && r->height <= CAPTURE_CURSOR_MAX &&
	    xcb_xfixes_get_cursor_image_cursor_image_length(r) >=
	    (int)r->width * (int)r->height) {
		cur.width = r->width;
		cur.height = r->height;
		cur.xhot = r->xhot < r->width ? r->xhot : 0;
		cur.yhot = r->yhot < r->height ? r->yhot : 0;
		cur.argb = xcb_xfixes_get_cursor_image_cursor_image(r);
		cap->cursorh(&cur, cap->cursor_arg);
	}
	free(r);
}

/* In the shared area's coordinates: a window's own (it may have moved),
 * or the root's less the monitor's origin. */
static void report_position(struct capture *cap)
{
	bool in_window = cap->kind == CAPTURE_WINDOW;
	xcb_query_pointer_reply_t *r;

	r = xcb_query_pointer_reply(cap->conn, xcb_query_pointer(cap->conn,
				    in_window ? cap->win : cap->root), NULL);
	if (r && r->same_screen) {
		int x = in_window ? r->win_x : r->root_x - cap->src_x;
		int y = in_window ? r->win_y : r->root_y - cap->src_y;

		if (x != cap->pointer_x || y != cap->pointer_y) {
			cap->pointer_x = x;
			cap->pointer_y = y;
			cap->pointer_still = 0;
			cap->pointerh(x, y, cap->cursor_arg);
		}
		else if (cap->pointer_still < CAPTURE_POINTER_STILL) {
			cap->pointer_still++;
		}
	}
	free(r);
	cap->next_pointer_ms = capture_now_ms() +
		(cap->pointer_still < CAPTURE_POINTER_STILL ?
		 CAPTURE_POINTER_POLL_MS : CAPTURE_POINTER_IDLE_MS);
}

int capture_cursor_process(struct capture *cap)
{
	if (cap->cursor_changed && cap->cursorh)
		report_shape(cap);
	if (cap->track_pointer && cap->pointerh &&
	    capture_now_ms() >= cap->next_pointer_ms)
		report_position(cap);
	return xcb_connection_has_error(cap->conn) ? EPIPE : 0;
}
