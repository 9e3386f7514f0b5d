/*
 * web_rfb.h - the browser's side of RFB, as the gateway (`sipvnc web`)
 * sees it: our own greeting to noVNC, and a filter over everything the
 * browser sends afterwards.
 *
 * The far desktop's greeting is answered by the call (view_rfb.h), so the
 * browser gets ours: RFB 3.8, security None, then the far end's stream from
 * its SecurityResult on.  The filter consumes the browser's version and
 * security choice, then hands the message stream to rfb_frame.h with the
 * user's rights: without control, keys, pointer, clipboard and
 * desktop-size or power requests are dropped, whatever the browser sends,
 * and only encodings the desktop's stream can be framed in (web_desk.h)
 * are asked for, so that the desktop's clipboard can be held back.
 */
#ifndef SIPVNC_WEB_RFB_H
#define SIPVNC_WEB_RFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/rfb_frame.h"

/* Our greeting, in two steps, each sent once the browser answered the
 * one before (noVNC reads one handshake step per message it receives):
 * the version, then one security type (None), while the call still
 * rings; the far end's SecurityResult follows the browser's choice once
 * the far end sent it. */
enum { WEB_RFB_VERSION_LEN = 12, WEB_RFB_TYPES_LEN = 2 };
extern const uint8_t web_rfb_version[WEB_RFB_VERSION_LEN];
extern const uint8_t web_rfb_types[WEB_RFB_TYPES_LEN];

enum web_rfb_step {
	WEB_RFB_WANT_VERSION,   /* the browser's version is due */
	WEB_RFB_WANT_TYPE,      /* its security type is due */
	WEB_RFB_PAST_SECURITY,  /* the far end's SecurityResult is due */
};

struct web_rfb {
	int state;             /* of our greeting */
	size_t have;           /* of the browser's version */
	struct rfb_frame frame;   /* its messages; frame.pf for web_desk */
};

void web_rfb_init(struct web_rfb *wr, bool control, bool lossless);
/* Where the browser is in our greeting. */
enum web_rfb_step web_rfb_step(const struct web_rfb *wr);

/* Filter len bytes from the browser into out (room for len + 4 bytes:
 * an encoding split over two calls is written whole).
 * Returns the bytes written, or -1 when the stream breaks the protocol
 * (why says how). */
long web_rfb_filter(struct web_rfb *wr, const uint8_t *in, size_t len,
		    uint8_t *out, const char **why);

#endif
