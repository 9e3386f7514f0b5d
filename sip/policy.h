/*
 * policy.h - private to sip/: who may call us, and with which rights.
 * Checked on the caller's From URI, so it is only as trustworthy as the
 * proxy that authenticated the caller.
 */
#ifndef SIPVNC_POLICY_H
#define SIPVNC_POLICY_H

#include <stdbool.h>
#include "sip/caller_uri.h"
#include "sip/sipua.h"

#define POLICY_MAX_RULES 64
#define POLICY_MAX_SECRETS 32
#define POLICY_SECRET_SIZE 128

struct policy_rule {
	struct caller_uri uri;   /* user "*" matches any user */
	bool deny;
	enum sipua_rights rights;
};

/* A caller that must also prove it knows a secret (digest, challenged by
 * us), for proxies that do not authenticate their callers. */
struct sip_policy_secret {
	struct caller_uri uri;   /* "*": every user of host without its own */
	char secret[POLICY_SECRET_SIZE];   /* never logged */
};

struct policy {
	unsigned n_rules;
	struct policy_rule rules[POLICY_MAX_RULES];
	unsigned n_secrets;
	struct sip_policy_secret secrets[POLICY_MAX_SECRETS];
};

enum policy_verdict {
	POLICY_ALLOWED,
	POLICY_NOT_ALLOWED,   /* no allow line matches */
	POLICY_DENIED,        /* a deny line matches */
	POLICY_MALFORMED,     /* the URI does not read cleanly: 400 */
};

/* Add an `allow URI [view|control]` or `deny URI` value.  0 or EINVAL /
 * E2BIG. */
int sip_policy_add(struct policy *policy, bool deny, const char *value);

/* Add a `caller_secret URI SECRET` value (SECRET: one word, no '"').
 * 0 or EINVAL / E2BIG. */
int sip_policy_add_secret(struct policy *policy, const char *value);

/* The secret a caller URI must prove, or NULL: its own line, else its
 * domain's wildcard line. */
const char *sip_policy_secret(const struct policy *policy, const char *uri);
const char *sip_policy_secret_uri(const struct policy *policy,
				  const struct caller_uri *caller);

/* Forget the secrets (memory that held them is cleared). */
void sip_policy_clear_secrets(struct policy *policy);

/* Check a caller URI ("Name" <sip:user@host;params> or a bare URI): read
 * by sip_caller_uri_parse, then sip_policy_check_uri. */
enum policy_verdict sip_policy_check(const struct policy *policy,
				     const char *uri,
				     enum sipua_rights *rights);
/* A deny line wins over every allow line, and also when it names the
 * caller only in a second reading (CALLER_URI_MAYBE). */
enum policy_verdict sip_policy_check_uri(const struct policy *policy,
					 const struct caller_uri *caller,
					 enum sipua_rights *rights);

struct conf;
struct sipua;
/* Read every `allow`, `deny` and `caller_secret` line of a libre
 * configuration; a bad line is logged through ua's hook (ua NULL: on
 * standard error). */
int sip_policy_read_conf(const struct sipua *ua, struct policy *policy,
			 const struct conf *conf);

#endif
