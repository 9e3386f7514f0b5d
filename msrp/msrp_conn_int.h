/*
 * msrp_conn_int.h - the connection object, shared by msrp_conn.c (setup,
 * reading, closing) and msrp_conn_tx.c (writing).  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_CONN_INT_H
#define SIPVNC_MSRP_CONN_INT_H

#include "msrp/msrp_conn.h"

enum {
	FLUSH_GUARD_MS = 2000,
	RX_SIZE = 65536, /* per read: a whole 64 KiB chunk in one go */
	FLUSH_IOV = 64,  /* queued buffers written per system call */
	QUEUE_MAX_DEFAULT = 524288, /* as libre's */
};

struct tx_ent {
	struct le le;
	struct mbuf *mb;
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
	bool sendh_on;   /* writable_handler installed */
	bool sniff;      /* accepted without TLS: first bytes not seen yet */
	struct list txq; /* struct tx_ent: what the socket did not take */
	size_t tx_bytes;
	size_t queue_max;
	struct msrp_log log;  /* msrp_conn_set_log(): the owner's hook */
};

/* The connection is gone or failed: tell the owner once (closeh). */
void msrp_conn_closed(int err, void *arg);

#endif
