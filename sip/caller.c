/*
 * caller.c - the caller's identity and our digest challenge of it.
 */
#include <string.h>
#include "sip/caller.h"
#include "sip/sreply.h"

int sip_caller_trust_add(struct caller_trust *trust, const char *addr)
{
	struct sa sa;

	if (!trust || !addr || sa_set_str(&sa, addr, 0))
		return EINVAL;
	if (trust->n == CALLER_MAX_PROXIES)
		return E2BIG;
	trust->proxies[trust->n++] = sa;
	return 0;
}

static bool from_trusted_proxy(const struct caller_trust *trust,
			       const struct sip_msg *msg)
{
	unsigned i;

	for (i = 0; trust && i < trust->n; i++) {
		if (sa_cmp(&trust->proxies[i], &msg->src, SA_ADDR))
			return true;
	}
	return false;
}

int sip_caller_identity(const struct caller_trust *trust,
			const struct sip_msg *msg, struct caller_uri *id,
			char *uri, size_t size, bool *asserted)
{
	const struct sip_hdr *pai;
	struct sip_addr addr;
	const struct pl *chosen = &msg->from.auri;
	/* parameters we ignore may make the text longer than what we show */
	char raw[512];
	int err;

	*asserted = false;
	pai = sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY);
	if (pai && from_trusted_proxy(trust, msg)) {
		/* a malformed assertion from our own proxy is refused, not
		 * replaced by the unverified From */
		if (sip_addr_decode(&addr, &pai->val) || !addr.auri.l)
			return EBADMSG;
		chosen = &addr.auri;
		*asserted = true;
	}
	if (!chosen->l)
		return EBADMSG;
	if (chosen->l >= sizeof(raw))
		return E2BIG;
	(void)pl_strcpy(chosen, raw, sizeof(raw));
	err = sip_caller_uri_parse(id, raw, false);
	if (!err)
		err = sip_caller_uri_print(uri, size, id);
	if (err)   /* for the log line that refuses it */
		sip_caller_uri_sanitize(uri, size, raw);
	return err;
}

/* MAC over time and Call-ID, hex, 32 characters + NUL */
static void nonce_mac(char out[33], const uint8_t *key, uint64_t ts,
		      const struct pl *callid)
{
	uint8_t data[8 + 256], mac[20];
	size_t n = 8, i;

	for (i = 0; i < 8; i++)
		data[i] = (uint8_t)(ts >> (56 - 8 * i));
	n += min(callid->l, sizeof(data) - 8);
	memcpy(data + 8, callid->p, n - 8);
	hmac_sha1(key, CALLER_KEY_SIZE, data, n, mac, sizeof(mac));
	for (i = 0; i < 16; i++)
		(void)re_snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

void sip_caller_nonce_make(char nonce[CALLER_NONCE_SIZE], const uint8_t *key,
			   const struct pl *callid, uint64_t now)
{
	char mac[33];

	nonce_mac(mac, key, now, callid);
	(void)re_snprintf(nonce, CALLER_NONCE_SIZE, "%016llx%s",
			  (unsigned long long)now, mac);
}

int sip_caller_nonce_check(const struct pl *nonce, const uint8_t *key,
			   const struct pl *callid, uint64_t now)
{
	char mac[33];
	uint64_t ts = 0;
	uint8_t diff = 0;
	size_t i;

	if (!nonce || nonce->l != CALLER_NONCE_SIZE - 1)
		return EBADMSG;
	for (i = 0; i < 16; i++) {
		char c = nonce->p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return EBADMSG;
		ts = ts << 4 | ch_hex(c);
	}
	nonce_mac(mac, key, ts, callid);
	for (i = 0; i < 32; i++)   /* constant time: no MAC oracle */
		diff |= (uint8_t)(mac[i] ^ nonce->p[16 + i]);
	if (diff)
		return EBADMSG;
	if (ts > now || now - ts > CALLER_NONCE_LIFETIME)
		return ETIMEDOUT;
	return 0;
}

struct auth_search {
	struct httpauth_digest_resp resp;
	bool found;
};

static bool find_our_realm(const struct sip_hdr *hdr,
			   const struct sip_msg *msg, void *arg)
{
	struct auth_search *search = arg;
	struct httpauth_digest_resp resp;

	(void)msg;
	if (httpauth_digest_response_decode(&resp, &hdr->val) ||
	    pl_strcmp(&resp.realm, CALLER_REALM))
		return false;
	search->resp = resp;
	search->found = true;
	return true;
}

enum caller_auth sip_caller_auth_check(const struct sip_msg *msg,
				       const char *secret, const uint8_t *key,
				       uint64_t now)
{
	struct auth_search search;
	uint8_t ha1[16];
	bool stale;
	int err;

	memset(&search, 0, sizeof(search));
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION,
				find_our_realm, &search);
	if (!search.found)
		return CALLER_AUTH_CHALLENGE;
	err = sip_caller_nonce_check(&search.resp.nonce, key, &msg->callid,
				     now);
	if (err == EBADMSG)
		return CALLER_AUTH_CHALLENGE;   /* not a nonce of ours */
	stale = err == ETIMEDOUT;
	if (md5_printf(ha1, "%r:%s:%s", &search.resp.username, CALLER_REALM,
		       secret))
		return CALLER_AUTH_FAILED;
	err = httpauth_digest_response_auth(&search.resp, &msg->met, ha1);
	memset(ha1, 0, sizeof(ha1));
	if (err)
		return CALLER_AUTH_FAILED;
	/* the right secret on an old nonce: ask again, without blame */
	return stale ? CALLER_AUTH_STALE : CALLER_AUTH_OK;
}

int sip_caller_auth_challenge(struct sip *sip, const struct sip_msg *msg,
			      const uint8_t *key, bool stale, uint64_t now)
{
	char nonce[CALLER_NONCE_SIZE];

	sip_caller_nonce_make(nonce, key, &msg->callid, now);
	/* stateless (sreply.h): the retry is a new request anyway */
	return sipua_sreplyf(sip, msg, key, CALLER_KEY_SIZE, 401,
			     "Unauthorized",
			     "WWW-Authenticate: Digest "
			     "realm=\"" CALLER_REALM "\", nonce=\"%s\", "
			     "algorithm=MD5, qop=\"auth\"%s\r\n"
			     "Content-Length: 0\r\n\r\n",
			     nonce, stale ? ", stale=true" : "");
}
