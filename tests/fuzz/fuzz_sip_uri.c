/*
 * fuzz_sip_uri.c - libFuzzer harness for the caller URI comparison
 * (sip/caller_uri.c) and the policy on top of it.  The first 4 bytes seed
 * the choices, the rest is a caller URI.  A URI and any re-escaping of it
 * (user bytes escaped or not, hex and scheme and host in any case, a
 * trailing dot, port, parameters, a display name) must get the same
 * decision: verdict, rights and caller secret.  What does not read cleanly
 * is refused (never allowed, never given a secret), the shown spelling
 * reads back as itself, and a deny of a second reading of the user wins.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sip/caller_uri.h"
#include "sip/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct decision {
	enum policy_verdict verdict;
	enum sipua_rights rights;
	const char *secret;
};

static const struct policy *the_policy(void)
{
	static struct policy policy;
	static const char *const allow[] = {
		"sip:*@127.0.0.1 control", "sip:*@example.com",
		"sip:alice@[::1] control", "sip:100%25@example.org control",
		"sip:%C3%A9@example.org", "sip:%2A@example.net control",
		"sip:a;b@example.net", "sip:*@ex-ample.example",
	};
	static const char *const deny[] = {
		"sip:mallory@127.0.0.1", "sip:intern@example.com",
		"sip:a%25b@[::1]", "sip:+1555@example.org", "sip:a%3Fb@[::1]",
		"sip:*@evil.example.com",
	};
	static const char *const secrets[] = {
		"sip:helpdesk@example.com s1", "sip:*@example.org s2",
		"sip:b%6Fb@127.0.0.1 s3",
	};
	size_t i;

	if (policy.n_rules)
		return &policy;
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		if (sip_policy_add(&policy, false, allow[i]))
			abort();
	for (i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (sip_policy_add(&policy, true, deny[i]))
			abort();
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (sip_policy_add_secret(&policy, secrets[i]))
			abort();
	return &policy;
}

static struct decision decide(const char *uri)
{
	struct decision d;

	memset(&d, 0, sizeof(d));
	d.verdict = sip_policy_check(the_policy(), uri, &d.rights);
	if (d.verdict != POLICY_ALLOWED)
		d.rights = SIPUA_RIGHTS_VIEW;
	d.secret = sip_policy_secret(the_policy(), uri);
	return d;
}

static void same(const struct decision *a, const struct decision *b,
		 const char *x, const char *y)
{
	if (a->verdict == b->verdict && a->rights == b->rights &&
	    a->secret == b->secret)
		return;
	fprintf(stderr, "\"%s\" -> %d/%d/%s but \"%s\" -> %d/%d/%s\n", x,
		a->verdict, a->rights, a->secret ? a->secret : "-", y,
		b->verdict, b->rights, b->secret ? b->secret : "-");
	abort();
}

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c && strchr("-_.!~*'()&=+$,;?/", c));
}

static char flip(char c, uint32_t *s)
{
	if (next(s) & 1)
		return c;
	if (c >= 'a' && c <= 'z')
		return (char)(c - 32);
	if (c >= 'A' && c <= 'Z')
		return (char)(c + 32);
	return c;
}

/* Write u with choices from *s: a re-escaping of the same caller. */
static void respell(char *out, size_t size, const struct caller_uri *u,
		    uint32_t *s)
{
	static const char *const hexes[] = { "0123456789ABCDEF",
					     "0123456789abcdef" };
	const char *scheme = u->sips ? "sips:" : "sip:";
	size_t n = 0, i;

	if (next(s) % 4 == 0)
		n += (size_t)snprintf(out, size, "\"C <x>\" <");
	for (i = 0; scheme[i]; i++)
		out[n++] = flip(scheme[i], s);
	for (i = 0; i < u->user_len; i++) {
		unsigned char c = (unsigned char)u->user[i];
		const char *hex = hexes[next(s) & 1];

		if (plain(c) && (next(s) & 1)) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '%';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	out[n++] = '@';
	for (i = 0; u->host[i]; i++)
		out[n++] = flip(u->host[i], s);
	if (u->host[0] != '[' && next(s) % 4 == 0)
		out[n++] = '.';
	switch (next(s) % 4) {
	case 0:
		n += (size_t)snprintf(out + n, size - n, ":5060");
		break;
	case 1:
		n += (size_t)snprintf(out + n, size - n, ";transport=tcp");
		break;
	case 2:
		n += (size_t)snprintf(out + n, size - n, ":1;user=phone?x=%%41");
		break;
	default:
		break;
	}
	if (out[0] == '"')
		out[n++] = '>';
	out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[600], shown[CALLER_URI_TEXT_SIZE], again[CALLER_URI_TEXT_SIZE];
	char variant[4 * CALLER_URI_TEXT_SIZE + 64];
	struct caller_uri u, v;
	struct decision d, dv;
	uint32_t seed = 0x9e3779b9;
	size_t i, base;
	int err;

	if (size < 4 || size - 4 >= sizeof(text))
		return 0;
	for (i = 0; i < 4; i++)
		seed = seed * 31 + data[i];
	if (!seed)
		seed = 1;
	memcpy(text, data + 4, size - 4);
	text[size - 4] = '\0';
	if (strlen(text) != size - 4)
		return 0;   /* a C string cannot hold what follows a NUL */

	d = decide(text);
	err = sip_caller_uri_parse(&u, text, false);
	if ((err == EBADMSG) != (d.verdict == POLICY_MALFORMED))
		abort();
	if (err) {
		/* not read, so never compared: nothing granted */
		if (d.verdict == POLICY_ALLOWED || d.secret)
			abort();
		return 0;
	}
	if (sip_caller_uri_print(shown, sizeof(shown), &u))
		return 0;   /* too long to show: refused by sip_caller_identity */
	/* the shown spelling is the same caller and reads back as itself */
	dv = decide(shown);
	same(&d, &dv, text, shown);
	if (sip_caller_uri_parse(&v, shown, false) ||
	    sip_caller_uri_match(&u, &v) != CALLER_URI_SAME ||
	    sip_caller_uri_print(again, sizeof(again), &v) || strcmp(shown, again))
		abort();
	for (i = 0; i < 4; i++) {
		respell(variant, sizeof(variant), &u, &seed);
		if (sip_caller_uri_parse(&v, variant, false)) {
			fprintf(stderr, "respelling \"%s\" as \"%s\" unread\n",
				text, variant);
			abort();
		}
		if (sip_caller_uri_print(again, sizeof(again), &v) ||
		    strcmp(shown, again))
			abort();
		dv = decide(variant);
		same(&d, &dv, text, variant);
	}
	/* the user up to ';' or '?', a second reading: its deny wins */
	base = strcspn(u.user, ";?");
	if (base && base < u.user_len) {
		v = u;
		v.user_len = base;
		v.user[base] = '\0';
		if (!sip_caller_uri_print(again, sizeof(again), &v) &&
		    decide(again).verdict == POLICY_DENIED &&
		    d.verdict != POLICY_DENIED)
			abort();
	}
	return 0;
}
