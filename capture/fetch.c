/*
 * fetch.c - bring dirty tiles up to date.
 *
 * Runs of dirty tiles are fetched into the scratch segment with pipelined
 * ShmGetImage requests (one round trip's latency for the whole batch), then
 * compared tile by tile with the framebuffer: only tiles whose pixels really
 * differ are copied and reported, merged into rectangles.  When the
 * content moved (scroll.c), tiles that equal the old framebuffer shifted
 * by that motion are reported as copies instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_int.h"
#include "capture/scroll.h"

uint32_t capture_row_bytes(const struct capture *cap, int w)
{
	uint32_t bits = (uint32_t)w * (uint32_t)cap->fmt.bits_per_pixel;
	uint32_t pad = (uint32_t)cap->scanline_pad;

	return (bits + pad - 1) / pad * pad / 8;
}

#define MOTION_PROBES 4   /* fetches a batch's motion is looked for in */

/* What a tile of this pass became (cap->changed). */
enum tile_state { TILE_SAME = 0, TILE_CHANGED = 1, TILE_COPIED = 2 };

static struct scroll_frame old_frame(const struct capture *cap)
{
	struct scroll_frame old = { cap->fb.data, (size_t)cap->fmt.stride,
				    cap->fmt.width, cap->fmt.height,
				    cap->bytes_pp, 0, 0, 0, 0 };

	return old;
}

static struct scroll_area fetched_area(const struct capture *cap,
				       const struct fetch *f)
{
	struct scroll_area a = { cap->scratch.data + f->offset,
				 capture_row_bytes(cap, f->w),
				 f->x, f->y, f->w, f->h };

	return a;
}

static bool same_px(const uint8_t *a, const uint8_t *b, size_t bpp)
{
	uint32_t x, y;

	if (bpp != 4)
		return !memcmp(a, b, bpp);
	memcpy(&x, a, 4);     /* one load each, not a call a pixel */
	memcpy(&y, b, 4);
	return x == y;
}

/* The first and one past the last column of a tile that changed in any
 * of rows r to end-1, for emit() to trim a rectangle's sides to: a line
 * of text rarely starts or ends on a tile's edge, and the columns beside
 * it, often another window's, would be sent again with it (in (h) of
 * tests/bench/run.sh they gave the line's rectangle the other window's
 * colours, so Tight sent it indexed, 8 bits a pixel, not 1). */
static void changed_cols(const uint8_t *src, size_t src_stride,
			 const uint8_t *dst, size_t dst_stride, size_t bpp,
			 int w, int r, int end, uint8_t *first, uint8_t *last)
{
	int lo = w, hi = 0;

	for (; r < end && (lo > 0 || hi < w); r++) {
		const uint8_t *a = src + (size_t)r * src_stride;
		const uint8_t *b = dst + (size_t)r * dst_stride;
		int c = 0, e = w;

		while (c < lo && same_px(a + (size_t)c * bpp,
					 b + (size_t)c * bpp, bpp))
			c++;
		if (c == w)
			continue;     /* this row is the same */
		lo = c < lo ? c : lo;
		while (e > hi && same_px(a + (size_t)(e - 1) * bpp,
					 b + (size_t)(e - 1) * bpp, bpp))
			e--;
		hi = e > hi ? e : hi;
	}
	*first = (uint8_t)lo;
	*last = (uint8_t)hi;
}

/* Sort the tiles of one fetch, without writing the framebuffer yet: a
 * copy's source must still show the old pixels while others are sorted. */
