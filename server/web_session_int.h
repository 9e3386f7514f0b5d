/*
 * web_session_int.h - one browser tab's call (web_session.c), shared with
 * the part that asks the far end for updates ahead of the page
 * (web_ahead.c).  Private to those two files.
 */
#ifndef SIPVNC_WEB_SESSION_INT_H
#define SIPVNC_WEB_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <re.h>

#include "server/web.h"
#include "server/web_desk.h"
#include "server/web_rfb.h"

enum web_session_phase {
	WS_CALLING,   /* the call rings; progress in text frames */
	WS_RFB,       /* the far end let us in; RFB flows */
	WS_ENDED,
};

struct web_session {
	struct le le;
	struct web *web;
	struct websock_conn *wc;
	struct media *call;
	int fd;                      /* our end of the pair */
	int watching;
	enum web_session_phase phase;
	bool held;                   /* the WebSocket's queue is over TXQ_HIGH */
	struct web_rfb filter;
	struct web_desk desk;        /* frames the far end's stream */
	bool desk_lost;              /* control: a stream it cannot frame
	                                passes unframed, nobody asks ahead */
	uint8_t result[4];           /* the far end's SecurityResult (3.8) */
	size_t result_have;
	size_t result_in;            /* of it, seen by from_call() */
	/* Asking ahead (web_ahead.c) */
	bool ahead;                  /* on: an update was framed whole */
	bool no_ahead;               /* off for good */
	bool page_wants;             /* the page's request is unanswered */
	bool in_flight;              /* a request went to the far end and
	                                no update began since */
	bool inject;                 /* our request waits for to_call() */
	bool holding;                /* an update the page did not ask for
	                                yet waits in pending */
	bool in_update;              /* the far end is sending one */
	unsigned long requests;      /* the page's, seen passing */
	unsigned long answered;      /* its requests answered from here */
	enum web_rfb_step sent;      /* our greeting's steps sent so far */
	struct mbuf *pending;        /* the far end's stream the browser
	                                cannot take yet: during our greeting,
	                                or while the WebSocket's queue is long */
	struct mbuf *inq;            /* from the browser, not yet filtered:
	                                the call's bridge takes it
	                                (to_call()) as MSRP can carry it */
	struct tmr poll;
	struct tmr ring;             /* web_answer_timeout while it rings */
	struct tmr free_tmr;
	struct tmr flush_tmr;        /* sends txb at the loop turn's end */
	struct mbuf *txb;            /* for the browser, not yet sent */
	char user[WEB_USER_SIZE];
	char target[512];
	bool control;
	struct sa peer;
	time_t start;
	uint64_t start_ms;
	uint64_t to_browser, from_browser;
	char why[200];               /* why it ended, for the log */
};

/* web_session.c: what waits for the browser, as far as it takes it now */
void web_session_drain(struct web_session *s);

/* web_ahead.c, called by web_session.c: */
/* the far end's stream is framed at an update's beginning / end */
void web_ahead_update_begin(struct web_session *s);
void web_ahead_update_end(struct web_session *s);
/* our request, if it is time for one */
void web_ahead_prefetch(struct web_session *s);
/* off for good (a stream or a format it cannot follow) */
void web_ahead_stop(struct web_session *s);
/* our request into buf (room for 10 bytes) if one waits: bytes written */
size_t web_ahead_inject(struct web_session *s, uint8_t *buf);
/* the page's own request went out to the far end */
void web_ahead_page_request(struct web_session *s);
/* the page's message p[n], answered here (true) or to pass on */
bool web_ahead_answered(struct web_session *s, const uint8_t *p, size_t n);

#endif
