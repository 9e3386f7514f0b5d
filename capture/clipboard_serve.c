/*
 * clipboard_serve.c - answer X clients asking for our selections (ICCCM):
 * TARGETS, TIMESTAMP, UTF8_STRING and TEXT as UTF-8, STRING as Latin-1
 * when every character fits.  Everything goes in one ChangeProperty (no
 * INCR); capture_set_clipboard() already bounded the text to that.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/clipboard_int.h"

static bool owns(const struct clipboard *cb, xcb_atom_t selection)
{
	if (selection == cb->atom[ATOM_CLIPBOARD])
		return cb->own_clipboard;
	return selection == XCB_ATOM_PRIMARY && cb->own_primary;
}

/* Put the text in the requestor's property in the form it asked for;
 * false when we cannot. */
static bool serve_target(struct capture *cap, struct clipboard *cb,
			 xcb_window_t requestor, xcb_atom_t target,
			 xcb_atom_t prop)
{
	if (target == cb->atom[ATOM_TARGETS]) {
		const xcb_atom_t targets[] = {
			cb->atom[ATOM_TARGETS], cb->atom[ATOM_UTF8_STRING],
			XCB_ATOM_STRING, cb->atom[ATOM_TEXT],
			cb->atom[ATOM_TIMESTAMP],
		};

		xcb_change_property(cap->conn, XCB_PROP_MODE_REPLACE,
				    requestor, prop, XCB_ATOM_ATOM, 32,
				    sizeof(targets) / sizeof(targets[0]),
				    targets);
		return true;
	}
	if (target == cb->atom[ATOM_TIMESTAMP]) {
		xcb_change_property(cap->conn, XCB_PROP_MODE_REPLACE,
				    requestor, prop, XCB_ATOM_INTEGER, 32, 1,
				    &cb->owned_since);
		return true;
	}
	/* TEXT leaves the encoding to us: UTF-8, as modern clients expect. */
	if (target == cb->atom[ATOM_UTF8_STRING] ||
	    target == cb->atom[ATOM_TEXT]) {
		xcb_change_property(cap->conn, XCB_PROP_MODE_REPLACE,
				    requestor, prop, cb->atom[ATOM_UTF8_STRING],
				    8, (uint32_t)cb->len, cb->text);
		return true;
	}
	if (target == XCB_ATOM_STRING) {
		char *latin1 = malloc(cb->len + 1);
		long n = latin1 ? capture_utf8_to_latin1(cb->text, cb->len,
							 latin1, -1) : -1;

		/* ICCCM's STRING is Latin-1: refuse rather than corrupt. */
		if (n >= 0)
			xcb_change_property(cap->conn, XCB_PROP_MODE_REPLACE,
					    requestor, prop, XCB_ATOM_STRING,
					    8, (uint32_t)n, latin1);
		free(latin1);
		return n >= 0;
	}
	return false;
}

void capture_clipboard_answer_request(struct capture *cap,
				      const xcb_selection_request_event_t *rq)
{
	struct clipboard *cb = cap->clipboard;
	xcb_selection_notify_event_t note;
	char wire[32];
	/* Obsolete clients name no property: ICCCM says use the target. */
	xcb_atom_t prop = rq->property ? rq->property : rq->target;
	bool done = false;

	if (owns(cb, rq->selection) && cb->text &&
	    (rq->time == XCB_CURRENT_TIME || rq->time >= cb->owned_since))
		done = serve_target(cap, cb, rq->requestor, rq->target, prop);

	memset(&note, 0, sizeof(note));
	note.response_type = XCB_SELECTION_NOTIFY;
	note.time = rq->time;
	note.requestor = rq->requestor;
	note.selection = rq->selection;
	note.target = rq->target;
	note.property = done ? prop : XCB_NONE;
	memset(wire, 0, sizeof(wire));
	memcpy(wire, &note, sizeof(note));
	xcb_send_event(cap->conn, 0, rq->requestor, XCB_EVENT_MASK_NO_EVENT,
		       wire);
	cb->flush_needed = true;
}
