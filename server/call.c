/*
 * call.c - one call's media: the MSRP session, the bridge to a local
 * socket, and (when we serve RFB) the libvncserver client behind it.
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "msrp/msrp.h"
#include "server/app.h"
#include "server/bridge.h"
#include "server/desktop.h"

struct call {
	struct le le;
	struct app *app;
	struct sipua_call *sip;
	struct msrp_session *msrp;
	struct bridge *bridge;
	struct desktop_client *rfb;
	struct tmr teardown;
	bool we_serve_rfb;
	bool control;
	char peer[256];             /* for the log, after the SIP side is gone */
	bool media_started;
	bool we_connect;            /* our MSRP role, for the log */
	bool ended;
};

static void on_bridge_closed(int err, void *arg)
{
	struct call *call = arg;

	call_end(call, true, err == ETIMEDOUT ? "far end stopped reading" :
		 err == EPROTO ? "viewer sent bad RFB" :
		 err ? "local socket failed" :
		 call->we_serve_rfb ? "RFB client closed" : "viewer closed");
}

static void on_rfb_gone(void *arg)
{
	call_end(arg, true, "RFB client gone");
}

/* The bind is done (the peer saw our 200 or we saw its), so the RFB server
 * may greet now: data during the bind makes Blink drop the session. */
static void on_msrp_bound(void *arg)
{
	struct call *call = arg;
	int err = 0;

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
	}
	if (!err) {
		bridge_set_stall_timeout(call->bridge,
					 call->app->stall_timeout_ms);
		err = bridge_start(call->bridge, call->msrp);
	}
	if (err) {
		re_fprintf(stderr, "sipvnc: cannot start RFB for %s: %m\n",
			   call->peer, err);
		call_end(call, true, "media setup failed");
		return;
	}
	re_printf("sipvnc: media up with %s (%s, MSRP %s)\n",
		  call->peer,
		  call->we_serve_rfb ? (call->control ? "control" : "view only")
		  : "viewer", call->we_connect ? "active" : "passive");
}

static void on_msrp_recv(const uint8_t *data, size_t len, void *arg)
{
	struct call *call = arg;

	bridge_from_msrp(call->bridge, data, len);
}

static void on_msrp_writable(void *arg)
{
	struct call *call = arg;

	bridge_msrp_writable(call->bridge);
}

static void on_msrp_close(int err, void *arg)
{
	struct call *call = arg;

	re_fprintf(stderr, "sipvnc: MSRP session closed (%m)\n", err);
	call_end(call, true, "MSRP session closed");
}

static void destructor(void *data)
{
	struct call *call = data;

	tmr_cancel(&call->teardown);
	list_unlink(&call->le);
	if (call->sip)
		sipua_hangup(call->sip, 0, NULL);
	mem_deref(call->rfb);
	mem_deref(call->bridge);
	mem_deref(call->msrp);
}

