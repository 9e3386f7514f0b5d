/*
 * window_input.c - input for a shared window: the pointer goes to the
 * window's current place on the root, and only where the window is the
 * topmost one, so no click can reach a neighbour; a key press first gives
 * the window the input focus.  Runs on the input threads with input_lock
 * held, and asks through the capture's input connection.
 */
#include <stdlib.h>

#include "capture/capture_int.h"

/* Window nesting deeper than this is not followed (X has no limit; real
 * desktops nest a few levels). */
#define WINDOW_MAX_DEPTH 32

/* w's ancestors up to the root, nearest first; their count. */
static int ancestors(xcb_connection_t *c, xcb_window_t w, xcb_window_t root,
		     xcb_window_t *out)
{
	int n = 0;

	while (n < WINDOW_MAX_DEPTH && w != root) {
		xcb_query_tree_reply_t *t;

		t = xcb_query_tree_reply(c, xcb_query_tree(c, w), NULL);
		if (!t)
			break;
		w = t->parent;
		free(t);
		if (w == XCB_NONE)
			break;
		out[n++] = w;
	}
	return n;
}

static bool in_list(xcb_window_t w, const xcb_window_t *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == w)
			return true;
	return false;
}

bool capture_window_pointer_to_root(struct capture *cap, int *x, int *y)
{
	xcb_connection_t *c = cap->input_conn;
	xcb_window_t up[WINDOW_MAX_DEPTH], cur = cap->root;
	xcb_translate_coordinates_reply_t *t;
	int rx, ry, n, depth;

	t = xcb_translate_coordinates_reply(c, xcb_translate_coordinates(c,
			cap->win, cap->root, (int16_t)*x, (int16_t)*y), NULL);
	if (!t)
		return false;
	rx = t->dst_x;
	ry = t->dst_y;
	free(t);

	/* Walk down from the root through the topmost window at the point:
	 * it must lead to the shared window, through its ancestors only. */
	n = ancestors(c, cap->win, cap->root, up);
	for (depth = 0; depth < WINDOW_MAX_DEPTH; depth++) {
		xcb_window_t child;

		t = xcb_translate_coordinates_reply(c,
			xcb_translate_coordinates(c, cap->root, cur,
				(int16_t)rx, (int16_t)ry), NULL);
		if (!t)
			return false;
		child = t->child;
		free(t);
		if (child == cap->win) {
			*x = rx;
			*y = ry;
			return true;
		}
		if (child == XCB_NONE || !in_list(child, up, n))
			return false;
		cur = child;
	}
	return false;
}

bool capture_window_key_allowed(struct capture *cap)
{
	xcb_connection_t *c = cap->input_conn;
	xcb_window_t up[WINDOW_MAX_DEPTH];
	xcb_get_input_focus_reply_t *f;
	xcb_window_t focus;

	f = xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL);
	if (!f)
		return false;
	focus = f->focus;
	free(f);
	if (focus == cap->win)
		return true;
	/* PointerRoot (1) and None are no windows to ask about. */
	if (focus > 1 && in_list(cap->win, up, ancestors(c, focus, cap->root,
							 up)))
		return true;
	if (!capture_window_viewable(c, cap->win))
		return false;
	xcb_set_input_focus(c, XCB_INPUT_FOCUS_PARENT, cap->win,
			    XCB_CURRENT_TIME);
	/* The key goes through the other connection: the focus must be
	 * set before it arrives. */
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	return true;
}
