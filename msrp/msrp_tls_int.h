/*
 * msrp_tls_int.h - what msrp_tls.c and msrp_tls_conn.c share.  Private to
 * msrp/.
 */
#ifndef SIPVNC_MSRP_TLS_INT_H
#define SIPVNC_MSRP_TLS_INT_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include "msrp/msrp_tls.h"

struct msrp_tls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	mbedtls_ssl_config client;
	mbedtls_ssl_config server;
	/* msrp_tls_set_ca(): peers without a fingerprint and relays are
	 * checked by CA chain and host name instead */
	bool has_ca;
	mbedtls_x509_crt ca;
	char fp[MSRP_TLS_FP_MAX];
	struct msrp_log log;   /* msrp_tls_alloc()'s, of its connections too */
};

/* What peer (a certificate from a finished handshake) proves: with fp
 * (non-empty) it must match it; else with CAs (msrp_tls_set_ca()) it must
 * chain to them and name host, a DNS name or an IP address; a chain for
 * another host always fails.  A certificate nothing vouches for is
 * MSRP_TLS_AUTH_UNAUTH, which fails only when require is set.  0 or
 * EAUTH, with why (size bytes) saying why it failed or is UNAUTH. */
int msrp_tls_judge(const struct msrp_tls *tls, const mbedtls_x509_crt *peer,
		   const char *fp, const char *host, bool require,
		   enum msrp_tls_auth *auth, char *why, size_t size);

/* "SHA-256 AB:..." of crt into buf (at least MSRP_TLS_FP_MAX bytes). */
int msrp_tls_cert_fingerprint(char *buf, size_t size,
			      const mbedtls_x509_crt *crt);

#endif
