/*
 * web_desk.h - the desktop's RFB stream on its way to a browser with view
 * rights, cut at message boundaries so that the desktop's clipboard
 * (ServerCutText, plain or Extended Clipboard) never reaches the page:
 * keys, pointer and clipboard pass only with control rights, both ways.
 *
 * The far desktop gives the clipboard to the gateway's SIP identity, which
 * may be the same for a web user with control rights and one without, so
 * the gateway has to hold it back itself.  Framing a server's stream means
 * knowing the length of every rectangle: the gateway lets only the
 * encodings named by web_desk_encoding_ok() through the browser's
 * SetEncodings (the others become an encoding nobody defines), and a
 * desktop that sends anything else ends the session.  Nothing is kept but
 * a few header bytes and counters: a 1 MiB clipboard costs no memory.
 *
 * With control rights the same framing only watches (keep_cut): the
 * gateway learns where each FramebufferUpdate begins and ends, to ask
 * the desktop for the next one ahead of the browser (web_session.c).
 * There a stream it cannot frame passes on unframed.
 */
#ifndef SIPVNC_WEB_DESK_H
#define SIPVNC_WEB_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct web_desk {
	/* (ordered by size: clang-tidy counts the padding) */
	size_t have, want;     /* of the fixed part being read, in hdr */
	uint64_t skip;         /* bytes to pass (or drop) before `then` */
	unsigned long dropped; /* clipboard messages held back, for tests */
	/* The desktop's own use (rfb_group.h): what web_desk_init() sets
	 * keeps the gateway's behaviour. */
	uint64_t pos;          /* stream bytes seen */
	uint64_t msg_start;    /* where the current message began */
	uint64_t drop_updates_before; /* updates starting before: dropped */
	uint64_t reset_at;     /* the first tight rectangle from here on
	                          resets all four zlib streams (0x0f) */
	uint64_t area;         /* this update's pixel rectangles' area */
	/* called as each message ends, its end at pos */
	void (*doneh)(struct web_desk *d, void *arg);
	void *done_arg;
	int step;              /* what the bytes in hdr are */
	int then;
	uint32_t data;         /* tight: the data's size before compression */
	uint32_t clen;         /* tight: a compact length being read */
	uint32_t fb_w, fb_h;   /* the framebuffer's size */
	uint16_t rects;        /* rectangles of the update still to come */
	uint16_t w, h;         /* the rectangle's size */
	bool dropping;         /* the message is the desktop's clipboard */
	uint8_t bpp;           /* bytes per pixel */
	uint8_t tpixel;        /* tight's pixel: 3 for 24-bit true colour */
	bool keep_cut;         /* the clipboard passes too (control rights,
	                          a grouped viewer's own stream) */
	bool stop;             /* web_desk_scan() stops at updates' edges */
	bool begun;            /* stopped before this update's first byte */
	bool continuous;       /* the desktop sent a fence or
	                          EndOfContinuousUpdates */
	bool started;          /* hdr holds a message's first byte */
	bool pf_marks;         /* WEB_DESK_MSG_PF_MARK is framed */
	unsigned long pf_marks_seen; /* ... and dropped */
	uint8_t msg_type;      /* its type (0xff: the ServerInit) */
	bool reset_done;       /* the reset bits went into this update */
	bool copyrect;         /* this update copies */
	uint8_t hdr[24];       /* the fixed part being read */
	int at;                /* where the last scan stopped */
};

/* A server message of no RFB meaning that the desktop writes into a
 * framed member's own stream where libvncserver takes the viewer's new
 * pixel format, with the format after three bytes of padding
 * (desktop_settings.c, RFB_FRAME_PF_MARK).  The framer of that stream
 * (pf_marks) frames what follows in it and drops the mark; a framer
 * without pf_marks refuses it like any unknown type.  The client's send
 * lock, under which the format changes, is held while it is written, so
 * it is exactly where the stream's format changes, before any update in
 * the new one.  (An offset taken on the loop once the format is applied
 * comes later: an update the client sent between the two is in the new
 * format already, and one restart's offset could still lie ahead of the
 * framer as the next one came.) */
#define WEB_DESK_MSG_PF_MARK 198
#define WEB_DESK_PF_MARK_LEN 20

/* Where web_desk_scan() stopped. */
enum web_desk_at {
	WEB_DESK_AT_NONE,      /* at the end of what it was given */
	WEB_DESK_AT_BEGIN,     /* before a FramebufferUpdate's first byte */
	WEB_DESK_AT_END,       /* after an update's last byte */
};

/* The desktop's stream from a message boundary on (type step), in the
 * pixel format pf, width w, height h: for a stream joined midway. */
void web_desk_init_at(struct web_desk *d, const uint8_t *pf, uint32_t w,
		      uint32_t h, uint64_t pos);
/* At a message boundary: nothing of a message is pending. */
bool web_desk_at_boundary(const struct web_desk *d);

/* The stream starts with the ServerInit (after the SecurityResult). */
void web_desk_init(struct web_desk *d);
/* The browser's SetPixelFormat, as it went to the desktop (16 bytes):
 * RFC 6143 7.5.1 has the client send it with no update outstanding.
 * -1 for one without whole bytes a pixel, which nothing could frame. */
int web_desk_pixel_format(struct web_desk *d, const uint8_t *pf);
/* May the browser ask for this encoding (SetEncodings) of a view-only
 * session?  Exactly those whose rectangles web_desk_filter() can frame. */
bool web_desk_encoding_ok(int32_t enc);
/* Filter len bytes of the desktop's stream in place.  Returns the bytes
 * left in p, or -1 when the stream cannot be framed (why says why). */
long web_desk_filter(struct web_desk *d, uint8_t *p, size_t len,
		     const char **why);
/* The same from in to out (room for len), or only framed when out is
 * NULL (then keep_cut must be set: nothing is dropped); with stop set it
 * ends early at an update's edge, d->at saying which.  *used is what it
 * read of in; returns the bytes written (*used without out), -1 when the
 * stream cannot be framed. */
long web_desk_scan(struct web_desk *d, const uint8_t *in, size_t len,
		   uint8_t *out, size_t *used, const char **why);

#endif
