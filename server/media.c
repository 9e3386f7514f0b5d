/*
 * media.c - one call's media: the MSRP session, the bridge to a local
 * socket, and (when we serve RFB) the libvncserver client behind it.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "msrp/msrp.h"
#include "server/log.h"
#include "server/app.h"
#include "server/view.h"
#include "server/media.h"
#include "server/bridge.h"
#include "server/rfb_group.h"
#include "server/desktop.h"
#include "server/view_rfb.h"
#include "server/indicator.h"

struct media {
	struct le le;
	struct app *app;
	struct sipua_call *sip;
	struct msrp_session *msrp;
	struct bridge *bridge;
	struct desktop_client *rfb;
	struct view_rfb *greeting;  /* the far end's, while we answer it */
	int local_minor;            /* the logged-in viewer's RFB 3.minor */
	struct tmr teardown;
	bool we_serve_rfb;
	bool control;
	char peer[256];             /* for the log, after the SIP side is gone */
	bool media_started;
	bool we_connect;            /* our MSRP role, for the log */
	bool bound;                 /* the MSRP session got through once */
	bool ended;
	/* for the audit line at its end */
	bool incoming;
	time_t started;             /* wall clock, when the SIP side joined */
	uint64_t started_ms;        /* tmr_jiffies() then */
	uint64_t bytes_in;          /* from the peer */
	uint64_t bytes_out;         /* to the peer, of media sessions gone */
};

static void on_bridge_closed(int err, void *arg)
{
	struct media *call = arg;

	media_end(call, true, err == ETIMEDOUT ? "far end stopped reading" :
		  err == EPROTO ? "viewer sent bad RFB" :
		  err ? "local socket failed" :
		  call->we_serve_rfb ? "RFB client closed" : "viewer closed");
}

static void on_rfb_gone(void *arg)
{
	media_end(arg, true, "RFB client gone");
}

/* The bind is done (the peer saw our 200 or we saw its), so the RFB server
 * may greet now: data during the bind makes Blink drop the session. */
static void on_msrp_bound(void *arg)
{
	struct media *call = arg;
	int err = 0;

	call->bound = true;
	if (call->we_serve_rfb) {
		int viewer_fd;

		err = desktop_attach(&call->rfb, call->app->desktop,
				     call->control, on_rfb_gone, call,
				     &viewer_fd);
		if (!err)
			err = bridge_alloc(&call->bridge, viewer_fd,
					   on_bridge_closed, call);
		if (!err)
			err = bridge_check_rfb(call->bridge);
		if (!err)
			err = desktop_client_keep_requests(call->rfb,
				bridge_rfb_filter(call->bridge));
		if (!err && call->app->groups) {
			struct rfb_member *m;

			err = rfb_member_alloc(&m, call->app->groups,
					       call->bridge, call->rfb);
			if (!err)
				bridge_set_member(call->bridge, m);
		}
	}
	if (!err)
		bridge_set_stall_timeout(call->bridge,
					 call->app->stall_timeout_ms);
	/* a logged-in viewer joins after the far end's greeting */
	if (!err && !call->greeting)
		err = bridge_start(call->bridge, call->msrp);
	if (err) {
		log_warn("sipvnc: cannot start RFB for %s: %m\n",
			 call->peer, err);
		media_end(call, true, "media setup failed");
		return;
	}
	log_info("sipvnc: media up with %s (%s, MSRP %s)\n",
		 call->peer,
		 call->we_serve_rfb ? (call->control ? "control" : "view only")
		 : "viewer", call->we_connect ? "active" : "passive");
	indicator_update(call->app);
}

/* The far end's RFB greeting, for a viewer that logged in with us: answered
 * here, then the viewer gets its SecurityResult and the streams join. */
