/*
 * app.h - what one sipvnc process is running: its settings, the SIP user
 * agent, the MSRP listener, the shared desktop, and the calls in progress.
 */
#ifndef SIPVNC_APP_H
#define SIPVNC_APP_H

#include <limits.h>
#include <stdbool.h>

#include <re.h>

#include "capture/capture.h"
#include "msrp/msrp.h"
#include "sip/sipua.h"
#include "server/log.h"

enum app_mode {
	APP_SERVE, /* answer calls and share this screen */
	APP_VIEW,  /* call a desktop, hand its RFB to a local VNC viewer */
	APP_SHARE, /* call out and share this screen */
	APP_WEB,   /* the browser gateway: a call per WebSocket (web.c) */
};

struct desktop;
struct view_local;
struct web;

/* The media keys' strings, which struct msrp_settings points into. */
struct app_msrp_conf {
	char relay[256], relay_user[128], relay_pass[128];
	char tls_cert[512], tls_key[512], tls_dir[512], tls_ca[512];
};

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
	struct view_local *view_local; /* view: where local VNC viewers
	                                  connect, and who may */
	struct call *view_call;     /* view: the one call in progress */
	int waiting_viewer_fd;      /* view without URI: a local viewer
	                               waiting for someone to share */
	unsigned stall_timeout_ms;  /* stall_timeout: a far end that takes
	                               nothing this long ends its call */
	int waiting_viewer_minor;   /* its RFB 3.minor if it logged in with
	                               our password, else 0 */
	struct web *web;            /* web: the gateway */
	struct log log;             /* levels, journal prefixes */
	int exit_status;            /* why we stop, when not a signal
	                               (enum sipvnc_exit, server/service.h) */
	struct reload *reload;      /* SIGHUP (server/reload.h) */
	struct capture_indicator *indicator;  /* who watches (indicator.h) */

	/* What the settings above point into, for the program's life
	 * (server/main.c fills them from the file and the command line). */
	struct app_msrp_conf msrp_conf;  /* app.msrp's strings */
	const char *cli_window, *cli_monitor; /* --share-window/-monitor */
	char share_spec[256];       /* share_window / share_monitor */
	struct capture_area share_area; /* what serve and share capture */
	char self_exe[PATH_MAX];    /* this binary, for `sipvnc ask` */
	char config_dir[512];       /* service_config_dir(), or "" */
	const char *ask_argv[3];    /* self_exe "ask" NULL */
	struct sipua_handlers sip_handlers;  /* what app.ua calls */
};

struct call;

/* A call whose media is set up on our side; we_serve_rfb picks which end of
 * RFB we are.  local_fd (view only, -1 otherwise) is the local viewer's
 * socket, taken by the call. */
int call_alloc(struct call **callp, struct app *app, bool we_serve_rfb,
	       bool control, int local_fd);
/* When MSRP listens on every address: name ip (the one that routes to
 * the peer, from sipua) in our a=path.  Before call_describe_local(). */
void call_set_local_addr(struct call *call, const char *ip);
/* Our end of the media, for the SDP. */
void call_describe_local(const struct call *call, struct sipua_local *local);
void call_set_sip(struct call *call, struct sipua_call *sip);
/* The local viewer logged in with our VNC password speaking RFB 3.minor:
 * the call answers the far end's greeting itself (view_rfb.h) and then
 * tells the viewer the outcome, before any RFB flows through. */
int call_local_login(struct call *call, int minor);
int call_start_media(struct call *call, const struct sipua_media *media);
/* Call target as an RFB viewer whose local end is local_fd (taken): what
 * `view` does for its local viewer and `web` for each WebSocket.  minor as
 * for call_local_login() (0: none). */
int call_place(struct call **callp, struct app *app, const char *target,
	       int local_fd, int minor);
/* The far end's stream to sinkh instead of local_fd (bridge_set_sink());
 * NULL: local_fd again. */
void call_set_sink(struct call *call,
		   int (*sinkh)(const uint8_t *data, size_t len, void *arg),
		   void *arg);
/* End the call: hang up the SIP side when hangup is set; the rest is torn
 * down on the next loop turn, so it is safe from any handler. */
void call_end(struct call *call, bool hangup, const char *why);
/* call_end() every call (BYE), e.g. when stopping. */
void call_end_all(struct app *app, const char *why);
/* For the indicator: "PEER (view|control)" while call shows our screen
 * to someone; false for other calls. */
bool call_viewer_line(const struct call *call, char *buf, size_t size);

extern const struct sipua_handlers app_sip_handlers;

/* listen_addr: "unix:PATH", loopback "ADDRESS:PORT" (VNC password unless
 * no_auth), or NULL for the Unix socket in our runtime directory. */
int view_start(struct app *app, const char *listen_addr, bool no_auth);
/* Close the local port and remove its socket and password file. */
void view_stop(struct app *app);
void view_call_ended(struct app *app);
/* The local viewer waiting for an incoming share, handed over (or -1),
 * with its login's RFB minor version (0: none). */
int view_take_waiting_viewer(struct app *app, int *minor);

/* The browser gateway (web.c): listen, as the configuration at conf_path
 * (NULL: defaults) says; close every session and the port. */
int web_start(struct app *app, const char *conf_path);
void web_stop(struct app *app);
/* What the gateway hears of its calls: SIP progress (180, 183), and the
 * end with its reason (also from the call's destructor). */
void web_call_progress(struct app *app, struct call *call, unsigned scode);
void web_call_ended(struct app *app, struct call *call, const char *why);
/* `sipvnc passwd NAME`: the web_user line for NAME's password. */
int web_passwd_main(int argc, char *argv[]);

#endif
