/*
 * msrp_keepalive.c - keep an idle session's connection alive and find out
 * when the peer is gone (RFC 4975 section 7.1: an empty SEND is answered
 * like any other; SIP SIMPLE's msrplib, used by Blink, keeps its sessions
 * alive this way).  The side that opened the connection (or that reaches
 * the peer through a relay) sends an empty SEND, asking for a response,
 * once a whole interval passed with no frame in either direction; a peer
 * that does not answer it within the transaction timeout ends the session
 * with ETIMEDOUT.  Activity is a flag checked once per interval, so the
 * data path pays one store per chunk.
 */
#include <string.h>
#include <re.h>
#include "msrp_log.h"
#include "msrp_session.h"

unsigned msrp_keepalive_timeout_ms = MSRP_TRANSACTION_MS;

enum { KEEPALIVE_DEFAULT_S = 30, KEEPALIVE_MAX_S = 86400 };

static void tick(void *arg);

static void no_answer(void *arg)
{
	struct msrp_session *sess = arg;

	msrp_warn("msrp: session %s: no answer to the keepalive "
		  "within %u ms; peer gone\n", sess->id,
		  msrp_keepalive_timeout_ms);
	msrp_session_fail(sess, ETIMEDOUT);
}

static void tick(void *arg)
{
	struct msrp_session *sess = arg;
	int err;

	tmr_start(&sess->ka_tmr, sess->keepalive_ms, tick, sess);
	if (sess->ka_activity || sess->ka_tid[0]) {
		sess->ka_activity = false;
		return;
	}
	err = msrp_session_send_empty(sess, sess->ka_tid);
	if (err) {
		sess->ka_tid[0] = '\0';
		msrp_session_fail(sess, err);
		return;
	}
	tmr_start(&sess->ka_answer_tmr, msrp_keepalive_timeout_ms, no_answer,
		  sess);
}

void msrp_keepalive_init(struct msrp_session *sess,
			 const struct msrp_settings *settings)
{
	int s = settings ? settings->keepalive : 0;

	tmr_init(&sess->ka_tmr);
	tmr_init(&sess->ka_answer_tmr);
	if (s < 0)
		sess->keepalive_ms = 0;
	else
		sess->keepalive_ms = 1000u * (unsigned)(s == 0 ?
			KEEPALIVE_DEFAULT_S : s > KEEPALIVE_MAX_S ?
			KEEPALIVE_MAX_S : s);
}

void msrp_keepalive_start(struct msrp_session *sess)
{
	if (!sess->keepalive_ms || !(sess->active || sess->via_relay))
		return;
	sess->ka_activity = false;
	sess->ka_tid[0] = '\0';
	tmr_start(&sess->ka_tmr, sess->keepalive_ms, tick, sess);
}

void msrp_keepalive_stop(struct msrp_session *sess)
{
	tmr_cancel(&sess->ka_tmr);
	tmr_cancel(&sess->ka_answer_tmr);
	sess->ka_tid[0] = '\0';
}

bool msrp_keepalive_response(struct msrp_session *sess,
			     const struct msrp_msg *msg)
{
	if (!sess->ka_tid[0] || strcmp(msg->tid, sess->ka_tid) != 0)
		return false;
	sess->ka_tid[0] = '\0';
	tmr_cancel(&sess->ka_answer_tmr);
	if (msg->code >= 300) {
		msrp_warn("msrp: session %s: keepalive answered "
			  "%u; peer lost the session\n", sess->id, msg->code);
		msrp_session_fail(sess, EPROTO);
	}
	return true;
}
