/*
 * damage.c - learn which tiles may have changed: DAMAGE events, or without
 * DAMAGE a cheap poll that compares one scan line per tile row, rotating
 * through the tile's lines so that any change is found within a few passes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"

uint64_t capture_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void capture_damage_init(struct capture *cap)
{
	const xcb_query_extension_reply_t *ext;
	xcb_damage_query_version_reply_t *ver;

	ext = xcb_get_extension_data(cap->conn, &xcb_damage_id);
	if (!ext || !ext->present)
		goto polling;

	ver = xcb_damage_query_version_reply(cap->conn,
		xcb_damage_query_version(cap->conn, XCB_DAMAGE_MAJOR_VERSION,
					 XCB_DAMAGE_MINOR_VERSION), NULL);
	if (!ver)
		goto polling;
	free(ver);

	/* Raw rectangles: no DamageSubtract round trip is ever needed, and
	 * each event only marks tiles, which is cheap. */
	cap->damage = xcb_generate_id(cap->conn);
	xcb_damage_create(cap->conn, cap->damage, cap->damage_target,
			  XCB_DAMAGE_REPORT_LEVEL_RAW_RECTANGLES);
	cap->damage_event = ext->first_event;
	cap->have_damage = true;
	return;

 polling:
	capture_warn(cap, "capture: no DAMAGE extension, comparing the screen "
		     "every %d ms instead\n", CAPTURE_POLL_MS);
	cap->have_damage = false;
	cap->next_scan_ms = capture_now_ms();
}

void capture_damage_mark(struct capture *cap, int x, int y, int w, int h)
{
	int tx0, ty0, tx1, ty1, tx, ty;

	if (x < 0) {
		w += x;
		x = 0;
	}
	if (y < 0) {
		h += y;
		y = 0;
	}
	if (w > cap->fmt.width - x)
		w = cap->fmt.width - x;
	if (h > cap->fmt.height - y)
		h = cap->fmt.height - y;
	if (w <= 0 || h <= 0)
		return;

	tx0 = x / CAPTURE_TILE;
	ty0 = y / CAPTURE_TILE;
	tx1 = (x + w - 1) / CAPTURE_TILE;
	ty1 = (y + h - 1) / CAPTURE_TILE;
	if (!cap->dirty_count) {
		cap->dirty_box[0] = tx0;
		cap->dirty_box[1] = ty0;
		cap->dirty_box[2] = tx1;
		cap->dirty_box[3] = ty1;
	}
	else {
		if (tx0 < cap->dirty_box[0])
			cap->dirty_box[0] = tx0;
		if (ty0 < cap->dirty_box[1])
			cap->dirty_box[1] = ty0;
		if (tx1 > cap->dirty_box[2])
			cap->dirty_box[2] = tx1;
		if (ty1 > cap->dirty_box[3])
			cap->dirty_box[3] = ty1;
	}
	for (ty = ty0; ty <= ty1; ty++) {
		uint8_t *row = cap->dirty + (size_t)ty * cap->tiles_x;

		for (tx = tx0; tx <= tx1; tx++) {
			if (!row[tx]) {
				row[tx] = 1;
				cap->dirty_count++;
			}
		}
	}
}

static void handle_event(struct capture *cap, xcb_generic_event_t *ev)
{
	uint8_t type = ev->response_type & 0x7f;

	if (capture_cursor_handle_event(cap, ev) ||
	    capture_resize_handle_event(cap, ev) ||
	    capture_area_handle_event(cap, ev))
		return;
	if (capture_clipboard_handle_event(cap, ev))
		return;
	if (cap->have_damage &&
	    type == cap->damage_event + XCB_DAMAGE_NOTIFY) {
		const xcb_damage_notify_event_t *dn = (const void *)ev;

		capture_damage_mark(cap, dn->area.x - cap->damage_dx,
				    dn->area.y - cap->damage_dy, dn->area.width,
				    dn->area.height);
	}
	else if (type == XCB_MAPPING_NOTIFY) {
		const xcb_mapping_notify_event_t *mn = (const void *)ev;

		if (mn->request == XCB_MAPPING_KEYBOARD)
			cap->mapping_changed = true;
	}
	/* Errors of requests without reply (type 0) need no action. */
}

/* Take what is already queued, without reading the socket. */
static void drain_queued(struct capture *cap)
{
	xcb_generic_event_t *ev;

	while ((ev = xcb_poll_for_queued_event(cap->conn))) {
		handle_event(cap, ev);
		free(ev);
	}
}

static void drain_all(struct capture *cap)
{
	xcb_generic_event_t *ev;
	int budget = CAPTURE_MAX_EVENTS;

	/* Bounded, so a client drawing without pause cannot keep us here;
	 * what is left is reported by capture_pending(). */
	while (budget-- > 0 && (ev = xcb_poll_for_event(cap->conn))) {
		handle_event(cap, ev);
		free(ev);
	}
}

/* Polling fallback: fetch one line per tile row and mark the tiles whose
 * part of that line differs from the framebuffer. */
