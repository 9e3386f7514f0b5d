/*
 * main.c - sipvnc: this X desktop at a SIP address, RFB over MSRP.
 *
 *   sipvnc [serve] [-c FILE]              answer calls, share this screen
 *   sipvnc view URI [--listen unix:PATH|ADDR:PORT] [--no-auth]
 *                                         call a desktop, serve its RFB to
 *                                         a local VNC viewer
 *   sipvnc share URI [--control]          call out and share this screen
 *   sipvnc ask CALLER view|control        the dialog of answermode manual
 *   sipvnc web [-c FILE]                  the browser gateway (web.c)
 *   sipvnc passwd NAME                    a web user's line (web_conf.c)
 *   sipvnc keys [--md|--conf|--man]       the configuration keys (conf_keys.c)
 */
#include <errno.h>
#include <sys/resource.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "capture/capture.h"
#include "server/log.h"
#include "server/app.h"
#include "server/view.h"
#include "server/media.h"
#include "server/ask.h"
#include "server/conf_check.h"
#include "server/conf_keys.h"
#include "server/desktop_clipboard.h"
#include "server/desktop.h"
#include "server/indicator.h"
#include "server/reload.h"
#include "server/rfb_group.h"
#include "server/service.h"

#ifndef SIPVNC_VERSION     /* the Makefile passes debian/changelog's */
#define SIPVNC_VERSION "unknown"
#endif


/* Used when no -c is given: loopback only, nobody allowed to call in. */
static const char default_serve_conf[] =
	"sip_listen\t127.0.0.1:5060\n";
/* view/share place calls: any free port will do. */
static const char default_client_conf[] =
	"sip_listen\t127.0.0.1:0\n";

static void usage(FILE *out)
{
	fputs("usage: sipvnc [serve] [-c FILE] [-v]\n"
	      "       sipvnc view [URI] [--listen unix:PATH|ADDR:PORT] "
	      "[--no-auth] [-c FILE]\n"
	      "       sipvnc share URI [--control] [-c FILE]\n"
	      "       sipvnc check -c FILE\n"
	      "       sipvnc keys [--md|--conf|--man]\n"
	      "       sipvnc --version\n"
	      "       sipvnc web [-c FILE]\n"
	      "       sipvnc passwd NAME\n"
	      "\n"
	      "serve  answer RFB-over-MSRP calls and share this X display\n"
	      "view   call URI and relay its screen to a local VNC viewer;\n"
	      "       without URI, take calls that share a screen (allowed\n"
	      "       callers only).  Who can reach the local port:\n"
	      "       default  Unix socket $XDG_RUNTIME_DIR/sipvnc/view.sock\n"
	      "                (/tmp/sipvnc-UID/ without XDG_RUNTIME_DIR),\n"
	      "                mode 0600: only you\n"
	      "       --listen unix:PATH  the same at PATH\n"
	      "       --listen 127.0.0.1:PORT  any local user can connect,\n"
	      "                but needs the VNC password made at start\n"
	      "                (file printed, for vncviewer -passwd);\n"
	      "                loopback only\n"
	      "       --no-auth  no password on a TCP port: any local user\n"
	      "                places calls as you\n"
	      "share  call URI and share this screen with it (view only\n"
	      "       unless --control)\n"
	      "web    a page where a browser calls desktops (noVNC);\n"
	      "       without -c: http://127.0.0.1:8080/?token=... (the\n"
	      "       token is printed at start); elsewhere only with TLS\n"
	      "       and web users (web_cert, web_user, web_allow)\n"
	      "passwd print the web_user line for NAME's password (stdin)\n"
	      "check  report every problem of FILE as FILE:LINE: message\n"
	      "keys   every configuration key: value, default, modes\n"
	      "-c     configuration file (see sipvnc.conf(5))\n"
	      "-v     log at level debug\n"
	      "--share-window ID|TITLE, --share-monitor NAME (serve, share)\n"
	      "       share one window or RandR monitor, not the screen\n",
	      out);
}

static struct app app;
static bool stopping;

