/*
 * area.c - what part of the display is shared: the whole screen, one
 * window (window.c) or one RandR monitor (monitor.c).  Each sets where
 * fetches read (src, src_x/src_y), what DAMAGE watches, and how viewer
 * coordinates become root ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_log.h"
#include "capture/capture_int.h"

int capture_open(struct capture **capp, const char *display)
{
	return capture_open_area(capp, display, NULL, NULL);
}

int capture_area_open(struct capture *cap, const struct capture_area *area,
		      const char *display)
{
	cap->kind = area ? area->kind : CAPTURE_SCREEN;
	cap->src = cap->root;
	cap->damage_target = cap->root;

	/* Input threads ask the server things; a connection of their own
	 * keeps them from reading the main connection's events. */
	cap->input_conn = xcb_connect(display, NULL);
	if (xcb_connection_has_error(cap->input_conn)) {
		capture_warn(cap, "capture: cannot open a second connection "
			     "to the X display\n");
		return ECONNREFUSED;
	}

	if (cap->kind == CAPTURE_SCREEN)
		return 0;
	if (!area->spec || !area->spec[0] ||
	    strlen(area->spec) >= sizeof(cap->spec)) {
		capture_warn(cap, "capture: the %s to share needs a name of 1 "
			     "to %zu characters\n", cap->kind == CAPTURE_WINDOW ?
			     "window" : "monitor", sizeof(cap->spec) - 1);
		return EINVAL;
	}
	memcpy(cap->spec, area->spec, strlen(area->spec) + 1);
	switch (cap->kind) {
	case CAPTURE_WINDOW:
		return capture_window_open(cap, cap->spec);
	case CAPTURE_MONITOR:
		return capture_monitor_open(cap, cap->spec);
	default:
		return EINVAL;
	}
}

void capture_area_close(struct capture *cap)
{
	if (cap->kind == CAPTURE_WINDOW)
		capture_window_close(cap);
	if (cap->input_conn)
		xcb_disconnect(cap->input_conn);
	cap->input_conn = NULL;
}

bool capture_area_handle_event(struct capture *cap,
			       const xcb_generic_event_t *ev)
{
	if (cap->kind == CAPTURE_WINDOW)
		return capture_window_handle_event(cap, ev);
	return cap->kind == CAPTURE_MONITOR &&
	       capture_monitor_handle_event(cap, ev);
}

bool capture_area_pending(const struct capture *cap)
{
	return cap->area_refresh || cap->area_gone;
}

int capture_area_process(struct capture *cap, capture_changed_h *changedh,
			 void *arg)
{
	if (cap->area_gone)
		return ENODEV;
	if (!cap->area_refresh)
		return 0;
	cap->area_refresh = false;
	capture_area_rename(cap);
	return capture_refresh(cap, changedh, arg);
}

int capture_area_query_size(struct capture *cap, int *width, int *height)
{
	xcb_get_geometry_reply_t *geo;
	int x, y;

	switch (cap->kind) {
	case CAPTURE_WINDOW:
		return capture_window_size(cap, width, height);
	case CAPTURE_MONITOR:
		return capture_monitor_geometry(cap, &x, &y, width, height);
	default:
		break;
	}
	geo = xcb_get_geometry_reply(cap->conn,
		xcb_get_geometry(cap->conn, cap->root), NULL);
	if (!geo)
		return xcb_connection_has_error(cap->conn) ? EPIPE : EIO;
	*width = geo->width;
	*height = geo->height;
	free(geo);
	return 0;
}

void capture_area_rename(struct capture *cap)
{
	if (cap->kind == CAPTURE_WINDOW)
		capture_window_rename(cap);
}

bool capture_area_pointer_to_root(struct capture *cap, int *x, int *y)
{
	switch (cap->kind) {
	case CAPTURE_WINDOW:
		return capture_window_pointer_to_root(cap, x, y);
	case CAPTURE_MONITOR:
		*x += cap->mon_x;
		*y += cap->mon_y;
		return true;
	default:
		return true;
	}
}

bool capture_area_key_allowed(struct capture *cap)
{
	return cap->kind != CAPTURE_WINDOW || capture_window_key_allowed(cap);
}
