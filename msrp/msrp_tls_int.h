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
#include "msrp_tls.h"

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
	mbedtls_ssl_config client_ca;
	char fp[MSRP_TLS_FP_MAX];
};

/* "SHA-256 AB:..." of crt into buf (at least MSRP_TLS_FP_MAX bytes). */
int msrp_tls_cert_fingerprint(char *buf, size_t size,
			      const mbedtls_x509_crt *crt);

#endif