static void greet_far_end(struct media *call, const uint8_t *data, size_t len)
{
	uint8_t reply[VIEW_RFB_REPLY_MAX], ok[8];
	size_t used, reply_len;
	enum view_rfb_result res;
	char why[256];

	res = view_rfb_input(call->greeting, data, len, &used, reply,
			     &reply_len, why, sizeof(why));
	if (reply_len && msrp_session_send(call->msrp, reply, reply_len)) {
		media_end(call, true, "cannot answer the far end's RFB");
		return;
	}
	if (res == VIEW_RFB_MORE)
		return;
	if (res == VIEW_RFB_FAILED) {
		media_end(call, true, why);   /* tells the viewer why */
		return;
	}
	call->greeting = mem_deref(call->greeting);
	bridge_from_msrp(call->bridge, ok, view_rfb_security_result(ok,
			 sizeof(ok), call->local_minor, NULL));
	bridge_from_msrp(call->bridge, data + used, len - used);
	if (bridge_start(call->bridge, call->msrp))
		media_end(call, true, "media setup failed");
}

static void on_msrp_recv(const uint8_t *data, size_t len, void *arg)
{
	struct media *call = arg;

	call->bytes_in += len;
	if (call->greeting)
		greet_far_end(call, data, len);
	else
		bridge_from_msrp(call->bridge, data, len);
}

static void on_msrp_writable(void *arg)
{
	struct media *call = arg;

	bridge_msrp_writable(call->bridge);
}

static void on_msrp_close(int err, void *arg)
{
	struct media *call = arg;

	if (err == EAUTH) {
		log_warn("sipvnc: MSRP session closed (the peer's "
			 "TLS certificate was refused)\n");
		media_end(call, true, "MSRP peer's TLS certificate refused");
		return;
	}
	log_warn("sipvnc: MSRP session closed (%m)\n", err);
	/* the usual cause of a call without pixels: say what it means */
	if (!call->bound && err == ETIMEDOUT && !call->we_connect) {
		log_warn("sipvnc: %s never connected to our MSRP "
			 "path: it cannot reach us (behind NAT?  msrp_setup "
			 "auto would connect out)\n", call->peer);
		media_end(call, true, "MSRP timeout: the peer could not "
			  "reach us (we listened)");
		return;
	}
	if (!call->bound && err == ETIMEDOUT) {
		log_warn("sipvnc: our MSRP connection to %s did "
			 "not get through in time\n", call->peer);
		media_end(call, true, "MSRP timeout: we could not reach the "
			  "peer (we connected)");
		return;
	}
	media_end(call, true, "MSRP session closed");
}

static void destructor(void *data)
{
	struct media *call = data;

	tmr_cancel(&call->teardown);
	list_unlink(&call->le);
	if (!call->ended)   /* flushed at exit: the gateway lets go */
		web_call_ended(call->app, call, "gateway stopping");
	if (call->sip)
		sipua_hangup(call->sip, 0, NULL);
	mem_deref(call->rfb);
	mem_deref(call->greeting);
	mem_deref(call->bridge);
	mem_deref(call->msrp);
}

int media_alloc(struct media **callp, struct app *app, bool we_serve_rfb,
	        bool control, int local_fd)
{
	struct media *call;
	int err;

	call = mem_zalloc(sizeof(*call), destructor);
	if (!call) {
		if (local_fd >= 0)
			close(local_fd);
		return ENOMEM;
	}
	call->app = app;
	call->we_serve_rfb = we_serve_rfb;
	call->control = control;
	tmr_init(&call->teardown);
	list_append(&app->calls, &call->le, call);

	if (local_fd >= 0) {
		err = bridge_alloc(&call->bridge, local_fd, on_bridge_closed,
				   call);
		if (err)
			goto out;
		bridge_set_stall_timeout(call->bridge, app->stall_timeout_ms);
	}
	err = msrp_session_alloc(&call->msrp, app->msrp_sock, &app->msrp,
				 on_msrp_bound, on_msrp_recv,
				 on_msrp_writable, on_msrp_close, call);
 out:
	if (err)
		mem_deref(call);
	else
		*callp = call;
	return err;
}

void media_set_local_addr(struct media *call, const char *ip)
{
	struct sa sa;
	int err;

	if (!ip || !ip[0] || sa_set_str(&sa, ip, 0))
		return;   /* the socket's own address stands */
	err = msrp_session_set_local_addr(call->msrp, &sa);
	if (err)
		log_warn("sipvnc: MSRP cannot be reached at %s: %m\n",
			 ip, err);
}

