/*
 * xatom.c - an X atom by name (xatom.h).
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xatom.h"

xcb_atom_t capture_atom(xcb_connection_t *conn, const char *name)
{
	xcb_intern_atom_reply_t *r;
	xcb_atom_t atom = XCB_ATOM_NONE;

	r = xcb_intern_atom_reply(conn, xcb_intern_atom(conn, 0,
				  (uint16_t)strlen(name), name), NULL);
	if (r) {
		atom = r->atom;
		free(r);
	}
	return atom;
}
