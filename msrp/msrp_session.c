/*
 * msrp_session.c - session lifecycle: start in either role, the bind
 * handshake (RFC 4975 section 7.1.1 empty SEND, RFC 6135 roles), sending
 * data as complete one-chunk messages, flow control and teardown.  What
 * arrives is handled in msrp_recv.c.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_session.h"


/* What a session that is over, by failure or by its user, lets go of
 * before its connection. */
static void drop_activity(struct msrp_session *sess)
{
	list_unlink(&sess->le_wait);
	list_unlink(&sess->le_relay);
	tmr_cancel(&sess->bind_tmr);
	msrp_keepalive_stop(sess);
	sess->resolve = mem_deref(sess->resolve);
	list_flush(&sess->extra);
}

static void session_destructor(void *data)
{
	struct msrp_session *sess = data;

	drop_activity(sess);
	/* Quiet: the user asked for this, so no handler runs.  The relay's
	 * shared connection only loses our reference. */
	sess->conn = mem_deref(sess->conn);
	mem_deref(sess->content_type);
	mem_deref(sess->local_path);
	mem_deref(sess->self_uri);
	mem_deref(sess->remote_path);
	mem_deref(sess->to_path);
	mem_deref(sess->send_head);
	mem_deref(sess->send_type);
	mem_deref(sess->sock);
}

void msrp_session_fail(struct msrp_session *sess, int err)
{
	if (sess->state == ST_CLOSED)
		return;
	sess->state = ST_CLOSED;
	drop_activity(sess);
	if (sess->via_relay)
		mem_deref(sess->conn); /* others still use it */
	else
		msrp_conn_retire(sess->conn); /* lets a final error out */
	sess->conn = NULL;
	if (sess->closeh)
		sess->closeh(err, sess->arg);
}

bool msrp_session_report_bound(struct msrp_session *sess)
{
	bool alive;

	sess->state = ST_BOUND;
	tmr_cancel(&sess->bind_tmr);
	msrp_keepalive_start(sess);
	if (!sess->boundh)
		return true;
	mem_ref(sess);
	sess->boundh(sess->arg);
	alive = mem_nrefs(sess) > 1 && sess->state != ST_CLOSED;
	mem_deref(sess);
	return alive;
}

static void bind_timeout(void *arg)
{
	msrp_session_fail(arg, ETIMEDOUT);
}

int msrp_session_alloc(struct msrp_session **sessp, struct msrp_sock *sock,
		       const struct msrp_settings *settings,
		       msrp_bound_h *boundh, msrp_recv_h *recvh,
		       msrp_writable_h *writableh, msrp_close_h *closeh,
		       void *arg)
{
	struct msrp_session *sess;
	struct msrp_log lg;
	int err;

	if (!sessp || !sock)
		return EINVAL;
	msrp_log_from(&lg, settings);
	if (!lg.h)
		lg = sock->log;
	if (!sock->settings && settings && (settings->relay ||
					     settings->tls ||
					     settings->tls_cert ||
					     settings->tls_answer)) {
		err = msrp_sock_configure(sock, settings);
		if (err)
			return err;
	}
	if (!msrp_sock_ready(sock))
		return EAGAIN; /* the relay's AUTH is not through yet */
	if (settings && settings->tls && (!sock->tls ||
	    (sock->relay && !msrp_relay_secure(sock->relay)))) {
		/* msrps through a relay needs TLS to the relay too */
		msrp_warn(&lg, "msrp: TLS sessions need a certificate and "
			  "an msrps relay, if any\n");
		return ENOTSUP;
	}
	sess = mem_zalloc(sizeof(*sess), session_destructor);
	if (!sess)
		return ENOMEM;
	tmr_init(&sess->bind_tmr);
	sess->log = lg;
	msrp_keepalive_init(sess, settings);
	list_init(&sess->extra);
	sess->sock = mem_ref(sock);
	sess->chunk_size = settings && settings->chunk_size ?
		settings->chunk_size : 8192;
	sess->txq_limit = settings && settings->txq_limit ?
		settings->txq_limit : 256 * 1024;
	err = str_dup(&sess->content_type,
		      settings && settings->content_type ?
		      settings->content_type : "application/octet-stream");
	if (!err)
		err = msrp_random_id(sess->id, MSRP_ID_LEN);
	if (!err)
		err = msrp_session_tid_base(&sess->tid_base);
	sess->tls = settings && settings->tls;
	sess->tls_require_auth = settings && settings->tls_require_auth;
	sess->dnsc = settings ? settings->dnsc : NULL;
	if (!sess->dnsc && sock->settings)
		sess->dnsc = sock->settings->dnsc;
	sess->hosts_file = settings && settings->hosts_file ?
		settings->hosts_file : sock->settings ?
		sock->settings->hosts_file : NULL;
	sess->bind_timeout_ms = settings && settings->bind_timeout_ms ?
		settings->bind_timeout_ms : MSRP_TRANSACTION_MS;
	sess->via_relay = sock->relay != NULL;
	if (!err)
		err = msrp_session_make_paths(sess);
	if (err) {
		mem_deref(sess);
		return err;
	}
	sess->boundh = boundh;
	sess->recvh = recvh;
	sess->writableh = writableh;
	sess->closeh = closeh;
	sess->arg = arg;
	*sessp = sess;
	return 0;
}

