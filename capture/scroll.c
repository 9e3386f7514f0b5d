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

/* The part of the old frame a stretch of n pixels may be found in. */
static void source_bounds(const struct scroll_frame *old, int n, int *x0,
			  int *x1, int *y0, int *y1)
{
	*x0 = 0;
	*y0 = 0;
	*x1 = old->width - n;    /* last start that fits, inclusive */
	*y1 = old->height - 1;
	if (old->src_w <= 0 || old->src_h <= 0)
		return;
	if (old->src_x > *x0)
		*x0 = old->src_x;
	if (old->src_y > *y0)
		*y0 = old->src_y;
	if (old->src_x + old->src_w - n < *x1)
		*x1 = old->src_x + old->src_w - n;
	if (old->src_y + old->src_h - 1 < *y1)
		*y1 = old->src_y + old->src_h - 1;
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Search along one axis, nearest shifts first: small scrolls are the
 * common ones, and a periodic pattern then yields its smallest period.
 * Four bytes at the probe's first change of colour are compared before
 * the whole stretch: most places differ there, and a call to memcmp()
 * for each of up to a thousand places was most of a small change's
 * capture time. */
static bool search_axis(const struct scroll_frame *old,
			const struct scroll_area *area, int px, int py, int n,
			bool vertical, int *dx, int *dy)
{
	const uint8_t *probe = new_at(area, old->bpp, px, py);
	size_t len = (size_t)n * (size_t)old->bpp, key;
	int s, sign, x0, x1, y0, y1, far;
	uint32_t want;

	source_bounds(old, n, &x0, &x1, &y0, &y1);
	if (x1 < x0 || y1 < y0)
		return false;
	/* the first pixel of another colour, kept inside the stretch */
	key = (size_t)old->bpp;
	while (key + 4 <= len && !memcmp(probe + key, probe, (size_t)old->bpp))
		key += (size_t)old->bpp;
	if (key + 4 > len)
		key = len - 4;
	want = load32(probe + key);
	/* no farther than the bounds reach */
	far = vertical ? (py - y0 > y1 - py ? py - y0 : y1 - py)
		       : (px - x0 > x1 - px ? px - x0 : x1 - px);
	if (far > SCROLL_MAX_SHIFT)
		far = SCROLL_MAX_SHIFT;
	for (s = 1; s <= far; s++) {
		for (sign = -1; sign <= 1; sign += 2) {
			int sx = vertical ? 0 : sign * s;
			int sy = vertical ? sign * s : 0;
			int ox = px - sx, oy = py - sy;
			const uint8_t *at;

			if (ox < x0 || ox > x1 || oy < y0 || oy > y1)
				continue;
			at = old_at(old, ox, oy);
			if (load32(at + key) == want && !memcmp(probe, at, len)) {
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
