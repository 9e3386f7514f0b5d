/*
 * incoming.c - an INVITE from its arrival to our final answer: who calls
 * (caller.c), the policy and the caller's secret, limits, the offer, and
 * in answermode manual the ringing while answer_command decides.
 */
#include <string.h>
#include "sip/sipua_int.h"
#include "sip/answer_cmd.h"
#include "sip/sreply.h"

static void reject(struct sipua *ua, const struct sip_msg *msg,
		   const char *caller, unsigned status, const char *why)
{
	if (status < 300 || status > 699)
		status = 500;
	sipua_warn(ua, "INVITE from %s refused: %u %s (%s)\n", caller, status,
		   sipua_reason_phrase(status), why);
	/* no transaction: a flood of refusals must not hold memory */
	(void)sipua_sreplyf(ua->sip, msg, ua->nonce_key, sizeof(ua->nonce_key),
			    (uint16_t)status, sipua_reason_phrase(status),
			    "Warning: 399 sipvnc \"%s\"\r\n"
			    "Content-Length: 0\r\n\r\n", why);
}

/* A final refusal of a call: on its session if we rang, else statelessly. */
static void refuse(struct sipua_call *call, const struct sip_msg *msg,
		   unsigned status, const char *why)
{
	if (!call->ringing) {
		if (msg)
			reject(call->ua, msg, call->peer, status, why);
		return;
	}
	sipua_warn(call->ua,
		   "call from %s refused: %u %s (%s)\n", call->peer, status,
		   sipua_reason_phrase(status), why);
	(void)sipsess_reject(call->sess, (uint16_t)status,
			     sipua_reason_phrase(status),
			     "Warning: 399 sipvnc \"%s\"\r\n"
			     "Content-Length: 0\r\n\r\n", why);
	call->ringing = false;
}

/* Callers with a secret prove it by digest; false when refused or
 * challenged (the reply is sent). */
static bool caller_proven(struct sipua *ua, const struct sip_msg *msg,
			  const char *caller, const char *secret)
{
	uint64_t now = tmr_jiffies() / 1000;
	enum caller_auth verdict;

	verdict = sip_caller_auth_check(msg, secret, ua->nonce_key, now);
	if (verdict == CALLER_AUTH_OK)
		return true;
	if (verdict == CALLER_AUTH_FAILED) {
		reject(ua, msg, caller, 403, "wrong caller secret");
		return false;
	}
	sipua_log(ua, "INVITE from %s challenged (caller_secret)\n", caller);
	(void)sip_caller_auth_challenge(ua->sip, msg, ua->nonce_key,
					verdict == CALLER_AUTH_STALE, now);
	return false;
}

static bool admit(struct sipua *ua, const struct sip_msg *msg,
		  struct sipua_call *call)
{
	enum policy_verdict verdict;
	struct caller_uri caller;
	const char *secret;
	bool asserted;
	int err;

	/* what a dialog needs, and a body that is all there (over UDP a
	 * datagram may have lost its end: RFC 3261 18.3) */
	if (!pl_isset(&msg->callid) || !pl_isset(&msg->from.tag) ||
	    !pl_isset(&msg->to.auri)) {
		reject(ua, msg, "?", 400, "missing Call-ID, From tag or To");
		return false;
	}
	if (pl_isset(&msg->clen) &&
	    pl_u32(&msg->clen) != mbuf_get_left(msg->mb)) {
		reject(ua, msg, "?", 400,
		       "Content-Length does not match the body");
		return false;
	}
	err = sip_caller_identity(&ua->trust, msg, &caller, call->peer,
				  sizeof(call->peer), &asserted);
	if (err) {
		/* what could not be read is refused, never compared */
		reject(ua, msg, call->peer[0] ? call->peer : "?",
		       err == EBADMSG ? 400 : 403,
		       err == EBADMSG ? "malformed caller URI" :
		       err == E2BIG ? "caller URI too long" :
				      "caller not allowed");
		return false;
	}
	verdict = sip_policy_check_uri(&ua->policy, &caller, &call->rights);
	if (verdict != POLICY_ALLOWED) {
		reject(ua, msg, call->peer, 403, verdict == POLICY_DENIED ?
		       "caller denied" : "caller not allowed");
		return false;
	}
	secret = sip_policy_secret_uri(&ua->policy, &caller);
	if (secret && !caller_proven(ua, msg, call->peer, secret))
		return false;
	if (ua->answermode == ANSWERMODE_REJECT) {
		reject(ua, msg, call->peer, 603, "answermode reject");
		return false;
	}
	if (list_count(&ua->calls) >= ua->max_sessions) {
		reject(ua, msg, call->peer, 486, "max_sessions reached");
		return false;
	}
	/* no body: a late offer (RFC 3261 13.2.1), we offer in the 200 */
	if (mbuf_get_left(msg->mb) &&
	    !msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
		reject(ua, msg, call->peer, 415, "body is not application/sdp");
		return false;
	}
	if (asserted)
		sipua_log(ua, "INVITE from %s (asserted by trusted proxy %j)\n",
			  call->peer, &msg->src);
	return true;
}

