/*
 * msrp_recv.c - what a session does with incoming frames (RFC 4975
 * sections 7.2, 7.3): answer requests as their Failure-Report asks, send
 * REPORTs when asked for success reports, and hand body bytes to the user
 * in arrival order.
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "msrp/msrp_session.h"

/* Case-insensitive equality with a literal, length first: these run for
 * every chunk. */
static bool pl_is(const struct pl *pl, const char *lit, size_t n)
{
	return pl->l == n && !strncasecmp(pl->p, lit, n);
}
#define PL_IS(pl, lit) pl_is(pl, lit, sizeof(lit) - 1)

static struct pl first_uri(const struct pl *path)
{
	struct pl p = *path;
	const char *sp = pl_strchr(&p, ' ');

	if (sp)
		p.l = (size_t)(sp - p.p);
	return p;
}

/* "sessmatch": the request is addressed to our session id. */
static bool addressed_to_us(const struct msrp_session *sess,
			    const struct msrp_msg *msg)
{
	struct pl to = first_uri(&msg->to_path);
	struct msrp_uri uri;

	/* Our own URI as we wrote it: the usual case, decided without
	 * decoding it for every chunk. */
	if (!pl_strcmp(&to, sess->self_uri))
		return true;
	return !msrp_uri_decode(&uri, &to) &&
		!pl_strcmp(&uri.session_id, sess->id);
}

/* Media type without parameters, compared case-insensitively. */
static bool content_type_ok(const struct msrp_session *sess,
			    const struct pl *ct)
{
	struct pl type = *ct, ours;
	const char *semi;

	/* Exactly what we send ourselves: the usual case. */
	if (sess->send_type_len > 18 && ct->l == sess->send_type_len - 18 &&
	    !memcmp(ct->p, sess->send_type + 16, ct->l))
		return true;
	semi = pl_strchr(&type, ';');
	if (semi)
		type.l = (size_t)(semi - type.p);
	while (type.l && type.p[type.l - 1] == ' ')
		type.l--;
	pl_set_str(&ours, sess->content_type);
	semi = pl_strchr(&ours, ';');
	if (semi)
		ours.l = (size_t)(semi - ours.p);
	return type.l && !pl_casecmp(&type, &ours);
}

static bool wants_response(const struct msrp_msg *msg, uint16_t code)
{
	if (PL_IS(&msg->failure_report, "no"))
		return false;
	if (PL_IS(&msg->failure_report, "partial"))
		return code != 200;
	return true;
}

static bool control_room(const struct msrp_session *sess)
{
	return msrp_conn_txqsz(msrp_session_reply_conn(sess)) <=
		sess->control_mark + MSRP_CONTROL_SLACK;
}

static int send_success_report(struct msrp_session *sess,
			       const struct msrp_msg *msg)
{
	char tid[MSRP_ID_LEN + 1];
	struct msrp_range range = msg->range;
	/* End to end: back along every hop the SEND took (RFC 4976 7.1). */
	struct pl to = msg->from_path;
	struct mbuf *mb;
	int err;

	if (!range.present) {
		range.start = 1;
		range.end_known = range.total_known = true;
		range.end = range.total = msg->body_len;
	}
	if (!range.end_known) {
		range.end_known = true;
		range.end = range.start + msg->body_len - 1;
	}
	err = msrp_random_id(tid, MSRP_ID_LEN);
	if (err)
		return err;
	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = msrp_build_report(mb, tid, &to, sess->self_uri,
				&msg->message_id, &range, 200);
	if (!err)
		err = msrp_conn_send(msrp_session_reply_conn(sess), mb);
	mem_deref(mb);
	return err;
}

/* The body may come in pieces (msrp_parser_feed_mbuf); the user may
 * destroy the session in recvh. */
static void deliver(struct msrp_session *sess, const struct msrp_msg *msg)
{
	if (!sess->recvh || !msg->body_len)
		return;
	if (msg->bodyc <= 1) {
		sess->recvh(msg->bodyv[0].p, msg->body_len, sess->arg);
		return;
	}
	mem_ref(sess);
	for (size_t i = 0; i < msg->bodyc; i++) {
		if (sess->state == ST_CLOSED || mem_nrefs(sess) == 1)
			break;
		sess->recvh(msg->bodyv[i].p, msg->bodyv[i].l, sess->arg);
	}
	mem_deref(sess);
}

