/*
 * policy.h - private to sip/: who may call us, and with which rights.
 * Checked on the caller's From URI, so it is only as trustworthy as the
 * proxy that authenticated the caller.
 */
#ifndef SIPVNC_POLICY_H
#define SIPVNC_POLICY_H

#include <stdbool.h>
#include "sip/sipua.h"

#define POLICY_MAX_RULES 64

struct policy_rule {
	char user[64];      /* "*" matches any user */
	char host[192];
	bool deny;
	enum sipua_rights rights;
};

struct policy {
	unsigned n_rules;
	struct policy_rule rules[POLICY_MAX_RULES];
};

enum policy_verdict {
	POLICY_ALLOWED,
	POLICY_NOT_ALLOWED,   /* no allow line matches */
	POLICY_DENIED,        /* a deny line matches */
};

/* Add an `allow URI [view|control]` or `deny URI` value.  0 or EINVAL /
 * E2BIG. */
int policy_add(struct policy *policy, bool deny, const char *value);

/* Check a caller URI ("Name" <sip:user@host;params> or a bare URI). */
enum policy_verdict policy_check(const struct policy *policy,
				 const char *uri, enum sipua_rights *rights);

struct conf;
/* Read every `allow` and `deny` line of a libre configuration. */
int policy_read_conf(struct policy *policy, const struct conf *conf);

#endif
