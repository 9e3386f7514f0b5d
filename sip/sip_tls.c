/*
 * sip_tls.c - SIP over TLS, with the server's certificate verified.
 *
 * libre 1.1.0 runs SIP over TLS with OpenSSL but checks nothing about the
 * server it talks to: its SIP transport never asks for verification.  We
 * turn it on for the whole TLS context: the chain must lead to a trusted
 * CA (`sip_ca_file`, else the system's store), and the certificate must
 * name one of the SIP servers of our accounts (registrar or outbound
 * proxy): the transport does not tell us which of them a connection is
 * for, so a certificate good for any configured server is accepted.
 *
 * We link the same OpenSSL that Debian's libre is built with, and reach
 * libre's SSL_CTX through tls_openssl_context().
 */
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "sip/sipua_int.h"

/* re_tls.h declares it only under USE_OPENSSL, a define of libre's own
 * build; the symbol is there whenever libre has OpenSSL (checked below). */
struct ssl_ctx_st *tls_openssl_context(const struct tls *tls);

#define MAX_TLS_HOSTS (sizeof(((struct sipua *)0)->tls_hosts) / \
		       sizeof(((struct sipua *)0)->tls_hosts[0]))

/* OpenSSL's verify callback has no argument of its own: the UA rides on
 * the SSL_CTX's app data (ex_data slot 0, which libre leaves unused),
 * reached through the connection being verified. */
static const struct sipua *verifying_ua(X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
				SSL_get_ex_data_X509_STORE_CTX_idx());

	return ssl ? SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) : NULL;
}

static bool names_a_server(const struct sipua *ua, X509 *cert)
{
	unsigned i;

	for (i = 0; i < ua->n_tls_hosts; i++) {
		const char *host = ua->tls_hosts[i];
		struct sa sa;

		if (!sa_set_str(&sa, host, 0)) {
			if (X509_check_ip_asc(cert, host, 0) == 1)
				return true;
		}
		else if (X509_check_host(cert, host, 0,
					 X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
					 NULL) == 1) {
			return true;
		}
	}
	return false;
}

static int verify_handler(int ok, X509_STORE_CTX *store)
{
	int depth = X509_STORE_CTX_get_error_depth(store);
	const struct sipua *ua = verifying_ua(store);

	if (!ok) {
		sipua_warn(ua,
			   "TLS: the SIP server's certificate is not trusted: "
			   "%s (chain depth %d); see sip_ca_file\n",
			   X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)), depth);
		return 0;
	}
	if (depth > 0)
		return 1;   /* an issuer; the names are on the leaf */
	if (ua && names_a_server(ua, X509_STORE_CTX_get_current_cert(store)))
		return 1;
	X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
	sipua_warn(ua, "TLS: the SIP server's certificate names none of our "
		   "servers (%s%s)\n", ua ? ua->tls_hosts[0] : "",
		   ua && ua->n_tls_hosts > 1 ? ", ..." : "");
	return 0;
}

/* The host part of a sip:/sips: URI into ua's list (once). */
static void add_uri_host(struct sipua *ua, const char *uri)
{
	char *slot;
	struct pl pl;
	struct uri u;
	unsigned i;

	if (!uri || !*uri || ua->n_tls_hosts == MAX_TLS_HOSTS)
		return;
	slot = ua->tls_hosts[ua->n_tls_hosts];
	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl) || !u.host.l ||
	    u.host.l >= sizeof(ua->tls_hosts[0]))
		return;
	(void)pl_strcpy(&u.host, slot, sizeof(ua->tls_hosts[0]));
	for (i = 0; i < ua->n_tls_hosts; i++) {
		if (!str_casecmp(ua->tls_hosts[i], slot))
			return;
	}
	ua->n_tls_hosts++;
}

int sipua_tls_open(struct sipua *ua, const struct conf *conf)
{
	char addr[64], cert[256], ca[256];
	unsigned i;
	int err;

	if (conf_get_str(conf, "sip_tls_listen", addr, sizeof(addr)))
		return 0;   /* no SIP over TLS */
	if (!addr[0] || sipua_listen_parse(&ua->listen_tls, addr, false)) {
		sipua_warn(ua, "bad sip_tls_listen '%s' (want address:port, "
			  "0.0.0.0:port or [::]:port)\n", addr);
		ua->listen_tls.set = false;
		return EINVAL;
	}
	if (conf_get_str(conf, "sip_tls_cert", cert, sizeof(cert)))
		cert[0] = '\0';
	err = tls_alloc(&ua->tls, TLS_METHOD_SSLV23, cert[0] ? cert : NULL,
			NULL);
	if (err) {
		sipua_warn(ua, "TLS: cannot set up (%s%s) (%m)\n",
			   cert[0] ? "certificate " : "no certificate",
			   cert, err);
		return err;
	}
	if (!conf_get_str(conf, "sip_ca_file", ca, sizeof(ca))) {
		err = tls_add_ca(ua->tls, ca);
		if (err) {
			sipua_warn(ua,
				   "TLS: cannot read sip_ca_file %s (%m)\n", ca,
				   err);
			return err;
		}
	}
	else if (SSL_CTX_set_default_verify_paths(tls_openssl_context(ua->tls)) != 1) {
		sipua_warn(ua, "TLS: no system CA store; set sip_ca_file\n");
		return ENOENT;
	}
	ua->n_tls_hosts = 0;
	for (i = 0; i < ua->n_accounts; i++) {
		add_uri_host(ua, ua->accounts[i].acc.registrar);
		add_uri_host(ua, ua->accounts[i].configured_route);
	}
	SSL_CTX_set_app_data(tls_openssl_context(ua->tls), ua);
	SSL_CTX_set_verify(tls_openssl_context(ua->tls), SSL_VERIFY_PEER,
			    verify_handler);
	/* listen.c opens it, with the others */
	sipua_log(ua, "SIP over TLS: servers verified against %s\n",
		  ca[0] ? ca : "the system CA store");
	return 0;
}
