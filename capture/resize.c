/*
 * resize.c - follow size changes of what is shared (the screen through
 * RandR, a window, a monitor): new shared-memory
 * framebuffer and tile maps at the new size, the old framebuffer kept
 * until the user says no thread reads it any more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/randr.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"

/* X allows 32767; a framebuffer larger than this is refused. */
#define RESIZE_MAX_PIXELS (16384u * 16384u)

void capture_resize_init(struct capture *cap)
{
	const xcb_query_extension_reply_t *ext;
	xcb_randr_query_version_reply_t *ver;

	ext = xcb_get_extension_data(cap->conn, &xcb_randr_id);
	if (!ext || !ext->present)
		return;
	/* A monitor's geometry needs 1.5, and asking for less now would
	 * lower what the server lets us use. */
	ver = xcb_randr_query_version_reply(cap->conn,
		xcb_randr_query_version(cap->conn, 1,
			cap->kind == CAPTURE_MONITOR ? 5 : 2), NULL);
	if (!ver)
		return;
	free(ver);
	xcb_randr_select_input(cap->conn, cap->root,
		XCB_RANDR_NOTIFY_MASK_SCREEN_CHANGE |
		(cap->kind == CAPTURE_MONITOR ?
		 XCB_RANDR_NOTIFY_MASK_CRTC_CHANGE |
		 XCB_RANDR_NOTIFY_MASK_OUTPUT_CHANGE |
		 XCB_RANDR_NOTIFY_MASK_RESOURCE_CHANGE : 0));
	cap->randr_event = ext->first_event;
	cap->have_randr = true;
}

bool capture_resize_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev)
{
	uint8_t type = ev->response_type & 0x7f;

	if (!cap->have_randr ||
	    (type != cap->randr_event + XCB_RANDR_SCREEN_CHANGE_NOTIFY &&
	     (cap->kind != CAPTURE_MONITOR ||
	      type != cap->randr_event + XCB_RANDR_NOTIFY)))
		return false;
	/* The event's size may predate later changes: the root's geometry
	 * is asked for when acting on it. */
	cap->resize_pending = true;
	return true;
}

void capture_watch_resize(struct capture *cap, capture_resized_h *resizedh,
			  void *arg)
{
	if (!cap)
		return;
	cap->resizeh = resizedh;
	cap->resize_arg = arg;
}

void capture_release_previous(struct capture *cap)
{
	if (cap)
		capture_shm_destroy(cap, &cap->previous_fb);
}

bool capture_resize_pending(const struct capture *cap)
{
	return cap->resize_pending && !cap->previous_fb.data;
}

/* Swap in buffers and tile maps for the new size; on failure everything
 * stays as it was. */
static int reallocate(struct capture *cap, int width, int height)
{
	struct capture_format old_fmt = cap->fmt;
	struct shm_buffer fb = {0}, scratch = {0};
	uint8_t *dirty = cap->dirty, *changed = cap->changed;
	int *ox0 = cap->open_x0, *ox1 = cap->open_x1, *oy0 = cap->open_y0;
	int tiles_x = cap->tiles_x, tiles_y = cap->tiles_y;
	size_t frame;
	int err;

	capture_set_size(cap, width, height);
	frame = (size_t)cap->fmt.stride * (size_t)cap->fmt.height;
	err = capture_shm_create(cap, &fb, frame);
	if (!err)
		err = capture_shm_create(cap, &scratch, frame);
	if (!err)
		err = capture_alloc_tiles(cap);
	if (err) {
		capture_shm_destroy(cap, &fb);
		capture_shm_destroy(cap, &scratch);
		if (cap->dirty != dirty) {
			free(cap->dirty);
			free(cap->changed);
			free(cap->open_x0);
			free(cap->open_x1);
			free(cap->open_y0);
		}
		cap->dirty = dirty;
		cap->changed = changed;
		cap->open_x0 = ox0;
		cap->open_x1 = ox1;
		cap->open_y0 = oy0;
		cap->tiles_x = tiles_x;
		cap->tiles_y = tiles_y;
		capture_set_size(cap, old_fmt.width, old_fmt.height);
		return err;
	}
	free(dirty);
	free(changed);
	free(ox0);
	free(ox1);
	free(oy0);
	cap->dirty_count = 0;
	capture_shm_destroy(cap, &cap->scratch);
	cap->scratch = scratch;
	cap->previous_fb = cap->fb;
	cap->fb = fb;
	return 0;
}

int capture_resize_process(struct capture *cap)
{
	int width, height, err;

	if (!capture_resize_pending(cap))
		return 0;
	cap->resize_pending = false;

	err = capture_area_query_size(cap, &width, &height);
	if (err == EPIPE)
		return err;
	if (err) {
		/* A window's end is told by DestroyNotify; a monitor may
		 * come back. */
		if (cap->kind == CAPTURE_MONITOR)
			capture_warn(cap,
				     "capture: monitor %s is gone; keeping "
				     "its last picture\n", cap->spec);
		return 0;
	}
	if (width == cap->fmt.width && height == cap->fmt.height)
		return 0;
	if (width <= 0 || height <= 0 ||
	    (unsigned)width * (unsigned)height > RESIZE_MAX_PIXELS) {
		capture_warn(cap, "capture: screen size %dx%d refused\n",
			     width, height);
		return 0;
	}

	err = reallocate(cap, width, height);
	if (err) {
		/* Still showing the old size: areas beyond the new screen
		 * fail to fetch and keep their last picture. */
		capture_warn(cap, "capture: cannot follow the screen to %dx%d "
			     "(%s)\n", width, height, strerror(err));
		return 0;
	}
	capture_area_rename(cap);
	cap->area_refresh = false;
	err = capture_refresh(cap, NULL, NULL);
	if (cap->resizeh)
		cap->resizeh(cap->resize_arg);
	else
		capture_release_previous(cap);
	return err;
}
