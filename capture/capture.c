/*
 * capture.c - connect to the X server, check what it offers and set up the
 * shared-memory framebuffer and scratch segments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <xcb/xtest.h>
#include <xcb/xfixes.h>
#include <xcb/randr.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"

int capture_shm_create(struct capture *cap, struct shm_buffer *buf,
		       size_t size)
{
	xcb_void_cookie_t ck;
	xcb_generic_error_t *err;
	void *addr;
	int id;

	id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (id < 0)
		return errno;

	addr = shmat(id, NULL, 0);
	if ((intptr_t)addr == -1) {
		int e = errno;

		shmctl(id, IPC_RMID, NULL);
		return e;
	}
	buf->data = addr;

	buf->size = size;
	buf->seg = xcb_generate_id(cap->conn);
	ck = xcb_shm_attach_checked(cap->conn, buf->seg, (uint32_t)id, 0);
	err = xcb_request_check(cap->conn, ck);

	/* The server holds its own attachment now (or failed to): removing
	 * the id makes the kernel free the segment once both detach, even if
	 * we crash. */
	shmctl(id, IPC_RMID, NULL);

	if (err) {
		free(err);
		return EACCES;
	}
	buf->attached = true;
	return 0;
}

void capture_shm_destroy(struct capture *cap, struct shm_buffer *buf)
{
	if (buf->attached && !xcb_connection_has_error(cap->conn))
		xcb_shm_detach(cap->conn, buf->seg);
	if (buf->data)
		shmdt(buf->data);
	memset(buf, 0, sizeof(*buf));
}

static int mask_shift(uint32_t mask)
{
	int shift = 0;

	while (mask && !(mask & 1)) {
		mask >>= 1;
		shift++;
	}
	return shift;
}

static xcb_screen_t *screen_of(const xcb_setup_t *setup, int num)
{
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(setup);

	for (; it.rem; --num, xcb_screen_next(&it)) {
		if (num == 0)
			return it.data;
	}
	return NULL;
}

static xcb_visualtype_t *visual_of(xcb_screen_t *screen)
{
	xcb_depth_iterator_t d = xcb_screen_allowed_depths_iterator(screen);

	for (; d.rem; xcb_depth_next(&d)) {
		xcb_visualtype_iterator_t v = xcb_depth_visuals_iterator(d.data);

		for (; v.rem; xcb_visualtype_next(&v)) {
			if (v.data->visual_id == screen->root_visual)
				return v.data;
		}
	}
	return NULL;
}

static const xcb_format_t *format_of(const xcb_setup_t *setup, int depth)
{
	xcb_format_iterator_t f = xcb_setup_pixmap_formats_iterator(setup);

	for (; f.rem; xcb_format_next(&f)) {
		if (f.data->depth == depth)
			return f.data;
	}
	return NULL;
}

void capture_set_size(struct capture *cap, int width, int height)
{
	size_t row_bits = (size_t)width * (size_t)cap->fmt.bits_per_pixel;

	row_bits = (row_bits + cap->scanline_pad - 1) /
		cap->scanline_pad * cap->scanline_pad;
	/* Viewers' input threads clamp the pointer to this size. */
	pthread_mutex_lock(&cap->input_lock);
	cap->fmt.width = width;
	cap->fmt.height = height;
	cap->fmt.stride = (int)(row_bits / 8);
	pthread_mutex_unlock(&cap->input_lock);
}

static int describe_screen(struct capture *cap, int screen_num)
{
	const xcb_setup_t *setup = xcb_get_setup(cap->conn);
	xcb_screen_t *screen = screen_of(setup, screen_num);
	xcb_visualtype_t *visual;
	const xcb_format_t *format;
	struct capture_format *fmt = &cap->fmt;

	if (!screen) {
		capture_warn(cap, "capture: no screen %d\n", screen_num);
		return ENODEV;
	}
	visual = visual_of(screen);
	format = format_of(setup, screen->root_depth);
	if (!visual || visual->_class != XCB_VISUAL_CLASS_TRUE_COLOR ||
	    !format || (format->bits_per_pixel != 32 &&
			format->bits_per_pixel != 16)) {
		capture_warn(cap, "capture: the root visual is not TrueColor "
			     "at 16 or 32 bits per pixel\n");
		return ENOTSUP;
	}

	cap->root = screen->root;
	cap->bytes_pp = format->bits_per_pixel / 8;
	cap->scanline_pad = format->scanline_pad;
	if (cap->scanline_pad < 8 || cap->scanline_pad % 8)
		return ENOTSUP;

	fmt->bits_per_pixel = format->bits_per_pixel;
	capture_set_size(cap, screen->width_in_pixels,
			 screen->height_in_pixels);
	fmt->depth = screen->root_depth;
	fmt->red_mask = visual->red_mask;
	fmt->green_mask = visual->green_mask;
	fmt->blue_mask = visual->blue_mask;
	fmt->red_shift = mask_shift(fmt->red_mask);
	fmt->green_shift = mask_shift(fmt->green_mask);
	fmt->blue_shift = mask_shift(fmt->blue_mask);
	fmt->big_endian = setup->image_byte_order == XCB_IMAGE_ORDER_MSB_FIRST;

	if (fmt->width <= 0 || fmt->height <= 0)
		return ENOTSUP;
	return 0;
}

