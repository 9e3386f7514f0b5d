/*
 * window.c - share one window.
 *
 * The window is redirected (Composite, automatic: the server still draws
 * it on screen) so that it has pixels of its own, which are read from its
 * named pixmap: windows covering it never show, and it may even be partly
 * off the screen.  DAMAGE watches the window itself; StructureNotify tells
 * about resizes (the resize path), maps (a new pixmap) and its end.
 * Input is in window_input.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/composite.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"
#include "capture/xatom.h"

/* Longest title compared, in 32-bit units of the property. */
#define WINDOW_TITLE_LONGS 256

/* The window's title, NUL-terminated in buf; false when it has none. */
static bool window_title(xcb_connection_t *c, xcb_window_t w,
			 xcb_atom_t net_wm_name, char *buf, size_t size)
{
	const xcb_atom_t props[2] = {net_wm_name, XCB_ATOM_WM_NAME};
	int i;

	for (i = 0; i < 2; i++) {
		xcb_get_property_reply_t *r;
		size_t len;

		if (props[i] == XCB_NONE)
			continue;
		r = xcb_get_property_reply(c, xcb_get_property(c, 0, w,
				props[i], XCB_GET_PROPERTY_TYPE_ANY, 0,
				WINDOW_TITLE_LONGS), NULL);
		if (!r)
			continue;
		len = r->format == 8 ?
			(size_t)xcb_get_property_value_length(r) : 0;
		if (len) {
			if (len >= size)
				len = size - 1;
			memcpy(buf, xcb_get_property_value(r), len);
			buf[len] = '\0';
			free(r);
			return true;
		}
		free(r);
	}
	return false;
}

bool capture_window_viewable(xcb_connection_t *c, xcb_window_t w)
{
	xcb_get_window_attributes_reply_t *a;
	bool v;

	a = xcb_get_window_attributes_reply(c,
		xcb_get_window_attributes(c, w), NULL);
	v = a && a->map_state == XCB_MAP_STATE_VIEWABLE;
	free(a);
	return v;
}

/* Does w (a top-level, or a direct child of one: the client window in a
 * window manager's frame) match?  The first mapped match is taken. */
static bool try_match(struct capture *cap, xcb_window_t w, const char *pat,
		      xcb_atom_t net_wm_name, xcb_window_t *unmapped)
{
	char title[WINDOW_TITLE_LONGS * 4 + 1];

	if (!window_title(cap->conn, w, net_wm_name, title, sizeof(title)) ||
	    fnmatch(pat, title, 0) != 0)
		return false;
	if (capture_window_viewable(cap->conn, w))
		return true;
	if (*unmapped == XCB_NONE)
		*unmapped = w;
	return false;
}

static xcb_window_t find_by_title(struct capture *cap, const char *pat)
{
	xcb_atom_t net_wm_name = capture_atom(cap->conn, "_NET_WM_NAME");
	xcb_window_t found = XCB_NONE, unmapped = XCB_NONE;
	xcb_query_tree_reply_t *top;
	const xcb_window_t *kids;
	int i, n;

	top = xcb_query_tree_reply(cap->conn,
		xcb_query_tree(cap->conn, cap->root), NULL);
	if (!top)
		return XCB_NONE;
	kids = xcb_query_tree_children(top);
	n = xcb_query_tree_children_length(top);
	/* Children come bottom to top. */
	for (i = 0; i < n && found == XCB_NONE; i++) {
		xcb_query_tree_reply_t *sub;
		int j, m;

		if (try_match(cap, kids[i], pat, net_wm_name, &unmapped)) {
			found = kids[i];
			break;
		}
		sub = xcb_query_tree_reply(cap->conn,
			xcb_query_tree(cap->conn, kids[i]), NULL);
		if (!sub)
			continue;
		m = xcb_query_tree_children_length(sub);
		for (j = 0; j < m; j++) {
			xcb_window_t w = xcb_query_tree_children(sub)[j];

			if (try_match(cap, w, pat, net_wm_name, &unmapped)) {
				found = w;
				break;
			}
		}
		free(sub);
	}
	free(top);
	if (found == XCB_NONE && unmapped != XCB_NONE)
		capture_warn(cap,
			     "capture: window 0x%x matches '%s' but is not "
			     "mapped\n", unmapped, pat);
	return found;
}

static bool parse_id(const char *spec, xcb_window_t *w)
{
	char *end;
	unsigned long v;

	if (spec[0] < '0' || spec[0] > '9')
		return false;
	v = strtoul(spec, &end, 0);
	if (*end || v == 0 || v > 0x1fffffffUL)
		return false;
	*w = (xcb_window_t)v;
	return true;
}

static int check_composite(struct capture *cap)
{
	xcb_composite_query_version_reply_t *v;
	bool ok;

	if (!xcb_get_extension_data(cap->conn, &xcb_composite_id)->present) {
		capture_warn(cap, "capture: sharing a window needs the X "
			     "server's Composite extension\n");
		return ENODEV;
	}
	v = xcb_composite_query_version_reply(cap->conn,
		xcb_composite_query_version(cap->conn, 0, 2), NULL);
	/* NameWindowPixmap came with 0.2. */
	ok = v && (v->major_version > 0 || v->minor_version >= 2);
	free(v);
	if (!ok) {
		capture_warn(cap, "capture: Composite 0.2 is needed to share "
			     "a window\n");
		return ENODEV;
	}
	return 0;
}

