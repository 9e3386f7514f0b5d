/*
 * msrp_sock.c - the listening socket shared by passive sessions.
 *
 * An accepted connection belongs to nobody until its first request arrives;
 * the session id in that request's To-Path picks the session (RFC 4975
 * section 7.2 / RFC 6135 "sessmatch").  Unknown ids get 481 and the
 * connection is closed once the answer is out.  With a certificate the
 * socket takes TLS and plain connections alike (the first byte tells);
 * the session then refuses the kind it did not negotiate.
 *
 * Unmatched connections cost a descriptor and a parser each, and anybody
 * who can reach the port can open them: they are few per source address,
 * have a few seconds to speak, and a newcomer evicts the oldest when the
 * table is full, so holding connections open cannot keep a caller out.
 * A connection from the address a waiting session's peer put in its
 * a=path is never refused and never evicted by others.
 */
#include <string.h>
#include <sys/socket.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_priv.h"

enum {
	PENDING_MAX = 64,          /* unmatched connections at once */
	PENDING_PER_ADDR = 4,      /* of them from one source address */
};

/* Blink sends its bind as soon as TCP (and TLS) is up. */
enum { PENDING_TIMEOUT_MS = 5000 };

struct pending {
	struct le le;
	struct msrp_sock *sock;
	struct msrp_conn *conn;
	struct tmr tmr;
	struct sa peer;
	bool expected;             /* from a waiting session's peer */
};

static void pending_destructor(void *data)
{
	struct pending *pc = data;

	list_unlink(&pc->le);
	tmr_cancel(&pc->tmr);
	mem_deref(pc->conn);
}

/* A flood must not flood the log too: one line per 10 s at most, with
 * the count since the last one. */
static void pending_note_drop(struct msrp_sock *sock, const char *why)
{
	uint64_t now = tmr_jiffies();

	sock->dropped++;
	if (sock->drop_logged && now - sock->drop_logged < 10000)
		return;
	msrp_warn(&sock->log, "msrp: %u accepted connection(s) closed before "
		  "their first request (latest: %s)\n", sock->dropped, why);
	sock->dropped = 0;
	sock->drop_logged = now ? now : 1;
}

static void pending_timeout(void *arg)
{
	struct pending *pc = arg;

	pending_note_drop(pc->sock, "no request in time");
	mem_deref(pc);
}

static void pending_close(int err, void *arg)
{
	mem_deref(arg);
}

static void pending_msg(const struct msrp_msg *msg,
			const struct msrp_perr_info *perr, void *arg)
{
	struct pending *pc = arg;
	struct msrp_uri to[MSRP_PATH_MAX_URIS];
	struct msrp_session *sess = NULL, *bound = NULL;
	struct msrp_conn *conn;
	size_t n = 0;

	if (!msg || !msg->is_request) {
		if (!msg)
			msrp_warn(&pc->sock->log,
				  "msrp: an accepted connection sent "
				  "a malformed first request; closed\n");
		mem_deref(pc);
		return;
	}
	if (!msrp_path_decode(to, &n, MSRP_PATH_MAX_URIS, &msg->to_path)) {
		sess = msrp_sock_find_waiting(pc->sock, &to[0].session_id);
		if (!sess)
			bound = msrp_sock_find_bound(pc->sock,
						     &to[0].session_id);
	}

	conn = pc->conn;
	pc->conn = NULL;
	mem_deref(pc);
	if (sess) {
		msrp_session_adopt(sess, conn, msg);
		mem_deref(conn); /* the session took its own reference */
		return;
	}
	if (bound && !msrp_session_attach(bound, conn, msg)) {
		mem_deref(conn);
		return;
	}
	msrp_respond_no_session(conn, msg);
	msrp_conn_retire(conn);
}

/* Make room for one more connection from peer: the oldest of its own
 * address when that has its share, else the oldest of all when the table
 * is full.  An expected connection is only evicted by another expected
 * one.  False when there is no room to make. */
static bool pending_make_room(struct msrp_sock *sock, const struct sa *peer,
			      bool expected)
{
	struct pending *oldest_addr = NULL, *oldest = NULL;
	unsigned n_addr = 0;
	struct le *le;

	for (le = sock->pending.head; le; le = le->next) {
		struct pending *pc = le->data;
		bool same = sa_cmp(&pc->peer, peer, SA_ADDR);

		if (same)
			n_addr++;
		if (pc->expected && !expected)
			continue;
		if (same && !oldest_addr)
			oldest_addr = pc;
		if (!oldest)
			oldest = pc;
	}
	if (n_addr >= PENDING_PER_ADDR && !expected) {
		if (!oldest_addr)
			return false;
		pending_note_drop(sock, "too many from one address");
		mem_deref(oldest_addr);
		return true;
	}
	if (list_count(&sock->pending) < PENDING_MAX)
		return true;
	if (!oldest)
		return false;
	pending_note_drop(sock, "evicted by a newer one");
	mem_deref(oldest);
	return true;
}

