/*
 * msrp_parse.c - incremental MSRP frame parser (RFC 4975 section 7.1, 9).
 *
 * Bytes are buffered until a whole frame is present, so a frame may be split
 * at any byte.  The buffer is bounded by the limits: a body longer than
 * max_body gives 413 instead of growing memory.  Only the exact end-line of
 * this transaction ("\r\n-------" tid flag "\r\n") ends a body, so bodies may
 * carry text that looks like other end-lines.
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "msrp/msrp_frame.h"
#include "msrp/msrp_fields.h"
#include "msrp/msrp_parse_int.h"

static const char DASHES[] = "-------";

void msrp_limits_default(struct msrp_limits *lim)
{
	lim->max_line = 4096;
	lim->max_headers = 32;
	lim->max_body = 65536 + 1024;
}

static void parser_destructor(void *data)
{
	struct msrp_parser *p = data;

	msrp_parse_release_segments(p);
	mem_deref(p->msg);
	mem_deref(p->mem);
}

int msrp_parser_alloc(struct msrp_parser **pp, const struct msrp_limits *lim)
{
	struct msrp_parser *p;

	if (!pp)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), parser_destructor);
	if (!p)
		return ENOMEM;
	if (lim)
		p->lim = *lim;
	else
		msrp_limits_default(&p->lim);
	if (p->lim.max_headers > MSRP_HDR_MAX)
		p->lim.max_headers = MSRP_HDR_MAX;
	p->body_hint = SIZE_MAX;
	*pp = p;
	return 0;
}

uint16_t msrp_perr_status(enum msrp_perr err)
{
	switch (err) {
	case MSRP_PERR_NONE:           return 200;
	case MSRP_PERR_BODY_TOO_LARGE: return 413;
	case MSRP_PERR_NOMEM:          return 500;
	default:                       return 400;
	}
}

const char *msrp_perr_str(enum msrp_perr err)
{
	switch (err) {
	case MSRP_PERR_NONE:           return "no error";
	case MSRP_PERR_START_LINE:     return "bad start line";
	case MSRP_PERR_HEADER:         return "bad header line";
	case MSRP_PERR_BAD_VALUE:      return "bad header value";
	case MSRP_PERR_TOO_MANY_HDRS:  return "too many headers";
	case MSRP_PERR_LINE_TOO_LONG:  return "line too long";
	case MSRP_PERR_BODY_TOO_LARGE: return "body too large";
	case MSRP_PERR_NOMEM:          return "out of memory";
	}
	return "?";
}

enum msrp_perr msrp_parse_frame(const struct msrp_parser *p, size_t hdr_end,
				size_t body_end, char flag,
				struct msrp_msg *msg)
{
	const uint8_t *b = p->buf;
	const uint8_t *eol = msrp_find_crlf(b, hdr_end);
	size_t pos;
	enum msrp_perr err;

	/* hdrv (most of the struct) is written as headers are found. */
	memset(msg, 0, offsetof(struct msrp_msg, hdrv));
	memset(&msg->hdrc, 0, sizeof(*msg) - offsetof(struct msrp_msg, hdrc));
	err = msrp_parse_start_line(b, (size_t)(eol - b), msg);
	if (err)
		return err;
	pos = (size_t)(eol - b) + 2;
	while (pos < hdr_end) {
		const uint8_t *e = msrp_find_crlf(b + pos, hdr_end - pos);
		size_t n = e ? (size_t)(e - (b + pos)) : hdr_end - pos;
		if (!n)
			break;
		err = msrp_parse_header_line(b + pos, n, msg);
		if (err)
			return err;
		pos += n + 2;
	}
	msg->flag = flag;
	if (p->phase == PH_BODY) {
		msg->has_body = true;
		msg->body = b + p->body_start;
		msg->body_len = body_end > p->body_start ?
			body_end - p->body_start : 0;
		msg->bodyv[0].p = msg->body;
		msg->bodyv[0].l = msg->body_len;
		msg->bodyc = msg->body_len ? 1 : 0;
	}
	return MSRP_PERR_NONE;
}

/* "start-end/total" of a Byte-Range value: the body length it promises, or
 * SIZE_MAX when it promises none we can use. */
static size_t body_hint(const uint8_t *v, size_t n, size_t max_body)
{
	uint64_t start = 0, end = 0;
	size_t i = 0;

	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		if ((start = start * 10 + (v[i] - '0')) > UINT32_MAX)
			return SIZE_MAX;
	if (i >= n || v[i++] != '-')
		return SIZE_MAX;
	if (i >= n || v[i] < '0' || v[i] > '9')
		return SIZE_MAX; /* "*": unknown */
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		if ((end = end * 10 + (v[i] - '0')) > UINT32_MAX)
			return SIZE_MAX;
	if (start < 1 || end + 1 < start || end + 1 - start > max_body)
		return SIZE_MAX;
	return (size_t)(end + 1 - start);
}

/* The end-line "-------" tid flag, alone on a line of length n at s. */
static bool is_end_line(const struct msrp_parser *p, const uint8_t *s,
			size_t n)
{
	size_t tl = strlen(p->tid);
	return n == 7 + tl + 1 && memcmp(s, DASHES, 7) == 0 &&
		memcmp(s + 7, p->tid, tl) == 0 && msrp_is_flag(s[7 + tl]);
}