const char *msrp_session_local_path(const struct msrp_session *sess)
{
	return sess ? sess->local_path : NULL;
}

const char *msrp_session_local_fingerprint(const struct msrp_session *sess)
{
	if (!sess || !sess->tls)
		return NULL;
	return msrp_sock_tls_fingerprint(sess->sock);
}

int msrp_session_set_peer_fingerprint(struct msrp_session *sess,
				      const char *fp)
{
	if (!sess)
		return EINVAL;
	if (!fp)
		fp = "";
	if (strlen(fp) >= sizeof(sess->peer_fp))
		return E2BIG;
	str_ncpy(sess->peer_fp, fp, sizeof(sess->peer_fp));
	return 0;
}

/* An empty SEND whose 200 we wait for: the bind, and the keepalive.  No
 * Failure-Report header: the default "yes" asks for that 200. */
int msrp_session_send_empty(struct msrp_session *sess, char *tid)
{
	char msgid[MSRP_ID_LEN + 1];
	struct msrp_send_desc d;
	struct mbuf *mb;
	int err;

	memset(&d, 0, sizeof(d));
	err = msrp_random_id(tid, MSRP_ID_LEN);
	err |= msrp_random_id(msgid, MSRP_ID_LEN);
	if (err)
		return err;
	d.tid = tid;
	d.to_path = sess->to_path;
	d.from_path = sess->self_uri;
	d.message_id = msgid;
	d.range_start = 1;
	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = msrp_build_send(mb, &d);
	if (!err)
		err = msrp_conn_send(sess->conn, mb);
	mem_deref(mb);
	return err;
}

static void estab_handler(void *arg)
{
	struct msrp_session *sess = arg;
	int err;

	if (!sess->active || sess->state != ST_CONNECTING)
		return;
	sess->state = ST_BINDING;
	/* the certificate was judged before this; only the log is left */
	err = msrp_session_check_peer_cert(sess, sess->conn);
	if (!err)
		err = msrp_session_send_empty(sess, sess->bind_tid);
	if (err)
		msrp_session_fail(sess, err);
}

static void close_handler(int err, void *arg)
{
	msrp_session_fail(arg, err);
}

static void drain_handler(void *arg)
{
	struct msrp_session *sess = arg;

	sess->control_mark = 0;
	if (sess->state == ST_BOUND && sess->writableh)
		sess->writableh(sess->arg);
}

