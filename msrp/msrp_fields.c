/*
 * msrp_fields.c - the pieces of an MSRP frame (RFC 4975 section 9): the
 * start line, header lines and the typed values the session layer uses
 * (paths, Byte-Range, Status, Expires ...).  The framing is msrp_parse.c.
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "msrp/msrp_fields.h"

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

static bool is_ident_char(uint8_t c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '+' || c == '%' ||
		c == '=';
}

bool msrp_is_flag(uint8_t c)
{
	return c == '$' || c == '+' || c == '#';
}

/* The next CRLF in s[0..n): memchr is much faster than memmem, and a CR
 * anywhere else in a header block makes the line bad anyway. */
const uint8_t *msrp_find_crlf(const uint8_t *s, size_t n)
{
	const uint8_t *e = s, *end = s + n;

	while ((e = memchr(e, '\r', (size_t)(end - e))) != NULL) {
		if (e + 1 < end && e[1] == '\n')
			return e;
		if (e + 1 >= end)
			return NULL;
		e++;
	}
	return NULL;
}

/* "MSRP" SP tid SP (METHOD | 3DIGIT [SP comment]) */
enum msrp_perr msrp_parse_start_line(const uint8_t *s, size_t n,
				       struct msrp_msg *msg)
{
	size_t i = 5, tid_len = 0;

	if (n < 5 || memcmp(s, "MSRP ", 5) != 0)
		return MSRP_PERR_START_LINE;
	while (i < n && is_ident_char(s[i]) && tid_len < MSRP_TID_MAX)
		msg->tid[tid_len++] = (char)s[i++];
	msg->tid[tid_len] = '\0';
	if (tid_len < 4 || !is_alnum((uint8_t)msg->tid[0]) || i >= n ||
	    s[i] != ' ')
		return MSRP_PERR_START_LINE;
	i++;
	if (n - i >= 3 && s[i] >= '0' && s[i] <= '9' && s[i + 1] >= '0' &&
	    s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9') {
		if (n - i > 3 && s[i + 3] != ' ')
			return MSRP_PERR_START_LINE;
		msg->is_request = false;
		msg->code = (uint16_t)((s[i] - '0') * 100 +
				       (s[i + 1] - '0') * 10 + (s[i + 2] - '0'));
		if (msg->code < 100)
			return MSRP_PERR_START_LINE;
		msg->reason.p = (const char *)s + i + (n - i > 3 ? 4 : 3);
		msg->reason.l = n - i > 3 ? n - i - 4 : 0;
		return MSRP_PERR_NONE;
	}
	msg->is_request = true;
	msg->method.p = (const char *)s + i;
	msg->method.l = n - i;
	if (!msg->method.l)
		return MSRP_PERR_START_LINE;
	for (; i < n; i++) {
		if (s[i] < 'A' || s[i] > 'Z')
			return MSRP_PERR_START_LINE;
	}
	return MSRP_PERR_NONE;
}

/* Digits into *v; false on empty, overflow or stray characters. */
static bool pl_to_u64(const struct pl *pl, uint64_t *v)
{
	uint64_t x = 0;

	if (!pl->l || pl->l > 19)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(pl->p[i] - '0');
	}
	*v = x;
	return true;
}

static bool parse_range(const struct pl *v, struct msrp_range *r)
{
	const char *dash = pl_strchr(v, '-');
	const char *slash = pl_strchr(v, '/');
	struct pl a, b, c;

	if (!dash || !slash || slash < dash)
		return false;
	a.p = v->p;          a.l = (size_t)(dash - v->p);
	b.p = dash + 1;      b.l = (size_t)(slash - dash - 1);
	c.p = slash + 1;     c.l = v->l - (size_t)(slash + 1 - v->p);
	if (!pl_to_u64(&a, &r->start) || r->start < 1)
		return false;
	r->end_known = !(b.l == 1 && b.p[0] == '*');
	if (r->end_known && !pl_to_u64(&b, &r->end))
		return false;
	r->total_known = !(c.l == 1 && c.p[0] == '*');
	if (r->total_known && !pl_to_u64(&c, &r->total))
		return false;
	if (r->end_known && r->end + 1 < r->start)
		return false;
	r->present = true;
	return true;
}

