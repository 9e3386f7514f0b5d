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

/* Where the library's log lines go: line is one whole line of any length,
 * ending in a newline, level a DBG_ level of libre's re_dbg.h (DBG_WARNING,
 * DBG_INFO).  Called on the event loop thread; the program filters,
 * formats and writes it. */
typedef void (capture_log_h)(int level, const char *line, void *arg);
struct capture_settings {
	capture_log_h *logh;     /* NULL: lines go to standard error */
	void *log_arg;
};

/* A rectangle whose pixels in the framebuffer changed. */
typedef void (capture_changed_h)(int x, int y, int w, int h, void *arg);

/* Connect to display (NULL: $DISPLAY) and capture the whole screen (an
 * area: capture_open_area()).  Fails with a message on stderr when the
 * server lacks MIT-SHM or XTEST, or is not TrueColor (with settings'
 * hook instead: capture_open_area()). */
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
/* Hold (true) while nobody watches: DAMAGE then only marks tiles and
 * nothing is fetched, compared or reported, so a desktop changing under
 * nobody's eyes costs the events' reading alone (without DAMAGE nothing is
 * polled).  On release (false) capture_pending() is true and the next
 * capture_process() fetches all that was marked meanwhile (without DAMAGE,
 * the whole screen).  A new capture is not held. */
void capture_hold(struct capture *cap, bool hold);
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

/* Sharing part of the display.  CAPTURE_WINDOW: spec is a window id
 * ("0x1a00007") or an fnmatch pattern matched against the _NET_WM_NAME (or
 * WM_NAME) of top-level windows and their direct children, first mapped
 * match wins.  The window is read through the Composite extension, so
 * windows covering it never show; it is followed through moves and
 * resizes (a resize goes through capture_watch_resize), keeps its last
 * picture while unmapped, and capture_process() fails with ENODEV once it
 * is destroyed.  Pointer input is offset to it, clamped, and dropped
 * where another window covers it; key presses first give it the input
 * focus, and are dropped while it is unmapped.
 * CAPTURE_MONITOR: spec is a RandR 1.5 monitor name ("HDMI-1", or one made
 * with xrandr --setmonitor); the framebuffer is that part of the screen,
 * following the monitor's geometry; pointer input is offset and clamped.
 * The framebuffer has the area's size throughout; capture_format() says. */
enum capture_area_kind {
	CAPTURE_SCREEN,
	CAPTURE_WINDOW,
	CAPTURE_MONITOR,
};
struct capture_area {
	enum capture_area_kind kind;
	const char *spec;      /* copied; unused for CAPTURE_SCREEN */
};
/* capture_open() for an area (NULL: the whole screen).  Fails with a
 * message when the window or monitor is not found.  settings (copied;
 * NULL: none) holds the log hook the capture uses for life. */
int capture_open_area(struct capture **capp, const char *display,
		      const struct capture_area *area,
		      const struct capture_settings *settings);

/* Auto-repeat: viewers send their own repeats, so while a key pressed by
 * capture_key() is held the X server's auto-repeat is turned off; the
 * setting it had is put back when the last such key is released
 * (capture_release_all() and capture_close() release them all). */

/* Clipboard (X's CLIPBOARD and PRIMARY selections), as UTF-8 text.
 * Another X client copying text to CLIPBOARD is reported, through
 * capture_process(), at most CAPTURE_CLIPBOARD_MAX bytes of it, cut at a
 * character boundary (XFixes needed; larger transfers by INCR are not
 * read).  The text is valid UTF-8 without NUL, valid during the call. */
#define CAPTURE_CLIPBOARD_MAX (1024 * 1024)
typedef void (capture_clipboard_h)(const char *utf8, size_t len, void *arg);
void capture_watch_clipboard(struct capture *cap, capture_clipboard_h *h,
			     void *arg);
/* Make utf8 the content of CLIPBOARD and PRIMARY for every X client: from
 * any thread (it copies the text and wakes capture_fd(); the selections
 * are taken in capture_process()).  Text past CAPTURE_CLIPBOARD_MAX bytes
 * (or the X server's request size), a NUL or invalid UTF-8 is cut off.
 * Returns 0, or ENOMEM, or ENOTSUP when the display cannot do it. */
int capture_set_clipboard(struct capture *cap, const char *utf8, size_t len);

/* Text conversions the clipboard needs (pure).  The longest prefix of utf8,
 * at most max bytes, made of whole valid characters before any NUL: */
size_t capture_utf8_valid_prefix(const char *utf8, size_t len, size_t max);
/* Latin-1 (up to a NUL) into out: up to out_size bytes, whole characters
 * (2 * len bytes always suffice).  Returns the bytes written. */
size_t capture_latin1_to_utf8(const char *latin1, size_t len, char *out,
			      size_t out_size);
/* Valid UTF-8 (up to a NUL or invalid byte) into out (len bytes suffice):
 * a character past U+00FF becomes replacement, or, if replacement is
 * negative, fails the whole conversion with -1.  Returns the length. */
long capture_utf8_to_latin1(const char *utf8, size_t len, char *out,
			    int replacement);

/* Content that moved (a scroll, a dragged window): the area (x, y, w, h)
 * of the framebuffer now shows what (x - dx, y - dy) showed before this
 * capture pass.  With a handler set, capture_process() reports such areas
 * through it, before the pass's changed areas, instead of as changed; a
 * viewer can then move pixels it has rather than receive them again. */
typedef void (capture_copied_h)(int x, int y, int w, int h, int dx, int dy,
				void *arg);
void capture_watch_copies(struct capture *cap, capture_copied_h *copiedh,
			  void *arg);

#endif