void msrp_session_conn_handlers(struct msrp_session *sess,
				struct msrp_conn_handlers *h)
{
	memset(h, 0, sizeof(*h));
	h->estabh = estab_handler;
	h->msgh = msrp_session_msg_handler;
	h->closeh = close_handler;
	h->drainh = drain_handler;
	h->arg = sess;
}

/* Keep the peer's path as one line of single-space separated URIs. */
static int store_remote_path(struct msrp_session *sess, const char *path,
			     struct msrp_uri *first)
{
	struct msrp_uri uriv[MSRP_PATH_MAX_URIS];
	struct mbuf *mb;
	struct pl pl, s;
	size_t n = 0;
	int err;

	pl_set_str(&pl, path);
	err = msrp_path_decode(uriv, &n, MSRP_PATH_MAX_URIS, &pl);
	if (err)
		return err == E2BIG ? E2BIG : EINVAL;
	mb = mbuf_alloc(pl.l + 1);
	if (!mb)
		return ENOMEM;
	for (s = pl; s.l && !err;) {
		size_t len = 0;
		while (s.l && (s.p[0] == ' ' || s.p[0] == '\t'))
			pl_advance(&s, 1);
		while (len < s.l && s.p[len] != ' ' && s.p[len] != '\t')
			len++;
		if (!len)
			break;
		if (mb->end)
			err = mbuf_write_u8(mb, ' ');
		err |= mbuf_write_mem(mb, (const uint8_t *)s.p, len);
		pl_advance(&s, (ssize_t)len);
	}
	if (!err) {
		mb->pos = 0;
		sess->remote_path = mem_deref(sess->remote_path);
		err = mbuf_strdup(mb, &sess->remote_path, mb->end);
	}
	/* Our own relays come first on the way out (RFC 4976 section 6). */
	sess->to_path = mem_deref(sess->to_path);
	if (!err && sess->via_relay)
		err = re_sdprintf(&sess->to_path, "%s %s",
				  msrp_relay_use_path(sess->sock->relay),
				  sess->remote_path);
	else if (!err)
		err = str_dup(&sess->to_path, sess->remote_path);
	mem_deref(mb);
	if (err)
		return err;
	/* Decode again from our copy so the pl fields stay valid. */
	pl_set_str(&pl, sess->remote_path);
	err = msrp_path_decode(uriv, &n, MSRP_PATH_MAX_URIS, &pl);
	if (err)
		return EINVAL;
	*first = uriv[0];
	return 0;
}

/* The relay's connection is up and authorised: bind over it at once, or
 * wait for the peer's first SEND to come through it. */
static int start_via_relay(struct msrp_session *sess, enum msrp_setup setup)
{
	struct msrp_relay *relay = sess->sock->relay;
	int err = 0;

	if (!msrp_relay_ready(relay)) {
		tmr_cancel(&sess->bind_tmr);
		return ENOTCONN;
	}
	sess->conn = mem_ref(msrp_relay_conn(relay));
	msrp_relay_add_session(relay, &sess->le_relay, sess);
	sess->active = setup == MSRP_SETUP_ACTIVE;
	if (sess->active) {
		sess->state = ST_BINDING;
		err = msrp_session_send_empty(sess, sess->bind_tid);
	}
	else {
		sess->state = ST_WAITING;
	}
	if (err) {
		tmr_cancel(&sess->bind_tmr);
		list_unlink(&sess->le_relay);
		sess->conn = mem_deref(sess->conn);
		sess->state = ST_IDLE;
	}
	return err;
}

int msrp_session_start(struct msrp_session *sess, const char *remote_path,
		       enum msrp_setup setup)
{
	struct msrp_uri first;
	int err;