/* Same bits per pixel as the root, or the framebuffer layout is wrong. */
static bool depth_fits(const struct capture *cap, int depth)
{
	xcb_format_iterator_t f;

	f = xcb_setup_pixmap_formats_iterator(xcb_get_setup(cap->conn));
	for (; f.rem; xcb_format_next(&f)) {
		if (f.data->depth == depth)
			return f.data->bits_per_pixel ==
				cap->fmt.bits_per_pixel;
	}
	return false;
}

int capture_window_open(struct capture *cap, const char *spec)
{
	const uint32_t mask = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
	xcb_get_geometry_reply_t *geo;
	xcb_window_t w = XCB_NONE;
	int err;

	err = check_composite(cap);
	if (err)
		return err;
	if (!parse_id(spec, &w))
		w = find_by_title(cap, spec);
	if (w == XCB_NONE) {
		capture_warn(cap, "capture: no mapped window titled '%s'\n",
			     spec);
		return ENOENT;
	}
	geo = xcb_get_geometry_reply(cap->conn,
		xcb_get_geometry(cap->conn, w), NULL);
	if (!geo) {
		capture_warn(cap, "capture: there is no window %s\n", spec);
		return ENOENT;
	}
	if (!capture_window_viewable(cap->conn, w)) {
		capture_warn(cap,
			     "capture: window 0x%x is not mapped (viewable)"
			     "\n", w);
		free(geo);
		return ENOENT;
	}
	if (!depth_fits(cap, geo->depth)) {
		capture_warn(cap, "capture: window 0x%x has another pixel size "
			     "than the screen\n", w);
		free(geo);
		return ENOTSUP;
	}
	cap->win = w;
	cap->win_border = geo->border_width;
	capture_set_size(cap, geo->width, geo->height);
	free(geo);

	xcb_change_window_attributes(cap->conn, w, XCB_CW_EVENT_MASK, &mask);
	xcb_composite_redirect_window(cap->conn, w,
				      XCB_COMPOSITE_REDIRECT_AUTOMATIC);
	cap->damage_target = w;
	capture_window_rename(cap);
	if (cap->win_pixmap == XCB_NONE) {
		capture_warn(cap, "capture: cannot read window 0x%x's pixels\n",
			     w);
		return EIO;
	}
	capture_info(cap, "capture: sharing window 0x%x (%dx%d)\n", w,
		     cap->fmt.width, cap->fmt.height);
	return 0;
}

void capture_window_close(struct capture *cap)
{
	if (cap->win == XCB_NONE || xcb_connection_has_error(cap->conn))
		return;
	if (cap->win_pixmap != XCB_NONE)
		xcb_free_pixmap(cap->conn, cap->win_pixmap);
	if (!cap->area_gone)
		xcb_composite_unredirect_window(cap->conn, cap->win,
				XCB_COMPOSITE_REDIRECT_AUTOMATIC);
	cap->win_pixmap = XCB_NONE;
}

/* The pixmap holding the window's pixels changes with every resize and
 * map; an unmapped window has none, and the last one (its last picture)
 * is kept. */
void capture_window_rename(struct capture *cap)
{
	xcb_pixmap_t pm = xcb_generate_id(cap->conn);
	xcb_generic_error_t *e;
	xcb_get_geometry_reply_t *geo;

	e = xcb_request_check(cap->conn, xcb_composite_name_window_pixmap_checked(
			cap->conn, cap->win, pm));
	if (e) {
		free(e);
		return;
	}
	geo = xcb_get_geometry_reply(cap->conn,
		xcb_get_geometry(cap->conn, cap->win), NULL);
	if (geo) {
		cap->win_border = geo->border_width;
		free(geo);
	}
	if (cap->win_pixmap != XCB_NONE)
		xcb_free_pixmap(cap->conn, cap->win_pixmap);
	cap->win_pixmap = pm;
	cap->src = pm;
	/* The pixmap holds the border too. */
	cap->src_x = cap->win_border;
	cap->src_y = cap->win_border;
}

bool capture_window_handle_event(struct capture *cap,
				 const xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {
	case XCB_CONFIGURE_NOTIFY: {
		const xcb_configure_notify_event_t *cn = (const void *)ev;

		if (cn->window != cap->win)
			return false;
		/* A move needs nothing: the pixels are the window's own. */
		if (cn->width != cap->fmt.width ||
		    cn->height != cap->fmt.height)
			cap->resize_pending = true;
		else if (cn->border_width != cap->win_border)
			cap->area_refresh = true;
		return true;
	}
	case XCB_MAP_NOTIFY: {
		const xcb_map_notify_event_t *mn = (const void *)ev;

		if (mn->window != cap->win)
			return false;
		cap->area_refresh = true;
		return true;
	}
	case XCB_UNMAP_NOTIFY: {
		const xcb_unmap_notify_event_t *un = (const void *)ev;

		/* The viewers keep its last picture until it is back. */
		return un->window == cap->win;
	}
	case XCB_DESTROY_NOTIFY: {
		const xcb_destroy_notify_event_t *dn = (const void *)ev;

		if (dn->window != cap->win)
			return false;
		if (!cap->area_gone)
			capture_warn(cap, "capture: the shared window 0x%x was "
				     "destroyed; sharing ends\n", cap->win);
		cap->area_gone = true;
		return true;
	}
	default:
		return false;
	}
}

int capture_window_size(struct capture *cap, int *width, int *height)
{
	xcb_get_geometry_reply_t *geo;

	geo = xcb_get_geometry_reply(cap->conn,
		xcb_get_geometry(cap->conn, cap->win), NULL);
	if (!geo)
		return xcb_connection_has_error(cap->conn) ? EPIPE : ENOENT;
	*width = geo->width;
	*height = geo->height;
	free(geo);
	return 0;
}
