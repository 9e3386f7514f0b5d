/*
 * media.h - the media of one call (server/media.c): its MSRP session, the
 * bridge to libvncserver or to a local viewer, and the call's end.  The
 * SIP side is sip/'s; this is what server/ hangs on it.
 */
#ifndef SIPVNC_MEDIA_H
#define SIPVNC_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/app.h"
#include "sip/sipua.h"

/* A call whose media is set up on our side; we_serve_rfb picks which end of
 * RFB we are.  local_fd (view only, -1 otherwise) is the local viewer's
 * socket, taken by the call. */
int media_alloc(struct media **callp, struct app *app, bool we_serve_rfb,
	        bool control, int local_fd);
/* When MSRP listens on every address: name ip (the one that routes to
 * the peer, from sipua) in our a=path.  Before media_describe_local(). */
void media_set_local_addr(struct media *call, const char *ip);
/* Our end of the media, for the SDP. */
void media_describe_local(const struct media *call, struct sipua_local *local);
void media_set_sip(struct media *call, struct sipua_call *sip);
/* The local viewer logged in with our VNC password speaking RFB 3.minor:
 * the call answers the far end's greeting itself (view_rfb.h) and then
 * tells the viewer the outcome, before any RFB flows through. */
int media_local_login(struct media *call, int minor);
int media_start(struct media *call, const struct sipua_media *media);
/* Call target as an RFB viewer whose local end is local_fd (taken): what
 * `view` does for its local viewer and `web` for each WebSocket.  minor as
 * for media_local_login() (0: none). */
int media_place(struct media **callp, struct app *app, const char *target,
	        int local_fd, int minor);
/* The far end's stream to sinkh instead of local_fd (bridge_set_sink());
 * NULL: local_fd again. */
void media_set_sink(struct media *call,
		    int (*sinkh)(const uint8_t *data, size_t len, void *arg),
		    void *arg);
/* What goes to the far end comes from srch instead of local_fd
 * (bridge_set_source()); say when it has more with media_source_ready().
 * NULL: local_fd again. */
void media_set_source(struct media *call,
		      size_t (*srch)(uint8_t *buf, size_t size, void *arg),
		      void *arg);
void media_source_ready(struct media *call);
/* Whether the call's local viewer has closed its end (its EOF may wait
 * unread behind an event of the same loop turn). */
bool media_viewer_left(const struct media *call);
/* End the call: hang up the SIP side when hangup is set; the rest is torn
 * down on the next loop turn, so it is safe from any handler. */
void media_end(struct media *call, bool hangup, const char *why);
/* media_end() every call (BYE), e.g. when stopping. */
void media_end_all(struct app *app, const char *why);
/* For the indicator: "PEER (view|control)" while call shows our screen
 * to someone; false for other calls. */
bool media_viewer_line(const struct media *call, char *buf, size_t size);

#endif
