/*
 * policy_conf.c - the allow/deny lines of the configuration.
 */
#include <string.h>
#include <re.h>
#include "sip/policy.h"

#include "sip/sip_log.h"

/* conf_apply() passes one argument: the policy and whom to log through */
struct deny_ctx {
	const struct sipua *ua;
	struct policy *policy;
};

static int deny_handler(const struct pl *val, void *arg)
{
	const struct deny_ctx *ctx = arg;
	const struct sipua *ua = ctx->ua;
	struct policy *policy = ctx->policy;
	char line[400];
	int err;

	if (pl_strcpy(val, line, sizeof(line)))
		return E2BIG;
	err = sip_policy_add(policy, true, line);
	if (err)
		sipua_warn(ua, "bad deny line: %s\n", line);
	return err;
}

/*
 * libre's conf_apply() hands over only the first word after the key, so
 * `allow URI control` is read in two passes: the URIs, then for each URI
 * the word after it, found by a key made of `allow`, the exact spacing and
 * the URI (literal text to libre's regex, which treats only '[' and '\\'
 * specially).
 */
struct allow_line {
	struct pl uri;
	struct pl rights;
};

struct allow_lines {
	unsigned n;
	struct allow_line line[POLICY_MAX_RULES];
};

static int allow_uri_handler(const struct pl *val, void *arg)
{
	struct allow_lines *lines = arg;

	if (lines->n == POLICY_MAX_RULES)
		return E2BIG;
	lines->line[lines->n++].uri = *val;
	return 0;
}

static int allow_rights_handler(const struct pl *val, void *arg)
{
	struct allow_line *line = arg;
	const char *uri_end = val->p;

	/* libre's regex ignores case; users are case-sensitive, so only a
	 * byte-exact URI counts (the match covers the bytes scanned back) */
	while (uri_end[-1] == ' ' || uri_end[-1] == '\t')
		uri_end--;
	if (memcmp(uri_end - line->uri.l, line->uri.p, line->uri.l) != 0)
		return 0;
	/* the same URI on several lines: control on any of them wins */
	if (!pl_isset(&line->rights) || !pl_strcasecmp(val, "control"))
		line->rights = *val;
	return 0;
}

/* Apply h to the word after `keyword URI` (the URI as conf_apply found
 * it, so that the exact spacing before it is known). */
static int apply_word_after(const struct conf *conf, const char *keyword,
			    const struct pl *uri, conf_h *h, void *arg)
{
	char key[400];
	const char *sep = uri->p;
	size_t n, i;

	/* the match showed the keyword and blanks precede the URI */
	while (sep[-1] == ' ' || sep[-1] == '\t')
		sep--;
	n = (size_t)re_snprintf(key, sizeof(key), "%s%b", keyword, sep,
				(size_t)(uri->p - sep));
	for (i = 0; i < uri->l; i++) {
		char c = uri->p[i];

		if (n + 3 >= sizeof(key))
			return E2BIG;
		if (c == '[' || c == '\\')
			key[n++] = '\\';
		key[n++] = c;
	}
	key[n] = '\0';
	return conf_apply(conf, key, h, arg);
}

static int find_rights(const struct conf *conf, struct allow_line *line)
{
	return apply_word_after(conf, "allow", &line->uri,
				allow_rights_handler, line);
}

/* `caller_secret URI SECRET`: the same two passes as allow lines */
struct secret_line {
	struct pl uri;
	struct pl secret;
	unsigned matches;
};

struct secret_lines {
	unsigned n;
	struct secret_line line[POLICY_MAX_SECRETS];
};

static int secret_uri_handler(const struct pl *val, void *arg)
{
	struct secret_lines *lines = arg;

	if (lines->n == POLICY_MAX_SECRETS)
		return E2BIG;
	lines->line[lines->n++].uri = *val;
	return 0;
}

static int secret_value_handler(const struct pl *val, void *arg)
{
	struct secret_line *line = arg;
	const char *uri_end = val->p;

	while (uri_end[-1] == ' ' || uri_end[-1] == '\t')
		uri_end--;
	if (memcmp(uri_end - line->uri.l, line->uri.p, line->uri.l) != 0)
		return 0;
	line->secret = *val;
	line->matches++;
	return 0;
}

static int read_secrets(const struct sipua *ua, struct policy *policy,
			const struct conf *conf)
{
	struct secret_lines *lines = mem_zalloc(sizeof(*lines), NULL);
	char line[400];
	unsigned i;
	int err;

	if (!lines)
		return ENOMEM;
	err = conf_apply(conf, "caller_secret", secret_uri_handler, lines);
	for (i = 0; !err && i < lines->n; i++) {
		struct secret_line *l = &lines->line[i];

		err = apply_word_after(conf, "caller_secret", &l->uri,
				       secret_value_handler, l);
		/* two secrets for one URI: which one holds is unclear */
		if (!err && l->matches != 1)
			err = EINVAL;
		if (!err && re_snprintf(line, sizeof(line), "%r %r", &l->uri,
					&l->secret) >= (int)sizeof(line) - 1)
			err = E2BIG;
		if (!err)
			err = sip_policy_add_secret(policy, line);
		memset(line, 0, sizeof(line));
		if (err)   /* the URI only: the rest of the line is secret */
			sipua_warn(ua,
				   "bad caller_secret line for %r\n", &l->uri);
	}
	mem_deref(lines);
	return err;
}

int sip_policy_read_conf(const struct sipua *ua, struct policy *policy,
			 const struct conf *conf)
{
	struct allow_lines *lines = mem_zalloc(sizeof(*lines), NULL);
	char line[400];
	unsigned i;
	int err;

	if (!lines)
		return ENOMEM;
	err = conf_apply(conf, "allow", allow_uri_handler, lines);
	for (i = 0; !err && i < lines->n; i++) {
		struct allow_line *l = &lines->line[i];

		err = find_rights(conf, l);
		if (!err && re_snprintf(line, sizeof(line), "%r %r", &l->uri,
					&l->rights) >= (int)sizeof(line) - 1)
			err = E2BIG;
		if (!err)
			err = sip_policy_add(policy, false, line);
		if (err)
			sipua_warn(ua, "bad allow line: %r\n", &l->uri);
	}
	mem_deref(lines);
	if (!err) {
		struct deny_ctx ctx = { ua, policy };

		err = conf_apply(conf, "deny", deny_handler, &ctx);
	}
	if (!err)
		err = read_secrets(ua, policy, conf);
	return err;
}
