/*
 * msrp_session.h - the session object, shared by msrp_session.c (lifecycle,
 * sending) and msrp_recv.c (what arrives).  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_SESSION_H
#define SIPVNC_MSRP_SESSION_H

#include "msrp_priv.h"

enum msrp_sess_state {
	ST_IDLE,       /* allocated, not started */
	ST_CONNECTING, /* active: TCP connect under way */
	ST_BINDING,    /* active: bind SEND sent, waiting for its 200 */
	ST_WAITING,    /* passive: waiting for the peer's first SEND */
	ST_BOUND,
	ST_CLOSED,     /* closeh was called */
};

/* Error responses and REPORTs we queue may not grow the socket queue past
 * what the user queued plus this much: a peer that talks but never reads
 * is dropped instead of eating memory. */
enum { MSRP_CONTROL_SLACK = 256 * 1024 };

struct msrp_session {
	struct le le_wait;     /* in sock->waiting while passive, unbound */
	struct msrp_sock *sock;
	struct msrp_conn *conn;
	enum msrp_sess_state state;
	bool active;
	size_t chunk_size;
	size_t txq_limit;
	size_t control_mark;   /* socket queue after the last user send */
	char *content_type;
	char id[MSRP_ID_LEN + 1];
	char *local_path;
	char *remote_path;
	char bind_tid[MSRP_ID_LEN + 1];
	char seq_prefix[9];    /* random; + counter = per-chunk ids */
	uint64_t seq;
	struct tmr bind_tmr;

	msrp_bound_h *boundh;
	msrp_recv_h *recvh;
	msrp_writable_h *writableh;
	msrp_close_h *closeh;
	void *arg;
};

/* Mark closed, let the connection flush and go, call closeh once.  The
 * session may be gone on return. */
void msrp_session_fail(struct msrp_session *sess, int err);
/* Bound: call boundh.  False when the user destroyed or closed the session
 * in it. */
bool msrp_session_report_bound(struct msrp_session *sess);
void msrp_session_conn_handlers(struct msrp_session *sess,
				struct msrp_conn_handlers *h);
void msrp_session_msg_handler(const struct msrp_msg *msg,
			      const struct msrp_perr_info *perr, void *arg);

#endif
