/*
 * msrp_tls_conn.c - TLS on one libre TCP connection: a TCP helper that
 * turns ciphertext from the socket into plaintext for the MSRP parser and
 * back, with mbedtls reading from a buffer we fill and writing through
 * tcp_send_helper(), so the socket queue and its limits stay libre's.
 */
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>

#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_tls_int.h"

enum {
	RX_MAX = 64 * 1024,   /* ciphertext mbedtls has not taken yet: a
				 record is at most ~17 KB */
	TLS_HANDSHAKE = 0x16, /* first byte of a TLS handshake record */
};

struct msrp_tls_conn {
	struct msrp_tls *tls;
	struct tcp_conn *tc;
	struct tcp_helper *th;
	mbedtls_ssl_context ssl;
	struct mbuf *rx;
	char expect_fp[160];
	bool active;
	bool sniff;     /* passive: TLS or plain decided by the first byte */
	bool plain;     /* sniffed plain MSRP: pass everything through */
	bool up;        /* handshake done (and, active, certificate judged) */
	bool require;   /* active: refuse a certificate nothing vouches for */
	enum msrp_tls_auth auth;
	char host[256];
	char why[384];  /* why the certificate failed or proves nothing */
};

static void conn_destructor(void *data)
{
	struct msrp_tls_conn *c = data;

	c->th = mem_deref(c->th);  /* unhooks us from the TCP connection */
	mbedtls_ssl_free(&c->ssl);
	mem_deref(c->rx);
	mem_deref(c->tc);
	mem_deref(c->tls);
}

static int bio_send(void *arg, const unsigned char *buf, size_t len)
{
	struct msrp_tls_conn *c = arg;
	struct mbuf mb;

	mb.buf = (uint8_t *)buf;
	mb.pos = 0;
	mb.end = mb.size = len;
	if (tcp_send_helper(c->tc, &mb, c->th))
		return MBEDTLS_ERR_NET_SEND_FAILED;
	return (int)len;
}

static int bio_recv(void *arg, unsigned char *buf, size_t len)
{
	struct msrp_tls_conn *c = arg;
	size_t n = mbuf_get_left(c->rx);

	if (!n)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > len)
		n = len;
	(void)mbuf_read_mem(c->rx, buf, n);
	return (int)n;
}

static void log_tls_error(const struct msrp_tls_conn *c, const char *what,
			  int r)
{
	char msg[128];

	mbedtls_strerror(r, msg, sizeof(msg));
	msrp_warn(&c->tls->log,
		  "msrp: TLS %s failed: %s (-0x%04x)\n", what, msg,
		  (unsigned)-r);
}

static void log_verdict(const struct msrp_tls_conn *c)
{
	if (c->auth == MSRP_TLS_AUTH_FP)
		msrp_info(&c->tls->log,
			  "msrp: TLS peer certificate matches the SDP "
			  "fingerprint\n");
	else if (c->auth == MSRP_TLS_AUTH_CA)
		msrp_info(&c->tls->log,
			  "msrp: TLS certificate of %s verified by CA\n",
			  c->host);
}

static int judge(struct msrp_tls_conn *c, const char *fp, bool require)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&c->ssl);
	int err;

	if (!peer) {
		msrp_warn(&c->tls->log,
			  "msrp: TLS peer showed no certificate\n");
		return EAUTH;
	}
	err = msrp_tls_judge(c->tls, peer, fp, c->host, require, &c->auth,
			     c->why, sizeof(c->why));
	if (err) {
		msrp_warn(&c->tls->log,
			  "msrp: TLS peer certificate%s%s refused: "
			  "%s\n", c->host[0] ? " of " : "", c->host,
			  c->why[0] ? c->why : "nothing vouches for it");
		return EAUTH;
	}
	log_verdict(c);
	return 0;
}

static int handshake(struct msrp_tls_conn *c, bool *estab)
{
	int r = mbedtls_ssl_handshake(&c->ssl);

	if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
		return 0;
	if (r) {
		log_tls_error(c, "handshake", r);
		return EPROTO;
	}
	/* Both ends must show one (RFC 8122 section 6.5): judged below or
	 * once the session is known. */
	if (!mbedtls_ssl_get_peer_cert(&c->ssl)) {
		msrp_warn(&c->tls->log,
			  "msrp: TLS peer showed no certificate\n");
		return EAUTH;
	}
	/* Active: judged before a single MSRP byte leaves.  Passive: once
	 * the first request names the session (msrp_tls_conn_judge()). */
	if (c->active) {
		int err = judge(c, c->expect_fp, c->require);
		if (err)
			return err;
	}
	c->up = true;
	*estab = true;
	return 0;
}

static bool estab_handler(int *err, bool active, void *arg)
{
	struct msrp_tls_conn *c = arg;
	bool dummy = false;

	if (!c->active)
		return false; /* the upcall only marks TCP as up */
	*err = handshake(c, &dummy); /* sends the ClientHello */
	return true; /* established once the handshake is */
}

/* Drop what mbedtls consumed so rx holds only the unread tail. */
static void rx_compact(struct mbuf *rx)
{
	size_t left = mbuf_get_left(rx);

	if (left && rx->pos)
		memmove(rx->buf, mbuf_buf(rx), left);
	rx->pos = 0;
	rx->end = left;
}