static void on_stop_timeout(void *arg)
{
	(void)arg;
	re_cancel();
}

static struct tmr stop_tmr;     /* the un-REGISTER's grace period */
static const char *program = "sipvnc";

/* libre's loop takes 1024 descriptors unless told otherwise: a flood of
 * idle TCP connections would then make it refuse an allowed caller's.
 * The soft limit goes up to the hard one (at most FDS_MAX: libre keeps
 * a table entry per possible descriptor) and the loop takes that many. */
enum { FDS_MAX = 65536 };

static void size_main_loop(void)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > FDS_MAX ?
		FDS_MAX : rl.rlim_max;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			want = 1024;
	}
	else {
		want = rl.rlim_cur > FDS_MAX ? FDS_MAX : rl.rlim_cur;
	}
	if (fd_setsize((int)want))
		log_warn("sipvnc: cannot size the event loop for "
			 "%d descriptors\n", (int)want);
}

/* Hang up every call (BYE), un-REGISTER, and leave the loop once the
 * requests had their moment on the wire. */
static void stop_all(const char *why)
{
	stopping = true;
	media_end_all(&app, why);         /* BYE, and each call's audit line */
	list_flush(&app.calls);
	if (app.ua)
		sipua_shutdown(app.ua);  /* un-REGISTER */
	tmr_init(&stop_tmr);
	tmr_start(&stop_tmr, 500, on_stop_timeout, NULL);
}

static void on_signal(int sig)
{
	if (stopping) {
		re_cancel();
		return;
	}
	log_info("sipvnc: signal %d, stopping\n", sig);
	stop_all("sipvnc stopped (signal)");
}

/* Any thread may take it: only a byte into the reload pipe. */
static void on_sighup(int sig)
{
	(void)sig;
	reload_signal(app.reload);
}

/* Capture ended for good: the shared window was destroyed (ENODEV: a
 * normal end of sharing), or the X display went away (status 5). */
static void on_display_lost(int err, void *arg)
{
	(void)arg;
	if (stopping)
		return;
	if (err == ENODEV) {
		log_info("sipvnc: the shared window is gone: hanging up "
			 "every call and stopping\n");
		stop_all("the shared window is gone");
		return;
	}
	log_err("sipvnc: the X display went away (%m): hanging up every "
		"call and stopping (exit status %d)\n", err,
		SIPVNC_EXIT_DISPLAY);
	app.exit_status = SIPVNC_EXIT_DISPLAY;
	stop_all("the X display went away");
}

static int load_conf(const char *path)
{
	int err;

	if (path) {
		err = confcheck_file(path);
		if (err == EINVAL)
			return err;
		err = confkeys_load(&app.conf, path);
		if (err)
			log_err("sipvnc: cannot read %s: %m\n",
				path, err);
		return err;
	}
	if (app.mode == APP_SERVE)
		return confkeys_load_buf(&app.conf,
					  (const uint8_t *)default_serve_conf,
					  sizeof(default_serve_conf) - 1);
	return confkeys_load_buf(&app.conf,
				  (const uint8_t *)default_client_conf,
				  sizeof(default_client_conf) - 1);
}

/* A string key of the media side into buf, one of app.msrp_conf's, and
 * *setting (one of app.msrp's) pointing at it; untouched without key. */
static void media_str(const char *key, char *buf, size_t size,
		      const char **setting)
{
	if (!conf_get_str(app.conf, key, buf, size))
		*setting = buf;
}