static int check_extensions(struct capture *cap)
{
	xcb_shm_query_version_reply_t *shm;
	xcb_test_get_version_reply_t *test;

	xcb_prefetch_extension_data(cap->conn, &xcb_shm_id);
	xcb_prefetch_extension_data(cap->conn, &xcb_test_id);
	xcb_prefetch_extension_data(cap->conn, &xcb_damage_id);
	xcb_prefetch_extension_data(cap->conn, &xcb_xfixes_id);
	xcb_prefetch_extension_data(cap->conn, &xcb_randr_id);

	if (!xcb_get_extension_data(cap->conn, &xcb_shm_id)->present) {
		capture_warn(cap, "capture: the X server lacks MIT-SHM\n");
		return ENODEV;
	}
	if (!xcb_get_extension_data(cap->conn, &xcb_test_id)->present) {
		capture_warn(cap, "capture: the X server lacks XTEST\n");
		return ENODEV;
	}

	shm = xcb_shm_query_version_reply(cap->conn,
			xcb_shm_query_version(cap->conn), NULL);
	test = xcb_test_get_version_reply(cap->conn,
			xcb_test_get_version(cap->conn, 2, 2), NULL);
	free(shm);
	free(test);
	if (!shm || !test) {
		capture_warn(cap,
			     "capture: MIT-SHM or XTEST does not answer\n");
		return ENODEV;
	}
	return 0;
}

int capture_alloc_tiles(struct capture *cap)
{
	size_t n;

	cap->tiles_x = (cap->fmt.width + CAPTURE_TILE - 1) / CAPTURE_TILE;
	cap->tiles_y = (cap->fmt.height + CAPTURE_TILE - 1) / CAPTURE_TILE;
	n = (size_t)cap->tiles_x * (size_t)cap->tiles_y;

	cap->dirty = calloc(n, 1);
	cap->changed = calloc(n, 5);    /* states, first rows, row ends,
					   first columns, column ends */
	/* Two lists of at most tiles_x runs each: the previous row's and
	 * the current row's (see report_changed()). */
	n = 2 * (size_t)cap->tiles_x + 2;
	cap->open_x0 = calloc(n, sizeof(int));
	cap->open_x1 = calloc(n, sizeof(int));
	cap->open_y0 = calloc(n, sizeof(int));
	if (!cap->dirty || !cap->changed || !cap->open_x0 || !cap->open_x1 ||
	    !cap->open_y0)
		return ENOMEM;
	return 0;
}

int capture_open_area(struct capture **capp, const char *display,
		      const struct capture_area *area,
		      const struct capture_settings *settings)
{
	struct capture *cap;
	size_t frame;
	int screen_num = 0;
	int err;

	if (!capp)
		return EINVAL;

	cap = calloc(1, sizeof(*cap));
	if (!cap)
		return ENOMEM;
	pthread_mutex_init(&cap->input_lock, NULL);
	if (settings)
		cap->settings = *settings;

	cap->conn = xcb_connect(display, &screen_num);
	if (xcb_connection_has_error(cap->conn)) {
		capture_warn(cap, "capture: cannot connect to X display %s\n",
			     display ? display : "$DISPLAY");
		err = ECONNREFUSED;
		goto out;
	}

	err = check_extensions(cap);
	if (!err)
		err = describe_screen(cap, screen_num);
	if (!err)
		err = capture_area_open(cap, area, display);
	if (err)
		goto out;

	frame = (size_t)cap->fmt.stride * (size_t)cap->fmt.height;
	err = capture_alloc_tiles(cap);
	if (!err)
		err = capture_shm_create(cap, &cap->fb, frame);
	if (!err)
		err = capture_shm_create(cap, &cap->scratch, frame);
	if (err) {
		capture_warn(cap, "capture: cannot share memory with the X "
			     "server (%s)\n", strerror(err));
		goto out;
	}

	err = capture_keymap_fetch(cap->conn, &cap->keymap);
	if (err) {
		capture_warn(cap,
			     "capture: cannot read the keyboard mapping\n");
		goto out;
	}
	capture_keymap_find_spares(cap);

	capture_damage_init(cap);
	capture_cursor_init(cap);
	capture_resize_init(cap);
	capture_clipboard_init(cap);

	/* Start with a true picture, so the first client needs no wait. */
	err = capture_refresh(cap, NULL, NULL);

 out:
	if (err)
		capture_close(cap);
	else
		*capp = cap;
	return err;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;

	if (cap->conn && !xcb_connection_has_error(cap->conn)) {
		pthread_mutex_lock(&cap->input_lock);
		capture_input_release_all_locked(cap);
		capture_keymap_unbind_spares(cap);
		pthread_mutex_unlock(&cap->input_lock);
		if (cap->have_damage)
			xcb_damage_destroy(cap->conn, cap->damage);
		/* The server may drop requests still unread when the socket
		 * closes: wait until the releases and unbindings are done. */
		free(xcb_get_input_focus_reply(cap->conn,
				xcb_get_input_focus(cap->conn), NULL));
	}
	if (cap->conn) {
		capture_area_close(cap);
		capture_shm_destroy(cap, &cap->fb);
		capture_shm_destroy(cap, &cap->previous_fb);
		capture_shm_destroy(cap, &cap->scratch);
		xcb_disconnect(cap->conn);
	}

	capture_clipboard_close(cap);
	capture_keymap_reset(&cap->keymap);
	free(cap->dirty);
	free(cap->changed);
	free(cap->open_x0);
	free(cap->open_x1);
	free(cap->open_y0);
	pthread_mutex_destroy(&cap->input_lock);
	free(cap);
}

const struct capture_format *capture_format(const struct capture *cap)
{
	return cap ? &cap->fmt : NULL;
}

uint8_t *capture_framebuffer(const struct capture *cap)
{
	return cap ? cap->fb.data : NULL;
}

int capture_fd(const struct capture *cap)
{
	return cap ? xcb_get_file_descriptor(cap->conn) : -1;
}