/* "Status: namespace SP code [SP text]" */
static bool parse_status(const struct pl *v, uint16_t *code)
{
	if (v->l < 7 || v->p[3] != ' ' || (v->l > 7 && v->p[7] != ' '))
		return false;
	for (size_t i = 0; i < 7; i++) {
		if (i != 3 && (v->p[i] < '0' || v->p[i] > '9'))
			return false;
	}
	*code = (uint16_t)((v->p[4] - '0') * 100 + (v->p[5] - '0') * 10 +
			   (v->p[6] - '0'));
	return true;
}

static enum msrp_perr typed_header(struct msrp_msg *msg,
				   const struct msrp_hdr *h)
{
	/* With the lengths at hand most names are told apart without a
	 * string compare: this runs for every header of every chunk. */
#define FIELD(name, member) \
	{ name, sizeof(name) - 1, offsetof(struct msrp_msg, member) }
	static const struct { const char *name; size_t len, off; } plain[] = {
		FIELD("To-Path", to_path),
		FIELD("From-Path", from_path),
		FIELD("Message-ID", message_id),
		FIELD("Content-Type", content_type),
		FIELD("Success-Report", success_report),
		FIELD("Failure-Report", failure_report),
		FIELD("Use-Path", use_path),
		FIELD("WWW-Authenticate", www_authenticate),
		FIELD("Authorization", authorization),
	};
#undef FIELD
	uint64_t v;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (h->name.l == plain[i].len &&
		    !strncasecmp(h->name.p, plain[i].name, plain[i].len)) {
			*(struct pl *)(void *)((char *)msg + plain[i].off) =
				h->value;
			return MSRP_PERR_NONE;
		}
	}
	if (!pl_strcasecmp(&h->name, "Byte-Range")) {
		if (!parse_range(&h->value, &msg->range))
			return MSRP_PERR_BAD_VALUE;
	}
	else if (!pl_strcasecmp(&h->name, "Status")) {
		msg->status = h->value;
		if (!parse_status(&h->value, &msg->status_code))
			return MSRP_PERR_BAD_VALUE;
	}
	else if (!pl_strcasecmp(&h->name, "Expires")) {
		if (!pl_to_u64(&h->value, &v) || v > UINT32_MAX)
			return MSRP_PERR_BAD_VALUE;
		msg->expires_present = true;
		msg->expires = (uint32_t)v;
	}
	return MSRP_PERR_NONE;
}

enum msrp_perr msrp_parse_header_line(const uint8_t *s, size_t n,
					struct msrp_msg *msg)
{
	const uint8_t *colon = memchr(s, ':', n);
	struct msrp_hdr *h;

	if (!colon || colon == s)
		return MSRP_PERR_HEADER;
	for (const uint8_t *q = s; q < colon; q++) {
		if (*q <= ' ' || *q >= 0x7f)
			return MSRP_PERR_HEADER;
	}
	if (msg->hdrc >= MSRP_HDR_MAX)
		return MSRP_PERR_TOO_MANY_HDRS;
	h = &msg->hdrv[msg->hdrc++];
	h->name.p = (const char *)s;
	h->name.l = (size_t)(colon - s);
	h->value.p = (const char *)colon + 1;
	h->value.l = n - h->name.l - 1;
	while (h->value.l && (h->value.p[0] == ' ' || h->value.p[0] == '\t')) {
		h->value.p++;
		h->value.l--;
	}
	while (h->value.l && (h->value.p[h->value.l - 1] == ' ' ||
			      h->value.p[h->value.l - 1] == '\t'))
		h->value.l--;
	return typed_header(msg, h);
}
