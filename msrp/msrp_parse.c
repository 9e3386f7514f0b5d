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
#include <re.h>
#include "msrp_frame.h"

enum phase { PH_START, PH_HEADERS, PH_BODY };

struct msrp_parser {
	struct msrp_limits lim;
	uint8_t *buf;
	size_t size;      /* allocated */
	size_t len;       /* bytes held; the current frame starts at 0 */
	enum phase phase;
	size_t line_pos;  /* start of the next unscanned line */
	size_t hdr_lines;
	size_t body_start;
	size_t search_pos;
	char tid[MSRP_TID_MAX + 1];
	bool dead;
};

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
	mem_deref(p->buf);
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

static bool is_flag(uint8_t c)
{
	return c == '$' || c == '+' || c == '#';
}

/* "MSRP" SP tid SP (METHOD | 3DIGIT [SP comment]) */
static enum msrp_perr parse_start_line(const uint8_t *s, size_t n,
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
	static const struct { const char *name; size_t off; } plain[] = {
		{"To-Path", offsetof(struct msrp_msg, to_path)},
		{"From-Path", offsetof(struct msrp_msg, from_path)},
		{"Message-ID", offsetof(struct msrp_msg, message_id)},
		{"Content-Type", offsetof(struct msrp_msg, content_type)},
		{"Success-Report", offsetof(struct msrp_msg, success_report)},
		{"Failure-Report", offsetof(struct msrp_msg, failure_report)},
		{"Use-Path", offsetof(struct msrp_msg, use_path)},
		{"WWW-Authenticate",
		 offsetof(struct msrp_msg, www_authenticate)},
		{"Authorization", offsetof(struct msrp_msg, authorization)},
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!pl_strcasecmp(&h->name, plain[i].name)) {
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

static enum msrp_perr parse_header_line(const uint8_t *s, size_t n,
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

/* Second pass over a complete frame: fill *msg. */
static enum msrp_perr parse_frame(const struct msrp_parser *p, size_t hdr_end,
				  size_t body_end, char flag,
				  struct msrp_msg *msg)
{
	const uint8_t *b = p->buf;
	const uint8_t *eol = memmem(b, hdr_end, "\r\n", 2);
	size_t pos;
	enum msrp_perr err;

	memset(msg, 0, sizeof(*msg));
	err = parse_start_line(b, (size_t)(eol - b), msg);
	if (err)
		return err;
	pos = (size_t)(eol - b) + 2;
	while (pos < hdr_end) {
		const uint8_t *e = memmem(b + pos, hdr_end - pos, "\r\n", 2);
		size_t n = e ? (size_t)(e - (b + pos)) : hdr_end - pos;
		if (!n)
			break;
		err = parse_header_line(b + pos, n, msg);
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
	}
	return MSRP_PERR_NONE;
}

static int fail(struct msrp_parser *p, enum msrp_perr err,
		struct msrp_perr_info *info, bool is_request)
{
	p->dead = true;
	if (info) {
		info->err = err;
		info->is_request = is_request;
		memcpy(info->tid, p->tid, sizeof(info->tid));
	}
	return EBADMSG;
}

static int append(struct msrp_parser *p, const uint8_t *data, size_t len)
{
	if (p->len + len > p->size) {
		size_t sz = p->size ? p->size : 4096;
		uint8_t *nb;
		while (sz < p->len + len)
			sz *= 2;
		nb = p->buf ? mem_realloc(p->buf, sz) : mem_alloc(sz, NULL);
		if (!nb)
			return ENOMEM;
		p->buf = nb;
		p->size = sz;
	}
	memcpy(p->buf + p->len, data, len);
	p->len += len;
	return 0;
}

static void reset_frame(struct msrp_parser *p, size_t consumed)
{
	memmove(p->buf, p->buf + consumed, p->len - consumed);
	p->len -= consumed;
	p->phase = PH_START;
	p->line_pos = 0;
	p->hdr_lines = 0;
	p->body_start = 0;
	p->search_pos = 0;
	p->tid[0] = '\0';
}

/* The end-line "-------" tid flag, alone on a line of length n at s. */
static bool is_end_line(const struct msrp_parser *p, const uint8_t *s,
			size_t n)
{
	size_t tl = strlen(p->tid);
	return n == 7 + tl + 1 && memcmp(s, DASHES, 7) == 0 &&
		memcmp(s + 7, p->tid, tl) == 0 && is_flag(s[7 + tl]);
}

/* Returns 1 when a frame is complete (*hdr_end, *body_end, *flag, *frame_end
 * set), 0 when more bytes are needed, or -perr. */
static int scan(struct msrp_parser *p, size_t *hdr_end, size_t *body_end,
		char *flag, size_t *frame_end)
{
	if (!p->len)
		return 0;
	while (p->phase != PH_BODY) {
		const uint8_t *s = p->buf + p->line_pos;
		size_t left = p->len - p->line_pos;
		const uint8_t *e = memmem(s, left, "\r\n", 2);
		size_t n;

		if (!e)
			return left > p->lim.max_line + 1 ?
				-MSRP_PERR_LINE_TOO_LONG : 0;
		n = (size_t)(e - s);
		if (n > p->lim.max_line)
			return -MSRP_PERR_LINE_TOO_LONG;
		if (p->phase == PH_START) {
			struct msrp_msg m;
			memset(&m, 0, sizeof(m));
			enum msrp_perr err = parse_start_line(s, n, &m);
			memcpy(p->tid, m.tid, sizeof(p->tid));
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
		p->line_pos += n + 2;
	}

	size_t tl = strlen(p->tid), plen = 2 + 7 + tl;
	for (;;) {
		const uint8_t *m;
		size_t at;
		if (p->len < p->search_pos + plen + 3)
			break;
		m = memmem(p->buf + p->search_pos, p->len - p->search_pos,
			   "\r\n-------", 9);
		if (!m)
			break;
		at = (size_t)(m - p->buf);
		if (p->len < at + plen + 3) {
			p->search_pos = at;
			break;
		}
		if (memcmp(m + 9, p->tid, tl) == 0 && is_flag(m[plen]) &&
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

int msrp_parser_feed(struct msrp_parser *p, const uint8_t *data, size_t len,
		     msrp_frame_h *frameh, void *arg,
		     struct msrp_perr_info *info)
{
	if (!p || (!data && len))
		return EINVAL;
	if (p->dead)
		return fail(p, MSRP_PERR_START_LINE, info, false);
	if (len && append(p, data, len))
		return fail(p, MSRP_PERR_NOMEM, info, p->phase != PH_START);

	for (;;) {
		size_t hdr_end = 0, body_end = 0, frame_end = 0;
		char flag = '$';
		struct msrp_msg *msg;
		enum msrp_perr perr;
		int r = scan(p, &hdr_end, &body_end, &flag, &frame_end);

		if (r == 0)
			return 0;
		if (r < 0)
			return fail(p, (enum msrp_perr)-r, info,
				    p->phase != PH_START);
		msg = mem_zalloc(sizeof(*msg), NULL);
		if (!msg)
			return fail(p, MSRP_PERR_NOMEM, info, true);
		perr = parse_frame(p, hdr_end, body_end, flag, msg);
		if (perr) {
			bool req = msg->is_request;
			mem_deref(msg);
			return fail(p, perr, info, req);
		}
		/* Keep the buffer alive across the handler, which may free
		 * the parser. */
		uint8_t *hold = mem_ref(p->buf);
		bool stop = frameh ? frameh(msg, arg) : false;
		mem_deref(msg);
		mem_deref(hold);
		if (stop)
			return ECANCELED;
		reset_frame(p, frame_end);
	}
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