/* Settings of the media side; the SIP side reads its own keys. */
static int apply_media_conf(struct sa *msrp_laddr)
{
	struct msrp_settings *ms = &app.msrp;
	struct app_msrp_conf *c = &app.msrp_conf;
	char buf[256];
	uint32_t num;

	app.msrp.content_type = "application/x-rfb";
	app.msrp.logh = log_sink;   /* msrp/'s lines: server/log.c */
	app.msrp.log_arg = &app.log;
	app.msrp.chunk_size = 8192;
	if (!conf_get_u32(app.conf, "msrp_chunk_size", &num)) {
		if (num < 256 || num > 1024 * 1024) {
			log_err("sipvnc: msrp_chunk_size %u is out "
				"of range (256..1048576)\n", num);
			return EINVAL;
		}
		app.msrp.chunk_size = num;
	}
	if (!conf_get_u32(app.conf, "msrp_txq_limit", &num))
		app.msrp.txq_limit = num;
	/* seconds of silence before the connecting side's empty SEND; 0 in
	 * the file turns it off, msrp/ takes 0 as its default (30 s) */
	if (!conf_get_u32(app.conf, "msrp_keepalive", &num))
		app.msrp.keepalive = num ? (int)(num > 86400 ? 86400 : num) : -1;
	media_str("msrp_tls_ca", c->tls_ca, sizeof(c->tls_ca),
		  &ms->tls_ca_file);
	/* Dead and stalled peers: 0 in the file turns each off. */
	if (!conf_get_u32(app.conf, "peer_timeout", &num))
		ms->peer_timeout = num ? (int)(num > 86400 ? 86400 : num) : -1;
	app.stall_timeout_ms = 60000;
	if (!conf_get_u32(app.conf, "stall_timeout", &num))
		app.stall_timeout_ms = (num > 86400 ? 86400 : num) * 1000;

	/* Relay and TLS: socket-wide, so the socket takes them at birth. */
	media_str("msrp_relay", c->relay, sizeof(c->relay), &ms->relay);
	media_str("msrp_relay_user", c->relay_user, sizeof(c->relay_user),
		  &ms->relay_user);
	media_str("msrp_relay_pass", c->relay_pass, sizeof(c->relay_pass),
		  &ms->relay_pass);
	(void)conf_get_bool(app.conf, "msrp_tls", &app.msrp.tls);
	media_str("msrp_tls_cert", c->tls_cert, sizeof(c->tls_cert),
		  &ms->tls_cert);
	media_str("msrp_tls_key", c->tls_key, sizeof(c->tls_key),
		  &ms->tls_key);
	media_str("msrp_tls_dir", c->tls_dir, sizeof(c->tls_dir),
		  &ms->tls_dir);
	/* Fingerprint-less TLS peers (Blink) are let in unless this says
	 * every TLS peer must be authenticated. */
	(void)conf_get_bool(app.conf, "msrp_tls_require_auth",
			    &app.msrp.tls_require_auth);
	/* Who answers takes a TLS offer in kind even with msrp_tls no: Blink
	 * set to TLS (its default) refuses a TCP/MSRP answer. */
	app.msrp.tls_answer = app.mode == APP_SERVE ||
		(app.mode == APP_VIEW && !app.target[0]);
	if (!app.msrp.tls_cert != !app.msrp.tls_key) {
		log_err("sipvnc: msrp_tls_cert and msrp_tls_key "
			"go together\n");
		return EINVAL;
	}

	/* MSRP listens on the SIP address unless told otherwise: on every
	 * address when SIP does, as with an account and no sip_listen. */
	if (conf_get_str(app.conf, "msrp_listen", buf, sizeof(buf))) {
		struct sa sip;
		bool has_sip = !conf_get_str(app.conf, "sip_listen", buf,
					     sizeof(buf));

		if (has_sip && !sa_decode(&sip, buf, strlen(buf))) {
			*msrp_laddr = sip;   /* keeps an IPv6 one's brackets */
			sa_set_port(msrp_laddr, 0);
			return 0;
		}
		str_ncpy(buf, "127.0.0.1", sizeof(buf));
		if (!has_sip && !conf_get_str(app.conf, "account", buf,
					      sizeof(buf)))
			str_ncpy(buf, "::", sizeof(buf));
		return sa_set_str(msrp_laddr, buf, 0) ? EINVAL : 0;
	}
	if (sa_decode(msrp_laddr, buf, strlen(buf))) {
		log_err("sipvnc: msrp_listen wants ADDRESS:PORT, "
			"not '%s'\n", buf);
		return EINVAL;
	}
	return 0;
}

