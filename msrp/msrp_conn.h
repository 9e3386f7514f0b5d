/*
 * msrp_conn.h - one MSRP transport connection: a libre TCP connection, the
 * frame parser on its input, and write-side queue accounting.  Private to
 * msrp/.  TLS (msrps) slots in as a libre TCP helper (msrp_tls_conn.c).
 */
#ifndef SIPVNC_MSRP_CONN_H
#define SIPVNC_MSRP_CONN_H

#include <re.h>
#include "msrp/msrp_frame.h"
#include "msrp/msrp_tls.h"
#include "msrp/msrp.h"

struct msrp_conn;

typedef void (msrp_conn_estab_h)(void *arg);
/* A complete frame, or (msg NULL) a stream the parser rejected with *perr.
 * The handler may destroy the connection. */
typedef void (msrp_conn_msg_h)(const struct msrp_msg *msg,
			       const struct msrp_perr_info *perr, void *arg);
typedef void (msrp_conn_close_h)(int err, void *arg);
/* The socket took everything we queued. */
typedef void (msrp_conn_drain_h)(void *arg);

struct msrp_conn_handlers {
	msrp_conn_estab_h *estabh;
	msrp_conn_msg_h *msgh;
	msrp_conn_close_h *closeh;
	msrp_conn_drain_h *drainh;
	void *arg;
};

struct msrp_tls;

/* With tls, the connection is TLS and counts as established only once the
 * peer's certificate matched expect_fp, or with no expect_fp, chained to
 * the socket's CAs and named verify_host, or (without require) was let in
 * unauthenticated (msrp_tls_conn_start()). */
int  msrp_conn_connect(struct msrp_conn **connp, const struct sa *peer,
		       const struct msrp_limits *lim,
		       const struct msrp_conn_handlers *h,
		       struct msrp_tls *tls, const char *expect_fp,
		       const char *verify_host, bool require);
/* With tls, the peer may speak TLS or plain MSRP (told by its first
 * byte); msrp_conn_tls() says which it did.  Either way a plain stream
 * that does not start like an MSRP request is closed at once. */
int  msrp_conn_accept(struct msrp_conn **connp, struct tcp_sock *ts,
		      const struct msrp_limits *lim,
		      const struct msrp_conn_handlers *h,
		      struct msrp_tls *tls);
bool msrp_conn_tls(const struct msrp_conn *conn);
/* The connection's TLS state (msrp_tls.h), NULL on plain TCP. */
struct msrp_tls_conn *msrp_conn_tls_state(const struct msrp_conn *conn);
void msrp_conn_set_handlers(struct msrp_conn *conn,
			    const struct msrp_conn_handlers *h);
bool msrp_conn_established(const struct msrp_conn *conn);
/* Let the kernel find a peer that vanished: keepalive probes after a
 * quarter of secs of silence, and unacknowledged data or probes for the
 * rest of secs (TCP_USER_TIMEOUT) close the connection with ETIMEDOUT.  secs <= 0:
 * nothing changes. */
void msrp_conn_set_peer_timeout(struct msrp_conn *conn, int secs);
/* What settings->peer_timeout means: seconds, or 0 for never. */
int  msrp_peer_timeout_s(const struct msrp_settings *settings);
/* Queue mb (from its start to its end) on the socket; ENOBUFS past
 * queue_max.  mb is the caller's again on return. */
int  msrp_conn_send(struct msrp_conn *conn, struct mbuf *mb);
/* The same for the bytes of iov[0..cnt), cnt <= MSRP_CONN_IOV_MAX, in one
 * system call where the socket takes them; nothing is referenced after
 * return. */
enum { MSRP_CONN_IOV_MAX = 1024 };
struct iovec;
int  msrp_conn_sendv(struct msrp_conn *conn, const struct iovec *iov,
		     size_t cnt);
size_t msrp_conn_txqsz(const struct msrp_conn *conn);
void msrp_conn_set_queue_max(struct msrp_conn *conn, size_t max);
/* Where the connection logs (copied; default standard error). */
void msrp_conn_set_log(struct msrp_conn *conn, const struct msrp_log *lg);
/* Ask for one drainh call when the socket took everything queued. */
int  msrp_conn_want_drain(struct msrp_conn *conn);
/* Stop reading, let queued bytes (e.g. a final 481) reach the peer, then
 * call closeh(0).  A guard timer bounds the wait. */
void msrp_conn_close_after_flush(struct msrp_conn *conn);

#endif
