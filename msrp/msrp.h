/*
 * msrp.h - MSRP sessions (RFC 4975, connection model RFC 6135) on libre's
 * event loop.
 *
 * The library carries an opaque byte stream between two endpoints: what the
 * bytes mean (RFB, chat, files) is the user's business.  Everything here runs
 * on the thread that runs re_main(); no function may be called from another
 * thread.
 */
#ifndef SIPVNC_MSRP_H
#define SIPVNC_MSRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;
struct dnsc;
struct msrp_sock;
struct msrp_session;

/* Which side opens the TCP connection (RFC 6135 a=setup, resolved). */
enum msrp_setup {
	MSRP_SETUP_ACTIVE,  /* we connect to the first hop of the To-Path */
	MSRP_SETUP_PASSIVE, /* we wait for the peer on our listening socket */
};

/* Where the library's log lines go: line is one whole line of any length,
 * ending in a newline, level a DBG_ level of libre's re_dbg.h (DBG_WARNING,
 * DBG_INFO).  The program filters, formats and writes it. */
typedef void (msrp_log_h)(int level, const char *line, void *arg);

struct msrp_settings {
	size_t chunk_size;        /* max body bytes per SEND (0: 8192, passes
	                             Kamailio's relay) */
	size_t txq_limit;         /* bytes queued for the socket before the
	                             producer is held back (0: 256 KiB) */
	const char *content_type; /* of every SEND we make, e.g.
	                             "application/x-rfb"; also the only type we
	                             accept (others get 415) */

	/* Relay (RFC 4976), NULL for none: "msrp://HOST:PORT;tcp" or
	 * "msrps://...".  Sessions route through it in both directions and
	 * our path starts with the Use-Path it gives us. */
	const char *relay;
	const char *relay_user;   /* digest credentials for AUTH */
	const char *relay_pass;

	/* TLS (msrps, TCP/TLS/MSRP): available, and what our own offers
	 * use.  The listening socket then takes TLS and plain peers alike
	 * (msrp_session_set_tls() picks per session).  Without tls, TLS is
	 * still available when tls_cert/tls_key are given. */
	bool tls;
	const char *tls_cert;     /* PEM files; both NULL: a self-signed pair */
	const char *tls_key;      /* kept in tls_dir, made at first start */
	const char *tls_dir;      /* an existing folder (sipvnc: its
	                             config folder); NULL: none */

	/* Seconds without a frame either way before the side that opened
	 * the connection (or uses a relay) sends an empty SEND; a peer not
	 * answering it within 30 s ends the session (ETIMEDOUT).  0: 30 s,
	 * negative: never. */
	int keepalive;

	/* Host names in a peer's a=path or in relay: looked up in
	 * /etc/hosts, then with this DNS client on the event loop (the
	 * SIP UA's), or when NULL with getaddrinfo(), which blocks.  A relay
	 * given without a port ("example.com" or "msrp://example.com;tcp")
	 * is found by SRV _msrps._tcp / _msrp._tcp first, which needs dnsc.
	 * Not copied: must outlive the socket and its sessions. */
	struct dnsc *dnsc;

	/* With tls: CAs (PEM file) that certify relays (an msrps relay
	 * needs this: it has no a=fingerprint) and peers whose SDP gave no
	 * fingerprint, in either role; chain and the host of the peer's
	 * path (name or IP address) are checked. */
	const char *tls_ca_file;

	/* TLS peers whose certificate nothing vouches for (no fingerprint
	 * in the SDP, no CA of tls_ca_file for it; Blink's self-signed one):
	 * false lets them in, encrypted, logging once per session why they
	 * are not authenticated: the session id in the To-Path, which only
	 * the signalling carried, and the signalling's caller policy
	 * authorise them.  true refuses them (EAUTH).  Either way a
	 * fingerprint or a CA chain that is there is checked, and a
	 * mismatch fails. */
	bool tls_require_auth;

	/* TLS available to answer peers that offer it (a self-signed pair
	 * made in tls_dir if need be) even when tls is false and our own
	 * offers are plain; a failure to make it only logs. */
	bool tls_answer;

	/* Seconds a peer may be unreachable (its network gone, no FIN)
	 * before its session ends: TCP keepalive and TCP_USER_TIMEOUT on
	 * every connection, either role; the waiting side sends its own
	 * keepalive after a quarter of it idle, and a quarter of it is the
	 * longest wait for an answer, so a frozen peer goes within three
	 * quarters.  0: 60 s, negative: never. */
	int peer_timeout;

	/* Knobs for tests, 0 or NULL in the program: how long a session's
	 * bind may take (connect + bind SEND + 200, or the peer's first SEND
	 * when passive; 0: 30 s), how long an accepted connection may take
	 * to shake hands and send its first request (read from the socket's
	 * settings at each accept; 0: 5 s), how long the peer may take to
	 * answer a keepalive (0: 30 s), and the hosts file read before DNS
	 * (NULL: /etc/hosts). */
	unsigned bind_timeout_ms;
	unsigned pending_timeout_ms;
	unsigned keepalive_timeout_ms;
	const char *hosts_file;