/* share_window / share_monitor (--share-window / --share-monitor
 * override both keys): one window or monitor instead of the whole
 * screen, into app.share_area for desktop_open(). */
/* encode_groups (server/rfb_group.h), on unless the config says no. */
static int open_groups(void)
{
	bool on = true;

	(void)conf_get_bool(app.conf, "encode_groups", &on);
	return on ? rfb_groups_alloc(&app.groups, app.desktop) : 0;
}

static int apply_share_area(void)
{
	const char *cli_window = app.cli_window, *cli_monitor = app.cli_monitor;
	char window[sizeof(app.share_spec)] = "", monitor[sizeof(window)] = "";
	bool has_window, has_monitor;

	app.share_area = (struct capture_area){CAPTURE_SCREEN, NULL};
	if ((cli_window && strlen(cli_window) >= sizeof(window)) ||
	    (cli_monitor && strlen(cli_monitor) >= sizeof(monitor))) {
		log_err("sipvnc: a window or monitor name has at "
			"most %zu characters\n", sizeof(window) - 1);
		return EINVAL;
	}
	if (cli_window || cli_monitor) {
		str_ncpy(window, cli_window ? cli_window : "", sizeof(window));
		str_ncpy(monitor, cli_monitor ? cli_monitor : "",
			 sizeof(monitor));
	}
	else {
		(void)conf_get_str(app.conf, "share_window", window,
				   sizeof(window));
		(void)conf_get_str(app.conf, "share_monitor", monitor,
				   sizeof(monitor));
	}
	has_window = window[0] != '\0';
	has_monitor = monitor[0] != '\0';
	if (has_window && has_monitor) {
		log_err("sipvnc: share_window and share_monitor "
			"exclude each other\n");
		return EINVAL;
	}
	if (has_window || has_monitor) {
		str_ncpy(app.share_spec, has_window ? window : monitor,
			 sizeof(app.share_spec));
		app.share_area = (struct capture_area){
			has_window ? CAPTURE_WINDOW : CAPTURE_MONITOR,
			app.share_spec};
	}
	return 0;
}

/* app_sip_handlers, plus our own dialog (`sipvnc ask`) as the asker of
 * answermode manual: this very binary, found through /proc so that it
 * works whatever the PATH or the working directory. */
static const struct sipua_handlers *sip_handlers(void)
{
	struct sipua_handlers *handlers = &app.sip_handlers;
	ssize_t n;

	*handlers = app_sip_handlers;
	handlers->calls_out_only = app.mode == APP_SHARE ||
				   app.mode == APP_WEB ||
				   (app.mode == APP_VIEW && app.target[0]);
	handlers->config_dir = app.config_dir[0] ? app.config_dir : NULL;
	handlers->logh = log_sink;   /* sip/'s lines: server/log.c */
	handlers->log_arg = &app.log;
	n = readlink("/proc/self/exe", app.self_exe,
		     sizeof(app.self_exe) - 1);
	if (n > 0 && app.mode == APP_SERVE) {
		app.self_exe[n] = '\0';
		app.ask_argv[0] = app.self_exe;
		app.ask_argv[1] = "ask";
		app.ask_argv[2] = NULL;
		handlers->ask_argv = app.ask_argv;
	}
	return handlers;
}

/* The display serve shares: the file's, else $DISPLAY. */
static const char *serve_display(char *buf, size_t size)
{
	if (conf_get_str(app.conf, "display", buf, size) || !buf[0])
		return getenv("DISPLAY");
	return buf;
}