static void classify_fetch(struct capture *cap, const struct fetch *f,
			   bool moved)
{
	struct scroll_frame old = old_frame(cap);
	struct scroll_area got = fetched_area(cap, f);
	size_t bpp = (size_t)cap->bytes_pp;
	size_t n_tiles = (size_t)cap->tiles_x * (size_t)cap->tiles_y;
	int tx, ty = f->y / CAPTURE_TILE;

	for (tx = f->x / CAPTURE_TILE; tx <= (f->x + f->w - 1) / CAPTURE_TILE;
	     tx++) {
		int x0 = tx * CAPTURE_TILE;
		int w = cap->fmt.width - x0 < CAPTURE_TILE ?
			cap->fmt.width - x0 : CAPTURE_TILE;
		const uint8_t *src = got.data + (size_t)(x0 - f->x) * bpp;
		const uint8_t *dst = cap->fb.data +
			(size_t)f->y * cap->fmt.stride + (size_t)x0 * bpp;
		uint8_t *state = &cap->changed[(size_t)ty * cap->tiles_x + tx];
		int r = 0;

		int end = f->h;

		while (r < f->h && memcmp(src + (size_t)r * got.stride,
					  dst + (size_t)r * cap->fmt.stride,
					  (size_t)w * bpp) == 0)
			r++;
		if (r == f->h)
			continue;
		*state = moved &&
			 capture_scroll_matches(&old, &got, x0, f->y, w, f->h,
						cap->motion[0], cap->motion[1])
			 ? TILE_COPIED : TILE_CHANGED;
		if (*state != TILE_CHANGED)
			continue;
		/* the rows that changed, for report_tiles() to send only
		 * those: a line of text is 13 rows of a 32-row tile, often
		 * across two */
		while (end - 1 > r &&
		       memcmp(src + (size_t)(end - 1) * got.stride,
			      dst + (size_t)(end - 1) * cap->fmt.stride,
			      (size_t)w * bpp) == 0)
			end--;
		state[n_tiles] = (uint8_t)r;
		state[2 * n_tiles] = (uint8_t)end;
		changed_cols(src, got.stride, dst, (size_t)cap->fmt.stride,
			     bpp, w, r, end, &state[3 * n_tiles],
			     &state[4 * n_tiles]);
	}
}

static void write_fetch(struct capture *cap, const struct fetch *f)
{
	uint32_t row = capture_row_bytes(cap, f->w);
	size_t bpp = (size_t)cap->bytes_pp;
	int tx, ty = f->y / CAPTURE_TILE, r;

	for (tx = f->x / CAPTURE_TILE; tx <= (f->x + f->w - 1) / CAPTURE_TILE;
	     tx++) {
		int x0 = tx * CAPTURE_TILE;
		size_t len = (size_t)(cap->fmt.width - x0 < CAPTURE_TILE ?
				      cap->fmt.width - x0 : CAPTURE_TILE) * bpp;
		const uint8_t *src = cap->scratch.data + f->offset +
			(size_t)(x0 - f->x) * bpp;
		uint8_t *dst = cap->fb.data + (size_t)f->y * cap->fmt.stride +
			(size_t)x0 * bpp;

		if (cap->changed[(size_t)ty * cap->tiles_x + tx] == TILE_SAME)
			continue;
		for (r = 0; r < f->h; r++)
			memcpy(dst + (size_t)r * cap->fmt.stride,
			       src + (size_t)r * row, len);
	}
}

/* Did the content move?  Only in a pass's first batch: after that, parts
 * of the framebuffer hold new pixels that viewers have not been told
 * about yet, and a copy from there would hand them the wrong ones. */
static bool find_motion(struct capture *cap, const bool *ok)
{
	struct scroll_frame old = old_frame(cap);
	int t, dx, dy;

	if (!cap->copiedh || cap->pass_written)
		return false;
	old.src_x = cap->search_box[0];
	old.src_y = cap->search_box[1];
	old.src_w = cap->search_box[2];
	old.src_h = cap->search_box[3];
	/* A few fetches spread over the batch: where nothing moved (video,
	 * new content) each one searched costs about 40 us. */
	for (t = 0; t < MOTION_PROBES && t < cap->n_fetch; t++) {
		int i = t * cap->n_fetch / MOTION_PROBES;
		struct scroll_area got = fetched_area(cap, &cap->fetches[i]);

		if (t > 0 && i == (t - 1) * cap->n_fetch / MOTION_PROBES)
			continue;
		if (ok[i] && got.w >= 2 * CAPTURE_TILE &&
		    capture_scroll_guess(&old, &got, cap->motion, &dx, &dy)) {
			cap->motion[0] = dx;
			cap->motion[1] = dy;
			return true;
		}
	}
	cap->motion[0] = cap->motion[1] = 0;
	return false;
}

static int finish_fetches(struct capture *cap)
{
	bool ok[CAPTURE_MAX_FETCH] = { false }, moved;
	int i, err = 0;

	for (i = 0; i < cap->n_fetch; i++) {
		const struct fetch *f = &cap->fetches[i];
		xcb_shm_get_image_reply_t *r;
		xcb_generic_error_t *e = NULL;

		r = xcb_shm_get_image_reply(cap->conn, f->cookie, &e);
		ok[i] = r != NULL;
		if (!r) {
			/* A refused area stays as it was: retrying could
			 * loop, and the next damage retries it anyway. */
			free(e);
			if (xcb_connection_has_error(cap->conn))
				err = EPIPE;
			continue;
		}
		free(r);
	}
	moved = find_motion(cap, ok);
	for (i = 0; i < cap->n_fetch; i++)
		if (ok[i])
			classify_fetch(cap, &cap->fetches[i], moved);
	for (i = 0; i < cap->n_fetch; i++)
		if (ok[i])
			write_fetch(cap, &cap->fetches[i]);
	if (cap->n_fetch)
		cap->pass_written = true;
	cap->n_fetch = 0;
	cap->scratch_used = 0;
	return err;
}