	if (!sess || !remote_path)
		return EINVAL;
	if (sess->state != ST_IDLE)
		return EALREADY;
	err = store_remote_path(sess, remote_path, &first);
	if (err)
		return err;
	/* The connection we open speaks what the first hop's URI says
	 * (msrps or msrp), whatever we would have offered. */
	if (setup == MSRP_SETUP_ACTIVE && !sess->via_relay) {
		err = msrp_session_use_tls(sess, first.secure);
		if (err)
			return err;
	}
	/* The certificate of a peer we connect to must name this host when
	 * a CA checks it; a passive session checks the same. */
	(void)pl_strcpy(&first.host, sess->peer_host,
			sizeof(sess->peer_host));
	/* Authentication required and nothing to verify the peer against:
	 * no fingerprint and no CA (a relay is checked by CA when the
	 * socket connects to it). */
	if (sess->tls && sess->tls_require_auth && !sess->peer_fp[0] &&
	    !sess->via_relay && !msrp_tls_has_ca(sess->sock->tls)) {
		msrp_warn(&sess->log,
			  "msrp: session %s: the TLS peer cannot be "
			  "authenticated (no a=fingerprint, no msrp_tls_ca) "
			  "and msrp_tls_require_auth is set; refused\n",
			  sess->id);
		return EAUTH;
	}
	tmr_start(&sess->bind_tmr, sess->bind_timeout_ms, bind_timeout, sess);
	if (sess->via_relay)
		return start_via_relay(sess, setup);
	msrp_sock_add_waiting(sess->sock, &sess->le_wait, sess);
	if (setup == MSRP_SETUP_PASSIVE) {
		sess->active = false;
		sess->state = ST_WAITING;
		/* Its connection gets in however crowded the socket is. */
		if (!first.host_is_ip || msrp_uri_addr(&first, &sess->peer_addr))
			sa_init(&sess->peer_addr, AF_UNSPEC);
		return 0;
	}
	sess->active = true;
	err = msrp_session_connect(sess, &first);
	if (err) {
		tmr_cancel(&sess->bind_tmr);
		list_unlink(&sess->le_wait);
		return err;
	}
	return 0;
}

struct msrp_session *msrp_sock_find_waiting(struct msrp_sock *sock,
					    const struct pl *session_id)
{
	struct le *le;

	for (le = sock->waiting.head; le; le = le->next) {
		struct msrp_session *sess = le->data;
		if (sess->state == ST_WAITING && !sess->conn &&
		    !pl_strcmp(session_id, sess->id))
			return sess;
	}
	return NULL;
}

bool msrp_sock_expects(struct msrp_sock *sock, const struct sa *peer)
{
	struct le *le;

	for (le = sock->waiting.head; le; le = le->next) {
		const struct msrp_session *sess = le->data;

		if (sess->state == ST_WAITING && !sess->conn &&
		    sa_isset(&sess->peer_addr, SA_ADDR) &&
		    sa_cmp(&sess->peer_addr, peer, SA_ADDR))
			return true;
	}
	return false;
}

struct msrp_session *msrp_sock_find_bound(struct msrp_sock *sock,
					  const struct pl *session_id)
{
	struct le *le;

	for (le = sock->waiting.head; le; le = le->next) {
		struct msrp_session *sess = le->data;
		if (sess->conn && sess->state != ST_CLOSED &&
		    !pl_strcmp(session_id, sess->id))
			return sess;
	}
	return NULL;
}

void msrp_session_adopt(struct msrp_session *sess, struct msrp_conn *conn,
			const struct msrp_msg *msg)
{
	struct msrp_conn_handlers h;
	int err = msrp_session_check_conn(sess, conn);

	if (err) {
		/* The caller's reference goes, and the connection with it. */
		msrp_session_fail(sess, err);
		return;
	}

	sess->conn = mem_ref(conn);
	msrp_conn_set_peer_timeout(conn, sess->peer_timeout_s);
	msrp_session_conn_handlers(sess, &h);
	msrp_conn_set_handlers(conn, &h);
	msrp_conn_set_queue_max(conn, SIZE_MAX / 2);
	msrp_session_msg_handler(msg, NULL, sess);
}
