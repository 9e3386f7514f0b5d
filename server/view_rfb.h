/*
 * view_rfb.h - the far desktop's RFB greeting, answered by `sipvnc view`
 * itself when the local viewer has already logged in with our own VNC
 * password (TCP --listen).
 *
 * The local viewer went through our security handshake, so it cannot go
 * through the far end's as well: we answer the far server's version and
 * pick security type None (the SIP call is the far end's authorisation),
 * and once the far end says OK the two streams join at ClientInit, which is
 * the same in every RFB version.  A far end that insists on its own
 * password is refused with a reason: that needs a Unix-socket or --no-auth
 * listener, where the viewer talks to the far end unfiltered.
 */
#ifndef SIPVNC_VIEW_RFB_H
#define SIPVNC_VIEW_RFB_H

#include <stddef.h>
#include <stdint.h>

enum view_rfb_result {
	VIEW_RFB_MORE,    /* consumed everything, wants more */
	VIEW_RFB_DONE,    /* security passed; the rest belongs to the viewer */
	VIEW_RFB_FAILED,  /* the far end refused or spoke nonsense: see why */
};

/* Longest far-end reason string kept; longer ones are cut. */
enum { VIEW_RFB_REASON_MAX = 200, VIEW_RFB_REPLY_MAX = 16 };

struct view_rfb {
	int state;
	int minor;                  /* version spoken with the far end */
	uint8_t buf[16];            /* a partial fixed-size field */
	size_t have, want;
	unsigned types_left;        /* security types still to come */
	int none_offered;
	size_t reason_left;         /* reason bytes still to skip or keep */
	char reason[VIEW_RFB_REASON_MAX + 1];
	size_t reason_len;
};

void view_rfb_init(struct view_rfb *vr);
/* Feed bytes from the far end.  *used is how many were consumed (the rest,
 * on VIEW_RFB_DONE, goes to the viewer).  What we must answer is written to
 * reply (at most VIEW_RFB_REPLY_MAX bytes per call, *reply_len set).  On failure why says
 * what went wrong, for the log and the local viewer. */
enum view_rfb_result view_rfb_input(struct view_rfb *vr, const uint8_t *data,
				    size_t len, size_t *used, uint8_t *reply,
				    size_t *reply_len, char *why,
				    size_t why_size);

/* The SecurityResult we owe a local viewer that logged in speaking RFB
 * 3.minor: OK when reason is NULL, else failed (3.8 also carries the
 * reason).  Returns the length written to out (at most size). */
size_t view_rfb_security_result(uint8_t *out, size_t size, int minor,
				const char *reason);

#endif
