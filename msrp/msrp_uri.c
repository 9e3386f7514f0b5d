/*
 * msrp_uri.c - MSRP URI parsing and comparison (RFC 4975 sections 6, 9).
 *
 *   MSRP-URI = msrp-scheme "://" authority ["/" session-id] ";" transport
 *              *( ";" URI-parameter )
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_uri.h"

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

static bool is_unreserved(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_sub_delim(char c)
{
	return c && strchr("!$&'()*+,;=", c) != NULL;
}

static bool all_chars(const struct pl *pl, bool (*ok)(char))
{
	for (size_t i = 0; i < pl->l; i++) {
		if (!ok(pl->p[i]))
			return false;
	}
	return true;
}

static bool userinfo_char(char c)
{
	return is_unreserved(c) || c == '%' || c == ':' ||
		(is_sub_delim(c) && c != ';');
}

static bool regname_char(char c)
{
	return is_unreserved(c) || c == '%';
}

static bool session_char(char c)
{
	return is_unreserved(c) || c == '+' || c == '=' || c == '/';
}

static bool param_char(char c)
{
	return c > ' ' && c < 0x7f && c != ';';
}

static int decode_hostport(struct msrp_uri *uri, const struct pl *hp)
{
	struct pl rest = *hp;
	struct sa sa;

	if (rest.l && rest.p[0] == '[') {
		const char *close = pl_strchr(&rest, ']');
		if (!close)
			return EBADMSG;
		uri->host.p = rest.p + 1;
		uri->host.l = (size_t)(close - rest.p - 1);
		if (!uri->host.l || !pl_strchr(&uri->host, ':') ||
		    sa_set(&sa, &uri->host, 0) || sa_af(&sa) != AF_INET6)
			return EBADMSG;
		uri->host_is_ip = true;
		pl_advance(&rest, close + 1 - rest.p);
	}
	else {
		const char *colon = pl_strchr(&rest, ':');
		uri->host.p = rest.p;
		uri->host.l = colon ? (size_t)(colon - rest.p) : rest.l;
		if (!uri->host.l || !all_chars(&uri->host, regname_char))
			return EBADMSG;
		uri->host_is_ip = !sa_set(&sa, &uri->host, 0);
		pl_advance(&rest, (ssize_t)uri->host.l);
	}
	if (!rest.l)
		return 0;
	if (rest.p[0] != ':' || rest.l < 2 || rest.l > 6)
		return EBADMSG;
	uint32_t port = 0;
	for (size_t i = 1; i < rest.l; i++) {
		if (rest.p[i] < '0' || rest.p[i] > '9')
			return EBADMSG;
		port = port * 10 + (uint32_t)(rest.p[i] - '0');
	}
	if (port == 0 || port > 65535)
		return EBADMSG;
	uri->port_present = true;
	uri->port = (uint16_t)port;
	return 0;
}

int msrp_uri_decode(struct msrp_uri *uri, const struct pl *pl)
{
	struct pl s, auth, hp;
	const char *end, *at = NULL;

	if (!uri || !pl || !pl->p)
		return EINVAL;
	memset(uri, 0, sizeof(*uri));
	s = *pl;
	if (s.l >= 7 && !strncasecmp(s.p, "msrp://", 7)) {
		pl_advance(&s, 7);
	}
	else if (s.l >= 8 && !strncasecmp(s.p, "msrps://", 8)) {
		uri->secure = true;
		pl_advance(&s, 8);
	}
	else {
		return EBADMSG;
	}

	/* authority ends at the session-id's "/" or the transport's ";" */
	for (end = s.p; end < s.p + s.l && *end != '/' && *end != ';'; end++)
		;
	auth.p = s.p;
	auth.l = (size_t)(end - s.p);
	for (const char *q = auth.p; q < auth.p + auth.l; q++) {
		if (*q == '@')
			at = q;
	}
	hp = auth;
	if (at) {
		uri->userinfo.p = auth.p;
		uri->userinfo.l = (size_t)(at - auth.p);
		if (!all_chars(&uri->userinfo, userinfo_char))
			return EBADMSG;
		hp.p = at + 1;
		hp.l = auth.l - uri->userinfo.l - 1;
	}
	if (decode_hostport(uri, &hp))
		return EBADMSG;
	pl_advance(&s, (ssize_t)auth.l);

	if (s.l && s.p[0] == '/') {
		const char *semi = pl_strchr(&s, ';');
		uri->session_id.p = s.p + 1;
		uri->session_id.l = semi ? (size_t)(semi - s.p - 1) : s.l - 1;
		if (!uri->session_id.l ||
		    !all_chars(&uri->session_id, session_char))
			return EBADMSG;
		pl_advance(&s, (ssize_t)uri->session_id.l + 1);
	}
	if (!s.l || s.p[0] != ';')
		return EBADMSG; /* the transport is mandatory */
	pl_advance(&s, 1);
	uri->transport.p = s.p;
	while (uri->transport.l < s.l && is_alnum(s.p[uri->transport.l]))
		uri->transport.l++;
	if (!uri->transport.l)
		return EBADMSG;
	pl_advance(&s, (ssize_t)uri->transport.l);
	uri->params = s;
	while (s.l) {
		if (s.p[0] != ';' || s.l < 2)
			return EBADMSG;
		pl_advance(&s, 1);
		while (s.l && param_char(s.p[0]))
			pl_advance(&s, 1);
		if (s.l && s.p[0] != ';')
			return EBADMSG;
	}
	return 0;
}

bool msrp_uri_equal(const struct msrp_uri *a, const struct msrp_uri *b)
{
	if (!a || !b || a->secure != b->secure)
		return false;
	if (a->host_is_ip && b->host_is_ip) {
		struct sa sa, sb;
		if (sa_set(&sa, &a->host, 0) || sa_set(&sb, &b->host, 0) ||
		    !sa_cmp(&sa, &sb, SA_ADDR))
			return false;
	}
	else if (a->host_is_ip != b->host_is_ip ||
		 pl_casecmp(&a->host, &b->host)) {
		return false;
	}
	if (a->port_present != b->port_present ||
	    (a->port_present && a->port != b->port))
		return false;
	if (a->session_id.l != b->session_id.l ||
	    (a->session_id.l && pl_cmp(&a->session_id, &b->session_id)))
		return false;
	return !pl_casecmp(&a->transport, &b->transport);
}

int msrp_path_decode(struct msrp_uri *uriv, size_t *uric, size_t max,
		     const struct pl *path)
{
	struct pl s;
	size_t n = 0;

	if (!uriv || !uric || !path || !path->p)
		return EINVAL;
	s = *path;
	for (;;) {
		struct pl one;
		while (s.l && (s.p[0] == ' ' || s.p[0] == '\t'))
			pl_advance(&s, 1);
		if (!s.l)
			break;
		one.p = s.p;
		one.l = 0;
		while (one.l < s.l && s.p[one.l] != ' ' && s.p[one.l] != '\t')
			one.l++;
		if (n >= max)
			return E2BIG;
		if (msrp_uri_decode(&uriv[n], &one))
			return EBADMSG;
		n++;
		pl_advance(&s, (ssize_t)one.l);
	}
	if (!n)
		return EBADMSG;
	*uric = n;
	return 0;
}

int msrp_uri_addr(const struct msrp_uri *uri, struct sa *sa)
{
	if (!uri || !sa)
		return EINVAL;
	if (!uri->host_is_ip)
		return EAFNOSUPPORT;
	return sa_set(sa, &uri->host,
		      uri->port_present ? uri->port : MSRP_DEFAULT_PORT);
}
