/*
 * rfb_frame.h - the one framer of RFB client messages (RFC 6143 section
 * 7.5 and the extensions noVNC and libvncclient use), after ClientInit.
 *
 * Two places read a viewer's messages before anyone else does: the
 * desktop (rfb_filter.h: what may reach libvncserver, which trusts a
 * client's pixel format) and the browser gateway (web_rfb.h: what a web
 * user's rights let through to the call).  Both cut the stream here, so a
 * message is framed, bounded and refused the same way in both.
 *
 * Without RFB_FRAME_CONTROL, keys, pointer, clipboard and requests that
 * change the desktop itself (size, power, QEMU keys) are dropped, whatever
 * was sent; only the encodings web_desk.h can frame are asked for, and
 * the pixel format may not change once updates were asked for, so that
 * the desktop's answer stays framable too.  Nothing but a message's fixed
 * part is kept: a 16 MiB paste costs no memory.  A message that cannot
 * be framed (unknown type, over a bound, a pixel format nobody serves)
 * ends the stream: there is no way to resynchronise.
 */
#ifndef SIPVNC_RFB_FRAME_H
#define SIPVNC_RFB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clipboard text longer than this is refused (libvncserver's own limit is
 * about as large; ours, CAPTURE_CLIPBOARD_MAX, is 1 MiB). */
#define RFB_FRAME_CUT_MAX (16u * 1024 * 1024)

enum rfb_frame_flags {
	RFB_FRAME_CONTROL = 1,    /* the viewer's input and clipboard pass */
	RFB_FRAME_LOSSLESS = 2,   /* hide tight's JPEG quality levels */
	RFB_FRAME_PF_PRIVATE = 4, /* a true-colour SetPixelFormat goes out
	                             as RFB_FRAME_MSG_PRIVATE_PF (desktop.c) */
};

/* libvncserver 0.9.14 applies a SetPixelFormat on the client's input
 * thread while its output thread may be encoding an update with the old
 * one: the encoder then meets a translate function without its tables (a
 * NULL read, found by tests/fuzz/fuzz_server_rfb.c) or a row length of
 * the other format (a write past its update buffer).  Any viewer could
 * take the whole process down that way.  So the desktop's filter hands
 * libvncserver the message under a type of no RFB meaning, which
 * desktop.c's protocol extension applies under the client's send lock.
 * The framer refuses this type from a viewer like any unknown one. */
#define RFB_FRAME_MSG_PRIVATE_PF 199
/* Its first padding byte: write WEB_DESK_MSG_PF_MARK into the stream
 * where the format is applied (pf_mark). */
#define RFB_FRAME_PF_MARK 1

/* libvncserver 0.9.14 applies a SetEncodings on the input thread too,
 * unlocked, field by field (the preferred encoding, LastRect, Tight's
 * levels reset first, then set from the list), while the output thread
 * counts an update's rectangles with one set of them and encodes with
 * another: the count then misses rectangles, and the viewer (or a
 * group's framer) misreads the rest of the stream.  With ExtendedClipboard
 * it also writes its capability message in the middle of an update being
 * sent.  TigerVNC's automatic quality sends SetEncodings while updates
 * flow.  So with RFB_FRAME_PF_PRIVATE each SetEncodings goes out behind
 * this one byte, on which desktop_settings.c takes the send lock and lets
 * libvncserver read and apply the message under it. */
#define RFB_FRAME_MSG_PRIVATE_LOCKED 200

/* With RFB_FRAME_PF_PRIVATE a SetPixelFormat is written whole once its
 * last byte is in, a kept update request (keep_h) goes out ahead of the
 * message that ends its keeping, and each SetEncodings (4 bytes at least)
 * gets a byte ahead: out needs room for RFB_FRAME_OUT_MAX(len). */
#define RFB_FRAME_OUT_EXTRA 40
#define RFB_FRAME_OUT_MAX(len) ((len) + (len) / 4 + RFB_FRAME_OUT_EXTRA)

#define RFB_FRAME_ENCS_MAX 64

struct rfb_frame {
	unsigned flags;
	int state;
	uint8_t type;          /* message being passed or dropped */
	bool dropping;
	uint8_t hdr[20];       /* its fixed part */
	size_t have, want;     /* of hdr */
	uint64_t left;         /* bytes of its variable part still to come */
	uint8_t enc[4];        /* SetEncodings: a partial encoding */
	size_t enc_have;
	unsigned long dropped; /* messages dropped, for the log and tests */
	bool asked;            /* an update was asked for */
	bool continuous;       /* EnableContinuousUpdates passed */
	unsigned long requests;   /* FramebufferUpdateRequests passed */
	uint8_t request[10];   /* the last of them */
	bool pf_new;           /* a pixel format passed since last taken */
	uint8_t pf[16];        /* the last pixel format that passed */
	bool pf_set;           /* one passed at all */
	/* the encodings that passed last (as passed), for grouping */
	uint8_t encs[RFB_FRAME_ENCS_MAX * 4];
	size_t encs_len;
	bool encs_over;        /* more than RFB_FRAME_ENCS_MAX */
	unsigned settings_seq; /* SetPixelFormat/SetEncodings seen */
	/* rfb_group.h: incremental update requests are kept from
	 * libvncserver and counted; a whole-frame request, a pixel format
	 * or encodings end the holding (left says why) and pass */
	bool hold;
	/* a framed stream (rfb_group.c): a SetPixelFormat starts holding
	 * every request, whole-frame ones too (hold_whole), until the own
	 * client has taken the format and restarted where the framer can
	 * tell; left says why */
	bool pf_hold;
	bool hold_whole;
	bool hold_msg;         /* hold, as the current message began */
	unsigned held;         /* requests kept back */
	const char *left_why;
	/* A solo viewer's incremental update request kept from libvncserver
	 * until the desktop has something to send (desktop_keep.c says
	 * why): keep_h, when set and not holding, says whether this one may
	 * wait; the desktop takes it (kept) when a change comes.  Any
	 * message but another request, a key or the pointer lets it out
	 * first, in order; so does a request that may not wait. */
	bool (*keep_h)(void *arg);
	void *keep_arg;
	bool kept;
	uint8_t kept_req[10];
	/* The desktop's stream is framed (rfb_group.c): a private
	 * SetPixelFormat asks for WEB_DESK_MSG_PF_MARK where it applies;
	 * pf_marks_asked counts those that passed, so that the stream stays
	 * framed until each mark is in (bridge_marks_due). */
	bool pf_mark;
	unsigned long pf_marks_asked;
	bool keep_after_settings; /* a format or encodings passed, and no
	                             request since: the next one passes, so
	                             that libvncserver has applied them by
	                             the time one is kept */
};

void rfb_frame_init(struct rfb_frame *f, unsigned flags);
/* Frame len bytes into out: room for len + 4 bytes, as an encoding split
 * over two calls is written whole (RFB_FRAME_OUT_MAX(len) with
 * RFB_FRAME_PF_PRIVATE or keep_h); out NULL only checks (then flags must be
 * RFB_FRAME_CONTROL: nothing is dropped or rewritten).  Returns the
 * bytes written (len when only checking), or -1 when the stream breaks
 * the protocol (why says how). */
/* Between two messages: what comes next starts a new one. */
bool rfb_frame_idle(const struct rfb_frame *f);

long rfb_frame_feed(struct rfb_frame *f, const uint8_t *in, size_t len,
		    uint8_t *out, const char **why);

#endif
