/*
 * liveness.c - find a SIP peer that is gone while its call is up.
 *
 * libre's sipsess has no RFC 4028 session timers, so an established call
 * sends an in-dialog OPTIONS every sip_options_interval seconds (RFC 3261
 * section 11: any answer proves the dialog's far end is alive).  No answer
 * at all (transaction timeout, transport error), 408 or 481 (the peer
 * lost the dialog) ends the call with a BYE; any other status, a 405 or a
 * 401 included, counts as alive.
 */
#include <string.h>
#include <re.h>
#include "sip/sipua_int.h"

static void tick(void *arg);

/* Outside libre's response handler: the session and its dialog go. */
static void dead(void *arg)
{
	struct sipua_call *call = arg;
	struct sipua *ua = call->ua;
	const char *why = "no answer to in-dialog OPTIONS";

	sipua_log(call->ua,
		  "call %s %s ended: %s\n", call->incoming ? "from" : "to",
		  call->peer, why);
	(void)sipsess_set_close_headers(call->sess,
		"Reason: SIP;cause=408;text=\"%s\"\r\n", why);
	call->closing = true;
	ua->handlers.closed(call, ETIMEDOUT, 0, why, ua->arg);
	mem_deref(call);
}

static void response(int err, const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;

	if (err || !msg || msg->scode == 408 || msg->scode == 481) {
		tmr_start(&call->live_tmr, 0, dead, call);
		return;
	}
	if (msg->scode < 200)
		return;
	tmr_start(&call->live_tmr, call->ua->options_interval_ms, tick, call);
}

static void tick(void *arg)
{
	struct sipua_call *call = arg;
	int err;

	if (!call->sess || call->closing)
		return;
	call->live_req = mem_deref(call->live_req);
	err = sip_drequestf(&call->live_req, call->ua->sip, true, "OPTIONS",
			    sipsess_dialog(call->sess), 0, NULL, NULL,
			    response, call,
			    "Accept: application/sdp\r\n"
			    "Content-Length: 0\r\n\r\n");
	if (err) {
		/* Our side could not even send: try again later. */
		sipua_log(call->ua,
			  "call %s: cannot send OPTIONS (%m)\n", call->peer,
			  err);
		tmr_start(&call->live_tmr, call->ua->options_interval_ms,
			  tick, call);
	}
}

void sipua_liveness_start(struct sipua_call *call)
{
	if (!call || !call->ua->options_interval_ms)
		return;
	tmr_init(&call->live_tmr);
	tmr_start(&call->live_tmr, call->ua->options_interval_ms, tick, call);
}

void sipua_liveness_stop(struct sipua_call *call)
{
	if (!call)
		return;
	tmr_cancel(&call->live_tmr);
	call->live_req = mem_deref(call->live_req);
}
