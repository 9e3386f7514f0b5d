/*
 * reinvite.c - offers inside a call (re-INVITE, UPDATE): the same media
 * is answered with our current description; a new a=path, MSRP role,
 * transport or certificate from the peer restarts the media through our
 * user's modified() handler and is answered with our new description.
 */
#include <string.h>
#include "sip/sipua_int.h"
#include "sip/sdp_rfb.h"

static bool same_media(const struct sipua_media *a,
		       const struct sipua_media *b)
{
	return !strcmp(a->remote_path, b->remote_path) &&
		a->we_connect == b->we_connect && a->tls == b->tls &&
		!strcmp(a->fingerprint, b->fingerprint);
}

/* The answer to an offer inside the call.  An actpass offer keeps the
 * MSRP role we have: the peer asks nothing new by it. */
static unsigned answer_reoffer(struct sipua_call *call,
			       struct sipua_media *media, char *sdp,
			       const struct sip_msg *msg, const char **why)
{
	struct sdp_rfb_local local;

	sipua_local_of(call, &local);
	local.actpass = call->media.we_connect ? SDP_RFB_ACTPASS_CONNECT
					       : SDP_RFB_ACTPASS_LISTEN;
	return sip_sdp_rfb_answer(media, sdp, SIPUA_SDP_BUF_SIZE,
				  (const char *)mbuf_buf(msg->mb),
				  mbuf_get_left(msg->mb), &local, why);
}

/* Our user restarts the media with its new local end; 0 with sdp
 * rewritten, or an errno (libre answers 488, the old media runs on). */
static int restart_media(struct sipua_call *call, struct sipua_media *media,
			 char *sdp, const struct sip_msg *msg)
{
	struct sipua *ua = call->ua;
	struct sipua_local local;
	struct sa old_ip;
	const char *why = "";
	int status;

	if (!ua->handlers.modified) {
		sipua_warn(ua,
			   "re-INVITE from %s refused: new media, and no way "
			   "to restart it\n", call->peer);
		return EPROTO;
	}
	if (media->we_serve_rfb != call->media.we_serve_rfb) {
		sipua_warn(ua,
			   "re-INVITE from %s refused: it swaps the RFB roles\n",
			   call->peer);
		return EPROTO;
	}
	memset(&local, 0, sizeof(local));
	sipua_route_addr(ua, media->remote_path, &call->sip_dst,
			 media->local_addr, sizeof(media->local_addr));
	status = ua->handlers.modified(call, media, &local, ua->arg);
	if (status) {
		sipua_warn(ua,
			   "re-INVITE from %s refused by the desktop (%d%s%s)\n",
			   call->peer, status, local.why ? ": " : "",
			   local.why ? local.why : "");
		return EPROTO;
	}
	str_ncpy(call->local_path, local.path, sizeof(call->local_path));
	str_ncpy(call->local_fingerprint, local.fingerprint,
		 sizeof(call->local_fingerprint));
	if (sa_set_str(&old_ip, call->local_ip, 0))
		sa_init(&old_ip, AF_UNSPEC);
	sipua_choose_local_ip(call->local_ip, sizeof(call->local_ip),
			      call->local_path, &old_ip);
	call->sdp_changes++;
	if (answer_reoffer(call, media, sdp, msg, &why)) {
		/* our user's new path does not fit an answer: nothing the
		 * peer could use, and the old media is gone */
		sipua_warn(ua, "re-INVITE from %s: cannot answer (%s)\n",
			   call->peer, why);
		return EPROTO;
	}
	call->media = *media;
	sipua_log(ua, "call %s %s: media restarted at the peer's request\n",
		  call->incoming ? "from" : "to", call->peer);
	return 0;
}

int sipua_offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			void *arg)
{
	struct sipua_call *call = arg;
	struct sipua_media media;
	char sdp[SIPUA_SDP_BUF_SIZE];
	const char *why = "";
	int err;

	if (!mbuf_get_left(msg->mb)) {
		/* no offer: ours is our current description */
		err = sipua_make_offer(call, sdp);
		if (err)
			return err;
	}
	else if (answer_reoffer(call, &media, sdp, msg, &why)) {
		sipua_warn(call->ua, "re-INVITE refused: %s\n", why);
		return EPROTO;
	}
	else if (!same_media(&media, &call->media)) {
		err = restart_media(call, &media, sdp, msg);
		if (err)
			return err;
	}
	*descp = sipua_sdp_mbuf(sdp);
	return *descp ? 0 : ENOMEM;
}
