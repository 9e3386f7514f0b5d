/*
 * capture.h - mirror an X display into a framebuffer and inject input into
 * it, through XCB (MIT-SHM, DAMAGE, XTEST).
 *
 * The framebuffer is the capture's own shared-memory segment, in the X
 * server's pixel layout, so whole-width bands are fetched in place and no
 * pixel is converted.  Knows nothing about how the pixels are delivered.
 *
 * Threads: capture_open/close/fd/pending/timeout_ms/process/refresh and
 * the cursor and resize functions run on one thread (sipvnc's event loop);
 * capture_cursor_convert() is pure.  capture_key, capture_pointer and
 * capture_release_all may be called from any thread (libvncserver's client
 * threads); they serialise themselves.
 */
#ifndef SIPVNC_CAPTURE_H
#define SIPVNC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* The framebuffer's geometry and pixel layout (TrueColor only). */
struct capture_format {
	int width, height;
	int stride;              /* bytes per row */
	int bits_per_pixel;      /* 32 (16 accepted too) */
	int depth;               /* 24 typically */
	uint32_t red_mask, green_mask, blue_mask;
	int red_shift, green_shift, blue_shift; /* lowest bit of each mask */
	bool big_endian;         /* of the pixel values in memory */
};

/* A rectangle whose pixels in the framebuffer changed. */
typedef void (capture_changed_h)(int x, int y, int w, int h, void *arg);

/* Connect to display (NULL: $DISPLAY).  Fails with a message on stderr when
 * the server lacks MIT-SHM or XTEST, or is not TrueColor. */
int capture_open(struct capture **capp, const char *display);
/* Releases what capture_key/capture_pointer hold and gives back the
 * keycodes borrowed for keysyms the keymap lacked. */
void capture_close(struct capture *cap);

const struct capture_format *capture_format(const struct capture *cap);
/* The framebuffer: format->stride * format->height bytes, valid until
 * capture_close(). */
uint8_t *capture_framebuffer(const struct capture *cap);

/* The X connection's descriptor: when it is readable, or when
 * capture_pending() is true, call capture_process(). */
int capture_fd(const struct capture *cap);
/* True when capture_process() has work although the descriptor may not be
 * readable: events xcb already read (during a round trip), dirty areas, or
 * a due poll.  Call it before sleeping on capture_fd(). */
bool capture_pending(struct capture *cap);
/* Without the DAMAGE extension the screen is polled: the milliseconds until
 * capture_process() should run again (0: now), or -1 when only
 * capture_fd()/capture_pending() matter (DAMAGE present). */
int capture_timeout_ms(const struct capture *cap);
/* Read pending X events, bring the framebuffer up to date for every area
 * that changed since the last call, and report each changed rectangle.
 * Returns 0, or an errno value when the X connection is gone. */
int capture_process(struct capture *cap, capture_changed_h *changedh,
		    void *arg);
/* Grab the whole screen now and report it as changed. */
int capture_refresh(struct capture *cap, capture_changed_h *changedh,
		    void *arg);

/* Input, as X keysyms and an RFB-style button mask (bit 0 = button 1). */
void capture_key(struct capture *cap, uint32_t keysym, bool down);
void capture_pointer(struct capture *cap, int x, int y, int button_mask);
/* Release every key and button this module pressed (a viewer left). */
void capture_release_all(struct capture *cap);

/* The pointer's shape: width * height ARGB32 pixels with premultiplied
 * alpha (as the XFixes extension hands them over), valid during the call. */
struct capture_cursor {
	int width, height;
	int xhot, yhot;
	const uint32_t *argb;
};
typedef void (capture_cursor_h)(const struct capture_cursor *cursor,
				void *arg);
typedef void (capture_pointer_h)(int x, int y, void *arg);

/* Convert a cursor for a viewer protocol, into (any may be NULL): pixels,
 * width * height pixels in fmt's layout with straight (not premultiplied)
 * colour; alpha, width * height bytes; and two bitmaps, zeroed by the
 * caller, of rows of (width + 7) / 8 bytes, leftmost pixel in the most
 * significant bit: opaque (alpha at least half) and dark (opaque and darker
 * than mid grey).  Needs no X connection. */
void capture_cursor_convert(const struct capture_format *fmt,
			    const struct capture_cursor *cur, uint8_t *pixels,
			    uint8_t *alpha, uint8_t *opaque, uint8_t *dark);

/* Report, through capture_process(), the cursor shape whenever it changes
 * (XFixes; the current one at the next call) and, while tracking is on,
 * where the pointer is when it moved.  X does not announce pointer motion
 * to a client like us, so tracking polls; turn it on only while someone
 * watches.  Without XFixes no shape is ever reported. */
void capture_watch_cursor(struct capture *cap, capture_cursor_h *shapeh,
			  capture_pointer_h *moveh, void *arg);
void capture_track_pointer(struct capture *cap, bool on);

/* The screen changed size (RandR).  When this is called from
 * capture_process(), capture_format() and capture_framebuffer() already
 * describe the new screen, fully fetched; the previous framebuffer stays
 * mapped until capture_release_previous(), since other threads may still
 * be reading it.  A further size change waits for that release. */
typedef void (capture_resized_h)(void *arg);
void capture_watch_resize(struct capture *cap, capture_resized_h *resizedh,
			  void *arg);
void capture_release_previous(struct capture *cap);

#endif
