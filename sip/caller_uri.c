/*
 * caller_uri.c - a caller's URI as the identity it names, and the one
 * comparison of identities (RFC 3261 19.1.1 grammar, 19.1.4 comparison).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "sip/caller_uri.h"

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* what a user part may hold unescaped: unreserved / user-unreserved */
static bool user_char(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-_.!~*'()&=+$,;?/", c));
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte an escape at p stands for, or -1: a '%' without two hex
 * digits, or a NUL or control character, which no identity holds and
 * which would let a caller hide text in a log or a dialog. */
static int unescape(const char *p)
{
	int hi = hex_value((unsigned char)p[1]), lo, c;

	if (hi < 0)
		return -1;
	lo = hex_value((unsigned char)p[2]);
	if (lo < 0)
		return -1;
	c = hi << 4 | lo;
	return c < 0x20 || c == 0x7f ? -1 : c;
}

/* Every byte of the URI is a visible ASCII character and every escape
 * reads cleanly, in the parts we ignore too: what is refused there cannot
 * be read differently by the proxy before us. */
static bool clean(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (c == '%' && (n - i < 3 || unescape(s + i) < 0))
			return false;
	}
	return true;
}

/* The addr-spec of a bare URI or a name-addr, into *spec and *len. */
static int find_spec(const char *text, const char **spec, size_t *len)
{
	const char *p = text + strspn(text, " \t"), *lt, *gt;

	if (*p == '"') {   /* a quoted display name may hold '<' */
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
		}
		if (*p != '"')
			return EBADMSG;
		p++;
	}
	lt = strchr(p, '<');
	if (!lt) {
		*spec = p;
		*len = strlen(p);
		return 0;
	}
	gt = strchr(lt, '>');
	if (!gt)
		return EBADMSG;
	*spec = lt + 1;
	*len = (size_t)(gt - lt - 1);
	return 0;
}

static int parse_user(struct caller_uri *uri, const char *p, size_t n,
		      bool line)
{
	size_t i;

	if (n == 0)
		return EBADMSG;
	if (memchr(p, ':', n))
		return line ? EINVAL : ENOTSUP;   /* user:password */
	if (line && n == 1 && *p == '*') {
		uri->any_user = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];

		if (c == '%') {
			c = unescape(p + i);   /* clean() saw it is whole */
			i += 2;
		}
		else if (!user_char((unsigned char)c))
			return EBADMSG;
		if (c < 0)
			return EBADMSG;
		if (uri->user_len + 1 >= sizeof(uri->user))
			return E2BIG;
		uri->user[uri->user_len++] = (char)c;
	}
	uri->user[uri->user_len] = '\0';
	return 0;
}

/* A host whose last label starts with a digit is no host name (RFC 3261
 * toplabel): only a plain dotted quad is taken.  Leading zeros, fewer
 * parts or hex are refused: resolvers read 0177.0.0.1 or 127.1 as
 * 127.0.0.1, so a deny could be walked around with them. */
static bool dotted_quad(const char *h)
{
	unsigned parts = 0;

	for (;;) {
		const char *start = h;
		unsigned v = 0, digits = 0;

		while (is_digit((unsigned char)*h)) {
			v = v * 10 + (unsigned)(*h++ - '0');
			if (++digits > 3)
				return false;
		}
		if (!digits || v > 255 || (digits > 1 && *start == '0'))
			return false;
		parts++;
		if (*h != '.')
			break;
		h++;
	}
	return !*h && parts == 4;
}