/* Hand the call to our user and send 200 with our answer (accepting the
 * INVITE, or answering the session that rang).  The call is freed on
 * failure. */
static void answer_call(struct sipua_call *call, const struct sip_msg *msg)
{
	struct sipua *ua = call->ua;
	struct sipua_local local;
	char answer[SIPUA_SDP_BUF_SIZE];
	const char *why = "";
	struct mbuf *mb;
	unsigned status;
	int err;

	memset(&local, 0, sizeof(local));
	status = (unsigned)ua->handlers.incoming(call, &call->media,
						 call->rights, &local, ua->arg);
	if (status) {
		refuse(call, msg, status,
		       local.why ? local.why : "refused by the desktop");
		mem_deref(call);
		return;
	}
	call->presented = true;
	str_ncpy(call->local_path, local.path, sizeof(call->local_path));
	str_ncpy(call->local_fingerprint, local.fingerprint,
		 sizeof(call->local_fingerprint));
	sipua_choose_local_ip(call->local_ip, sizeof(call->local_ip),
			      call->local_path, &call->sip_dst);
	if (call->late_offer)
		status = sipua_make_offer(call, answer) ? 500 : 0;
	else
		status = sipua_make_answer(call, &call->media, answer,
					   call->offer, call->offer_len, &why);
	mb = status ? NULL : sipua_sdp_mbuf(answer);
	if (status)
		err = EINVAL;
	else if (!mb)
		err = ENOMEM;
	else if (call->sess)
		err = sipsess_answer(call->sess, 200, "OK", mb,
				     SIPUA_ALLOW_HDR);
	else
		err = sipsess_accept(&call->sess, ua->sock, msg, 200, "OK",
				     sipua_contact_user(ua), "application/sdp",
				     mb, sipua_creds_auth_handler,
				     ua->call_creds, true,
				     sipua_offer_handler, sipua_answer_handler,
				     sipua_estab_handler, NULL, NULL,
				     sipua_close_handler, call,
				     SIPUA_ALLOW_HDR);
	mem_deref(mb);
	if (err) {
		refuse(call, msg, 500, status ? "bad local MSRP path"
					      : "cannot answer");
		/* our user took the call in incoming(): let it let go */
		call->closing = true;
		ua->handlers.closed(call, err, 0, "could not answer", ua->arg);
		mem_deref(call);
		return;
	}
	call->ringing = false;
	if (!call->le.list)
		list_append(&ua->calls, &call->le, call);
	if (call->late_offer)
		sipua_log(ua, "call from %s answered (%s rights, we offered "
			  "actpass: the ACK's answer sets the MSRP role)\n",
			  call->peer, call->rights == SIPUA_RIGHTS_CONTROL ?
			  "control" : "view");
	else
		sipua_log(ua,
			  "call from %s answered (%s rights, MSRP %s: %s)\n",
			  call->peer, call->rights == SIPUA_RIGHTS_CONTROL ?
			  "control" : "view", call->media.we_connect ?
			  "active, we connect" : "passive, we listen",
			  call->media.role_why);
}

static void answer_decided(bool yes, const char *why, void *arg)
{
	struct sipua_call *call = arg;

	call->asking = mem_deref(call->asking);
	sipua_log(call->ua, "call from %s: %s\n", call->peer, why);
	if (yes) {
		answer_call(call, NULL);
		return;
	}
	refuse(call, NULL, 603, why);
	mem_deref(call);
}

