/*
 * policy.c - allow/deny rules matched on user@host of sip:/sips: URIs,
 * compared only by sip_caller_uri_match (RFC 3261 19.1.4).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/policy.h"

int sip_policy_add(struct policy *policy, bool deny, const char *value)
{
	struct policy_rule rule;
	const char *rights;
	char uri[300];
	size_t len;

	if (!policy || !value)
		return EINVAL;
	memset(&rule, 0, sizeof(rule));
	while (*value == ' ' || *value == '\t')
		value++;
	len = strcspn(value, " \t");
	if (len == 0 || len >= sizeof(uri))
		return EINVAL;
	memcpy(uri, value, len);
	uri[len] = '\0';
	if (sip_caller_uri_parse(&rule.uri, uri, true))
		return EINVAL;

	rights = value + len;
	rights += strspn(rights, " \t");
	len = strcspn(rights, " \t");
	rule.deny = deny;
	rule.rights = SIPUA_RIGHTS_VIEW;
	if (len == 7 && !strncasecmp(rights, "control", 7))
		rule.rights = SIPUA_RIGHTS_CONTROL;
	else if (len && !(len == 4 && !strncasecmp(rights, "view", 4)))
		return EINVAL;
	if (len && deny)
		return EINVAL;  /* rights on a deny line mean a typo */
	if (rights[len + strspn(rights + len, " \t")])
		return EINVAL;

	if (policy->n_rules == POLICY_MAX_RULES)
		return E2BIG;
	policy->rules[policy->n_rules++] = rule;
	return 0;
}

int sip_policy_add_secret(struct policy *policy, const char *value)
{
	struct sip_policy_secret *entry;
	const char *secret;
	char uri[300];
	size_t len;

	if (!policy || !value)
		return EINVAL;
	value += strspn(value, " \t");
	len = strcspn(value, " \t");
	if (len == 0 || len >= sizeof(uri))
		return EINVAL;
	memcpy(uri, value, len);
	uri[len] = '\0';
	secret = value + len;
	secret += strspn(secret, " \t");
	len = strcspn(secret, " \t");
	/* one word, and nothing after it: a stray word is a typo */
	if (len == 0 || secret[len + strspn(secret + len, " \t")])
		return EINVAL;
	/* libre's configuration reader groups quoted text across lines */
	if (memchr(secret, '"', len))
		return EINVAL;
	if (len >= POLICY_SECRET_SIZE)
		return E2BIG;
	if (policy->n_secrets == POLICY_MAX_SECRETS)
		return E2BIG;
	entry = &policy->secrets[policy->n_secrets];
	memset(entry, 0, sizeof(*entry));
	if (sip_caller_uri_parse(&entry->uri, uri, true))
		return EINVAL;
	memcpy(entry->secret, secret, len);
	policy->n_secrets++;
	return 0;
}

void sip_policy_clear_secrets(struct policy *policy)
{
	if (!policy)
		return;
	memset(policy->secrets, 0, sizeof(policy->secrets));
	policy->n_secrets = 0;
}

/* The stricter reading wins: a line for the caller's own user, else one
 * naming it in a second reading, else its domain's wildcard. */
const char *sip_policy_secret_uri(const struct policy *policy,
				  const struct caller_uri *caller)
{
	const char *maybe = NULL, *wildcard = NULL;
	unsigned i;

	if (!policy || !caller)
		return NULL;
	for (i = 0; i < policy->n_secrets; i++) {
		const struct sip_policy_secret *e = &policy->secrets[i];

		switch (sip_caller_uri_match(&e->uri, caller)) {
		case CALLER_URI_SAME:
			if (!e->uri.any_user)
				return e->secret;
			if (!wildcard)
				wildcard = e->secret;
			break;
		case CALLER_URI_MAYBE:
			if (!maybe)
				maybe = e->secret;
			break;
		case CALLER_URI_OTHER:
			break;
		}
	}
	return maybe ? maybe : wildcard;
}

const char *sip_policy_secret(const struct policy *policy, const char *uri)
{
	struct caller_uri caller;

	if (!uri || sip_caller_uri_parse(&caller, uri, false))
		return NULL;
	return sip_policy_secret_uri(policy, &caller);
}

enum policy_verdict sip_policy_check_uri(const struct policy *policy,
					 const struct caller_uri *caller,
					 enum sipua_rights *rights)
{
	bool allowed = false;
	enum sipua_rights best = SIPUA_RIGHTS_VIEW;
	unsigned i;

	if (!policy || !caller)
		return POLICY_NOT_ALLOWED;
	for (i = 0; i < policy->n_rules; i++) {
		const struct policy_rule *rule = &policy->rules[i];
		enum sip_caller_uri_match m =
			sip_caller_uri_match(&rule->uri, caller);

		if (m == CALLER_URI_OTHER)
			continue;
		if (rule->deny)
			return POLICY_DENIED;
		if (m != CALLER_URI_SAME)
			continue;
		allowed = true;
		if (rule->rights == SIPUA_RIGHTS_CONTROL)
			best = SIPUA_RIGHTS_CONTROL;
	}
	if (!allowed)
		return POLICY_NOT_ALLOWED;
	if (rights)
		*rights = best;
	return POLICY_ALLOWED;
}

enum policy_verdict sip_policy_check(const struct policy *policy,
				     const char *uri,
				     enum sipua_rights *rights)
{
	struct caller_uri caller;
	int err;

	if (!policy || !uri)
		return POLICY_NOT_ALLOWED;
	err = sip_caller_uri_parse(&caller, uri, false);
	if (err)
		return err == EBADMSG ? POLICY_MALFORMED : POLICY_NOT_ALLOWED;
	return sip_policy_check_uri(policy, &caller, rights);
}
