/*
 * msrp_conn.c - an MSRP connection over libre TCP.
 *
 * libre's tcp_send() writes straight to the socket and queues the rest
 * internally (bounded by tcp_conn_txqsz_set, ENOSPC beyond); its send
 * handler runs once that internal queue is empty and the socket writable,
 * which is what drives msrp_conn_want_drain().
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <re.h>
#include "msrp_conn.h"

enum {
	FLUSH_GUARD_MS = 2000,
	RX_SIZE = 65536, /* per read: a whole 64 KiB chunk in one go */
};

struct msrp_conn {
	struct tcp_conn *tc;
	struct msrp_tls_conn *tlsc; /* NULL: plain TCP */
	struct msrp_parser *parser;
	struct msrp_conn_handlers h;
	struct tmr flush_tmr;
	bool established;
	bool closing;    /* draining a final response; input ignored */
	bool want_drain;
	bool closed;     /* closeh given to the current handlers */
	bool tcp_dead;   /* libre closed the TCP connection */
};

static void conn_destructor(void *data)
{
	struct msrp_conn *conn = data;

	tmr_cancel(&conn->flush_tmr);
	conn->tlsc = mem_deref(conn->tlsc);
	conn->tc = mem_deref(conn->tc);
	conn->parser = mem_deref(conn->parser);
}

/* Small frames (RFB input, the bind SEND, responses) must not wait for
 * Nagle: the benchmark's p95 latency was 43 ms with it. */
static void no_delay(const struct msrp_conn *conn)
{
	int on = 1;

	(void)setsockopt(tcp_conn_fd(conn->tc), IPPROTO_TCP, TCP_NODELAY,
			 &on, sizeof(on));
}

static void estab_handler(void *arg)
{
	struct msrp_conn *conn = arg;

	no_delay(conn);
	conn->established = true;
	if (conn->h.estabh)
		conn->h.estabh(conn->h.arg);
}

static bool frame_handler(const struct msrp_msg *msg, void *arg)
{
	struct msrp_conn *conn = arg;

	if (conn->h.msgh)
		conn->h.msgh(msg, NULL, conn->h.arg);
	/* Our own reference is the last one: the owner let go of us. */
	return mem_nrefs(conn) == 1 || conn->closing;
}

static void recv_handler(struct mbuf *mb, void *arg)
{
	struct msrp_conn *conn = arg;
	struct msrp_perr_info info;
	int err;

	if (conn->closing)
		return;
	mem_ref(conn);
	memset(&info, 0, sizeof(info));
	err = msrp_parser_feed(conn->parser, mbuf_buf(mb), mbuf_get_left(mb),
			       frame_handler, conn, &info);
	if (err == EBADMSG && mem_nrefs(conn) > 1 && !conn->closing &&
	    conn->h.msgh)
		conn->h.msgh(NULL, &info, conn->h.arg);
	mem_deref(conn);
}

static void close_handler(int err, void *arg)
{
	struct msrp_conn *conn = arg;

	conn->closing = true;
	tmr_cancel(&conn->flush_tmr);
	if (conn->closed)
		return;
	conn->closed = true;
	if (conn->h.closeh)
		conn->h.closeh(err, conn->h.arg);
}

static void tcp_close_handler(int err, void *arg)
{
	struct msrp_conn *conn = arg;

	conn->tcp_dead = true;
	close_handler(err, conn);
}

static int conn_alloc(struct msrp_conn **connp, const struct msrp_limits *lim,
		      const struct msrp_conn_handlers *h)
{
	struct msrp_conn *conn;
	int err;

	conn = mem_zalloc(sizeof(*conn), conn_destructor);
	if (!conn)
		return ENOMEM;
	tmr_init(&conn->flush_tmr);
	if (h)
		conn->h = *h;
	err = msrp_parser_alloc(&conn->parser, lim);
	if (err) {
		mem_deref(conn);
		return err;
	}
	*connp = conn;
	return 0;
}

int msrp_conn_connect(struct msrp_conn **connp, const struct sa *peer,
		      const struct msrp_limits *lim,
		      const struct msrp_conn_handlers *h,
		      struct msrp_tls *tls, const char *expect_fp)
{
	struct msrp_conn *conn;
	int err;