int msrp_sniff_plain(const struct tcp_conn *tc, const struct mbuf *mb,
		     const struct msrp_log *lg)
{
	static const char start[] = "MSRP ";
	size_t n = mbuf_get_left(mb);
	struct sa peer;

	if (n > sizeof(start) - 1)
		n = sizeof(start) - 1;
	if (!memcmp(mbuf_buf(mb), start, n))
		return 0;
	if (tcp_conn_peer_get(tc, &peer))
		sa_init(&peer, AF_UNSPEC);
	msrp_warn(lg, "msrp: connection from %J is not MSRP%s (first "
		  "byte 0x%02x); closed\n", &peer,
		  mbuf_buf(mb)[0] == TLS_HANDSHAKE ?
		  " but TLS, which needs a certificate (msrp_tls)" : "",
		  mbuf_buf(mb)[0]);
	return EPROTO;
}

static bool recv_handler(int *err, struct mbuf *mb, bool *estab, void *arg)
{
	struct msrp_tls_conn *c = arg;
	size_t got = 0;

	if (c->plain)
		return false;
	if (c->sniff) {
		c->sniff = false;
		if (mb->buf[mb->pos] != TLS_HANDSHAKE) {
			*err = msrp_sniff_plain(c->tc, mb, &c->tls->log);
			c->plain = !*err;
			return *err != 0;
		}
	}
	if (mbuf_get_left(c->rx) + mbuf_get_left(mb) > RX_MAX) {
		*err = EOVERFLOW;
		return true;
	}
	c->rx->pos = c->rx->end;
	*err = mbuf_write_mem(c->rx, mbuf_buf(mb), mbuf_get_left(mb));
	c->rx->pos = 0;
	if (*err)
		return true;
	if (!c->up) {
		*err = handshake(c, estab);
		if (*err || !c->up) {
			rx_compact(c->rx);
			return true;
		}
	}
	/* The plaintext replaces the ciphertext in mb. */
	mb->pos = mb->end = 0;
	for (;;) {
		int n;

		if (mb->size - got < 4096) {
			*err = mbuf_resize(mb, mb->size + 16384);
			if (*err)
				return true;
		}
		n = mbedtls_ssl_read(&c->ssl, mb->buf + got, mb->size - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE ||
		    n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == 0)
			break; /* a close_notify: TCP's FIN follows */
		log_tls_error(c, "read", n);
		*err = EPROTO;
		return true;
	}
	rx_compact(c->rx);
	mb->end = got;
	/* Pass on even without data when the upcall must see estab. */
	return !got && !*estab;
}

static bool send_handler(int *err, struct mbuf *mb, void *arg)
{
	struct msrp_tls_conn *c = arg;

	if (c->plain)
		return false;
	if (!c->up) {
		*err = ENOTCONN; /* never plain text on a TLS connection */
		return true;
	}
	while (mbuf_get_left(mb)) {
		int n = mbedtls_ssl_write(&c->ssl, mbuf_buf(mb),
					  mbuf_get_left(mb));
		if (n <= 0) {
			/* bio_send never blocks, so no WANT_WRITE either */
			log_tls_error(c, "write", n);
			*err = EPROTO;
			return true;
		}
		mb->pos += (size_t)n;
	}
	return true;
}

int msrp_tls_conn_start(struct msrp_tls_conn **tlscp, struct msrp_tls *tls,
			struct tcp_conn *tc, bool active,
			const char *expect_fp, const char *verify_host,
			bool require)
{
	struct msrp_tls_conn *c;
	int err;

	if (!tlscp || !tls || !tc)
		return EINVAL;
	if (active && require && (!expect_fp || !expect_fp[0]) &&
	    !tls->has_ca)
		return EAUTH; /* nothing to check the peer against */
	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c)
		return ENOMEM;
	mbedtls_ssl_init(&c->ssl);
	c->tls = mem_ref(tls);
	c->tc = mem_ref(tc);
	c->active = active;
	c->sniff = !active;
	c->require = require;
	if (verify_host)
		str_ncpy(c->host, verify_host, sizeof(c->host));
	if (expect_fp)
		str_ncpy(c->expect_fp, expect_fp, sizeof(c->expect_fp));
	c->rx = mbuf_alloc(8192);
	err = c->rx ? 0 : ENOMEM;
	if (!err && mbedtls_ssl_setup(&c->ssl, active ? &tls->client
				      : &tls->server))
		err = ENOMEM;
	/* SNI for a relay or peer known by name (RFC 6066: never an
	 * address) */
	if (!err && active && c->host[0] && !strchr(c->host, ':') &&
	    strspn(c->host, "0123456789.") != strlen(c->host) &&
	    mbedtls_ssl_set_hostname(&c->ssl, c->host))
		err = ENOMEM;
	if (!err) {
		mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
		err = tcp_register_helper(&c->th, tc, 0, estab_handler,
					  send_handler, recv_handler, c);
	}
	if (err) {
		mem_deref(c);
		return err;
	}
	*tlscp = c;
	return 0;
}

int msrp_tls_conn_judge(struct msrp_tls_conn *c, const char *expect_fp,
			const char *verify_host, bool require)
{
	if (!c || !c->up || c->plain)
		return EINVAL;
	str_ncpy(c->host, verify_host ? verify_host : "", sizeof(c->host));
	return judge(c, expect_fp, require);
}

const char *msrp_tls_conn_unauth_why(const struct msrp_tls_conn *c)
{
	return c && c->auth == MSRP_TLS_AUTH_UNAUTH ? c->why : NULL;
}

bool msrp_tls_conn_secure(const struct msrp_tls_conn *c)
{
	return c && !c->plain;
}