static void conn_handler(const struct sa *peer, void *arg)
{
	struct msrp_sock *sock = arg;
	struct msrp_limits lim;
	struct pending *pc;
	struct msrp_conn_handlers h = {
		.msgh = pending_msg, .closeh = pending_close,
	};
	bool expected = msrp_sock_expects(sock, peer);

	if (!pending_make_room(sock, peer, expected)) {
		tcp_reject(sock->ts);
		return;
	}
	pc = mem_zalloc(sizeof(*pc), pending_destructor);
	if (!pc) {
		tcp_reject(sock->ts);
		return;
	}
	tmr_init(&pc->tmr);
	pc->sock = sock;
	pc->peer = *peer;
	pc->expected = expected;
	h.arg = pc;
	msrp_limits_default(&lim);
	if (msrp_conn_accept(&pc->conn, sock->ts, &lim, &h, sock->tls)) {
		tcp_reject(sock->ts);
		mem_deref(pc);
		return;
	}
	msrp_conn_set_log(pc->conn, &sock->log);
	msrp_conn_set_queue_max(pc->conn, 65536);
	msrp_conn_set_peer_timeout(pc->conn,
				   msrp_peer_timeout_s(sock->settings));
	list_append(&sock->pending, &pc->le, pc);
	tmr_start(&pc->tmr, sock->settings &&
		  sock->settings->pending_timeout_ms ?
		  sock->settings->pending_timeout_ms : PENDING_TIMEOUT_MS,
		  pending_timeout, pc);
}

static void sock_destructor(void *data)
{
	struct msrp_sock *sock = data;

	list_flush(&sock->pending);
	sock->relay = mem_deref(sock->relay);
	sock->tls = mem_deref(sock->tls);
	/* Sessions hold a reference to us, so none can be waiting here. */
	sock->ts = mem_deref(sock->ts);
}

int msrp_sock_alloc(struct msrp_sock **sockp, const struct sa *laddr)
{
	struct msrp_sock *sock;
	int err;

	if (!sockp || !laddr)
		return EINVAL;
	sock = mem_zalloc(sizeof(*sock), sock_destructor);
	if (!sock)
		return ENOMEM;
	list_init(&sock->waiting);
	list_init(&sock->pending);
	/* tcp_listen() would queue only 5 connections before accept():
	 * a burst of idle ones would hold a caller's SYN back for seconds. */
	err = tcp_sock_alloc(&sock->ts, laddr, conn_handler, sock);
	if (!err)
		err = tcp_sock_bind(sock->ts, laddr);
	if (!err)
		err = tcp_sock_listen(sock->ts, SOMAXCONN);
	if (!err)
		err = tcp_local_get(sock->ts, &sock->laddr);
	if (err) {
		mem_deref(sock);
		return err;
	}
	sock->path_addr = sock->laddr;
	if (sa_is_any(&sock->laddr) &&
	    !net_default_source_addr_get(sa_af(&sock->laddr),
					 &sock->path_addr))
		sa_set_port(&sock->path_addr, sa_port(&sock->laddr));
	else
		sock->path_addr = sock->laddr;
	*sockp = sock;
	return 0;
}

int msrp_sock_local(const struct msrp_sock *sock, struct sa *laddr)
{
	if (!sock || !laddr)
		return EINVAL;
	*laddr = sock->laddr;
	return 0;
}

void msrp_sock_add_waiting(struct msrp_sock *sock, struct le *le,
			   struct msrp_session *sess)
{
	list_append(&sock->waiting, le, sess);
}

int msrp_sock_configure(struct msrp_sock *sock,
			const struct msrp_settings *settings)
{
	int err;

	if (!sock || !settings)
		return EINVAL;
	if (sock->settings)
		return EALREADY;
	/* before the certificate and the relay, which log through it */
	msrp_log_from(&sock->log, settings);
	/* A configured certificate makes TLS available even when our own
	 * offers are plain; a self-signed one is made when our offers use
	 * TLS or when we answer (tls_answer: Blink refuses plain answers). */
	if (settings->tls || (settings->tls_cert && settings->tls_key) ||
	    settings->tls_answer) {
		err = msrp_tls_alloc(&sock->tls, settings->tls_cert,
				     settings->tls_key, settings->tls_dir,
				     &sock->log);
		if (err && !settings->tls && !settings->tls_cert) {
			/* only for answering TLS offers: plain still works */
			msrp_warn(&sock->log,
				  "msrp: no TLS certificate (%m): TLS "
				  "offers will be refused\n", err);
		}
		else if (!err && settings->tls_ca_file &&
			 settings->tls_ca_file[0])
			err = msrp_tls_set_ca(sock->tls, settings->tls_ca_file);
		if (err && sock->tls) {
			sock->tls = mem_deref(sock->tls);
			return err;
		}
		if (err && (settings->tls || settings->tls_cert))
			return err;
	}
	if (settings->relay && settings->relay[0]) {
		err = msrp_relay_alloc(&sock->relay, sock, settings->relay,
				       settings->relay_user,
				       settings->relay_pass, settings->dnsc,
				       settings->hosts_file);
		if (err) {
			sock->tls = mem_deref(sock->tls);
			return err;
		}
	}
	sock->settings = settings;
	return 0;
}

bool msrp_sock_ready(const struct msrp_sock *sock)
{
	return sock && (!sock->relay || msrp_relay_ready(sock->relay));
}

const char *msrp_sock_tls_fingerprint(const struct msrp_sock *sock)
{
	return sock ? msrp_tls_fingerprint(sock->tls) : NULL;
}
