/*
 * msrp_transport.c - which transport (msrps or msrp) a session uses and
 * what that means: the scheme of our a=path and From-Path, and which
 * connections the session accepts.  One listening socket takes both kinds
 * (msrp_tls_conn.c tells them apart by the first byte), so each session
 * must refuse the kind it did not negotiate: a plain connection claiming
 * a TLS session's id would otherwise be a downgrade.
 */
#include <string.h>
#include <re.h>
#include "msrp_log.h"
#include "msrp_session.h"

int msrp_session_make_paths(struct msrp_session *sess)
{
	const struct msrp_sock *sock = sess->sock;
	const char *host_fmt = sa_af(&sock->path_addr) == AF_INET6 ?
		"%s://[%j]:%u/%s;tcp" : "%s://%j:%u/%s;tcp";
	char *self_uri = NULL, *local_path = NULL;
	int err;

	err = re_sdprintf(&self_uri, host_fmt, sess->tls ? "msrps" : "msrp",
			  &sock->path_addr, sa_port(&sock->path_addr),
			  sess->id);
	if (!err && sess->via_relay)
		err = re_sdprintf(&local_path, "%s %s",
				  msrp_relay_use_path(sock->relay), self_uri);
	else if (!err)
		err = str_dup(&local_path, self_uri);
	if (err) {
		mem_deref(self_uri);
		return err;
	}
	mem_deref(sess->self_uri);
	mem_deref(sess->local_path);
	sess->self_uri = self_uri;
	sess->local_path = local_path;
	return 0;
}

/* Whether a session of this transport can run on the socket. */
static int transport_possible(const struct msrp_sock *sock, bool tls)
{
	if (!tls)
		return 0;
	/* msrps through a relay needs TLS to the relay too */
	if (!sock->tls || (sock->relay && !msrp_relay_secure(sock->relay)))
		return ENOTSUP;
	return 0;
}

int msrp_session_use_tls(struct msrp_session *sess, bool tls)
{
	int err;

	if (sess->tls == tls)
		return 0;
	err = transport_possible(sess->sock, tls);
	if (err) {
		msrp_warn("msrp: session %s: TLS needs a certificate "
			  "(msrp_tls) and an msrps relay, if any\n",
			  sess->id);
		return err;
	}
	sess->tls = tls;
	err = msrp_session_make_paths(sess);
	if (err)
		sess->tls = !tls;
	return err;
}

int msrp_session_set_tls(struct msrp_session *sess, bool tls)
{
	if (!sess)
		return EINVAL;
	if (sess->state != ST_IDLE)
		return EALREADY;
	return msrp_session_use_tls(sess, tls);
}

bool msrp_sock_tls_available(const struct msrp_sock *sock)
{
	return sock && sock->tls;
}

int msrp_session_check_conn(const struct msrp_session *sess,
			    const struct msrp_conn *conn)
{
	const char *fp = msrp_conn_peer_fingerprint(conn);

	if (!sess->tls) {
		if (!msrp_conn_tls(conn))
			return 0;
		msrp_warn("msrp: session %s is plain MSRP but the "
			  "peer came with TLS; refused\n", sess->id);
		return EPROTO;
	}
	if (!msrp_conn_tls(conn)) {
		msrp_warn("msrp: session %s wants TLS but the peer "
			  "came in plain text; refused\n", sess->id);
		return EAUTH;
	}
	if (!msrp_tls_fp_equal(sess->peer_fp, fp)) {
		msrp_warn("msrp: TLS peer certificate does not match "
			  "the SDP fingerprint: expected '%s', got '%s'; "
			  "session %s refused\n", sess->peer_fp,
			  fp ? fp : "", sess->id);
		return EAUTH;
	}
	msrp_info("msrp: TLS peer certificate matches the SDP fingerprint\n");
	return 0;
}
