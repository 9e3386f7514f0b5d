/*
 * view.h - `sipvnc view` (server/view.c): the local port where VNC viewers
 * connect, each connection placing (or taking) one call.
 */
#ifndef SIPVNC_VIEW_H
#define SIPVNC_VIEW_H

#include <stdbool.h>

#include "server/app.h"

/* listen_addr: "unix:PATH", loopback "ADDRESS:PORT" (VNC password unless
 * no_auth), or NULL for the Unix socket in our runtime directory. */
int view_start(struct app *app, const char *listen_addr, bool no_auth);
/* Close the local port and remove its socket and password file. */
void view_stop(struct app *app);
void view_call_ended(struct app *app);
/* The local viewer waiting for an incoming share, handed over (or -1),
 * with its login's RFB minor version (0: none). */
int view_take_waiting_viewer(struct app *app, int *minor);

#endif