	/* The log hook of the socket and sessions made with these settings
	 * (and of their connections, relay and certificate); NULL: lines go
	 * to standard error. */
	msrp_log_h *logh;
	void *log_arg;
};

/* The session is bound: the empty bind SEND and its 200 went through, in
 * whichever direction; data may flow now. */
typedef void (msrp_bound_h)(void *arg);
/* Body bytes of the peer's SENDs, in order, without framing. */
typedef void (msrp_recv_h)(const uint8_t *data, size_t len, void *arg);
/* The send queue dropped below the limit after msrp_session_send() refused
 * or msrp_session_writable() returned false. */
typedef void (msrp_writable_h)(void *arg);
/* The session ended: peer closed, protocol error, timeout.  err is an errno
 * value (0 for an orderly close).  The session must still be mem_deref'd. */
typedef void (msrp_close_h)(int err, void *arg);

/* One listening TCP socket shared by all passive sessions; incoming
 * connections are matched to sessions by the session id in the first
 * request's To-Path (RFC 4975 section 7.2, "sessmatch"). */
int msrp_sock_alloc(struct msrp_sock **sockp, const struct sa *laddr);
int msrp_sock_local(const struct msrp_sock *sock, struct sa *laddr);

/* Take the socket-wide parts of settings (relay, TLS certificate) now
 * instead of at the first session: with a relay, AUTH starts here, and
 * sessions allocated before it succeeded fail with EAGAIN.  settings must
 * stay valid while the socket lives. */
int msrp_sock_configure(struct msrp_sock *sock,
			const struct msrp_settings *settings);
/* The relay's AUTH went through (true also when no relay is configured). */
bool msrp_sock_ready(const struct msrp_sock *sock);

/* Create a session with a fresh random session id.  Nothing goes on the
 * wire until msrp_session_start(). */
int msrp_session_alloc(struct msrp_session **sessp, struct msrp_sock *sock,
		       const struct msrp_settings *settings,
		       msrp_bound_h *boundh, msrp_recv_h *recvh,
		       msrp_writable_h *writableh, msrp_close_h *closeh,
		       void *arg);

/* Our path for the SDP a=path attribute, e.g.
 * "msrp://127.0.0.1:2855/3kf9Qz1;tcp".  Valid for the session's life. */
const char *msrp_session_local_path(const struct msrp_session *sess);

/* The host of our a=path when the socket listens on every address
 * (0.0.0.0 or [::]): the address that routes to this session's peer
 * (default: the default route's source address).  Call before
 * msrp_session_start(); a no-op on a socket bound to one address. */
int msrp_session_set_local_addr(struct msrp_session *sess,
				const struct sa *addr);

/* Our certificate's fingerprint for the SDP a=fingerprint,
 * "SHA-256 AB:CD:...", or NULL when the session does not use TLS. */
const char *msrp_session_local_fingerprint(const struct msrp_session *sess);

/* The peer's a=fingerprint ("SHA-256 AB:CD:..."); call before
 * msrp_session_start().  NULL or "" means the SDP carried none.  With TLS,
 * a certificate that does not match ends the session (EAUTH).  Without
 * one, a certificate that chains to tls_ca_file must name the host of the
 * peer's path, and one nothing vouches for is let in unless
 * tls_require_auth (then a session with neither a fingerprint nor CAs
 * refuses to start, EAUTH). */
int msrp_session_set_peer_fingerprint(struct msrp_session *sess,
				      const char *fp);

/* Learn the peer's a=path (one or more URIs separated by spaces) and start:
 * connect and send the bind SEND (active) or wait for the peer (passive). */
int msrp_session_start(struct msrp_session *sess, const char *remote_path,
		       enum msrp_setup setup);

/* Queue bytes for the peer; they are cut into SENDs of at most chunk_size.
 * Returns EAGAIN (queuing nothing) when the send queue is over the limit or
 * the session is not bound yet: wait for writableh / boundh. */
int msrp_session_send(struct msrp_session *sess, const uint8_t *data,
		      size_t len);
bool msrp_session_writable(const struct msrp_session *sess);

/* The transport of a session the peer offered (TCP/TLS/MSRP: true), before
 * msrp_session_local_path() goes into the answer and before
 * msrp_session_start(): our a=path becomes msrps or msrp to match, and
 * the session accepts only a connection of that kind.  ENOTSUP when the
 * socket has no certificate (or its relay is plain) and TLS is asked for.
 * Without this call a session uses settings->tls; an active session that
 * connects directly follows the scheme of the peer's path instead. */
int msrp_session_set_tls(struct msrp_session *sess, bool tls);
/* Whether the socket has a certificate: it then takes TLS and plain
 * connections on the same port, told apart by their first byte. */
bool msrp_sock_tls_available(const struct msrp_sock *sock);

#endif
