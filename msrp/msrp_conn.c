/*
 * msrp_conn.c - an MSRP connection over libre TCP.
 *
 * Setting up, reading and closing; writing is msrp_conn_tx.c.
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <re.h>
#include "msrp/msrp_conn_int.h"

static void conn_destructor(void *data)
{
	struct msrp_conn *conn = data;

	tmr_cancel(&conn->flush_tmr);
	list_flush(&conn->txq);
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

enum { PEER_TIMEOUT_DEFAULT_S = 60, PEER_TIMEOUT_MAX_S = 86400 };

int msrp_peer_timeout_s(const struct msrp_settings *settings)
{
	int s = settings ? settings->peer_timeout : 0;

	if (s < 0)
		return 0;
	if (s == 0)
		return PEER_TIMEOUT_DEFAULT_S;
	return s > PEER_TIMEOUT_MAX_S ? PEER_TIMEOUT_MAX_S : s;
}

void msrp_conn_set_peer_timeout(struct msrp_conn *conn, int secs)
{
	int fd, on = 1, idle, intvl, cnt = 3;
	unsigned user_ms;

	if (!conn || secs <= 0)
		return;
	fd = tcp_conn_fd(conn->tc);
	if (fd < 0)
		return;
	/* TCP_USER_TIMEOUT decides for probes and data alike: counted
	 * from the first unanswered probe, so idle + it = secs; unacked data
	 * is given up on even sooner. */
	idle = secs / 4 > 0 ? secs / 4 : 1;
	intvl = secs / 8 > 0 ? secs / 8 : 1;
	user_ms = (unsigned)(secs > idle ? secs - idle : secs) * 1000u;
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
			 sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms,
			 sizeof(user_ms));
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
	if (conn->sniff) {
		/* The TLS helper checks for itself when there is one. */
		conn->sniff = false;
		err = msrp_sniff_plain(conn->tc, mb, &conn->log);
		if (err) {
			msrp_conn_closed(err, conn);
			mem_deref(conn);
			return;
		}
	}
	memset(&info, 0, sizeof(info));
	err = msrp_parser_feed_mbuf(conn->parser, mb, frame_handler, conn,
				    &info);
	if (err == EBADMSG && mem_nrefs(conn) > 1 && !conn->closing &&
	    conn->h.msgh)
		conn->h.msgh(NULL, &info, conn->h.arg);
	mem_deref(conn);
}

void msrp_conn_closed(int err, void *arg)
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
	msrp_conn_closed(err, conn);
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
	list_init(&conn->txq);
	conn->queue_max = QUEUE_MAX_DEFAULT;
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
		      struct msrp_tls *tls, const char *expect_fp,
		      const char *verify_host, bool require)
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
					  expect_fp, verify_host, require);
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
					  NULL, NULL, false);
	conn->sniff = !tls;
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

struct msrp_tls_conn *msrp_conn_tls_state(const struct msrp_conn *conn)
{
	return conn ? conn->tlsc : NULL;
}

bool msrp_conn_established(const struct msrp_conn *conn)
{
	return conn && conn->established;
}