static int parse_ipv6(struct caller_uri *uri, const char *p, size_t n)
{
	char text[64], out[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (n < 2 || n - 2 >= sizeof(text))
		return EBADMSG;
	memcpy(text, p + 1, n - 2);
	text[n - 2] = '\0';
	/* a zone ("%25eth0") means nothing between two machines */
	if (inet_pton(AF_INET6, text, &a) != 1)
		return EBADMSG;
	/* the same machine as its IPv4 address: one spelling for both */
	if (IN6_IS_ADDR_V4MAPPED(&a)) {
		if (!inet_ntop(AF_INET, &a.s6_addr[12], out, sizeof(out)))
			return EBADMSG;
		strcpy(uri->host, out);
		return 0;
	}
	if (!inet_ntop(AF_INET6, &a, out, sizeof(out)))
		return EBADMSG;
	(void)snprintf(uri->host, sizeof(uri->host), "[%s]", out);
	return 0;
}

static int parse_host(struct caller_uri *uri, const char *p, size_t n)
{
	const char *last;
	size_t i;

	if (n && *p == '[')
		return parse_ipv6(uri, p, n);
	if (n && p[n - 1] == '.')   /* the same name as without the dot */
		n--;
	if (n == 0 || p[n - 1] == '.')
		return EBADMSG;
	if (n >= sizeof(uri->host))
		return E2BIG;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '.' && (i == 0 || p[i - 1] == '.'))
			return EBADMSG;    /* an empty label */
		if (!is_alnum(c) && c != '-' && c != '.' && c != '_')
			return EBADMSG;
		uri->host[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	uri->host[n] = '\0';
	last = strrchr(uri->host, '.');
	last = last ? last + 1 : uri->host;
	if (is_digit((unsigned char)*last) && !dotted_quad(uri->host))
		return EBADMSG;
	return 0;
}

/* After the host: nothing, or ":port" then parameters and headers (read
 * by clean() only: they do not change who calls). */
static int parse_rest(const char *p, size_t n, bool line)
{
	size_t i = 0;

	if (n && line)
		return EINVAL;
	if (n && *p == ':') {
		for (i = 1; i < n && is_digit((unsigned char)p[i]); i++)
			;
		if (i == 1 || i > 6)
			return EBADMSG;
	}
	if (i < n && p[i] != ';' && p[i] != '?')
		return EBADMSG;
	return 0;
}

int sip_caller_uri_parse(struct caller_uri *uri, const char *text, bool line)
{
	const char *spec, *at, *host, *end;
	size_t len, host_len;
	int err;

	if (!uri || !text)
		return EINVAL;
	memset(uri, 0, sizeof(*uri));
	err = find_spec(text, &spec, &len);
	if (err)
		return err;
	end = spec + len;
	if (len >= 4 && !strncasecmp(spec, "sip:", 4)) {
		spec += 4;
	}
	else if (len >= 5 && !strncasecmp(spec, "sips:", 5)) {
		spec += 5;
		uri->sips = true;
	}
	else {
		return ENOTSUP;
	}
	len = (size_t)(end - spec);
	if (!clean(spec, len))
		return EBADMSG;
	/* '@' may stand only between user and host: a second one means the
	 * URI reads two ways */
	at = memchr(spec, '@', len);
	if (!at)
		return ENOTSUP;
	if (memchr(at + 1, '@', (size_t)(end - at - 1)))
		return EBADMSG;
	err = parse_user(uri, spec, (size_t)(at - spec), line);
	if (err)
		return err;
	host = at + 1;
	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (!rb)
			return EBADMSG;
		host_len = (size_t)(rb + 1 - host);
	}
	else {
		host_len = strcspn(host, ":;?");
		if (host_len > (size_t)(end - host))
			host_len = (size_t)(end - host);
	}
	err = parse_host(uri, host, host_len);
	if (err)
		return err;
	return parse_rest(host + host_len, (size_t)(end - host - host_len),
			  line);
}

int sip_caller_uri_print(char *buf, size_t size, const struct caller_uri *uri)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n, i;

	if (!buf || !size || !uri)
		return EINVAL;
	n = (size_t)snprintf(buf, size, "%s%s", uri->sips ? "sips:" : "sip:",
			     uri->any_user ? "*" : "");
	for (i = 0; i < uri->user_len; i++) {
		unsigned char c = (unsigned char)uri->user[i];

		if (n + 4 >= size)
			return E2BIG;
		/* a caller's literal '*' must not read as a line's wildcard */
		if (user_char(c) && c != '*') {
			buf[n++] = (char)c;
			continue;
		}
		buf[n++] = '%';
		buf[n++] = hex[c >> 4];
		buf[n++] = hex[c & 15];
	}
	if (n + strlen(uri->host) + 2 > size)
		return E2BIG;
	buf[n++] = '@';
	strcpy(buf + n, uri->host);
	return 0;
}

static bool visual(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* Two global telephone numbers that differ only in visual separators
 * (RFC 3966 5.1.1), as a user=phone URI's user part may be read. */
static bool same_number(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;

	if (!al || !bl || a[0] != '+' || b[0] != '+')
		return false;
	for (;;) {
		while (i < al && visual(a[i]))
			i++;
		while (j < bl && visual(b[j]))
			j++;
		if (i == al || j == bl)
			return i == al && j == bl;
		if (a[i++] != b[j++])
			return false;
	}
}

enum sip_caller_uri_match
sip_caller_uri_match(const struct caller_uri *line,
		     const struct caller_uri *caller)
{
	size_t base;

	if (!line || !caller || caller->any_user)
		return CALLER_URI_OTHER;
	/* both hosts are in their one spelling: bytes compare */
	if (strcmp(line->host, caller->host) != 0)
		return CALLER_URI_OTHER;
	if (line->any_user)
		return CALLER_URI_SAME;
	if (line->user_len == caller->user_len &&
	    !memcmp(line->user, caller->user, caller->user_len))
		return CALLER_URI_SAME;
	base = strcspn(caller->user, ";?");
	if (base < caller->user_len && line->user_len == base &&
	    !memcmp(line->user, caller->user, base))
		return CALLER_URI_MAYBE;
	if (same_number(line->user, line->user_len, caller->user,
			caller->user_len) ||
	    same_number(line->user, line->user_len, caller->user, base))
		return CALLER_URI_MAYBE;
	return CALLER_URI_OTHER;
}

void sip_caller_uri_sanitize(char *buf, size_t size, const char *text)
{
	size_t i;

	if (!buf || !size)
		return;
	for (i = 0; text && text[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[i] = '\0';
}
