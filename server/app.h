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
struct rfb_groups;
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
	struct list calls;          /* struct media */
	char target[512];           /* view/share: the URI to call */
	bool share_control;         /* share: the far end may use the input */
	struct view_local *view_local; /* view: where local VNC viewers
	                                  connect, and who may */
	struct media *view_call;     /* view: the one call in progress */
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
	struct rfb_groups *groups;  /* encode_groups: viewers of the same
	                               settings share one encoding */

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

struct media;

extern const struct sipua_handlers app_sip_handlers;

/* The browser gateway (web.c): listen, as the configuration at conf_path
 * (NULL: defaults) says; close every session and the port. */
int web_start(struct app *app, const char *conf_path);
void web_stop(struct app *app);
/* What the gateway hears of its calls: SIP progress (180, 183), and the
 * end with its reason (also from the call's destructor). */
void web_call_progress(struct app *app, struct media *call, unsigned scode);
void web_call_ended(struct app *app, struct media *call, const char *why);
/* `sipvnc passwd NAME`: the web_user line for NAME's password. */
int web_passwd_main(int argc, char *argv[]);

#endif
