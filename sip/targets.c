/*
 * targets.c - the outward twin of the caller policy (sipua.h): whom a
 * user of ours may call, kept in the same rules and the same comparison
 * as the `allow` lines, so that the browser gateway needs nothing of
 * sip/'s private headers.
 */
#include <re.h>

#include "sip/caller_uri.h"
#include "sip/policy.h"
#include "sip/sipua.h"

struct sipua_targets {
	struct policy policy;   /* allow lines only: no deny, no secrets */
};

int sipua_targets_alloc(struct sipua_targets **tp)
{
	if (!tp)
		return EINVAL;
	*tp = mem_zalloc(sizeof(**tp), NULL);
	return *tp ? 0 : ENOMEM;
}

int sipua_targets_add(struct sipua_targets *t, const char *value)
{
	if (!t || !value)
		return EINVAL;
	return sip_policy_add(&t->policy, false, value);
}

bool sipua_targets_check(const struct sipua_targets *t, const char *uri,
			 enum sipua_rights *rights)
{
	enum sipua_rights r = SIPUA_RIGHTS_VIEW;

	if (!t || !uri ||
	    sip_policy_check(&t->policy, uri, &r) != POLICY_ALLOWED)
		return false;
	if (rights)
		*rights = r;
	return true;
}

bool sipua_uri_dialable(const char *text)
{
	struct caller_uri cu;

	return text && !sip_caller_uri_parse(&cu, text, false);
}