/* answermode manual: 180 now, the command's verdict later. */
static void ring(struct sipua_call *call, const struct sip_msg *msg)
{
	struct sipua *ua = call->ua;
	int err;

	err = sipsess_accept(&call->sess, ua->sock, msg, 180, "Ringing",
			     sipua_contact_user(ua), "application/sdp", NULL,
			     sipua_creds_auth_handler, ua->call_creds, true,
			     sipua_offer_handler, sipua_answer_handler,
			     sipua_estab_handler, NULL, NULL,
			     sipua_close_handler, call, SIPUA_ALLOW_HDR);
	if (err) {
		reject(ua, msg, call->peer, 500, "cannot ring");
		mem_deref(call);
		return;
	}
	call->ringing = true;
	list_append(&ua->calls, &call->le, call);
	{
		const char *command[] = { ua->answer_command, NULL };

		err = sip_answer_cmd_start_argv(&call->asking,
			ua->answer_command[0] ? command : ua->handlers.ask_argv,
			call->peer, call->rights == SIPUA_RIGHTS_CONTROL ?
			"control" : "view", ua->answer_timeout_ms,
			answer_decided, call);
	}
	if (err) {
		sipua_warn(ua, "cannot run answer_command (%m)\n", err);
		refuse(call, msg, 500, "answer command failed");
		mem_deref(call);
		return;
	}
	sipua_log(ua, "call from %s ringing, asking the answer command\n",
		  call->peer);
}

/* Keep the offer: in manual mode the answer is written later. */
static int keep_offer(struct sipua_call *call, const struct sip_msg *msg)
{
	size_t len = mbuf_get_left(msg->mb);

	call->sip_dst = msg->dst;
	call->sip_src = msg->src;
	call->sip_tp = msg->tp;
	if (!len) {
		call->late_offer = true;
		return 0;
	}
	call->offer = mem_alloc(len, NULL);
	if (!call->offer)
		return ENOMEM;
	memcpy(call->offer, mbuf_buf(msg->mb), len);
	call->offer_len = len;
	return 0;
}

void sipua_call_incoming(const struct sip_msg *msg, void *arg)
{
	struct sipua *ua = arg;
	struct sipua_call *call;
	char answer[SIPUA_SDP_BUF_SIZE];
	const char *why = "";
	unsigned status;

	call = mem_zalloc(sizeof(*call), sipua_call_destructor);
	if (!call) {
		(void)sipua_sreplyf(ua->sip, msg, ua->nonce_key,
				    sizeof(ua->nonce_key), 500,
				    "Out of memory", NULL);
		return;
	}
	call->ua = ua;
	call->incoming = true;
	call->sdp_id = rand_u32();
	call->rights = SIPUA_RIGHTS_VIEW;
	tmr_init(&call->end_tmr);
	if (!admit(ua, msg, call))
		goto fail;
	if (keep_offer(call, msg)) {
		reject(ua, msg, call->peer, 500, "out of memory");
		goto fail;
	}

	/* judged once: a manual answer comes later, and must say what the
	 * media our user prepared for says */
	sipua_reach_judge(call, &msg->dst);
	/* learn the media before our user chooses its path: a stand-in path
	 * gives the same verdict as the real one will */
	str_ncpy(call->local_path, "msrp://127.0.0.1:9/standin;tcp",
		 sizeof(call->local_path));
	sipua_choose_local_ip(call->local_ip, sizeof(call->local_ip),
			      call->local_path, &msg->dst);
	if (call->late_offer) {
		/* what we will offer: Blink's dialect, we serve the screen */
		call->media.dialect = SIPUA_DIALECT_BLINK;
		call->media.we_serve_rfb = true;
		call->media.late_offer = true;
		status = 0;
	}
	else
		status = sipua_make_answer(call, &call->media, answer,
					   call->offer, call->offer_len, &why);
	if (status) {
		reject(ua, msg, call->peer, status, why);
		goto fail;
	}
	sipua_route_addr(ua, call->media.remote_path, &msg->dst,
			 call->media.local_addr,
			 sizeof(call->media.local_addr));
	if (ua->answermode == ANSWERMODE_MANUAL)
		ring(call, msg);
	else
		answer_call(call, msg);
	return;
 fail:
	mem_deref(call);
}
