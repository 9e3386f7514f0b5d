/*
 * policy.c - allow/deny rules matched on user@host of sip:/sips: URIs.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "sip/policy.h"

/* user and host of a sip:/sips: URI, display name, <>, port and
 * parameters dropped.  false if it is not such a URI or a part is too
 * long. */
static bool split_uri(const char *uri, char *user, size_t user_size,
		      char *host, size_t host_size)
{
	const char *p = uri, *at, *host_end;
	size_t len;

	const char *lt = strchr(uri, '<');
	if (lt)
		p = lt + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncasecmp(p, "sip:", 4))
		p += 4;
	else if (!strncasecmp(p, "sips:", 5))
		p += 5;
	else
		return false;

	at = p + strcspn(p, "@;>?");
	if (*at != '@' || at == p)
		return false;
	len = (size_t)(at - p);
	if (len >= user_size || memchr(p, ':', len))
		return false;   /* user:password is not an identity */
	memcpy(user, p, len);
	user[len] = '\0';

	p = at + 1;
	if (*p == '[') {
		host_end = strchr(p, ']');
		if (!host_end)
			return false;
		host_end++;
	}
	else {
		host_end = p + strcspn(p, ":;>? \t");
	}
	len = (size_t)(host_end - p);
	if (len == 0 || len >= host_size)
		return false;
	memcpy(host, p, len);
	host[len] = '\0';
	return true;
}

int policy_add(struct policy *policy, bool deny, const char *value)
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
	if (!split_uri(uri, rule.user, sizeof(rule.user), rule.host,
		       sizeof(rule.host)))
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

int policy_add_secret(struct policy *policy, const char *value)
{
	struct policy_secret *entry;
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
	if (!split_uri(uri, entry->user, sizeof(entry->user), entry->host,
		       sizeof(entry->host)))
		return EINVAL;
	memcpy(entry->secret, secret, len);
	policy->n_secrets++;
	return 0;
}

void policy_clear_secrets(struct policy *policy)
{
	if (!policy)
		return;
	memset(policy->secrets, 0, sizeof(policy->secrets));
	policy->n_secrets = 0;
}

const char *policy_secret(const struct policy *policy, const char *uri)
{
	char user[64], host[192];
	const char *wildcard = NULL;
	unsigned i;

	if (!policy || !uri ||
	    !split_uri(uri, user, sizeof(user), host, sizeof(host)))
		return NULL;
	for (i = 0; i < policy->n_secrets; i++) {
		const struct policy_secret *e = &policy->secrets[i];

		if (strcasecmp(e->host, host) != 0)
			continue;
		if (!strcmp(e->user, user))
			return e->secret;
		if (!strcmp(e->user, "*") && !wildcard)
			wildcard = e->secret;
	}
	return wildcard;
}

/* "[fd15::1]" out of its brackets into an address; false if it is not
 * an IPv6 literal. */
static bool ipv6_literal(const char *host, struct in6_addr *addr)
{
	char buf[64];
	size_t len = strlen(host);

	if (len < 3 || len >= sizeof(buf) + 2 || host[0] != '[' ||
	    host[len - 1] != ']')
		return false;
	memcpy(buf, host + 1, len - 2);
	buf[len - 2] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/* Hosts are case-insensitive (RFC 3261 19.1.4), and an IPv6 literal has
 * many spellings ([::1], [0:0::1]): those compare as addresses. */
static bool hosts_equal(const char *a, const char *b)
{
	struct in6_addr x, y;

	if (!strcasecmp(a, b))
		return true;
	return ipv6_literal(a, &x) && ipv6_literal(b, &y) &&
		!memcmp(&x, &y, sizeof(x));
}

static bool rule_matches(const struct policy_rule *rule, const char *user,
			 const char *host)
{
	/* users are case-sensitive (RFC 3261 19.1.4) */
	return hosts_equal(rule->host, host) &&
		(!strcmp(rule->user, "*") || !strcmp(rule->user, user));
}

enum policy_verdict policy_check(const struct policy *policy,
				 const char *uri, enum sipua_rights *rights)
{
	char user[64], host[192];
	bool allowed = false;
	enum sipua_rights best = SIPUA_RIGHTS_VIEW;
	unsigned i;

	if (!policy || !uri ||
	    !split_uri(uri, user, sizeof(user), host, sizeof(host)))
		return POLICY_NOT_ALLOWED;
	for (i = 0; i < policy->n_rules; i++) {
		const struct policy_rule *rule = &policy->rules[i];

		if (!rule_matches(rule, user, host))
			continue;
		if (rule->deny)
			return POLICY_DENIED;
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
