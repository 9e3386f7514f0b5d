/*
 * sdp_parse.c - read an SDP body line by line into struct sdp_desc.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "sip/sdp_parse.h"

#define RFB_TYPE "application/x-rfb"

bool sip_sdp_span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && !strncasecmp(s.p, lit, n);
}

bool sip_sdp_span_starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && !strncasecmp(s.p, lit, n);
}

/* Next whitespace-separated token of *s, advancing *s past it. */
static struct span next_token(struct span *s)
{
	struct span tok;
	while (s->n && (*s->p == ' ' || *s->p == '\t')) {
		s->p++;
		s->n--;
	}
	tok.p = s->p;
	tok.n = 0;
	while (tok.n < s->n && s->p[tok.n] != ' ' && s->p[tok.n] != '\t')
		tok.n++;
	s->p += tok.n;
	s->n -= tok.n;
	return tok;
}

static struct span trim(struct span s)
{
	while (s.n && (*s.p == ' ' || *s.p == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

static bool parse_port(struct span s, unsigned *port)
{
	unsigned v = 0;
	size_t i;

	/* "port/count" is legal SDP; the count means nothing for MSRP */
	for (i = 0; i < s.n && s.p[i] != '/'; i++) {
		if (!isdigit((unsigned char)s.p[i]) || i >= 5)
			return false;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	if (i == 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

static enum setup_role parse_role(struct span v)
{
	v = trim(v);
	if (sip_sdp_span_eq(v, "active"))
		return ROLE_ACTIVE;
	if (sip_sdp_span_eq(v, "passive"))
		return ROLE_PASSIVE;
	if (sip_sdp_span_eq(v, "actpass"))
		return ROLE_ACTPASS;
	return ROLE_OTHER;
}

static bool path_uri_ok(struct span uri)
{
	size_t i;

	if (!sip_sdp_span_starts(uri, "msrp://") &&
	    !sip_sdp_span_starts(uri, "msrps://"))
		return false;
	for (i = 0; i < uri.n; i++) {
		if (!isgraph((unsigned char)uri.p[i]))
			return false;
	}
	return uri.n > 8;
}

bool sip_sdp_path_ok(struct span path)
{
	struct span rest = path, uri;
	unsigned count = 0;

	if (path.n >= sizeof(((struct sipua_media *)0)->remote_path))
		return false;
	for (uri = next_token(&rest); uri.n; uri = next_token(&rest)) {
		if (!path_uri_ok(uri))
			return false;
		count++;
	}
	return count > 0;
}

static bool has_rfb_type(struct span types)
{
	struct span t;

	for (t = next_token(&types); t.n; t = next_token(&types)) {
		if (sip_sdp_span_eq(t, RFB_TYPE))
			return true;
	}
	return false;
}

bool sip_sdp_fingerprint_ok(struct span fp)
{
	struct span rest = fp, hash, hex;
	size_t i;

	if (fp.n >= sizeof(((struct sipua_media *)0)->fingerprint))
		return false;
	hash = next_token(&rest);
	hex = next_token(&rest);
	if (!hash.n || !hex.n || trim(rest).n)
		return false;
	for (i = 0; i < hash.n; i++) {
		if (!isalnum((unsigned char)hash.p[i]) && hash.p[i] != '-')
			return false;
	}
	/* pairs of hex digits separated by colons: 2 digits, then 3n */
	if (hex.n % 3 != 2)
		return false;
	for (i = 0; i < hex.n; i++) {
		bool colon_place = i % 3 == 2;

		if (colon_place ? hex.p[i] != ':'
				: !isxdigit((unsigned char)hex.p[i]))
			return false;
	}
	return true;
}

static struct span attribute_value(struct span a, struct span *name)
{
	const char *colon = memchr(a.p, ':', a.n);
	struct span value = {a.p + a.n, 0};

	*name = a;
	if (colon) {
		name->n = (size_t)(colon - a.p);
		value.p = colon + 1;
		value.n = a.n - name->n - 1;
	}
	return value;
}

static void parse_session_attribute(struct sdp_desc *d, struct span a)
{
	struct span name, value = attribute_value(a, &name);

	if (sip_sdp_span_eq(name, "fingerprint") && !d->fingerprint.n)
		d->fingerprint = trim(value);
}

static void parse_attribute(struct media_desc *m, struct span a)
{
	struct span name, value = attribute_value(a, &name);

	if (sip_sdp_span_eq(name, "path") && !m->has_path) {
		m->path = trim(value);
		m->has_path = true;
	}
	else if (sip_sdp_span_eq(name, "accept-types")) {
		m->accepts_rfb = m->accepts_rfb || has_rfb_type(value);
	}
	else if (sip_sdp_span_eq(name, "setup")) {
		m->setup = parse_role(value);
	}
	else if (sip_sdp_span_eq(name, "rfbsetup")) {
		m->rfbsetup = parse_role(value);
	}
	else if (sip_sdp_span_eq(name, "fingerprint") && !m->fingerprint.n) {
		m->fingerprint = trim(value);
	}
}

static bool parse_media_line(struct media_desc *m, struct span v)
{
	struct span port;

	memset(m, 0, sizeof(*m));
	m->name = next_token(&v);
	port = next_token(&v);
	m->proto = next_token(&v);
	m->fmts = trim(v);
	return m->name.n && m->proto.n && m->fmts.n &&
		parse_port(port, &m->port);
}

/* 0, or the SIP status of what is wrong with the description. */
unsigned sip_sdp_parse(struct sdp_desc *d, const char *buf, size_t len,
			  const char **why)
{
	size_t pos = 0;
	bool first = true;

	memset(d, 0, sizeof(*d));
	if (!buf || len == 0) {
		*why = "empty SDP";
		return 400;
	}
	if (len > SDP_RFB_MAX_SIZE) {
		*why = "SDP too large";
		return 400;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		struct span line = {buf + pos,
			nl ? (size_t)(nl - (buf + pos)) : len - pos};
		struct span value;
		size_t i;

		pos += line.n + (nl ? 1 : 0);
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		if (line.n == 0)
			continue;   /* tolerate blank lines, e.g. at the end */
		if (line.n < 2 || line.p[1] != '=' ||
		    !islower((unsigned char)line.p[0])) {
			*why = "malformed SDP line";
			return 400;
		}
		for (i = 0; i < line.n; i++) {
			if (line.p[i] == '\0' || line.p[i] == '\r') {
				*why = "control character in SDP";
				return 400;
			}
		}
		value.p = line.p + 2;
		value.n = line.n - 2;
		if (first) {
			if (line.p[0] != 'v' ||
			    !sip_sdp_span_eq(trim(value), "0")) {
				*why = "SDP does not start with v=0";
				return 400;
			}
			first = false;
			continue;
		}
		if (line.p[0] == 'm') {
			if (d->n_media == SDP_RFB_MAX_MEDIA) {
				*why = "too many media";
				return 488;
			}
			if (!parse_media_line(&d->media[d->n_media], value)) {
				*why = "malformed m= line";
				return 400;
			}
			d->n_media++;
		}
		else if (line.p[0] == 'a' && d->n_media) {
			parse_attribute(&d->media[d->n_media - 1], value);
		}
		else if (line.p[0] == 'a') {
			parse_session_attribute(d, value);
		}
	}
	if (first) {
		*why = "empty SDP";
		return 400;
	}
	return 0;
}