void media_describe_local(const struct media *call, struct sipua_local *local)
{
	const char *fp = msrp_session_local_fingerprint(call->msrp);

	memset(local, 0, sizeof(*local));
	str_ncpy(local->path, msrp_session_local_path(call->msrp),
		 sizeof(local->path));
	if (fp)
		str_ncpy(local->fingerprint, fp, sizeof(local->fingerprint));
}

int media_local_login(struct media *call, int minor)
{
	call->greeting = mem_zalloc(sizeof(*call->greeting), NULL);
	if (!call->greeting)
		return ENOMEM;
	view_rfb_init(call->greeting);
	call->local_minor = minor;
	return 0;
}

void media_set_sip(struct media *call, struct sipua_call *sip)
{
	call->sip = sip;
	call->started = time(NULL);
	call->started_ms = tmr_jiffies();
	str_ncpy(call->peer, sipua_call_peer(sip), sizeof(call->peer));
}

int media_start(struct media *call, const struct sipua_media *media)
{
	int err;

	call->media_started = true;
	err = msrp_session_set_peer_fingerprint(call->msrp,
						media->fingerprint);
	if (err)
		return err;
	return msrp_session_start(call->msrp, media->remote_path,
				  media->we_connect ? MSRP_SETUP_ACTIVE
				  : MSRP_SETUP_PASSIVE);
}

int media_place(struct media **callp, struct app *app, const char *target,
	        int local_fd, int minor)
{
	struct sipua_local local;
	struct sipua_call *sip;
	struct media *call = NULL;
	char ip[64];
	int err;

	err = media_alloc(&call, app, false, false, local_fd);
	if (!err && minor)
		err = media_local_login(call, minor);
	if (err) {
		log_warn("sipvnc: cannot set up a call: %m\n", err);
		if (call)
			call->ended = true;
		mem_deref(call);
		return err;
	}
	/* our MSRP address on the interface that reaches the target */
	sipua_local_addr_for(app->ua, target, ip, sizeof(ip));
	media_set_local_addr(call, ip);
	media_describe_local(call, &local);
	err = sipua_connect(&sip, app->ua, target, false, &local, call);
	if (err) {
		log_warn("sipvnc: cannot call %s: %m\n", target, err);
		call->ended = true;   /* nobody to tell */
		mem_deref(call);
		return err;
	}
	media_set_sip(call, sip);
	*callp = call;
	return 0;
}

/* glibc keeps up to 7 freed chunks of each of its 64 smallest sizes in a
 * per-thread cache (tcache) that malloc_trim() does not look into: on the
 * event loop these are chunks freed last, anywhere in the heap that a
 * burst of calls grew (libre keeps each call's SIP transactions 32 s),
 * and each keeps its page resident however empty the rest of it is.
 * Taking them out and handing back fresh ones returns them to the heap's
 * bins, where malloc_trim() can release their pages; the cache is then
 * full of the fresh ones, at most 240 kB, as it would be under load.
 * 500 calls in a row (tests/stress, with desktop.c's thresholds): RSS
 * +1.1 MB with the cache as it was, +0.2 MB with it off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0), +0.3-0.4 MB with this.
 * It was also what malloc_stats counted as growth "in use" (330 B a
 * call over 300 calls; now none). */
static void media_tcache_flush(void)
{
	enum { BINS = 64, PER_BIN = 7, STEP = 16 };
	void *p[2 * PER_BIN];

	for (size_t b = 0; b < BINS; b++) {
		/* a request of 24 + 16 b bytes is a chunk of bin b */
		size_t sz = 24 + STEP * b;
		int i, n;

		for (n = 0; n < 2 * PER_BIN; n++) {
			p[n] = malloc(sz);
			if (!p[n])
				break;
		}
		/* the fresh ones (taken after the cache was empty) refill
		 * it; the cached ones then find it full and go to bins */
		for (i = n; i-- > 0;)
			free(p[i]);
	}
}

