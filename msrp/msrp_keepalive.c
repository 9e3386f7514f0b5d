/*
 * msrp_keepalive.c - keep an idle session's connection alive and find out
 * when the peer is gone (RFC 4975 section 7.1: an empty SEND is answered
 * like any other; SIP SIMPLE's msrplib, used by Blink, keeps its sessions
 * alive this way).  Either side sends an empty SEND, asking for a
 * response, once a whole interval passed with no frame in either
 * direction: the side that opened the connection (or that reaches the
 * peer through a relay) to keep NAT bindings and relays open, the side
 * that waited because nothing else would notice a peer that froze (a
 * stopped viewer's kernel still acknowledges TCP, and RFB sends nothing
 * to a viewer that asks for nothing), every quarter of peer_timeout at
 * most.  A peer that does not answer within the transaction timeout, or
 * a quarter of peer_timeout when shorter, ends the session with
 * ETIMEDOUT.  Activity is a flag checked once per interval, so the
 * data path pays one store per chunk.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_session.h"

enum { KEEPALIVE_DEFAULT_S = 30, KEEPALIVE_MAX_S = 86400 };

static void tick(void *arg);

/* A quarter of peer_timeout each for the idle interval of the waiting
 * side, and for the answer: a frozen peer is found within three
 * quarters of it (an interval may start just after the last frame). */
static unsigned answer_ms(const struct msrp_session *sess)
{
	unsigned peer_ms = (unsigned)sess->peer_timeout_s * 1000u / 4;

	return peer_ms && peer_ms < sess->ka_answer_max_ms ?
		peer_ms : sess->ka_answer_max_ms;
}

static void no_answer(void *arg)
{
	struct msrp_session *sess = arg;

	msrp_warn(&sess->log, "msrp: session %s: no answer to the keepalive "
		  "within %u ms; peer gone\n", sess->id, answer_ms(sess));
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
	tmr_start(&sess->ka_answer_tmr, answer_ms(sess), no_answer, sess);
}

void msrp_keepalive_init(struct msrp_session *sess,
			 const struct msrp_settings *settings)
{
	int s = settings ? settings->keepalive : 0;

	tmr_init(&sess->ka_tmr);
	tmr_init(&sess->ka_answer_tmr);
	sess->peer_timeout_s = msrp_peer_timeout_s(settings);
	sess->ka_answer_max_ms = settings && settings->keepalive_timeout_ms ?
		settings->keepalive_timeout_ms : MSRP_TRANSACTION_MS;
	if (s < 0)
		sess->keepalive_ms = 0;
	else
		sess->keepalive_ms = 1000u * (unsigned)(s == 0 ?
			KEEPALIVE_DEFAULT_S : s > KEEPALIVE_MAX_S ?
			KEEPALIVE_MAX_S : s);
}

void msrp_keepalive_start(struct msrp_session *sess)
{
	unsigned peer_ms = (unsigned)sess->peer_timeout_s * 1000u / 4;

	if (!sess->keepalive_ms)
		return;
	if (!sess->active && !sess->via_relay && peer_ms &&
	    peer_ms < sess->keepalive_ms)
		sess->keepalive_ms = peer_ms;
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
		msrp_warn(&sess->log, "msrp: session %s: keepalive answered "
			  "%u; peer lost the session\n", sess->id, msg->code);
		msrp_session_fail(sess, EPROTO);
	}
	return true;
}
