/*
 * scroll.h - recognise content that moved (a scroll, a dragged window) so
 * it can go to viewers as a copy of pixels they already have instead of
 * being encoded again.
 *
 * Pure functions over two pixel buffers: the framebuffer as viewers last
 * had it ("old") and freshly fetched pixels ("new").  No X, no viewers.
 */
#ifndef SIPVNC_CAPTURE_SCROLL_H
#define SIPVNC_CAPTURE_SCROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCROLL_MAX_SHIFT 512   /* pixels, either way, either axis */

/* The old frame: the whole screen.  src_*: where moved content may come
 * from, the pass's changed area (what moves leaves its old place changed
 * too, and the search then skips the rest of the screen: a changing line
 * of text costs a few hundred comparisons, not thousands of cache misses
 * over the whole frame); src_w 0: anywhere on the screen. */
struct scroll_frame {
	const uint8_t *data;
	size_t stride;
	int width, height;
	int bpp;               /* bytes per pixel */
	int src_x, src_y, src_w, src_h;
};

/* New pixels of the rectangle (x, y, w, h) of that screen. */
struct scroll_area {
	const uint8_t *data;   /* the pixel at (x, y) */
	size_t stride;
	int x, y, w, h;
};

/* A motion (dx, dy), one axis only, under which a distinctive stretch of
 * the new area equals the old frame: new(x, y) == old(x - dx, y - dy).
 * hint (may be NULL) is tried first: motions tend to go on.  False when
 * nothing moved in a way this can tell. */
bool capture_scroll_guess(const struct scroll_frame *old,
			  const struct scroll_area *area,
			  const int hint[2], int *dx, int *dy);

/* Whether the new pixels of the sub-rectangle (x, y, w, h) of area (screen
 * coordinates) equal the old frame's at (x - dx, y - dy), which must lie
 * on the screen. */
bool capture_scroll_matches(const struct scroll_frame *old,
			    const struct scroll_area *area,
			    int x, int y, int w, int h, int dx, int dy);

#endif
