/*
 * policy_conf.c - the allow/deny lines of the configuration.
 */
#include <string.h>
#include <re.h>
#include "sip/policy.h"

#define policy_log(...) ((void)re_fprintf(stderr, "sip: " __VA_ARGS__))

static int deny_handler(const struct pl *val, void *arg)
{
	struct policy *policy = arg;
	char line[400];
	int err;

	if (pl_strcpy(val, line, sizeof(line)))
		return E2BIG;
	err = policy_add(policy, true, line);
	if (err)
		policy_log("bad deny line: %s\n", line);
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

static int find_rights(const struct conf *conf, struct allow_line *line)
{
	char key[400];
	const char *sep = line->uri.p;
	size_t n, i;

	/* the match showed "allow" and blanks precede the URI */
	while (sep[-1] == ' ' || sep[-1] == '\t')
		sep--;
	n = (size_t)re_snprintf(key, sizeof(key), "allow%b", sep,
				(size_t)(line->uri.p - sep));
	for (i = 0; i < line->uri.l; i++) {
		char c = line->uri.p[i];

		if (n + 3 >= sizeof(key))
			return E2BIG;
		if (c == '[' || c == '\\')
			key[n++] = '\\';
		key[n++] = c;
	}
	key[n] = '\0';
	return conf_apply(conf, key, allow_rights_handler, line);
}

int policy_read_conf(struct policy *policy, const struct conf *conf)
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
			err = policy_add(policy, false, line);
		if (err)
			policy_log("bad allow line: %r\n", &l->uri);
	}
	mem_deref(lines);
	if (!err)
		err = conf_apply(conf, "deny", deny_handler, policy);
	return err;
}
