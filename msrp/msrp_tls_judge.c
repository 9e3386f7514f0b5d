/*
 * msrp_tls_judge.c - what a TLS peer's certificate proves, judged after
 * the handshake on either side: the SDP fingerprint when there is one,
 * else the CA chain and the name of the host in the peer's path, else
 * nothing (Blink: self-signed, no a=fingerprint), which only a session
 * that does not require authentication lets in.
 *
 * Names are matched here rather than by mbedtls_x509_crt_verify() alone:
 * mbedtls 2.28 knows no iPAddress subjectAltName and ignores the CN as soon
 * as any subjectAltName exists, so a certificate made properly for
 * 192.0.2.1 would be refused as "Common Name does not match".
 */
#include <string.h>
#include <arpa/inet.h>

#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509.h>

#include <re.h>
#include "msrp/msrp_tls_int.h"

enum {
	SAN_DNS = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2, /* GeneralName tags */
	SAN_IP  = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7,
};

/* host as an IPv4 or IPv6 address (brackets allowed): its length in
 * bytes, or 0 for a name. */
static size_t ip_of(const char *host, uint8_t ip[16])
{
	char buf[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	if (inet_pton(AF_INET, host, ip) == 1)
		return 4;
	if (inet_pton(AF_INET6, host, ip) == 1)
		return 16;
	return 0;
}

/* The certificate's names for a log line: "DNS:a, IP:192.0.2.1, CN:b". */
static void list_names(const mbedtls_x509_crt *crt, char *buf, size_t size)
{
	const mbedtls_x509_sequence *s;
	const mbedtls_x509_name *n;
	size_t off = 0;

	buf[0] = '\0';
	for (s = &crt->subject_alt_names; s && s->buf.p; s = s->next) {
		char ip[INET6_ADDRSTRLEN] = "?";
		const char *sep = off ? ", " : "";

		if (s->buf.tag == SAN_DNS)
			off += (size_t)re_snprintf(buf + off, size - off,
						   "%sDNS:%b", sep, s->buf.p,
						   s->buf.len);
		else if (s->buf.tag == SAN_IP && (s->buf.len == 4 ||
						  s->buf.len == 16)) {
			(void)inet_ntop(s->buf.len == 4 ? AF_INET : AF_INET6,
					s->buf.p, ip, sizeof(ip));
			off += (size_t)re_snprintf(buf + off, size - off,
						   "%sIP:%s", sep, ip);
		}
		if (off >= size - 1)
			return;
	}
	for (n = &crt->subject; n && n->oid.p; n = n->next) {
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid))
			continue;
		(void)re_snprintf(buf + off, size - off, "%sCN:%b",
				  off ? ", " : "", n->val.p, n->val.len);
		return;
	}
}

/* Whether crt names host: an address among its iPAddress entries (or, with
 * no subjectAltName at all, as its CN); a name as mbedtls matches it (DNS
 * entries with wildcards, else the CN). */
static bool names_host(const mbedtls_x509_crt *crt,
		       const mbedtls_x509_crt *ca, const char *host)
{
	const mbedtls_x509_sequence *s;
	uint8_t ip[16];
	size_t iplen = ip_of(host, ip);
	uint32_t flags = 0;

	if (!iplen) {
		(void)mbedtls_x509_crt_verify((mbedtls_x509_crt *)crt,
					      (mbedtls_x509_crt *)ca, NULL,
					      host, &flags, NULL, NULL);
		return !(flags & MBEDTLS_X509_BADCERT_CN_MISMATCH);
	}
	if (!crt->subject_alt_names.buf.p) {
		const mbedtls_x509_name *n;
		for (n = &crt->subject; n && n->oid.p; n = n->next) {
			if (!MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) &&
			    n->val.len == strlen(host) &&
			    !memcmp(n->val.p, host, n->val.len))
				return true;
		}
		return false;
	}
	for (s = &crt->subject_alt_names; s && s->buf.p; s = s->next) {
		if (s->buf.tag == SAN_IP && s->buf.len == iplen &&
		    !memcmp(s->buf.p, ip, iplen))
			return true;
	}
	return false;
}

/* By CA: 0 and CA, 0 and UNAUTH (no chain, why says why), or EAUTH (a
 * chain for another host). */
static int judge_by_ca(const struct msrp_tls *tls,
		       const mbedtls_x509_crt *peer, const char *host,
		       enum msrp_tls_auth *auth, char *why, size_t size)
{
	char info[256], names[256];
	uint32_t flags = 0;
	int r;

	r = mbedtls_x509_crt_verify((mbedtls_x509_crt *)peer,
				    (mbedtls_x509_crt *)&tls->ca, NULL, NULL,
				    &flags, NULL, NULL);
	if (r || flags) {
		info[0] = '\0';
		(void)mbedtls_x509_crt_verify_info(info, sizeof(info), "",
						   flags);
		/* one line: the library ends each reason with \n */
		for (char *p = info; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ';' : '\0';
		(void)re_snprintf(why, size, "no a=fingerprint, and no CA of "
				  "msrp_tls_ca vouches for it: %s",
				  info[0] ? info : "chain not verified");
		*auth = MSRP_TLS_AUTH_UNAUTH;
		return 0;
	}
	if (!host || !host[0] || !names_host(peer, &tls->ca, host)) {
		list_names(peer, names, sizeof(names));
		(void)re_snprintf(why, size, "it chains to msrp_tls_ca but "
				  "does not name %s (it names %s)",
				  host && host[0] ? host : "the path's host",
				  names[0] ? names : "nothing");
		return EAUTH;
	}
	*auth = MSRP_TLS_AUTH_CA;
	return 0;
}

int msrp_tls_judge(const struct msrp_tls *tls, const mbedtls_x509_crt *peer,
		   const char *fp, const char *host, bool require,
		   enum msrp_tls_auth *auth, char *why, size_t size)
{
	char got[MSRP_TLS_FP_MAX];
	int err = 0;

	if (!tls || !peer || !auth || !why || !size)
		return EINVAL;
	why[0] = '\0';
	*auth = MSRP_TLS_AUTH_NONE;
	if (msrp_tls_cert_fingerprint(got, sizeof(got), peer)) {
		(void)re_snprintf(why, size, "unreadable certificate");
		return EAUTH;
	}
	if (fp && fp[0]) {
		if (!msrp_tls_fp_equal(fp, got)) {
			(void)re_snprintf(why, size, "it does not match the "
					  "SDP fingerprint: expected '%s', "
					  "got '%s'", fp, got);
			return EAUTH;
		}
		*auth = MSRP_TLS_AUTH_FP;
		return 0;
	}
	if (tls->has_ca)
		err = judge_by_ca(tls, peer, host, auth, why, size);
	else {
		(void)re_snprintf(why, size, "no a=fingerprint in the SDP and "
				  "no msrp_tls_ca to check it against");
		*auth = MSRP_TLS_AUTH_UNAUTH;
	}
	if (!err && *auth == MSRP_TLS_AUTH_UNAUTH && require)
		err = EAUTH;
	return err;
}