static void handle_request(struct msrp_session *sess,
			   const struct msrp_msg *msg)
{
	bool is_send = msg->method.l == 4 && !memcmp(msg->method.p, "SEND", 4);
	bool is_report = msg->method.l == 6 &&
		!memcmp(msg->method.p, "REPORT", 6);
	bool success_report = is_send && PL_IS(&msg->success_report, "yes");
	uint16_t code = 200;
	int err = 0;

	if (!addressed_to_us(sess, msg))
		code = 481;
	else if (!is_send && !is_report)
		code = 501;
	else if (is_send && msg->body_len &&
		 !content_type_ok(sess, &msg->content_type))
		code = 415;
	if (is_report)
		return; /* REPORTs are never answered; we need none */

	if (wants_response(msg, code) || (code == 200 && success_report)) {
		if (!control_room(sess)) {
			msrp_session_fail(sess, ENOBUFS);
			return;
		}
	}
	if (wants_response(msg, code))
		err = msrp_respond(msrp_session_reply_conn(sess), msg, code,
				   sess->self_uri);
	if (!err && code == 200 && success_report)
		err = send_success_report(sess, msg);
	if (err && err != EBADMSG) {
		msrp_session_fail(sess, err);
		return;
	}
	if (!is_send || code != 200)
		return;

	/* The passive side is bound once the peer's first SEND is answered;
	 * the active side waits for the 200 to its own bind SEND. */
	if (sess->state == ST_WAITING && !msrp_session_report_bound(sess))
		return;
	deliver(sess, msg);
}

static void handle_response(struct msrp_session *sess,
			    const struct msrp_msg *msg)
{
	if (msrp_keepalive_response(sess, msg))
		return;
	if (sess->state == ST_BINDING && !strcmp(msg->tid, sess->bind_tid)) {
		if (msg->code == 200)
			(void)msrp_session_report_bound(sess);
		else
			msrp_session_fail(sess, EPROTO);
		return;
	}
	/* Our data SENDs ask for failure reports only: any answer to them is
	 * an error, and a byte stream with a hole in it is worthless. */
	if (msg->code >= 300)
		msrp_session_fail(sess, EPROTO);
}

static void answer_parse_error(struct msrp_session *sess,
			       const struct msrp_perr_info *perr)
{
	struct pl to;
	struct mbuf *mb;

	if (!perr || !perr->is_request || !perr->tid[0] || !sess->to_path)
		return;
	pl_set_str(&to, sess->to_path);
	to = first_uri(&to);
	mb = mbuf_alloc(256);
	if (!mb)
		return;
	if (!msrp_build_response(mb, perr->tid, msrp_perr_status(perr->err),
				 NULL, &to, sess->self_uri))
		(void)msrp_conn_send(msrp_session_reply_conn(sess), mb);
	mem_deref(mb);
}

void msrp_session_msg_handler(const struct msrp_msg *msg,
			      const struct msrp_perr_info *perr, void *arg)
{
	struct msrp_session *sess = arg;

	if (sess->state == ST_CLOSED)
		return;
	sess->ka_activity = true;
	if (!msg) {
		answer_parse_error(sess, perr);
		msrp_session_fail(sess, EPROTO);
		return;
	}
	if (msg->is_request)
		handle_request(sess, msg);
	else
		handle_response(sess, msg);
}

struct msrp_conn *msrp_session_reply_conn(const struct msrp_session *sess)
{
	return sess->rx_conn ? sess->rx_conn : sess->conn;
}

/* ---- extra inbound connections ---- */

enum { EXTRA_CONNS_MAX = 4 };

struct extra_conn {
	struct le le;
	struct msrp_session *sess;  /* not owned: it owns us */
	struct msrp_conn *conn;
};

static void extra_destructor(void *data)
{
	struct extra_conn *x = data;

	list_unlink(&x->le);
	/* Let a queued response out; the connection frees itself. */
	msrp_conn_retire(x->conn);
}

static void extra_msg(const struct msrp_msg *msg,
		      const struct msrp_perr_info *perr, void *arg)
{
	struct extra_conn *x = arg;
	struct msrp_session *sess = x->sess;

	if (!msg) {
		/* A broken extra connection is not the session's failure. */
		mem_deref(x);
		return;
	}
	mem_ref(sess);
	sess->rx_conn = x->conn;
	msrp_session_msg_handler(msg, perr, sess);
	sess->rx_conn = NULL;
	mem_deref(sess);
}

static void extra_close(int err, void *arg)
{
	struct extra_conn *x = arg;

	/* retire() would wait for a flush that can never come. */
	x->conn = mem_deref(x->conn);
	mem_deref(x);
}

int msrp_session_attach(struct msrp_session *sess, struct msrp_conn *conn,
			const struct msrp_msg *msg)
{
	struct msrp_conn_handlers h = {
		.msgh = extra_msg, .closeh = extra_close,
	};
	struct extra_conn *x;

	if (list_count(&sess->extra) >= EXTRA_CONNS_MAX)
		return EOVERFLOW;
	if (msrp_session_check_conn(sess, conn))
		return EAUTH;
	x = mem_zalloc(sizeof(*x), extra_destructor);
	if (!x)
		return ENOMEM;
	x->sess = sess;
	x->conn = mem_ref(conn);
	h.arg = x;
	msrp_conn_set_handlers(conn, &h);
	list_append(&sess->extra, &x->le, x);
	extra_msg(msg, NULL, x);
	return 0;
}
