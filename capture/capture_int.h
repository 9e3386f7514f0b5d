/*
 * capture_int.h - what the capture module's files share; not public.
 *
 * Screen changes are tracked in square tiles: DAMAGE (or, without it, a
 * rotating scan-line poll) marks tiles dirty, capture_process() fetches the
 * dirty tiles into a scratch segment, keeps only those whose pixels really
 * differ from the framebuffer and reports them as merged rectangles.
 */
#ifndef SIPVNC_CAPTURE_INT_H
#define SIPVNC_CAPTURE_INT_H

#include <pthread.h>
#include <xcb/xcb.h>
#include <xcb/shm.h>
#include <xcb/damage.h>

#include "capture/capture.h"

/* Small enough that a cursor blink is not a big update, big enough that
 * a full-screen change costs few requests. */
#define CAPTURE_TILE        32
/* Without DAMAGE: how often one scan line per tile row is compared. */
#define CAPTURE_POLL_MS     50
/* Keycodes borrowed for keysyms the keymap lacks (reused round-robin). */
#define CAPTURE_SPARE_KEYS  8
/* Events read per capture_process() before the screen is brought up to
 * date anyway. */
#define CAPTURE_MAX_EVENTS  4096
/* Fetch passes per capture_process() for damage that arrives meanwhile. */
#define CAPTURE_MAX_PASSES  4
/* While a viewer watches: how often the pointer position is asked for,
 * and, once it has been still for CAPTURE_POINTER_STILL polls, how often
 * (an idle desktop should cost next to nothing). */
#define CAPTURE_POINTER_POLL_MS 50
#define CAPTURE_POINTER_IDLE_MS 250
#define CAPTURE_POINTER_STILL   40
/* Larger cursor images are not passed on (X allows 64k x 64k). */
#define CAPTURE_CURSOR_MAX  256
/* Requests in flight at once while fetching (bounds the cookie array). */
#define CAPTURE_MAX_FETCH   64

struct shm_buffer {
	uint8_t *data;
	size_t size;
	xcb_shm_seg_t seg;
	bool attached;
};

/* The core keyboard mapping, as fetched from the server. */
struct keymap {
	int min_keycode, max_keycode;
	int per;              /* keysyms per keycode */
	uint32_t *syms;       /* (max_keycode - min_keycode + 1) * per */
};

/* One pending ShmGetImage of a rectangle into the scratch segment. */
struct fetch {
	xcb_shm_get_image_cookie_t cookie;
	int x, y, w, h;
	uint32_t offset;      /* in the scratch segment */
};

struct capture {
	struct capture_settings settings; /* capture_open_area()'s: the log */
	xcb_connection_t *conn;
	xcb_window_t root;
	/* Written under input_lock (capture_set_size()): the input threads
	 * read its size; the event loop, which alone writes it, need not
	 * lock to read. */
	struct capture_format fmt;
	int bytes_pp;
	int scanline_pad;     /* bits, of the root's pixmap format */

	struct shm_buffer fb;
	struct shm_buffer scratch;
	/* After a resize, until the user lets go of it (resize.c) */
	struct shm_buffer previous_fb;
	bool have_randr;
	uint8_t randr_event;
	bool resize_pending;
	capture_resized_h *resizeh;
	void *resize_arg;

	bool have_damage;
	uint8_t damage_event;
	xcb_damage_damage_t damage;

	int tiles_x, tiles_y;
	uint8_t *dirty;       /* per tile: may have changed since last fetch */
	uint8_t *changed;     /* per tile: did change during this pass;
	                         then, per tile, the first and one past the
	                         last of its rows that did, and of its
	                         columns (fetch.c, changed_box) */
	size_t dirty_count;
	int *open_x0, *open_x1, *open_y0;  /* rectangle merging */
	struct fetch fetches[CAPTURE_MAX_FETCH];
	int n_fetch;
	uint32_t scratch_used;
	/* Moved content (fetch.c, scroll.c) */
	capture_copied_h *copiedh;
	void *copied_arg;
	int motion[2];        /* this pass's (dx, dy), the next one's hint */
	int dirty_box[4];     /* the dirty tiles' bounds while dirty_count:
				 first and last column, first and last row
				 (where a motion's source is looked for) */
	int search_box[4];    /* the same in pixels for the pass being
				 fetched: x, y, w, h; w 0: anywhere */
	bool pass_written;    /* a batch of this pass wrote the framebuffer */

	/* Cursor (cursor.c) */
	bool have_xfixes;
	uint8_t xfixes_event;
	bool cursor_changed;
	bool track_pointer;
	uint64_t next_pointer_ms;
	int pointer_x, pointer_y;
	unsigned pointer_still;   /* polls since the pointer last moved */
	capture_cursor_h *cursorh;
	capture_pointer_h *pointerh;
	void *cursor_arg;
	struct clipboard *clipboard;   /* clipboard.c; NULL: unsupported */

	uint64_t next_scan_ms;
	unsigned scan_phase;
	bool held;            /* nothing fetched: nobody watches (damage.c) */
	bool mapping_changed;