static int scan_lines(struct capture *cap)
{
	/* Bit-reversed order spreads successive passes over the tile. */
	static const uint8_t order[32] = {
		0, 16, 8, 24, 4, 20, 12, 28, 2, 18, 10, 26, 6, 22, 14, 30,
		1, 17, 9, 25, 5, 21, 13, 29, 3, 19, 11, 27, 7, 23, 15, 31,
	};
	uint32_t row = capture_row_bytes(cap, cap->fmt.width);
	int line = order[cap->scan_phase++ % 32] % CAPTURE_TILE;
	int ty, first = 0;

	while (first < cap->tiles_y) {
		int n = 0, i;

		for (ty = first; ty < cap->tiles_y && n < CAPTURE_MAX_FETCH;
		     ty++, n++) {
			struct fetch *f = &cap->fetches[n];
			int top = ty * CAPTURE_TILE;
			int y = top + line % (cap->fmt.height - top < CAPTURE_TILE
					      ? cap->fmt.height - top
					      : CAPTURE_TILE);
			f->x = 0;
			f->y = y;
			f->w = cap->fmt.width;
			f->h = 1;
			f->offset = (uint32_t)n * row;
			f->cookie = xcb_shm_get_image(cap->conn, cap->src,
				(int16_t)cap->src_x, (int16_t)(y + cap->src_y),
				(uint16_t)cap->fmt.width, 1,
				~0u, XCB_IMAGE_FORMAT_Z_PIXMAP,
				cap->scratch.seg, f->offset);
		}

		for (i = 0; i < n; i++) {
			struct fetch *f = &cap->fetches[i];
			xcb_shm_get_image_reply_t *r;
			const uint8_t *got, *have;
			int tx;

			r = xcb_shm_get_image_reply(cap->conn, f->cookie, NULL);
			if (!r)
				continue;
			free(r);
			got = cap->scratch.data + f->offset;
			have = cap->fb.data + (size_t)f->y * cap->fmt.stride;
			for (tx = 0; tx < cap->tiles_x; tx++) {
				int x = tx * CAPTURE_TILE;
				int w = cap->fmt.width - x;

				if (w > CAPTURE_TILE)
					w = CAPTURE_TILE;
				if (memcmp(got + x * cap->bytes_pp,
					   have + x * cap->bytes_pp,
					   (size_t)w * cap->bytes_pp) != 0)
					capture_damage_mark(cap, x, f->y, w, 1);
			}
		}
		first = ty;
	}
	return xcb_connection_has_error(cap->conn) ? EPIPE : 0;
}

void capture_hold(struct capture *cap, bool hold)
{
	if (!cap || hold == cap->held)
		return;
	cap->held = hold;
	/* unpolled while held: anything may have changed */
	if (!hold && !cap->have_damage)
		capture_damage_mark(cap, 0, 0, cap->fmt.width, cap->fmt.height);
}

bool capture_pending(struct capture *cap)
{
	if (!cap || xcb_connection_has_error(cap->conn))
		return false;
	drain_queued(cap);
	if (capture_clipboard_pending(cap))
		return true;
	if ((cap->dirty_count && !cap->held) || cap->mapping_changed ||
	    capture_cursor_pending(cap) ||
	    capture_resize_pending(cap) || capture_area_pending(cap))
		return true;
	return !cap->have_damage && !cap->held &&
		capture_now_ms() >= cap->next_scan_ms;
}

int capture_timeout_ms(const struct capture *cap)
{
	uint64_t now;
	int scan_ms, pointer_ms;

	if (!cap)
		return -1;
	pointer_ms = capture_cursor_timeout_ms(cap);
	if (cap->have_damage || cap->held)
		return pointer_ms;
	now = capture_now_ms();
	scan_ms = now >= cap->next_scan_ms ? 0 :
		(int)(cap->next_scan_ms - now);
	return pointer_ms >= 0 && pointer_ms < scan_ms ? pointer_ms : scan_ms;
}

int capture_process(struct capture *cap, capture_changed_h *changedh,
		    void *arg)
{
	int err, pass;

	if (!cap)
		return EINVAL;

	drain_all(cap);
	if (xcb_connection_has_error(cap->conn))
		return EPIPE;

	err = capture_resize_process(cap);
	if (!err)
		err = capture_area_process(cap, changedh, arg);
	if (err)
		return err;

	if (cap->mapping_changed) {
		cap->mapping_changed = false;
		capture_keymap_refresh(cap);
	}

	if (!cap->have_damage && !cap->held &&
	    capture_now_ms() >= cap->next_scan_ms) {
		err = scan_lines(cap);
		cap->next_scan_ms = capture_now_ms() + CAPTURE_POLL_MS;
		if (err)
			return err;
	}

	err = capture_cursor_process(cap);
	if (err)
		return err;
	err = capture_clipboard_process(cap);
	if (err)
		return err;

	/* Our round trips make xcb read events the descriptor will not
	 * announce again: handle them now, a few passes at most so a
	 * client that never stops drawing cannot hold us; capture_pending()
	 * tells about what is left. */
	for (pass = 0; pass < CAPTURE_MAX_PASSES && cap->dirty_count &&
	     !cap->held; pass++) {
		err = capture_fetch_dirty_tiles(cap, changedh, arg);
		if (err)
			return err;
		drain_queued(cap);
	}
	return 0;
}

int capture_refresh(struct capture *cap, capture_changed_h *changedh,
		    void *arg)
{
	xcb_shm_get_image_reply_t *r;
	xcb_generic_error_t *e = NULL;

	if (!cap)
		return EINVAL;

	drain_all(cap);
	/* The image's rows are padded like the framebuffer's stride, so the
	 * whole screen lands in place. */
	r = xcb_shm_get_image_reply(cap->conn,
		xcb_shm_get_image(cap->conn, cap->src,
				  (int16_t)cap->src_x, (int16_t)cap->src_y,
				  (uint16_t)cap->fmt.width,
				  (uint16_t)cap->fmt.height, ~0u,
				  XCB_IMAGE_FORMAT_Z_PIXMAP, cap->fb.seg, 0),
		&e);
	free(r);
	if (!r) {
		free(e);
		return xcb_connection_has_error(cap->conn) ? EPIPE : EIO;
	}

	memset(cap->dirty, 0, (size_t)cap->tiles_x * cap->tiles_y);
	cap->dirty_count = 0;
	drain_queued(cap);

	if (changedh)
		changedh(0, 0, cap->fmt.width, cap->fmt.height, arg);
	return 0;
}
