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
#include "msrp/msrp_log.h"
#include "msrp/msrp_session.h"

int msrp_session_make_paths(struct msrp_session *sess)
{
	const struct msrp_sock *sock = sess->sock;
	const struct sa *host = sa_isset(&sess->path_addr, SA_ADDR) ?
		&sess->path_addr : &sock->path_addr;
	const char *host_fmt = sa_af(host) == AF_INET6 ?
		"%s://[%j]:%u/%s;tcp" : "%s://%j:%u/%s;tcp";
	char *self_uri = NULL, *local_path = NULL;
	int err;

	err = re_sdprintf(&self_uri, host_fmt, sess->tls ? "msrps" : "msrp",
			  host, sa_port(&sock->path_addr), sess->id);
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

int msrp_session_set_local_addr(struct msrp_session *sess,
				const struct sa *addr)
{
	struct sa old;
	int err;

	if (!sess || !addr)
		return EINVAL;
	if (sess->state != ST_IDLE)
		return EALREADY;
	/* a socket bound to one address is reachable only there */
	if (!sa_is_any(&sess->sock->laddr) || !sa_isset(addr, SA_ADDR))
		return 0;
	/* an IPv4 socket cannot take an IPv6 peer */
	if (sa_af(&sess->sock->laddr) == AF_INET && sa_af(addr) != AF_INET)
		return EAFNOSUPPORT;
	old = sess->path_addr;
	sess->path_addr = *addr;
	err = msrp_session_make_paths(sess);
	if (err)
		sess->path_addr = old;
	return err;
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
		msrp_warn(&sess->log,
			  "msrp: session %s: TLS needs a certificate "
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

int msrp_session_check_peer_cert(struct msrp_session *sess,
				 const struct msrp_conn *conn)
{
	struct msrp_tls_conn *tlsc = msrp_conn_tls_state(conn);
	const char *why;
	int err = 0;

	if (!sess->tls || !msrp_conn_tls(conn))
		return 0;
	/* Passive: judged now that the first request named the session.
	 * Active: judged in the handshake, before the bind SEND. */
	if (!sess->active)
		err = msrp_tls_conn_judge(tlsc, sess->peer_fp, sess->peer_host,
					  sess->tls_require_auth);
	if (err)
		return err;
	why = msrp_tls_conn_unauth_why(tlsc);
	if (why && !sess->unauth_logged) {
		sess->unauth_logged = true;
		msrp_info(&sess->log,
			  "msrp: session %s: the TLS peer's certificate is "
			  "not authenticated (%s); the stream is encrypted, "
			  "and the peer is trusted by its SIP identity and "
			  "the session id it sent (msrp_tls_require_auth no)\n",
			  sess->id, why);
	}
	return 0;
}

int msrp_session_check_conn(struct msrp_session *sess,
			    const struct msrp_conn *conn)
{
	if (!sess->tls) {
		if (!msrp_conn_tls(conn))
			return 0;
		msrp_warn(&sess->log, "msrp: session %s is plain MSRP but the "
			  "peer came with TLS; refused\n", sess->id);
		return EPROTO;
	}
	if (!msrp_conn_tls(conn)) {
		msrp_warn(&sess->log, "msrp: session %s wants TLS but the peer "
			  "came in plain text; refused\n", sess->id);
		return EAUTH;
	}
	if (msrp_session_check_peer_cert(sess, conn)) {
		msrp_warn(&sess->log, "msrp: session %s refused\n", sess->id);
		return EAUTH;
	}
	return 0;
}
