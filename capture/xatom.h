/*
 * xatom.h - an X atom by name, for capture/ and for the windows server/
 * draws itself (the answer dialog): one round trip, XCB_ATOM_NONE when
 * the X server does not answer.
 */
#ifndef SIPVNC_CAPTURE_XATOM_H
#define SIPVNC_CAPTURE_XATOM_H

#include <xcb/xcb.h>

xcb_atom_t capture_atom(xcb_connection_t *conn, const char *name);

#endif
