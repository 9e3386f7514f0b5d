/*
 * msrp_connect.c - the active side's way to its peer: the first URI of the
 * peer's path, its host name resolved if it is one (msrp_resolve.c), then
 * a TCP (or TLS) connection; the bind SEND follows once it is up.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_session.h"

static int connect_to(struct msrp_session *sess, const struct sa *peer)
{
	struct msrp_conn_handlers h;
	struct msrp_limits lim;
	int err;

	msrp_session_conn_handlers(sess, &h);
	msrp_limits_default(&lim);
	err = msrp_conn_connect(&sess->conn, peer, &lim, &h,
				sess->tls ? sess->sock->tls : NULL,
				sess->peer_fp, sess->peer_host,
				sess->tls_require_auth);
	if (err)
		return err;
	msrp_conn_set_queue_max(sess->conn, SIZE_MAX / 2);
	msrp_conn_set_peer_timeout(sess->conn, sess->peer_timeout_s);
	return 0;
}

static void resolved(int err, const struct sa *addr, void *arg)
{
	struct msrp_session *sess = arg;

	sess->resolve = mem_deref(sess->resolve);
	if (sess->state != ST_CONNECTING)
		return;
	if (!err)
		err = connect_to(sess, addr);
	if (err) {
		msrp_warn(&sess->log,
			  "msrp: session %s: cannot reach the peer's "
			  "host: %m\n", sess->id, err);
		msrp_session_fail(sess, err);
	}
}

int msrp_session_connect(struct msrp_session *sess,
			 const struct msrp_uri *first)
{
	struct sa peer;
	int err;

	err = msrp_resolve(&sess->resolve, sess->dnsc, sess->hosts_file, first,
			   false, &peer, resolved, sess, &sess->log);
	if (err == EINPROGRESS) {
		sess->state = ST_CONNECTING; /* connect when resolved */
		return 0;
	}
	if (!err)
		err = connect_to(sess, &peer);
	if (!err)
		sess->state = ST_CONNECTING;
	return err;
}