static int queue_fetch(struct capture *cap, int x, int y, int w, int h)
{
	uint32_t size = capture_row_bytes(cap, w) * (uint32_t)h;
	struct fetch *f;
	int err = 0;

	if (cap->n_fetch == CAPTURE_MAX_FETCH ||
	    size > cap->scratch.size - cap->scratch_used)
		err = finish_fetches(cap);

	f = &cap->fetches[cap->n_fetch++];
	f->x = x;
	f->y = y;
	f->w = w;
	f->h = h;
	f->offset = cap->scratch_used;
	cap->scratch_used += size;
	f->cookie = xcb_shm_get_image(cap->conn, cap->src,
				      (int16_t)(x + cap->src_x),
				      (int16_t)(y + cap->src_y),
				      (uint16_t)w, (uint16_t)h,
				      ~0u, XCB_IMAGE_FORMAT_Z_PIXMAP,
				      cap->scratch.seg, f->offset);
	return err;
}

/* Tiles x0..x1-1 of rows y0..y1-1 all changed: the rectangle shrinks to
 * the rows and columns that did.  Along one axis, n tiles step apart:
 * those at its start say where changes start (their first row or
 * column), those at its end where they end; the tiles between changed
 * too, and lie between.  Unchanged rows and columns are what viewers
 * have already, as unchanged tiles are. */
static void changed_span(const uint8_t *starts, const uint8_t *ends,
			 size_t step, int n, int t0, int t1, int *from,
			 int *to)
{
	int lo = CAPTURE_TILE, hi = 0, i;

	for (i = 0; i < n; i++) {
		if (starts[(size_t)i * step] < lo)
			lo = starts[(size_t)i * step];
		if (ends[(size_t)i * step] > hi)
			hi = ends[(size_t)i * step];
	}
	if (lo < CAPTURE_TILE)
		*from = t0 * CAPTURE_TILE + lo;
	if (hi > 0 && (t1 - 1) * CAPTURE_TILE + hi < *to)
		*to = (t1 - 1) * CAPTURE_TILE + hi;
}

static void changed_box(const struct capture *cap, int x0, int x1, int y0,
			int y1, int *x, int *xe, int *y, int *ye)
{
	size_t n_tiles = (size_t)cap->tiles_x * (size_t)cap->tiles_y;
	size_t w = (size_t)cap->tiles_x;
	const uint8_t *c = cap->changed;

	/* rows: the top row of tiles' first rows, the bottom's ends */
	changed_span(c + n_tiles + (size_t)y0 * w + (size_t)x0,
		     c + 2 * n_tiles + (size_t)(y1 - 1) * w + (size_t)x0,
		     1, x1 - x0, y0, y1, y, ye);
	/* columns: the left column's first columns, the right one's ends */
	changed_span(c + 3 * n_tiles + (size_t)y0 * w + (size_t)x0,
		     c + 4 * n_tiles + (size_t)y0 * w + (size_t)(x1 - 1),
		     w, y1 - y0, x0, x1, x, xe);
}

static void emit(struct capture *cap, int x0, int x1, int y0, int y1,
		 enum tile_state which, capture_changed_h *changedh, void *arg)
{
	int x = x0 * CAPTURE_TILE, y = y0 * CAPTURE_TILE;
	int xe = x1 * CAPTURE_TILE, ye = y1 * CAPTURE_TILE;

	if (xe > cap->fmt.width)
		xe = cap->fmt.width;
	if (ye > cap->fmt.height)
		ye = cap->fmt.height;
	if (which == TILE_CHANGED)
		changed_box(cap, x0, x1, y0, y1, &x, &xe, &y, &ye);
	if (which == TILE_COPIED)
		cap->copiedh(x, y, xe - x, ye - y, cap->motion[0],
			     cap->motion[1], cap->copied_arg);
	else if (changedh)
		changedh(x, y, xe - x, ye - y, arg);
}

/* Report the tiles in state which as horizontal runs, merging a run with
 * the one above it when both span the same columns.  Only tile rows y0
 * to y1 can hold any (the pass's dirty rows): a row past them, empty,
 * closes what is open, and the rest of the screen is not walked (a
 * 1080p grid is 2040 tiles; one line of text touches a dozen). */
