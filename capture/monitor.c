/*
 * monitor.c - share one RandR 1.5 monitor: the part of the root it covers,
 * followed when RandR changes it (see resize.c for the events).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/randr.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"

/* The names of the monitors there are, for an error message. */
static void list_monitors(struct capture *cap, char *buf, size_t size)
{
	xcb_randr_get_monitors_reply_t *r;
	xcb_randr_monitor_info_iterator_t it;
	size_t used = 0;

	buf[0] = '\0';
	r = xcb_randr_get_monitors_reply(cap->conn,
		xcb_randr_get_monitors(cap->conn, cap->root, 1), NULL);
	if (!r)
		return;
	for (it = xcb_randr_get_monitors_monitors_iterator(r); it.rem;
	     xcb_randr_monitor_info_next(&it)) {
		xcb_get_atom_name_reply_t *n;
		int len;

		n = xcb_get_atom_name_reply(cap->conn,
			xcb_get_atom_name(cap->conn, it.data->name), NULL);
		if (!n)
			continue;
		len = snprintf(buf + used, size - used, "%s%.*s",
			       used ? " " : "", xcb_get_atom_name_name_length(n),
			       xcb_get_atom_name_name(n));
		free(n);
		if (len < 0 || (size_t)len >= size - used)
			break;
		used += (size_t)len;
	}
	free(r);
}

/* Our event mask on the root is one value for the whole connection:
 * add to it, never replace what others selected. */
static void add_root_events(struct capture *cap, uint32_t mask)
{
	xcb_get_window_attributes_reply_t *a;

	a = xcb_get_window_attributes_reply(cap->conn,
		xcb_get_window_attributes(cap->conn, cap->root), NULL);
	if (a)
		mask |= a->your_event_mask;
	free(a);
	xcb_change_window_attributes(cap->conn, cap->root, XCB_CW_EVENT_MASK,
				     &mask);
}

int capture_monitor_open(struct capture *cap, const char *name)
{
	xcb_randr_query_version_reply_t *v;
	xcb_intern_atom_reply_t *a;
	char names[512];
	int x, y, w, h, err;

	if (!xcb_get_extension_data(cap->conn, &xcb_randr_id)->present) {
		capture_warn(cap, "capture: sharing a monitor needs RandR\n");
		return ENODEV;
	}
	v = xcb_randr_query_version_reply(cap->conn,
		xcb_randr_query_version(cap->conn, 1, 5), NULL);
	cap->have_randr15 = v && (v->major_version > 1 ||
				  v->minor_version >= 5);
	free(v);
	if (!cap->have_randr15) {
		capture_warn(cap, "capture: sharing a monitor needs RandR "
			     "1.5\n");
		return ENODEV;
	}
	a = xcb_intern_atom_reply(cap->conn, xcb_intern_atom(cap->conn, 1,
			(uint16_t)strlen(name), name), NULL);
	cap->monitor = a ? a->atom : XCB_NONE;
	free(a);
	err = cap->monitor == XCB_NONE ? ENOENT :
		capture_monitor_geometry(cap, &x, &y, &w, &h);
	if (err) {
		list_monitors(cap, names, sizeof(names));
		capture_warn(cap, "capture: no RandR monitor '%s' on this "
			     "screen (there are: %s)\n", name,
			     names[0] ? names : "none");
		return err;
	}
	capture_set_size(cap, w, h);
	cap->area_refresh = false;
	/* Monitors made by clients (xrandr --setmonitor) change without any
	 * RandR event: the server only sends the root a ConfigureNotify. */
	add_root_events(cap, XCB_EVENT_MASK_STRUCTURE_NOTIFY);
	capture_info(cap, "capture: sharing monitor %s (%dx%d+%d+%d)\n", name,
		     w, h, x, y);
	return 0;
}

/* Where the monitor is now, cut to the screen (a virtual monitor may
 * reach past it, and the server refuses to read there). */
int capture_monitor_geometry(struct capture *cap, int *x, int *y, int *width,
			     int *height)
{
	xcb_randr_get_monitors_reply_t *r;
	xcb_randr_monitor_info_iterator_t it;
	xcb_get_geometry_reply_t *root;
	int x1 = 0, y1 = 0, found = 0;

	r = xcb_randr_get_monitors_reply(cap->conn,
		xcb_randr_get_monitors(cap->conn, cap->root, 1), NULL);
	root = xcb_get_geometry_reply(cap->conn,
		xcb_get_geometry(cap->conn, cap->root), NULL);
	if (r && root) {
		for (it = xcb_randr_get_monitors_monitors_iterator(r);
		     it.rem; xcb_randr_monitor_info_next(&it)) {
			if (it.data->name != cap->monitor)
				continue;
			*x = it.data->x > 0 ? it.data->x : 0;
			*y = it.data->y > 0 ? it.data->y : 0;
			x1 = it.data->x + it.data->width;
			y1 = it.data->y + it.data->height;
			x1 = x1 < root->width ? x1 : root->width;
			y1 = y1 < root->height ? y1 : root->height;
			found = x1 > *x && y1 > *y;
			break;
		}
	}
	free(r);
	free(root);
	if (!found)
		return xcb_connection_has_error(cap->conn) ? EPIPE : ENOENT;
	*width = x1 - *x;
	*height = y1 - *y;

	if (*x != cap->src_x || *y != cap->src_y) {
		pthread_mutex_lock(&cap->input_lock);
		cap->mon_x = *x;
		cap->mon_y = *y;
		pthread_mutex_unlock(&cap->input_lock);
		cap->src_x = cap->damage_dx = *x;
		cap->src_y = cap->damage_dy = *y;
		cap->area_refresh = true;
	}
	return 0;
}

bool capture_monitor_handle_event(struct capture *cap,
				  const xcb_generic_event_t *ev)
{
	const xcb_configure_notify_event_t *cn = (const void *)ev;

	if ((ev->response_type & 0x7f) != XCB_CONFIGURE_NOTIFY ||
	    cn->window != cap->root)
		return false;
	cap->resize_pending = true;
	return true;
}