int msrp_parse_scan(struct msrp_parser *p, size_t *hdr_end,
		    size_t *body_end, char *flag, size_t *frame_end)
{
	if (!p->len)
		return 0;
	while (p->phase != PH_BODY) {
		const uint8_t *s = p->buf + p->line_pos;
		size_t left = p->len - p->line_pos;
		const uint8_t *e = msrp_find_crlf(s, left);
		size_t n;

		if (!e)
			return left > p->lim.max_line + 1 ?
				-MSRP_PERR_LINE_TOO_LONG : 0;
		n = (size_t)(e - s);
		if (n > p->lim.max_line)
			return -MSRP_PERR_LINE_TOO_LONG;
		if (p->phase == PH_START) {
			/* Only the tid is wanted here; parse_start_line
			 * reads nothing it has not written, so the big
			 * struct needs no clearing. */
			struct msrp_msg m;
			enum msrp_perr err;
			m.tid[0] = '\0';
			err = msrp_parse_start_line(s, n, &m);
			str_ncpy(p->tid, m.tid, sizeof(p->tid));
			if (err)
				return -(int)err;
			p->phase = PH_HEADERS;
		}
		else if (n == 0) {
			p->phase = PH_BODY;
			p->body_start = p->line_pos + 2;
			*hdr_end = p->line_pos;
			p->search_pos = p->line_pos; /* empty body */
		}
		else if (is_end_line(p, s, n)) {
			*hdr_end = p->line_pos;
			*body_end = p->line_pos;
			*flag = (char)s[n - 1];
			*frame_end = p->line_pos + n + 2;
			return 1;
		}
		else if (++p->hdr_lines > p->lim.max_headers) {
			return -MSRP_PERR_TOO_MANY_HDRS;
		}
		else if (n > 11 && (s[0] | 0x20) == 'b' &&
			 !strncasecmp((const char *)s, "Byte-Range:", 11)) {
			p->body_hint = body_hint(s + 11, n - 11,
						 p->lim.max_body);
		}
		p->line_pos += n + 2;
	}

	size_t tl = strlen(p->tid), plen = 2 + 7 + tl;
	char needle[2 + 7 + MSRP_TID_MAX];

	/* Searching for the whole "CRLF-------tid" lets memmem skip further
	 * than the dashes alone would, and only our end-line matches. */
	/* A memmem() needle, never used as a string. */
	memcpy(needle, "\r\n-------", 9); // NOLINT(bugprone-not-null-terminated-result)
	memcpy(needle + 9, p->tid, tl); // NOLINT(bugprone-not-null-terminated-result)

	/* Where Byte-Range says the end-line is, look there first: a body
	 * need not be searched byte by byte when it is what it claims.  An
	 * interrupted chunk (end-line earlier) is found by the search
	 * below once the promised length has arrived. */
	if (p->body_hint != SIZE_MAX) {
		size_t at = p->body_start + p->body_hint;
		const uint8_t *m = p->buf + at;

		if (p->len < at + plen + 3)
			return 0;
		if (!memcmp(m, needle, plen) && msrp_is_flag(m[plen]) &&
		    m[plen + 1] == '\r' && m[plen + 2] == '\n') {
			*hdr_end = p->body_start - 2;
			*body_end = at;
			*flag = (char)m[plen];
			*frame_end = at + plen + 3;
			return 1;
		}
		p->body_hint = SIZE_MAX;
	}
	for (;;) {
		const uint8_t *m;
		size_t at;
		if (p->len < p->search_pos + plen + 3)
			break;
		m = memmem(p->buf + p->search_pos, p->len - p->search_pos,
			   needle, plen);
		if (!m)
			break;
		at = (size_t)(m - p->buf);
		if (p->len < at + plen + 3) {
			p->search_pos = at;
			break;
		}
		if (msrp_is_flag(m[plen]) &&
		    m[plen + 1] == '\r' && m[plen + 2] == '\n') {
			if (at > p->body_start &&
			    at - p->body_start > p->lim.max_body)
				return -MSRP_PERR_BODY_TOO_LARGE;
			*hdr_end = p->body_start - 2;
			*body_end = at;
			*flag = (char)m[plen];
			*frame_end = at + plen + 3;
			return 1;
		}
		p->search_pos = at + 1;
	}
	/* Nothing found: the end-line can only start in the last bytes. */
	if (p->len > p->search_pos + plen + 3)
		p->search_pos = p->len - (plen + 3);
	if (p->len - p->body_start > p->lim.max_body + plen + 3)
		return -MSRP_PERR_BODY_TOO_LARGE;
	return 0;
}

const struct msrp_hdr *msrp_msg_hdr(const struct msrp_msg *msg,
				    const char *name)
{
	for (size_t i = 0; msg && i < msg->hdrc; i++) {
		if (!pl_strcasecmp(&msg->hdrv[i].name, name))
			return &msg->hdrv[i];
	}
	return NULL;
}
