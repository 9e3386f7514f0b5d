/*
 * msrp_priv.h - what the socket and session layers share.  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_PRIV_H
#define SIPVNC_MSRP_PRIV_H

#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_conn.h"
#include "msrp/msrp_uri.h"
#include "msrp/msrp_tls.h"
#include "msrp/msrp_log.h"

enum {
	MSRP_ID_LEN = 16,          /* session id chars: 96 random bits, RFC
				      4975 section 14.1 asks for 80 */
	MSRP_PATH_MAX_URIS = 8,
	MSRP_TRANSACTION_MS = 30000,
};

struct msrp_relay;

struct msrp_sock {
	struct tcp_sock *ts;
	const struct msrp_settings *settings; /* from msrp_sock_configure */
	struct msrp_log log;   /* settings' hook; of the relay too */
	struct msrp_relay *relay;
	struct msrp_tls *tls;  /* our certificate, when TLS is available:
				  accepted connections may then be TLS or
				  plain (first byte) */
	struct sa laddr;
	struct sa path_addr;   /* laddr, or the default source address when
				  bound to "any": what goes in our a=path */
	struct list waiting;   /* started sessions not using a relay */
	struct list pending;   /* accepted connections not matched yet */
	unsigned dropped;      /* of them closed since drop_logged */
	uint64_t drop_logged;  /* tmr_jiffies() of the last such log line */
};

/* "SHA-256 AB:CD:.." of the socket's TLS certificate, NULL without one. */
const char *msrp_sock_tls_fingerprint(const struct msrp_sock *sock);

/* Fill buf[0..len) with random URL-safe characters from a CSPRNG and
 * NUL-terminate it at buf[len].  The first one is alphanumeric so the result
 * is also a valid transaction id. */
int msrp_random_id(char *buf, size_t len);

/* sock -> session: a passive session waiting under this session id. */
struct msrp_session *msrp_sock_find_waiting(struct msrp_sock *sock,
					    const struct pl *session_id);
/* A started session with this id that has a connection already: a relay
 * opened another one towards us (RFC 4976 relays reuse a connection only
 * when its source address matches). */
struct msrp_session *msrp_sock_find_bound(struct msrp_sock *sock,
					  const struct pl *session_id);
/* Deliver what arrives on conn, an extra inbound connection, to sess. */
int msrp_session_attach(struct msrp_session *sess, struct msrp_conn *conn,
			const struct msrp_msg *msg);
void msrp_sock_add_waiting(struct msrp_sock *sock, struct le *le,
			   struct msrp_session *sess);
/* Whether a passive session waits for a connection from peer's address
 * (the host of the first URI of its peer's a=path, an IP literal). */
bool msrp_sock_expects(struct msrp_sock *sock, const struct sa *peer);
/* Whether a connection the peer opened may carry this session: the same
 * transport as our a=path, and with TLS the certificate of the SDP's
 * fingerprint.  Logs why not. */
int msrp_session_check_conn(struct msrp_session *sess,
			    const struct msrp_conn *conn);
/* Hand an accepted connection and its first request to the session. */
void msrp_session_adopt(struct msrp_session *sess, struct msrp_conn *conn,
			const struct msrp_msg *msg);
/* Let a connection finish sending (e.g. a final error response) and then
 * free itself; the caller gives up its reference. */
void msrp_conn_retire(struct msrp_conn *conn);
/* Answer a request with only To-Path/From-Path (RFC 4975 section 7.2). */
int msrp_respond(struct msrp_conn *conn, const struct msrp_msg *req,
		 uint16_t code, const char *from_path);
/* 481 for a request that names no session of ours, answered as the URI
 * the peer addressed; responses and REPORTs get nothing. */
void msrp_respond_no_session(struct msrp_conn *conn,
			     const struct msrp_msg *msg);

/* ---- relay client (msrp_relay.c) ---- */
/* uri: an MSRP URI or a bare domain (found by SRV with dnsc). */
int  msrp_relay_alloc(struct msrp_relay **relayp, struct msrp_sock *sock,
		      const char *uri, const char *user, const char *pass,
		      struct dnsc *dnsc, const char *hosts_file);
bool msrp_relay_ready(const struct msrp_relay *relay);
/* msrps: the connection to the relay is TLS. */
bool msrp_relay_secure(const struct msrp_relay *relay);
/* The relay's Use-Path (one or more URIs), valid while ready. */
const char *msrp_relay_use_path(const struct msrp_relay *relay);
struct msrp_conn *msrp_relay_conn(const struct msrp_relay *relay);
/* Frames to this session id arriving over the relay connection go to the
 * session; le belongs to the session. */
void msrp_relay_add_session(struct msrp_relay *relay, struct le *le,
			    struct msrp_session *sess);

#endif