static int start(const char *listen_addr, bool no_auth,
		 const char *conf_path)
{
	char display[128] = "", clip[16] = "";
	struct sa msrp_laddr;
	int err;

	err = apply_media_conf(&msrp_laddr);
	if (err)
		return err;
	service_config_folders(&app);

	if (app.mode != APP_VIEW && app.mode != APP_WEB) {
		/* capture/'s lines: server/log.c (copied at open) */
		const struct capture_settings cs = {
			.logh = log_sink, .log_arg = &app.log,
		};

		(void)conf_get_str(app.conf, "display", display,
				   sizeof(display));
		err = apply_share_area();
		if (err)
			return err;
		/* what we run (the answer dialog) shows on the shared screen */
		if (display[0] && setenv("DISPLAY", display, 1) < 0)
			return errno;
		err = desktop_open(&app.desktop, display[0] ? display : NULL,
				   &app.share_area, &cs);
		if (!err)
			desktop_set_lost_handler(app.desktop, on_display_lost,
						 NULL);
		if (!err)
			err = indicator_open(&app, display[0] ? display : NULL);
		if (!err)
			err = open_groups();
		if (err) {
			log_err("sipvnc: cannot share display "
				"'%s': %m\n", display[0] ? display :
				getenv("DISPLAY") ? getenv("DISPLAY") : "",
				err);
			return err;
		}
		if (!conf_get_str(app.conf, "clipboard", clip, sizeof(clip)) &&
		    desktop_set_clipboard_policy(app.desktop, clip)) {
			log_err("sipvnc: clipboard must be control, "
				"all or off, not '%s'\n", clip);
			return EINVAL;
		}
	}

	err = sipua_alloc(&app.ua, app.conf, sip_handlers(), &app);
	if (err) {
		log_err("sipvnc: SIP start failed: %m\n", err);
		return err;
	}
	/* MSRP resolves relay and path host names as SIP does (dns_server) */
	app.msrp.dnsc = sipua_dnsc(app.ua);

	err = msrp_sock_alloc(&app.msrp_sock, &msrp_laddr);
	if (err == EAFNOSUPPORT && sa_is_any(&msrp_laddr) &&
	    sa_af(&msrp_laddr) == AF_INET6) {
		/* [::] by default, on a machine without IPv6 */
		err = sa_set_str(&msrp_laddr, "0.0.0.0", 0);
		if (!err)
			err = msrp_sock_alloc(&app.msrp_sock, &msrp_laddr);
	}
	if (err) {
		log_err("sipvnc: cannot listen for MSRP on %J: %m\n",
			&msrp_laddr, err);
		return err;
	}
	/* Relay AUTH and the TLS certificate are the socket's, from now on. */
	err = msrp_sock_configure(app.msrp_sock, &app.msrp);
	if (err) {
		log_err("sipvnc: MSRP relay/TLS setup failed: %m\n",
			err);
		return err;
	}

	switch (app.mode) {

	case APP_SERVE: {
		int w, h;

		desktop_size(app.desktop, &w, &h);
		log_info("sipvnc: sharing %s (%dx%d) at %s\n",
			 display[0] ? display : getenv("DISPLAY"), w, h,
			 sipua_contact_uri(app.ua));
		log_info("sipvnc: try: %s view %s  (it prints the "
			 "vncviewer command)\n", program,
			 sipua_contact_uri(app.ua));
		return 0;
	}

	case APP_VIEW:
		return view_start(&app, listen_addr, no_auth);

	case APP_WEB:
		return web_start(&app, conf_path);

	case APP_SHARE: {
		struct sipua_local local;
		struct sipua_call *sip;
		struct media *call;
		char ip[64];

		err = media_alloc(&call, &app, true, app.share_control, -1);
		if (!err) {
			sipua_local_addr_for(app.ua, app.target, ip,
					     sizeof(ip));
			media_set_local_addr(call, ip);
			media_describe_local(call, &local);
			err = sipua_connect(&sip, app.ua, app.target, true,
					    &local, call);
		}
		if (err) {
			log_err("sipvnc: cannot call %s: %m\n",
				app.target, err);
			return err;
		}
		media_set_sip(call, sip);
		log_info("sipvnc: calling %s to share this screen\n",
			 app.target);
		return 0;
	}
	}
	return EINVAL;
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'l'},
		{"no-auth", no_argument, NULL, 'N'},
		{"control", no_argument, NULL, 'C'},
		{"share-window", required_argument, NULL, 'W'},
		{"share-monitor", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	const char *conf_path = NULL, *listen_addr = NULL;
	bool no_auth = false;
	int opt, err, lock_fd = -1;

	program = argv[0];
	if (argc > 1 && !strcmp(argv[1], "ask"))
		return ask_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "passwd"))
		return web_passwd_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "check"))
		return confcheck_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "keys"))
		return confkeys_main(argc - 1, argv + 1);
	app.mode = APP_SERVE;
	app.waiting_viewer_fd = -1;
	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "view"))
			app.mode = APP_VIEW;
		else if (!strcmp(argv[1], "share"))
			app.mode = APP_SHARE;
		else if (!strcmp(argv[1], "web"))
			app.mode = APP_WEB;
		else if (strcmp(argv[1], "serve") != 0) {
			fprintf(stderr, "sipvnc: unknown command '%s'\n",
				argv[1]);
			usage(stderr);
			return 2;
		}
		argv++;
		argc--;
	}
	while ((opt = getopt_long(argc, argv, "c:l:Chv", options, NULL)) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'N': no_auth = true; break;
		case 'C': app.share_control = true; break;
		case 'W': app.cli_window = optarg; break;
		case 'M': app.cli_monitor = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("sipvnc " SIPVNC_VERSION); return 0;
		case 'v': app.log.forced = true; break;
		default: usage(stderr); return 2;
		}
	}
	if (app.mode == APP_VIEW && optind == argc) {
		/* no URI: wait for calls that share a screen with us */
	}
	else if (app.mode != APP_SERVE && app.mode != APP_WEB) {
		if (optind != argc - 1) {
			fprintf(stderr, "sipvnc: %s needs one SIP URI\n",
				app.mode == APP_VIEW ? "view" : "share");
			usage(stderr);
			return 2;
		}
		str_ncpy(app.target, argv[optind], sizeof(app.target));
	}
	else if (optind != argc) {
		usage(stderr);
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = libre_init();
	if (err)
		return 1;
	log_open(&app.log);
	if (app.log.forced)
		log_set_level(&app.log, DBG_DEBUG);
	size_main_loop();

	err = load_conf(conf_path);
	if (err)   /* a bad or unreadable file */
		app.exit_status = SIPVNC_EXIT_CONFIG;
	if (!err) {
		err = service_log_level(&app, app.conf);
		if (err)
			app.exit_status = SIPVNC_EXIT_CONFIG;
	}
	if (!err)
		log_debug("sipvnc: %s, configuration %s, log level %s\n",
			  SIPVNC_VERSION, conf_path ? conf_path : "built in",
			  log_level_name(app.log.level));
	if (!err && app.mode == APP_SERVE) {
		char display[128];

		err = service_lock(serve_display(display, sizeof(display)),
				   conf_path, &lock_fd);
		if (err == EALREADY)
			app.exit_status = SIPVNC_EXIT_RUNNING;
	}
	if (!err)
		err = start(listen_addr, no_auth, conf_path);
	if (!err) {
		struct sigaction sa = { .sa_handler = on_sighup,
					.sa_flags = SA_RESTART };

		err = reload_alloc(&app.reload, &app, conf_path);
		if (!err)
			err = sigaction(SIGHUP, &sa, NULL) < 0 ? errno : 0;
	}
	if (!err)
		err = re_main(on_signal);

	web_stop(&app);   /* its sessions end their calls */
	signal(SIGHUP, SIG_DFL);
	app.reload = mem_deref(app.reload);
	list_flush(&app.calls);
	/* the socket uses the ua's DNS client: it goes first */
	app.msrp_sock = mem_deref(app.msrp_sock);
	app.ua = mem_deref(app.ua);
	indicator_close(&app);
	app.groups = mem_deref(app.groups);
	app.desktop = mem_deref(app.desktop);
	app.conf = mem_deref(app.conf);
	view_stop(&app);
	libre_close();
	tmr_cancel(&stop_tmr);
	mem_debug();
	log_close();
	if (lock_fd >= 0)
		close(lock_fd);   /* the next instance may start */
	if (app.exit_status)
		return app.exit_status;
	return err ? SIPVNC_EXIT_FAILURE : SIPVNC_EXIT_OK;
}
