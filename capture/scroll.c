/*
 * scroll.c - find content that moved between two frames.
 *
 * A guess looks at a short stretch of one row of the new pixels, picked so
 * that it is not one flat colour (a flat stretch matches under any shift
 * and proves nothing), and searches the old frame along each axis for it.
 * The caller then checks every tile under the guessed motion with
 * capture_scroll_matches(), so a wrong guess costs a few comparisons,
 * never wrong pixels.
 */
#include <string.h>

#include "capture/scroll.h"

#define PROBE_PIXELS 48        /* the stretch searched for */
#define PROBE_ROWS 5           /* rows tried for a distinctive stretch */
#define TWO_TONE_CHANGES 8     /* two-tone stretches: colour changes, at
				  least (text has one or two a glyph) */

static const uint8_t *old_at(const struct scroll_frame *old, int x, int y)
{
	return old->data + (size_t)y * old->stride + (size_t)x * (size_t)old->bpp;
}

static const uint8_t *new_at(const struct scroll_area *a, int bpp, int x, int y)
{
	return a->data + (size_t)(y - a->y) * a->stride +
	       (size_t)(x - a->x) * (size_t)bpp;
}

bool capture_scroll_matches(const struct scroll_frame *old,
			    const struct scroll_area *area,
			    int x, int y, int w, int h, int dx, int dy)
{
	size_t len = (size_t)w * (size_t)old->bpp;
	int r;

	if (w <= 0 || h <= 0 || x < area->x || y < area->y ||
	    x + w > area->x + area->w || y + h > area->y + area->h ||
	    x - dx < 0 || y - dy < 0 || x - dx + w > old->width ||
	    y - dy + h > old->height)
		return false;
	for (r = 0; r < h; r++)
		if (memcmp(new_at(area, old->bpp, x, y + r),
			   old_at(old, x - dx, y + r - dy), len) != 0)
			return false;
	return true;
}

/* A stretch with at least three different pixel values (anti-aliased
 * text, edges, pictures), or two that alternate often: the text of a
 * terminal's bitmap font is two-tone, and its scrolling is the commonest
 * motion there is.  Not a flat fill, nor a few broad stripes that match
 * under many shifts.  A periodic two-tone pattern may still pass and yield
 * a wrong motion; the tiles' check then rejects it, or the copy is exact
 * anyway. */
static bool distinctive(const uint8_t *p, int n, int bpp)
{
	const uint8_t *second = NULL;
	int i, changes = 0;

	for (i = 1; i < n; i++) {
		const uint8_t *q = p + (size_t)i * (size_t)bpp;

		if (memcmp(q, q - bpp, (size_t)bpp) != 0)
			changes++;
		if (!memcmp(q, p, (size_t)bpp))
			continue;
		if (!second)
			second = q;
		else if (memcmp(q, second, (size_t)bpp) != 0)
			return true;
	}
	return changes >= TWO_TONE_CHANGES;
}

/* Search along one axis, nearest shifts first: small scrolls are the
 * common ones, and a periodic pattern then yields its smallest period. */
static bool search_axis(const struct scroll_frame *old,
			const struct scroll_area *area, int px, int py, int n,
			bool vertical, int *dx, int *dy)
{
	const uint8_t *probe = new_at(area, old->bpp, px, py);
	size_t len = (size_t)n * (size_t)old->bpp;
	int s, sign;

	for (s = 1; s <= SCROLL_MAX_SHIFT; s++) {
		for (sign = -1; sign <= 1; sign += 2) {
			int sx = vertical ? 0 : sign * s;
			int sy = vertical ? sign * s : 0;
			int ox = px - sx, oy = py - sy;

			if (ox < 0 || oy < 0 || ox + n > old->width ||
			    oy >= old->height)
				continue;
			if (!memcmp(probe, old_at(old, ox, oy), len)) {
				*dx = sx;
				*dy = sy;
				return true;
			}
		}
	}
	return false;
}

bool capture_scroll_guess(const struct scroll_frame *old,
			  const struct scroll_area *area,
			  const int hint[2], int *dx, int *dy)
{
	int n = area->w < PROBE_PIXELS ? area->w : PROBE_PIXELS;
	int px = area->x + (area->w - n) / 2;
	int i;

	if (n < 8 || area->h < 1 || old->bpp < 1)
		return false;
	for (i = 0; i < PROBE_ROWS; i++) {
		int py = area->y + (int)((2 * i + 1) * (long)area->h /
					 (2 * PROBE_ROWS));
		const uint8_t *probe = new_at(area, old->bpp, px, py);

		if (!distinctive(probe, n, old->bpp))
			continue;
		/* unchanged here: this row tells nothing about motion */
		if (!memcmp(probe, old_at(old, px, py),
			    (size_t)n * (size_t)old->bpp))
			continue;
		if (hint && (hint[0] || hint[1]) &&
		    capture_scroll_matches(old, area, px, py, n, 1, hint[0],
					   hint[1])) {
			*dx = hint[0];
			*dy = hint[1];
			return true;
		}
		if (search_axis(old, area, px, py, n, true, dx, dy) ||
		    search_axis(old, area, px, py, n, false, dx, dy))
			return true;
	}
	return false;
}