	if (!connp || !peer)
		return EINVAL;
	err = conn_alloc(&conn, lim, h);
	if (err)
		return err;
	/* Allocate, hook TLS in, then connect: the helper must be there
	 * before the connection can come up. */
	err = tcp_conn_alloc(&conn->tc, peer, estab_handler, recv_handler,
			     tcp_close_handler, conn);
	if (!err)
		tcp_conn_rxsz_set(conn->tc, RX_SIZE);
	if (!err && tls)
		err = msrp_tls_conn_start(&conn->tlsc, tls, conn->tc, true,
					  expect_fp);
	if (!err)
		err = tcp_conn_connect(conn->tc, peer);
	if (err) {
		mem_deref(conn);
		return err;
	}
	*connp = conn;
	return 0;
}

int msrp_conn_accept(struct msrp_conn **connp, struct tcp_sock *ts,
		     const struct msrp_limits *lim,
		     const struct msrp_conn_handlers *h, struct msrp_tls *tls)
{
	struct msrp_conn *conn;
	int err;

	if (!connp || !ts)
		return EINVAL;
	err = conn_alloc(&conn, lim, h);
	if (err)
		return err;
	err = tcp_accept(&conn->tc, ts, estab_handler, recv_handler,
			 tcp_close_handler, conn);
	if (!err) {
		tcp_conn_rxsz_set(conn->tc, RX_SIZE);
		no_delay(conn);
	}
	if (!err && tls)
		err = msrp_tls_conn_start(&conn->tlsc, tls, conn->tc, false,
					  NULL);
	if (err) {
		mem_deref(conn);
		return err;
	}
	*connp = conn;
	return 0;
}

void msrp_conn_set_handlers(struct msrp_conn *conn,
			    const struct msrp_conn_handlers *h)
{
	if (conn && h) {
		conn->h = *h;
		conn->closed = false;
	}
}

bool msrp_conn_tls(const struct msrp_conn *conn)
{
	return conn && msrp_tls_conn_secure(conn->tlsc);
}

const char *msrp_conn_peer_fingerprint(const struct msrp_conn *conn)
{
	return conn ? msrp_tls_conn_peer_fingerprint(conn->tlsc) : NULL;
}

bool msrp_conn_established(const struct msrp_conn *conn)
{
	return conn && conn->established;
}

int msrp_conn_send(struct msrp_conn *conn, struct mbuf *mb)
{
	int err;

	if (!conn || !mb)
		return EINVAL;
	if (conn->closing || !conn->tc)
		return ENOTCONN;
	mb->pos = 0;
	err = tcp_send(conn->tc, mb);
	return err == ENOSPC ? ENOBUFS : err;
}

size_t msrp_conn_txqsz(const struct msrp_conn *conn)
{
	return conn ? tcp_conn_txqsz(conn->tc) : 0;
}

void msrp_conn_set_queue_max(struct msrp_conn *conn, size_t max)
{
	if (conn)
		tcp_conn_txqsz_set(conn->tc, max);
}

static void drain_handler(void *arg)
{
	struct msrp_conn *conn = arg;

	/* One-shot: leaving the handler set would run it on every poll. */
	tcp_set_send(conn->tc, NULL);
	conn->want_drain = false;
	if (conn->closing) {
		close_handler(0, conn);
		return;
	}
	if (conn->h.drainh)
		conn->h.drainh(conn->h.arg);
}

int msrp_conn_want_drain(struct msrp_conn *conn)
{
	if (!conn || !conn->tc)
		return EINVAL;
	if (conn->want_drain)
		return 0;
	conn->want_drain = true;
	return tcp_set_send(conn->tc, drain_handler);
}

static void flush_timeout(void *arg)
{
	close_handler(ETIMEDOUT, arg);
}

void msrp_conn_close_after_flush(struct msrp_conn *conn)
{
	if (!conn)
		return;
	conn->closing = true;
	conn->want_drain = true;
	/* Closing from a timer keeps the caller's stack out of closeh. */
	if (conn->tcp_dead || tcp_set_send(conn->tc, drain_handler))
		tmr_start(&conn->flush_tmr, 0, flush_timeout, conn);
	else
		tmr_start(&conn->flush_tmr, FLUSH_GUARD_MS, flush_timeout,
			  conn);
}
