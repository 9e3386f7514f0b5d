/*
 * clipboard_int.h - what clipboard.c (selections in and out) shares with
 * clipboard_serve.c (answering other clients' requests); not public.
 */
#ifndef SIPVNC_CLIPBOARD_INT_H
#define SIPVNC_CLIPBOARD_INT_H

#include "capture/capture_int.h"

/* A selection owner that never answers must not block later reads. */
#define CLIPBOARD_FETCH_TIMEOUT_MS 3000

enum clip_atom {
	ATOM_CLIPBOARD, ATOM_UTF8_STRING, ATOM_TARGETS, ATOM_TEXT,
	ATOM_TIMESTAMP, ATOM_INCR, ATOM_RECEIVED, ATOM_WAKE, ATOM_COUNT
};

enum fetch_state { FETCH_IDLE, FETCH_UTF8, FETCH_STRING };

struct clipboard {
	xcb_window_t win;
	xcb_atom_t atom[ATOM_COUNT];
	size_t max_serve;          /* bytes that fit in one ChangeProperty */

	/* Ours, served to X clients (event loop only). */
	char *text;
	size_t len;
	xcb_timestamp_t owned_since;
	bool own_clipboard, own_primary;
	bool flush_needed;

	/* A viewer's text on its way in: written by any thread. */
	pthread_mutex_t lock;
	char *incoming;
	size_t incoming_len;
	bool incoming_set;
	bool take_pending;          /* the wake came: take the selections */
	xcb_timestamp_t take_time;

	/* Another client's text on its way to us. */
	bool fetch_wanted;
	xcb_timestamp_t fetch_time;
	enum fetch_state fetch;
	uint64_t fetch_started_ms;
	bool fetch_ready;

	capture_clipboard_h *h;
	void *arg;
};

/* Answer another client's request for a selection we own (or refuse). */
void capture_clipboard_answer_request(struct capture *cap,
				      const xcb_selection_request_event_t *rq);

#endif