int call_alloc(struct call **callp, struct app *app, bool we_serve_rfb,
	       bool control, int local_fd)
{
	struct call *call;
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

void call_describe_local(const struct call *call, struct sipua_local *local)
{
	const char *fp = msrp_session_local_fingerprint(call->msrp);

	memset(local, 0, sizeof(*local));
	str_ncpy(local->path, msrp_session_local_path(call->msrp),
		 sizeof(local->path));
	if (fp)
		str_ncpy(local->fingerprint, fp, sizeof(local->fingerprint));
}

void call_set_sip(struct call *call, struct sipua_call *sip)
{
	call->sip = sip;
	str_ncpy(call->peer, sipua_call_peer(sip), sizeof(call->peer));
}

int call_start_media(struct call *call, const struct sipua_media *media)
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

static void teardown(void *arg)
{
	struct call *call = arg;
	struct app *app = call->app;
	enum app_mode mode = app->mode;

	mem_deref(call);
	/* A call's buffers came from the arenas of libvncserver's threads
	 * as well as ours; without this the freed pages stay in the process
	 * (RSS grew 2.5 MB over 40 calls in a row, with a live heap flat
	 * but for SIP transactions waiting out their timers). */
	malloc_trim(0);
	if (mode == APP_VIEW)
		view_call_ended(app);
	else if (mode == APP_SHARE)
		re_cancel();
}

void call_end(struct call *call, bool hangup, const char *why)
{
	if (!call || call->ended)
		return;
	call->ended = true;
	re_printf("sipvnc: call with %s ended: %s\n",
		  call->peer, why);
	if (call->sip) {
		if (hangup)
			sipua_hangup(call->sip, 0, NULL);
		call->sip = NULL;
	}
	tmr_start(&call->teardown, 0, teardown, call);
}

/* ---- SIP side: the calls sipua hands us ---- */

static int on_incoming(struct sipua_call *sip, const struct sipua_media *media,
		       enum sipua_rights rights, struct sipua_local *local,
		       void *arg)
{
	struct app *app = arg;
	struct call *call;
	int err;

	/* The socket takes TLS and plain peers; TLS needs a certificate.
	 * (A late offer is ours: it says what our path says.) */
	if (!media->late_offer && media->tls &&
	    !msrp_sock_tls_available(app->msrp_sock)) {
		re_fprintf(stderr, "sipvnc: %s offers TLS MSRP, but msrp_tls "
			   "is no here\n", sipua_call_peer(sip));
		return 488;
	}
	if (media->we_serve_rfb) {
		if (!app->desktop)
			return 488;   /* `view` has no screen to share */
		err = call_alloc(&call, app, true,
				 rights == SIPUA_RIGHTS_CONTROL, -1);
	}
	else {
		/* Someone shares their screen with us: only `view` without a
		 * URI takes that, and only while a local viewer waits. */
		int viewer_fd = app->mode == APP_VIEW ?
			view_take_waiting_viewer(app) : -1;

		if (app->mode != APP_VIEW)
			return 488;
		if (viewer_fd < 0)
			return 480;
		err = call_alloc(&call, app, false, false, viewer_fd);
		if (!err)
			app->view_call = call;
	}
	if (err)
		return 503;
	/* Answer in the transport offered, never another (no downgrade). */
	if (!media->late_offer &&
	    msrp_session_set_tls(call->msrp, media->tls)) {
		if (app->view_call == call)
			view_call_ended(app);
		mem_deref(call);
		return 488;
	}
	call_describe_local(call, local);
	/* A passive session listens from the 200 on: the caller may connect
	 * before its ACK reaches us, and must not meet a 481.  After a late
	 * offer the peer's path comes with the ACK: established() starts it. */
	call->we_connect = media->we_connect;
	if (!media->we_connect && !media->late_offer) {
		err = call_start_media(call, media);
		if (err) {
			mem_deref(call);
			return 500;
		}
	}
	call_set_sip(call, sip);
	sipua_call_set_arg(sip, call);
	re_printf("sipvnc: call from %s accepted (%s)\n",
		  sipua_call_peer(sip), !media->we_serve_rfb ? "we view" :
		  rights == SIPUA_RIGHTS_CONTROL ? "control" : "view only");
	return 0;
}

static void on_established(struct sipua_call *sip,
			   const struct sipua_media *media, void *arg)
{
	struct call *call = sipua_call_arg(sip);
	int err;

	(void)arg;
	if (!call || call->media_started)
		return;
	call->we_connect = media->we_connect;
	err = call_start_media(call, media);
	if (err) {
		re_fprintf(stderr, "sipvnc: MSRP start failed: %m\n", err);
		call_end(call, true, "MSRP start failed");
	}
}

/* The peer moved the media (re-INVITE): a new MSRP session carries a new
 * RFB stream, so only a screen we serve can start over on it. */
static int on_modified(struct sipua_call *sip, const struct sipua_media *media,
		       struct sipua_local *local, void *arg)
{
	struct call *call = sipua_call_arg(sip);
	int err;

	if (!call || call->ended || !call->we_serve_rfb ||
	    (media->tls && !msrp_sock_tls_available(call->app->msrp_sock)))
		return 488;
	call->rfb = mem_deref(call->rfb);
	call->bridge = mem_deref(call->bridge);
	call->msrp = mem_deref(call->msrp);
	err = msrp_session_alloc(&call->msrp, call->app->msrp_sock,
				 &call->app->msrp, on_msrp_bound, on_msrp_recv,
				 on_msrp_writable, on_msrp_close, call);
	if (!err)
		err = msrp_session_set_tls(call->msrp, media->tls);
	if (!err) {
		call_describe_local(call, local);
		call->we_connect = media->we_connect;
		err = call_start_media(call, media);
	}
	if (err) {   /* ended by the timer: we are inside the SIP stack */
		call->ended = true;
		tmr_start(&call->teardown, 0, teardown, call);
	}
	return err ? 500 : 0;
}

static void on_closed(struct sipua_call *sip, int err, unsigned status,
		      const char *reason, void *arg)
{
	struct call *call = sipua_call_arg(sip);
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
	call_end(call, false, why);
}

const struct sipua_handlers app_sip_handlers = {
	.incoming = on_incoming,
	.established = on_established,
	.closed = on_closed,
	.modified = on_modified,
};