static void report_tiles(struct capture *cap, enum tile_state which,
			 int y0, int y1, capture_changed_h *changedh,
			 void *arg)
{
	int *ox0 = cap->open_x0, *ox1 = cap->open_x1, *oy0 = cap->open_y0;
	int base = cap->tiles_x + 1;     /* the new row's list starts here */
	int n_open = 0, ty;

	for (ty = y0; ty <= y1 + 1 && ty <= cap->tiles_y; ty++) {
		const uint8_t *row = cap->changed + (size_t)ty * cap->tiles_x;
		int n_new = 0, i = 0, tx = 0;

		while (ty < cap->tiles_y && tx < cap->tiles_x) {
			int start;

			if (row[tx] != which) {
				tx++;
				continue;
			}
			start = tx;
			while (tx < cap->tiles_x && row[tx] == which)
				tx++;

			while (i < n_open && (ox0[i] < start ||
				(ox0[i] == start && ox1[i] != tx))) {
				emit(cap, ox0[i], ox1[i], oy0[i], ty, which,
				     changedh, arg);
				i++;
			}
			ox0[base + n_new] = start;
			ox1[base + n_new] = tx;
			if (i < n_open && ox0[i] == start && ox1[i] == tx)
				oy0[base + n_new] = oy0[i++];
			else
				oy0[base + n_new] = ty;
			n_new++;
		}
		for (; i < n_open; i++)
			emit(cap, ox0[i], ox1[i], oy0[i], ty, which, changedh,
			     arg);

		memmove(ox0, ox0 + base, (size_t)n_new * sizeof(int));
		memmove(ox1, ox1 + base, (size_t)n_new * sizeof(int));
		memmove(oy0, oy0 + base, (size_t)n_new * sizeof(int));
		n_open = n_new;
	}
}

int capture_fetch_dirty_tiles(struct capture *cap, capture_changed_h *changedh,
			      void *arg)
{
	int ty, err = 0, y0 = 0, y1 = -1;

	/* where a motion's source may lie, for find_motion() */
	if (cap->dirty_count) {
		y0 = cap->dirty_box[1];
		y1 = cap->dirty_box[3];
		cap->search_box[0] = cap->dirty_box[0] * CAPTURE_TILE;
		cap->search_box[1] = cap->dirty_box[1] * CAPTURE_TILE;
		cap->search_box[2] = (cap->dirty_box[2] + 1 - cap->dirty_box[0]) *
			CAPTURE_TILE;
		cap->search_box[3] = (cap->dirty_box[3] + 1 - cap->dirty_box[1]) *
			CAPTURE_TILE;
	}
	else {
		memset(cap->search_box, 0, sizeof(cap->search_box));
	}
	/* dirty tiles lie inside dirty_box, and so do the tiles this pass
	 * finds changed (cap->changed is written for fetched tiles only) */
	for (ty = y0; ty <= y1; ty++) {
		uint8_t *row = cap->dirty + (size_t)ty * cap->tiles_x;
		int y = ty * CAPTURE_TILE;
		int h = cap->fmt.height - y;
		int tx = cap->dirty_box[0];

		if (h > CAPTURE_TILE)
			h = CAPTURE_TILE;
		while (tx < cap->tiles_x) {
			int start, x, w;

			if (!row[tx]) {
				tx++;
				continue;
			}
			start = tx;
			while (tx < cap->tiles_x && row[tx])
				row[tx++] = 0;
			x = start * CAPTURE_TILE;
			w = tx * CAPTURE_TILE;
			if (w > cap->fmt.width)
				w = cap->fmt.width;
			w -= x;
			err |= queue_fetch(cap, x, y, w, h);
		}
	}
	cap->dirty_count = 0;
	err |= finish_fetches(cap);

	/* copies first: a viewer applies them to what it has, before the
	 * changed areas (some inside a copy's source) are drawn anew */
	if (cap->copiedh)
		report_tiles(cap, TILE_COPIED, y0, y1, changedh, arg);
	report_tiles(cap, TILE_CHANGED, y0, y1, changedh, arg);
	if (y1 >= y0)
		memset(cap->changed + (size_t)y0 * cap->tiles_x, 0,
		       (size_t)(y1 + 1 - y0) * cap->tiles_x);
	cap->pass_written = false;
	return err ? EPIPE : 0;
}

void capture_watch_copies(struct capture *cap, capture_copied_h *copiedh,
			  void *arg)
{
	if (!cap)
		return;
	cap->copiedh = copiedh;
	cap->copied_arg = arg;
	cap->motion[0] = cap->motion[1] = 0;
}
