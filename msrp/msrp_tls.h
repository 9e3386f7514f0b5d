/*
 * msrp_tls.h - TLS for msrps (RFC 4975 section 14) with mbedtls, as a libre
 * TCP helper layer.  Private to msrp/.
 *
 * Peers are authenticated the SDP way (RFC 4572/8122): each side presents
 * a certificate, usually self-signed, whose SHA-256 fingerprint went
 * through the signalling.  Both sides therefore ask for the other's
 * certificate, let any chain pass the handshake and judge it themselves
 * (msrp_tls_judge.c): the active side before a single MSRP byte leaves,
 * the passive side once the first request named the session (sessmatch).
 * Where there is no fingerprint and CAs are configured, chain and host
 * name are checked instead.  Where nothing vouches for the certificate
 * (Blink: self-signed, no a=fingerprint) the stream is still encrypted,
 * and a session that does not require authentication lets it in.
 */
#ifndef SIPVNC_MSRP_TLS_H
#define SIPVNC_MSRP_TLS_H

#include <stdbool.h>
#include <re.h>
#include "msrp/msrp_log.h"

struct msrp_tls;       /* certificate, key, RNG, configurations */
struct msrp_tls_conn;  /* one connection's TLS state */

enum { MSRP_TLS_FP_MAX = 128 }; /* "SHA-256 " + 32 * "AB:" */

/* What a peer's certificate was found to prove. */
enum msrp_tls_auth {
	MSRP_TLS_AUTH_NONE,   /* not judged (yet) */
	MSRP_TLS_AUTH_FP,     /* matches the SDP fingerprint */
	MSRP_TLS_AUTH_CA,     /* chains to our CAs and names the host */
	MSRP_TLS_AUTH_UNAUTH, /* nothing vouches for it, let in by policy */
};

/* Load cert_file/key_file (PEM), or with both NULL the self-signed pair in
 * dir, a folder that exists (the pair made there on first use, key
 * readable by the owner only); dir NULL: ENOENT.  Which folder is the
 * program's rule (sipvnc: server/service.c), not msrp/'s.  lg (copied;
 * NULL: standard error) takes the certificate's log lines and those of
 * its connections. */
int msrp_tls_alloc(struct msrp_tls **tlsp, const char *cert_file,
		   const char *key_file, const char *dir,
		   const struct msrp_log *lg);
/* Trust the CAs in ca_file (PEM) for connections we open to a peer that
 * gave no fingerprint, and to relays: chain and host name are checked
 * then, as a browser would. */
int msrp_tls_set_ca(struct msrp_tls *tls, const char *ca_file);
bool msrp_tls_has_ca(const struct msrp_tls *tls);
/* "SHA-256 AB:CD:..." of our certificate. */
const char *msrp_tls_fingerprint(const struct msrp_tls *tls);

/* Put TLS under tc.  Active: the handshake starts when TCP is up and the
 * peer's certificate is judged (msrp_tls_judge() with expect_fp,
 * verify_host and require) before the connection counts as established;
 * EAUTH at once when require is set and there is neither a fingerprint
 * nor a CA.  Passive with sniff: the first byte tells TLS (a handshake
 * record) from plain MSRP, so one listening socket serves both; the
 * certificate is judged by msrp_tls_conn_judge() once the session is
 * known. */
int msrp_tls_conn_start(struct msrp_tls_conn **tcp_out, struct msrp_tls *tls,
			struct tcp_conn *tc, bool active,
			const char *expect_fp, const char *verify_host,
			bool require);
/* Judge the certificate of a passive connection whose handshake is done
 * (msrp_tls_judge()); 0 or EAUTH, logged. */
int msrp_tls_conn_judge(struct msrp_tls_conn *tlsc, const char *expect_fp,
			const char *verify_host, bool require);
/* Why the peer's certificate proves nothing, when it was let in all the
 * same (MSRP_TLS_AUTH_UNAUTH); else NULL. */
const char *msrp_tls_conn_unauth_why(const struct msrp_tls_conn *tlsc);
/* Whether TLS is running on the connection (false: sniffed plain text). */
bool msrp_tls_conn_secure(const struct msrp_tls_conn *tlsc);

/* Not a TLS record: the first bytes an accepted connection sent (mb from
 * its position) must be the start of an MSRP request, "MSRP " or as much
 * of it as arrived.  EPROTO (logged) for anything else, which is refused
 * before the parser sees it; logged through lg. */
int msrp_sniff_plain(const struct tcp_conn *tc, const struct mbuf *mb,
		     const struct msrp_log *lg);

/* Equal SDP fingerprints: hash name and hex digits compared without
 * regard to case.  Only SHA-256 counts. */
bool msrp_tls_fp_equal(const char *a, const char *b);

#endif
