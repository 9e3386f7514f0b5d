/*
 * account.c - parse the baresip-style `account` line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sip/account.h"

static int copy_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return E2BIG;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The AOR's user part and a registrar URI made of its host part. */
static int split_aor(struct sip_account *acc)
{
	const char *scheme_end = strchr(acc->aor, ':');
	const char *at, *host, *host_end;
	size_t scheme_len;

	if (!scheme_end)
		return EINVAL;
	scheme_len = (size_t)(scheme_end - acc->aor);
	if (!((scheme_len == 3 && !strncasecmp(acc->aor, "sip", 3)) ||
	      (scheme_len == 4 && !strncasecmp(acc->aor, "sips", 4))))
		return EINVAL;
	at = strchr(scheme_end, '@');
	if (!at || at == scheme_end + 1)
		return EINVAL;
	if (copy_field(acc->user, sizeof(acc->user), scheme_end + 1,
		       (size_t)(at - scheme_end - 1)))
		return E2BIG;
	host = at + 1;
	host_end = host + strcspn(host, ";?> ");
	if (host_end == host)
		return EINVAL;
	if (scheme_len + 1 + (size_t)(host_end - host) >=
	    sizeof(acc->registrar))
		return E2BIG;
	memcpy(acc->registrar, acc->aor, scheme_len + 1);
	memcpy(acc->registrar + scheme_len + 1, host,
	       (size_t)(host_end - host));
	acc->registrar[scheme_len + 1 + (size_t)(host_end - host)] = '\0';
	return 0;
}

/* One ;name=value parameter starting at p (after the ';'); *next is set
 * to the following ';' or the end. */
static int parse_param(struct sip_account *acc, const char *p,
		       const char **next)
{
	const char *eq, *val, *val_end;
	size_t name_len;
	int err = 0;

	p = skip_space(p);
	name_len = strcspn(p, "=;");
	eq = p + name_len;
	if (*eq != '=') {           /* a flag without value: ignore */
		*next = eq;
		return 0;
	}
	val = eq + 1;
	if (*val == '"') {
		val++;
		val_end = strchr(val, '"');
		if (!val_end)
			return EINVAL;
		*next = val_end + 1 + strcspn(val_end + 1, ";");
	}
	else {
		val_end = val + strcspn(val, ";");
		*next = val_end;
		while (val_end > val && isspace((unsigned char)val_end[-1]))
			val_end--;
	}
	while (name_len && isspace((unsigned char)p[name_len - 1]))
		name_len--;

#define IS(name) (name_len == strlen(name) && !strncmp(p, name, name_len))
	if (IS("auth_user"))
		err = copy_field(acc->auth_user, sizeof(acc->auth_user), val,
				 (size_t)(val_end - val));
	else if (IS("auth_pass"))
		err = copy_field(acc->auth_pass, sizeof(acc->auth_pass), val,
				 (size_t)(val_end - val));
	else if (IS("outbound"))
		err = copy_field(acc->outbound, sizeof(acc->outbound), val,
				 (size_t)(val_end - val));
	else if (IS("sipnat")) {
		/* baresip's only value; anything else is a typo worth an
		 * error rather than a silently plain registration */
		if ((size_t)(val_end - val) != 8 ||
		    strncmp(val, "outbound", 8) != 0)
			return EINVAL;
		acc->sip_outbound = true;
	}
	else if (IS("regint")) {
		char num[16];
		char *end;
		unsigned long v;

		if (copy_field(num, sizeof(num), val, (size_t)(val_end - val)))
			return EINVAL;
		v = strtoul(num, &end, 10);
		if (end == num || *end || v > 86400 * 7)
			return EINVAL;
		acc->regint = (uint32_t)v;
	}
#undef IS
	/* other baresip parameters (answermode, audio_codecs ...) do not
	 * concern us */
	return err;
}

int sip_account_parse(struct sip_account *acc, const char *line)
{
	const char *p, *end;
	int err;

	if (!acc || !line)
		return EINVAL;
	memset(acc, 0, sizeof(*acc));
	acc->regint = ACCOUNT_DEFAULT_REGINT;
	p = skip_space(line);

	if (*p == '"') {
		end = strchr(p + 1, '"');
		if (!end)
			return EINVAL;
		if (copy_field(acc->display, sizeof(acc->display), p + 1,
			       (size_t)(end - p - 1)))
			return E2BIG;
		p = skip_space(end + 1);
	}
	if (*p == '<') {
		end = strchr(p, '>');
		if (!end)
			return EINVAL;
		err = copy_field(acc->aor, sizeof(acc->aor), p + 1,
				 (size_t)(end - p - 1));
		p = end + 1;
	}
	else {
		/* without brackets the URI ends at the first parameter */
		end = p + strcspn(p, "; \t");
		err = copy_field(acc->aor, sizeof(acc->aor), p,
				 (size_t)(end - p));
		p = end;
	}
	if (err)
		return err;
	err = split_aor(acc);
	if (err)
		return err;

	p = skip_space(p);
	while (*p == ';') {
		const char *next;

		err = parse_param(acc, p + 1, &next);
		if (err)
			return err;
		p = skip_space(next);
	}
	if (*p)
		return EINVAL;
	if (!acc->auth_user[0])   /* baresip: defaults to the AOR user */
		memcpy(acc->auth_user, acc->user, sizeof(acc->user));
	return 0;
}
