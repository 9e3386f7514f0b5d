/*
 * msrp_priv.h - what the socket and session layers share.  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_PRIV_H
#define SIPVNC_MSRP_PRIV_H

#include <re.h>
#include "msrp/msrp.h"
#include "msrp_conn.h"
#include "msrp_uri.h"

enum {
	MSRP_ID_LEN = 20,          /* session id chars: 120 random bits */
	MSRP_PATH_MAX_URIS = 8,
	MSRP_TRANSACTION_MS = 30000,
};

struct msrp_sock {
	struct tcp_sock *ts;
	struct sa laddr;
	struct sa path_addr;   /* laddr, or the default source address when
				  bound to "any": what goes in our a=path */
	struct list waiting;   /* passive sessions without a connection */
	struct list pending;   /* accepted connections not matched yet */
};

/* How long the bind may take (connect + bind SEND + 200, or the peer's
 * first SEND when passive).  A variable only so tests can shorten it. */
extern unsigned msrp_bind_timeout_ms;

/* Fill buf[0..len) with random URL-safe characters from a CSPRNG and
 * NUL-terminate it at buf[len].  The first one is alphanumeric so the result
 * is also a valid transaction id. */
int msrp_random_id(char *buf, size_t len);

/* sock -> session: a passive session waiting under this session id. */
struct msrp_session *msrp_sock_find_waiting(struct msrp_sock *sock,
					    const struct pl *session_id);
void msrp_sock_add_waiting(struct msrp_sock *sock, struct le *le,
			   struct msrp_session *sess);
/* Hand an accepted connection and its first request to the session. */
void msrp_session_adopt(struct msrp_session *sess, struct msrp_conn *conn,
			const struct msrp_msg *msg);
/* Let a connection finish sending (e.g. a final error response) and then
 * free itself; the caller gives up its reference. */
void msrp_conn_retire(struct msrp_conn *conn);
/* Answer a request with only To-Path/From-Path (RFC 4975 section 7.2). */
int msrp_respond(struct msrp_conn *conn, const struct msrp_msg *req,
		 uint16_t code, const char *from_path);

#endif
