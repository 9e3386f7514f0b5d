/*
 * msrp_session.h - the session object, shared by msrp_session.c (lifecycle,
 * sending) and msrp_recv.c (what arrives).  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_SESSION_H
#define SIPVNC_MSRP_SESSION_H

#include "msrp/msrp_priv.h"
#include "msrp/msrp_resolve.h"

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
	struct le le_wait;     /* in sock->waiting from start on */
	struct le le_relay;    /* in the relay's list when routed by it */
	struct msrp_sock *sock;
	struct msrp_conn *conn;
	struct msrp_conn *rx_conn; /* where the frame being handled came in */
	struct list extra;     /* more inbound connections (struct extra_conn) */
	bool via_relay;        /* conn is the relay's, shared */
	enum msrp_sess_state state;
	bool active;
	size_t chunk_size;
	size_t txq_limit;
	size_t control_mark;   /* socket queue after the last user send */
	char *content_type;
	char id[MSRP_ID_LEN + 1];
	char *local_path;      /* for our a=path: relays, then self_uri */
	char *self_uri;        /* our From-Path */
	char *remote_path;
	char *to_path;         /* of our SENDs: relays, then remote_path */
	char bind_tid[MSRP_ID_LEN + 1];
	char peer_fp[160];     /* the peer's a=fingerprint, "" if none */
	char peer_host[256];   /* active: the first hop's host */
	bool tls;              /* our end is msrps */
	bool tls_require_auth; /* settings->tls_require_auth */
	bool unauth_logged;    /* "not authenticated" said for this session */
	struct sa path_addr;   /* the host of our a=path: the socket's, or
				  the address that routes to this peer when
				  the socket listens on every address */
	uint32_t tid_base;     /* random start of the data chunks' ids */
	struct msrp_log log;   /* the settings' hook, else the socket's */
	struct dnsc *dnsc;     /* not owned */
	const char *hosts_file; /* settings': NULL for /etc/hosts */
	unsigned bind_timeout_ms;
	struct msrp_resolve *resolve; /* active: the peer's host name */
	struct sa peer_addr;   /* passive: the first hop's IP address when
				  its a=path names one (else AF_UNSPEC) */
	char *send_head;       /* a data chunk's frame up to its Byte-Range
				  numbers, with room for the ids */
	size_t send_head_len;
	size_t send_head_msgid; /* where the Message-ID goes in send_head */
	char *send_type;       /* "\r\nContent-Type: ..\r\n\r\n" */
	size_t send_type_len;
	uint64_t seq;
	struct tmr bind_tmr;

	/* keepalive (msrp_keepalive.c) */
	int peer_timeout_s;      /* msrp_peer_timeout_s(): 0 off */
	unsigned keepalive_ms;   /* 0: off */
	unsigned ka_answer_max_ms; /* the longest wait for an answer */
	bool ka_activity;        /* a frame went either way this interval */
	char ka_tid[MSRP_ID_LEN + 1]; /* of the keepalive in flight, or "" */
	struct tmr ka_tmr;
	struct tmr ka_answer_tmr;

	msrp_bound_h *boundh;
	msrp_recv_h *recvh;
	msrp_writable_h *writableh;
	msrp_close_h *closeh;
	void *arg;
};

/* Keepalive: settings taken at alloc, started once bound, stopped when
 * closing; true when msg answered our keepalive (it may fail the
 * session). */
void msrp_keepalive_init(struct msrp_session *sess,
			 const struct msrp_settings *settings);
void msrp_keepalive_start(struct msrp_session *sess);
void msrp_keepalive_stop(struct msrp_session *sess);
bool msrp_keepalive_response(struct msrp_session *sess,
			     const struct msrp_msg *msg);

/* Active start: resolve the first hop's host if need be, then connect
 * (msrp_connect.c).  Errors after return end the session. */
int msrp_session_connect(struct msrp_session *sess,
			 const struct msrp_uri *first);

/* Our self_uri and local_path from id, tls and the socket's address and
 * relay (msrp_transport.c). */
int msrp_session_make_paths(struct msrp_session *sess);
/* Switch the session's transport, paths included; ENOTSUP (logged) when
 * the socket cannot do TLS. */
int msrp_session_use_tls(struct msrp_session *sess, bool tls);

/* The session's connection is up (active) or matched (passive): judge a
 * TLS peer's certificate and say once per session when it proves nothing
 * (msrp_transport.c).  0 or EAUTH. */
int msrp_session_check_peer_cert(struct msrp_session *sess,
				 const struct msrp_conn *conn);

/* Whether tid is that of one of our data chunks. */
bool msrp_session_sent_tid(const struct msrp_session *sess, const char *tid);
int msrp_session_tid_base(uint32_t *base);
/* Mark closed, let the connection flush and go, call closeh once.  The
 * session may be gone on return. */
void msrp_session_fail(struct msrp_session *sess, int err);
/* Send an empty SEND (bind, keepalive) with a fresh transaction id written
 * to tid (MSRP_ID_LEN + 1 bytes); its 200 is matched by that id. */
int msrp_session_send_empty(struct msrp_session *sess, char *tid);
/* Bound: call boundh.  False when the user destroyed or closed the session
 * in it. */
bool msrp_session_report_bound(struct msrp_session *sess);
void msrp_session_conn_handlers(struct msrp_session *sess,
				struct msrp_conn_handlers *h);
/* The connection a response to the frame being handled goes back on. */
struct msrp_conn *msrp_session_reply_conn(const struct msrp_session *sess);
void msrp_session_msg_handler(const struct msrp_msg *msg,
			      const struct msrp_perr_info *perr, void *arg);

#endif
