/*
 * caller.h - private to sip/: who is calling, and making a caller prove a
 * secret.
 *
 * The identity is the From URI, or the P-Asserted-Identity (RFC 3325) when
 * the request came from a proxy the configuration trusts: anyone else could
 * write either header.  Callers with a `caller_secret` are challenged by
 * us with HTTP digest (401, realm "sipvnc"); our nonces carry their time
 * and a MAC under a per-process key, so no state is kept between the
 * challenge and the retry.
 */
#ifndef SIPVNC_CALLER_H
#define SIPVNC_CALLER_H

#include <re.h>
#include "sip/caller_uri.h"

#define CALLER_MAX_PROXIES 8
#define CALLER_REALM "sipvnc"
#define CALLER_NONCE_LIFETIME 60   /* seconds between 401 and the retry */
#define CALLER_NONCE_SIZE 49       /* 16 hex time + 32 hex MAC + NUL */
#define CALLER_KEY_SIZE 20

struct caller_trust {
	unsigned n;
	struct sa proxies[CALLER_MAX_PROXIES];
};

/* Trust P-Asserted-Identity from this IP address.  0, EINVAL or E2BIG. */
int sip_caller_trust_add(struct caller_trust *trust, const char *addr);

/* Who calls, read by sip_caller_uri_parse into *id and printed into uri (the
 * one form logs, dialogs and notices show).  *asserted: it is a trusted
 * PAI.  0; EBADMSG when missing or not read cleanly (a caller gets 400),
 * ENOTSUP when it is no sip: user@host, E2BIG when too long.  On an
 * error after the URI was found, uri holds its text made safe to log. */
int sip_caller_identity(const struct caller_trust *trust,
			const struct sip_msg *msg, struct caller_uri *id,
			char *uri, size_t size, bool *asserted);

/* A nonce for this call (Call-ID) at time now (seconds). */
void sip_caller_nonce_make(char nonce[CALLER_NONCE_SIZE], const uint8_t *key,
			   const struct pl *callid, uint64_t now);
/* 0 if we made it for this call, ETIMEDOUT when it is ours but too old,
 * EBADMSG otherwise. */
int sip_caller_nonce_check(const struct pl *nonce, const uint8_t *key,
			   const struct pl *callid, uint64_t now);

enum caller_auth {
	CALLER_AUTH_OK,
	CALLER_AUTH_CHALLENGE,  /* no (usable) credentials: send 401 */
	CALLER_AUTH_STALE,      /* right secret, old nonce: 401 stale=true */
	CALLER_AUTH_FAILED,     /* credentials for our nonce, wrong secret */
};

enum caller_auth sip_caller_auth_check(const struct sip_msg *msg,
				       const char *secret, const uint8_t *key,
				       uint64_t now);

/* Reply 401 with our challenge. */
int sip_caller_auth_challenge(struct sip *sip, const struct sip_msg *msg,
			      const uint8_t *key, bool stale, uint64_t now);

#endif