static void teardown(void *arg)
{
	struct media *call = arg;
	struct app *app = call->app;
	enum app_mode mode = app->mode;
	bool was_view_call = app->view_call == call;

	mem_deref(call);
	/* Nothing of a call stays allocated (massif: the heap after 42
	 * calls equals that after 2, once libre's SIP transactions waited
	 * out their 32 s), and libvncserver's thread arenas shrink by
	 * themselves (desktop_malloc_tune()).  But our brk heap keeps the
	 * pages of the holes between those transactions, its high-water
	 * mark of a burst of calls and what fragmentation adds (without
	 * this, 400 calls in a row: RSS +3.5 MB, still +0.5 MB per 200
	 * calls once the transactions stopped growing; the bridge's buffer
	 * is mmap()ed for that), but only outside the tcache. */
	media_tcache_flush();
	malloc_trim(0);
	/* media_end() let go of it already; a view call placed since is
	 * another call's and stays */
	if (mode == APP_VIEW && was_view_call)
		view_call_ended(app);
	else if (mode == APP_SHARE)
		re_cancel();
}

/* One line per call, for whoever has to answer "who was on this screen,
 * for how long, and why did it stop": key=value, values without blanks
 * except the quoted reason. */
static void audit(const struct media *call, const char *why)
{
	char start[32] = "-", reason[128];
	uint64_t ms = call->started_ms ? tmr_jiffies() - call->started_ms : 0;
	unsigned long long bytes_out = call->bytes_out;
	struct tm tm;
	size_t i;

	if (call->started && gmtime_r(&call->started, &tm))
		(void)strftime(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ", &tm);
	bytes_out += bridge_sent(call->bridge);
	str_ncpy(reason, why ? why : "", sizeof(reason));
	for (i = 0; reason[i]; i++)
		if (reason[i] == '"' || reason[i] == '\n' || reason[i] == '\r')
			reason[i] = '\'';
	log_line(&call->app->log, DBG_INFO, "sipvnc: call-audit: peer=%s "
		 "direction=%s rights=%s start=%s duration=%llu.%03llus "
		 "bytes_in=%llu bytes_out=%llu end=\"%s\"",
		 call->peer[0] ? call->peer : "-",
		 call->incoming ? "incoming" : "outgoing",
		 !call->we_serve_rfb ? "viewer" :
		 call->control ? "control" : "view", start,
		 (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000),
		 (unsigned long long)call->bytes_in, bytes_out, reason);
}

void media_set_sink(struct media *call,
		    int (*sinkh)(const uint8_t *data, size_t len, void *arg),
		    void *arg)
{
	if (call)
		bridge_set_sink(call->bridge, sinkh, arg);
}

void media_set_source(struct media *call,
		      size_t (*srch)(uint8_t *buf, size_t size, void *arg),
		      void *arg)
{
	if (call)
		bridge_set_source(call->bridge, srch, arg);
}

void media_source_ready(struct media *call)
{
	if (call && !call->ended)
		bridge_source_ready(call->bridge);
}

bool media_viewer_left(const struct media *call)
{
	struct pollfd p = { .fd = -1, .events = POLLRDHUP };

	if (!call || call->we_serve_rfb || call->ended)
		return false;
	p.fd = bridge_fd(call->bridge);
	return p.fd >= 0 && poll(&p, 1, 0) == 1 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void media_end(struct media *call, bool hangup, const char *why)
{
	if (!call || call->ended)
		return;
	call->ended = true;
	/* `view` takes its next local viewer from now on, not from the
	 * teardown a loop turn later: a viewer that connects in the same
	 * turn as the last one's close would be refused as a second one */
	if (call->app->view_call == call)
		view_call_ended(call->app);
	log_info("sipvnc: call with %s ended: %s\n",
		 call->peer, why);
	audit(call, why);
	indicator_update(call->app);
	web_call_ended(call->app, call, why);
	if (call->greeting && call->bridge) {
		/* the viewer still waits for its SecurityResult: say why,
		 * TigerVNC shows it (RFB 3.8) */
		uint8_t msg[300];

		bridge_from_msrp(call->bridge, msg, view_rfb_security_result(
				 msg, sizeof(msg), call->local_minor, why));
		call->greeting = mem_deref(call->greeting);
	}
	if (call->sip) {
		if (hangup)
			sipua_hangup(call->sip, 0, NULL);
		call->sip = NULL;
	}
	tmr_start(&call->teardown, 0, teardown, call);
}

bool media_viewer_line(const struct media *call, char *buf, size_t size)
{
	if (!call->we_serve_rfb || !call->rfb || call->ended)
		return false;
	(void)re_snprintf(buf, size, "%s (%s)", call->peer,
			  call->control ? "control" : "view");
	return true;
}

void media_end_all(struct app *app, const char *why)
{
	struct le *le = list_head(&app->calls);

	while (le) {
		struct media *call = le->data;

		le = le->next;
		media_end(call, true, why);
	}
}

/* ---- SIP side: the calls sipua hands us ---- */

/* Why we cannot take the offered transport, for the Warning of a 488; NULL
 * when we can.  The socket takes TLS and plain peers alike once it has a
 * certificate (made for answering even with msrp_tls no). */
static const char *transport_refusal(const struct app *app,
				     const struct sipua_media *media)
{
	if (media->late_offer || !media->tls)
		return NULL;
	if (!msrp_sock_tls_available(app->msrp_sock))
		return "TLS MSRP offered, but this side has no TLS "
			"certificate";
	/* Authentication required, and nothing to check the peer by. */
	if (app->msrp.tls_require_auth && !media->fingerprint[0] &&
	    !(app->msrp.tls_ca_file && app->msrp.tls_ca_file[0]))
		return "TLS MSRP peer without a=fingerprint, and "
			"msrp_tls_require_auth is set";
	return NULL;
}

/* An MSRP start that failed: a status for the answer, and why. */
static int start_refusal(int err, struct sipua_local *local)
{
	switch (err) {
	case EAUTH:
		local->why = "the MSRP peer's TLS certificate cannot be "
			"authenticated";
		return 488;
	case ENOTSUP:
		local->why = "MSRP transport not possible here (TLS needs a "
			"certificate and an msrps relay, if any)";
		return 488;
	case EINVAL:
	case E2BIG:
		local->why = "unusable MSRP a=path";
		return 488;
	default:
		local->why = "MSRP start failed";
		return 500;
	}
}

static int on_incoming(struct sipua_call *sip, const struct sipua_media *media,
		       enum sipua_rights rights, struct sipua_local *local,
		       void *arg)
{
	struct app *app = arg;
	struct media *call;
	int err;

	local->why = transport_refusal(app, media);
	if (local->why) {
		log_warn("sipvnc: %s refused: %s\n",
			 sipua_call_peer(sip), local->why);
		return 488;
	}
	if (media->we_serve_rfb) {
		if (!app->desktop) {
			local->why = "no screen to share here: call a "
				"sipvnc serve, or share to this view";
			return 488;
		}
		err = media_alloc(&call, app, true,
				  rights == SIPUA_RIGHTS_CONTROL, -1);
	}
	else {
		/* Someone shares their screen with us: only `view` without a
		 * URI takes that, and only while a local viewer waits. */
		int minor = 0, viewer_fd = app->mode == APP_VIEW ?
			view_take_waiting_viewer(app, &minor) : -1;

		if (app->mode != APP_VIEW) {
			local->why = "this side shares its screen; it does "
				"not view others";
			return 488;
		}
		if (viewer_fd < 0) {
			local->why = "no local VNC viewer is waiting";
			return 480;
		}
		err = media_alloc(&call, app, false, false, viewer_fd);
		if (!err && minor && media_local_login(call, minor)) {
			mem_deref(call);
			err = ENOMEM;
		}
		if (!err)
			app->view_call = call;
	}
	if (err)
		return 503;
	/* Answer in the transport offered, never another (no downgrade). */
	if (!media->late_offer) {
		err = msrp_session_set_tls(call->msrp, media->tls);
		if (err) {
			if (app->view_call == call)
				view_call_ended(app);
			mem_deref(call);
			return start_refusal(err, local);
		}
	}
	media_set_local_addr(call, media->local_addr);
	media_describe_local(call, local);
	/* A passive session listens from the 200 on: the caller may connect
	 * before its ACK reaches us, and must not meet a 481.  After a late
	 * offer the peer's path comes with the ACK: established() starts it. */
	call->we_connect = media->we_connect;
	if (!media->we_connect && !media->late_offer) {
		err = media_start(call, media);
		if (err) {
			log_warn("sipvnc: MSRP start for %s failed: "
				 "%m\n", sipua_call_peer(sip), err);
			if (app->view_call == call)
				view_call_ended(app);
			mem_deref(call);
			return start_refusal(err, local);
		}
	}
	call->incoming = true;
	media_set_sip(call, sip);
	sipua_call_set_arg(sip, call);
	log_info("sipvnc: call from %s accepted (%s)\n",
		 sipua_call_peer(sip), !media->we_serve_rfb ? "we view" :
		 rights == SIPUA_RIGHTS_CONTROL ? "control" : "view only");
	return 0;
}

static void on_established(struct sipua_call *sip,
			   const struct sipua_media *media, void *arg)
{
	struct media *call = sipua_call_arg(sip);
	struct sipua_local why;
	unsigned status = 0;
	int err;

	(void)arg;
	if (!call || call->media_started)
		return;
	call->we_connect = media->we_connect;
	/* An answer to our offer (or a late offer's ACK) is checked only
	 * now: too late for a 488, so a BYE says it instead. */
	memset(&why, 0, sizeof(why));
	why.why = transport_refusal(call->app, media);
	if (why.why)
		status = 488;
	else {
		err = media_start(call, media);
		if (err)
			status = (unsigned)start_refusal(err, &why);
	}
	if (status) {
		log_warn("sipvnc: MSRP with %s cannot start: %s\n",
			 call->peer, why.why);
		if (call->sip)
			sipua_hangup(call->sip, status, why.why);
		call->sip = NULL;
		media_end(call, false, why.why);
	}
}

/* The peer moved the media (re-INVITE): a new MSRP session carries a new
 * RFB stream, so only a screen we serve can start over on it. */
static int on_modified(struct sipua_call *sip, const struct sipua_media *media,
		       struct sipua_local *local, void *arg)
{
	struct media *call = sipua_call_arg(sip);
	int err;

	if (!call || call->ended || !call->we_serve_rfb)
		return 488;
	local->why = transport_refusal(call->app, media);
	if (local->why)
		return 488;
	call->rfb = mem_deref(call->rfb);
	call->bytes_out += bridge_sent(call->bridge);
	call->bridge = mem_deref(call->bridge);
	call->msrp = mem_deref(call->msrp);
	err = msrp_session_alloc(&call->msrp, call->app->msrp_sock,
				 &call->app->msrp, on_msrp_bound, on_msrp_recv,
				 on_msrp_writable, on_msrp_close, call);
	if (!err)
		err = msrp_session_set_tls(call->msrp, media->tls);
	if (!err) {
		media_set_local_addr(call, media->local_addr);
		media_describe_local(call, local);
		call->we_connect = media->we_connect;
		err = media_start(call, media);
	}
	if (err) {   /* ended by the timer: we are inside the SIP stack */
		call->ended = true;
		tmr_start(&call->teardown, 0, teardown, call);
		return start_refusal(err, local);
	}
	return 0;
}

static void on_progress(struct sipua_call *sip, unsigned scode, void *arg)
{
	struct media *call = sipua_call_arg(sip);

	(void)arg;
	if (call && !call->ended)
		web_call_progress(call->app, call, scode);
}

static void on_closed(struct sipua_call *sip, int err, unsigned status,
		      const char *reason, void *arg)
{
	struct media *call = sipua_call_arg(sip);
	char why[128];

	(void)arg;
	if (!call)
		return;
	if (status)
		re_snprintf(why, sizeof(why), "%u %s", status,
			    reason ? reason : "");
	else
		re_snprintf(why, sizeof(why), "%s (%m)",
			    reason ? reason : "hung up", err);
	call->sip = NULL;   /* freed by sipua after this returns */
	media_end(call, false, why);
}

const struct sipua_handlers app_sip_handlers = {
	.incoming = on_incoming,
	.established = on_established,
	.closed = on_closed,
	.modified = on_modified,
	.progress = on_progress,
};