	/* Input: everything below is guarded by input_lock. */
	pthread_mutex_t input_lock;
	struct keymap keymap;
	uint8_t spare[CAPTURE_SPARE_KEYS];
	int n_spare;
	unsigned spare_next;
	bool pressed[256];
	uint32_t pressed_sym[256]; /* the keysym each held keycode was for */
	int buttons;
	int n_pressed;           /* keycodes set in pressed[] */
	/* Round trips of the input threads go here, so that they never
	 * read (and hide) events of the main connection. */
	xcb_connection_t *input_conn;

	/* What is shared (area.c, window.c, monitor.c) */
	enum capture_area_kind kind;
	xcb_drawable_t src;      /* fetches read this: root or window pixmap */
	int src_x, src_y;        /* the area's origin in src */
	xcb_drawable_t damage_target;
	int damage_dx, damage_dy; /* the area's origin in damage coordinates */
	xcb_window_t win;
	xcb_pixmap_t win_pixmap;
	int win_border;
	xcb_atom_t monitor;      /* guarded by input_lock: mon_x, mon_y */
	int mon_x, mon_y;
	char spec[256];
	bool repeat_restore;     /* we turned X auto-repeat off (input_lock) */
	bool area_refresh;       /* fetch everything again (map, move) */
	bool area_gone;
	bool have_randr15;
};

/* damage.c */
void capture_damage_init(struct capture *cap);
void capture_damage_mark(struct capture *cap, int x, int y, int w, int h);
uint64_t capture_now_ms(void);

/* capture.c */
int capture_shm_create(struct capture *cap, struct shm_buffer *buf,
		       size_t size);
void capture_shm_destroy(struct capture *cap, struct shm_buffer *buf);
int capture_alloc_tiles(struct capture *cap);
void capture_set_size(struct capture *cap, int width, int height);

/* resize.c */
void capture_resize_init(struct capture *cap);
bool capture_resize_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev);
bool capture_resize_pending(const struct capture *cap);
int capture_resize_process(struct capture *cap);

/* cursor.c */
void capture_cursor_init(struct capture *cap);
bool capture_cursor_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev);
bool capture_cursor_pending(const struct capture *cap);
int capture_cursor_timeout_ms(const struct capture *cap);
int capture_cursor_process(struct capture *cap);

/* fetch.c */
uint32_t capture_row_bytes(const struct capture *cap, int w);
int capture_fetch_dirty_tiles(struct capture *cap, capture_changed_h *changedh,
			      void *arg);

/* keymap.c */
int capture_keymap_fetch(xcb_connection_t *conn, struct keymap *km);
void capture_keymap_reset(struct keymap *km);
uint32_t capture_keymap_sym(const struct keymap *km, int keycode, int column);
int capture_keymap_find(const struct keymap *km, uint32_t keysym, int *column);
int capture_keymap_find_first(const struct keymap *km, uint32_t keysym);
void capture_keymap_find_spares(struct capture *cap);
int capture_keymap_bind_spare(struct capture *cap, uint32_t keysym);
void capture_keymap_unbind_spares(struct capture *cap);
void capture_keymap_refresh(struct capture *cap);

/* input.c */
void capture_input_release_all_locked(struct capture *cap);

/* clipboard.c */
void capture_clipboard_init(struct capture *cap);
void capture_clipboard_close(struct capture *cap);
bool capture_clipboard_handle_event(struct capture *cap,
				    const xcb_generic_event_t *ev);
bool capture_clipboard_pending(const struct capture *cap);
int capture_clipboard_process(struct capture *cap);

/* area.c: what is shared, dispatching to window.c / monitor.c */
int capture_area_open(struct capture *cap, const struct capture_area *area,
		      const char *display);
void capture_area_close(struct capture *cap);
bool capture_area_handle_event(struct capture *cap,
			       const xcb_generic_event_t *ev);
bool capture_area_pending(const struct capture *cap);
int capture_area_process(struct capture *cap, capture_changed_h *changedh,
			 void *arg);
/* The area's current size; 0, or an errno value. */
int capture_area_query_size(struct capture *cap, int *width, int *height);
/* A new source after a resize or map (window pixmap). */
void capture_area_rename(struct capture *cap);
/* Input threads, input_lock held: viewer coordinates (already clamped)
 * to root ones; false when the pointer must not go there. */
bool capture_area_pointer_to_root(struct capture *cap, int *x, int *y);
/* Input threads, input_lock held: may a key press go to the area now? */
bool capture_area_key_allowed(struct capture *cap);

/* window.c */
int capture_window_open(struct capture *cap, const char *spec);
void capture_window_close(struct capture *cap);
bool capture_window_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev);
int capture_window_size(struct capture *cap, int *width, int *height);
void capture_window_rename(struct capture *cap);
bool capture_window_viewable(xcb_connection_t *c, xcb_window_t w);

/* window_input.c */
bool capture_window_pointer_to_root(struct capture *cap, int *x, int *y);
bool capture_window_key_allowed(struct capture *cap);

/* monitor.c */
int capture_monitor_open(struct capture *cap, const char *name);
int capture_monitor_geometry(struct capture *cap, int *x, int *y, int *width,
			     int *height);
bool capture_monitor_handle_event(struct capture *cap,
				  const xcb_generic_event_t *ev);

#endif
