/*
 * app.h - what one sipvnc process is running: its settings, the SIP user
 * agent, the MSRP listener, the shared desktop, and the calls in progress.
 */
#ifndef SIPVNC_APP_H
#define SIPVNC_APP_H

#include <stdbool.h>

#include <re.h>

#include "msrp/msrp.h"
#include "sip/sipua.h"

enum app_mode {
	APP_SERVE, /* answer calls and share this screen */
	APP_VIEW,  /* call a desktop, hand its RFB to a local VNC viewer */
	APP_SHARE, /* call out and share this screen */
};

struct desktop;

struct app {
	enum app_mode mode;
	struct conf *conf;
	struct sipua *ua;
	struct msrp_sock *msrp_sock;
	struct msrp_settings msrp;
	struct desktop *desktop;    /* serve and share */
	struct list calls;          /* struct call */
	char target[512];           /* view/share: the URI to call */
	bool share_control;         /* share: the far end may use the input */
	int view_listen_fd;         /* view: where local VNC viewers connect */
	struct call *view_call;     /* view: the one call in progress */
	int waiting_viewer_fd;      /* view without URI: a local viewer
	                               waiting for someone to share */
	unsigned stall_timeout_ms;  /* stall_timeout: a far end that takes
	                               nothing this long ends its call */
};

struct call;

/* A call whose media is set up on our side; we_serve_rfb picks which end of
 * RFB we are.  local_fd (view only, -1 otherwise) is the local viewer's
 * socket, taken by the call. */
int call_alloc(struct call **callp, struct app *app, bool we_serve_rfb,
	       bool control, int local_fd);
/* Our end of the media, for the SDP. */
void call_describe_local(const struct call *call, struct sipua_local *local);
void call_set_sip(struct call *call, struct sipua_call *sip);
int call_start_media(struct call *call, const struct sipua_media *media);
/* End the call: hang up the SIP side when hangup is set; the rest is torn
 * down on the next loop turn, so it is safe from any handler. */
void call_end(struct call *call, bool hangup, const char *why);

extern const struct sipua_handlers app_sip_handlers;

int view_start(struct app *app, const char *listen_addr);
void view_call_ended(struct app *app);
/* The local viewer waiting for an incoming share, handed over (or -1). */
int view_take_waiting_viewer(struct app *app);

#endif
