/*
 * msrp_parse_test.c - MSRP frame parser and serialisers: every frame is
 * checked whole, split at every byte offset, byte by byte, and several
 * frames back to back in one buffer; errors must map to the right status.
 * Everything runs twice: fed from plain memory, and fed from mbufs the way
 * a connection does (bodies may then arrive in pieces, uncopied).
 */
#include <string.h>
#include <stdlib.h>
#include <re.h>
#include "msrp/msrp_frame.h"
#include "tests/unit/check.h"

#define MAXF 8

/* Feed through msrp_parser_feed_mbuf(), one fresh mbuf per piece. */
static bool use_mbuf;

struct capture {
	size_t n;
	char text[MAXF][2048];
};

static void put_pl(char *out, size_t sz, const char *name, const struct pl *pl)
{
	size_t l = strlen(out);
	if (pl->l)
		snprintf(out + l, sz - l, "|%s=%.*s", name, (int)pl->l, pl->p);
}

/* "|body[N]=..." from the pieces, which must add up to body_len, with
 * body set exactly when there is one piece. */
static void put_body(const struct msrp_msg *m, char *out, size_t sz)
{
	size_t sum = 0, l;

	for (size_t i = 0; i < m->bodyc; i++)
		sum += m->bodyv[i].l;
	if (sum != m->body_len || m->bodyc > MSRP_BODY_PIECES ||
	    (m->bodyc == 1 && m->body != m->bodyv[0].p) ||
	    (m->bodyc > 1 && m->body)) {
		snprintf(out, sz, "|BAD PIECES");
		return;
	}
	snprintf(out, sz, "|body[%zu]=", m->body_len);
	l = strlen(out);
	for (size_t i = 0; i < m->bodyc && l + 1 < sz; i++) {
		size_t n = m->bodyv[i].l < sz - l - 1 ? m->bodyv[i].l :
			sz - l - 1;
		memcpy(out + l, m->bodyv[i].p, n);
		l += n;
	}
	out[l] = '\0';
}

/* One line holding every field the parser extracted. */
static void canonical(const struct msrp_msg *m, char *out, size_t sz)
{
	size_t l;

	if (m->is_request)
		snprintf(out, sz, "REQ %s %.*s", m->tid, (int)m->method.l,
			 m->method.p);
	else
		snprintf(out, sz, "RSP %s %u '%.*s'", m->tid, m->code,
			 (int)m->reason.l, m->reason.p);
	l = strlen(out);
	snprintf(out + l, sz - l, " %c hdrs=%zu", m->flag, m->hdrc);
	put_pl(out, sz, "to", &m->to_path);
	put_pl(out, sz, "from", &m->from_path);
	put_pl(out, sz, "id", &m->message_id);
	put_pl(out, sz, "ct", &m->content_type);
	put_pl(out, sz, "sr", &m->success_report);
	put_pl(out, sz, "fr", &m->failure_report);
	put_pl(out, sz, "use", &m->use_path);
	put_pl(out, sz, "www", &m->www_authenticate);
	put_pl(out, sz, "auth", &m->authorization);
	l = strlen(out);
	if (m->range.present) {
		snprintf(out + l, sz - l, "|range=%llu-", (unsigned long long)
			 m->range.start);
		l = strlen(out);
		if (m->range.end_known)
			snprintf(out + l, sz - l, "%llu", (unsigned long long)
				 m->range.end);
		else
			snprintf(out + l, sz - l, "*");
		l = strlen(out);
		if (m->range.total_known)
			snprintf(out + l, sz - l, "/%llu", (unsigned long long)
				 m->range.total);
		else
			snprintf(out + l, sz - l, "/*");
		l = strlen(out);
	}
	if (m->status_code)
		snprintf(out + l, sz - l, "|status=%u", m->status_code);
	l = strlen(out);
	if (m->expires_present)
		snprintf(out + l, sz - l, "|expires=%u", m->expires);
	l = strlen(out);
	if (m->has_body)
		put_body(m, out + l, sz - l);
}

static bool capture_h(const struct msrp_msg *msg, void *arg)
{
	struct capture *c = arg;
	if (c->n < MAXF)
		canonical(msg, c->text[c->n], sizeof(c->text[0]));
	c->n++;
	return false;
}

/* A piece in a fresh mbuf, not at its start (as after a TLS record
 * header), freed at once after feeding: what the parser keeps, it must
 * reference. */
static int feed_piece(struct msrp_parser *p, const uint8_t *data, size_t n,
		      msrp_frame_h *h, void *arg, struct msrp_perr_info *info)
{
	struct mbuf *mb;
	int err;

	if (!use_mbuf)
		return msrp_parser_feed(p, data, n, h, arg, info);
	mb = mbuf_alloc(n + 3);
	if (!mb)
		return ENOMEM;
	(void)mbuf_write_mem(mb, (const uint8_t *)"xyz", 3);
	(void)mbuf_write_mem(mb, data, n);
	mb->pos = 3;
	err = msrp_parser_feed_mbuf(p, mb, h, arg, info);
	mem_deref(mb);
	return err;
}

static int feed_parts(const char *data, size_t len, const size_t *cuts,
		      size_t ncuts, struct capture *c,
		      struct msrp_perr_info *info,
		      const struct msrp_limits *lim)
{
	struct msrp_parser *p = NULL;
	size_t pos = 0;
	int err = 0;

	memset(c, 0, sizeof(*c));
	memset(info, 0, sizeof(*info));
	if (msrp_parser_alloc(&p, lim))
		return ENOMEM;
	for (size_t i = 0; i <= ncuts && !err; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		err = feed_piece(p, (const uint8_t *)data + pos, end - pos,
				 capture_h, c, info);
		pos = end;
	}
	mem_deref(p);
	return err;
}

/* Whole, every split point, byte by byte, and three in a row: all must
 * give exactly the expected frame. */
static void check_frame(const char *frame, const char *expect)
{
	size_t len = strlen(frame);
	struct capture c;
	struct msrp_perr_info info;
	unsigned bad = 0;
	size_t *cuts;
	char *triple;

	CHECK_EQ_INT(feed_parts(frame, len, NULL, 0, &c, &info, NULL), 0);
	CHECK_EQ_INT(c.n, 1);
	CHECK_EQ_STR(c.text[0], expect);

	for (size_t k = 0; k <= len; k++) {
		int err = feed_parts(frame, len, &k, 1, &c, &info, NULL);
		if (err || c.n != 1 || strcmp(c.text[0], expect)) {
			if (!bad)
				fprintf(stderr, "split at %zu: err=%d n=%zu "
					"got %s\n", k, err, c.n, c.text[0]);
			bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);

	cuts = calloc(len, sizeof(*cuts));
	for (size_t k = 0; k < len; k++)
		cuts[k] = k;
	CHECK_EQ_INT(feed_parts(frame, len, cuts, len, &c, &info, NULL), 0);
	CHECK_EQ_INT(c.n, 1);
	CHECK_EQ_STR(c.text[0], expect);
	free(cuts);

	triple = malloc(3 * len + 1);
	for (int i = 0; i < 3; i++)
		memcpy(triple + i * len, frame, len);
	triple[3 * len] = '\0';
	CHECK_EQ_INT(feed_parts(triple, 3 * len, NULL, 0, &c, &info, NULL),
		     0);
	CHECK_EQ_INT(c.n, 3);
	for (size_t i = 0; i < 3 && i < c.n; i++)
		CHECK_EQ_STR(c.text[i], expect);
	/* Three in a row, split everywhere. */
	bad = 0;
	for (size_t k = 0; k <= 3 * len; k++) {
		int err = feed_parts(triple, 3 * len, &k, 1, &c, &info, NULL);
		if (err || c.n != 3 || strcmp(c.text[2], expect))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	free(triple);
}

static void check_error(const char *frame, const struct msrp_limits *lim,
			enum msrp_perr want, uint16_t status,
			const char *tid)
{
	struct capture c;
	struct msrp_perr_info info;
	size_t len = strlen(frame);

	CHECK_EQ_INT(feed_parts(frame, len, NULL, 0, &c, &info, lim),
		     EBADMSG);
	CHECK_EQ_INT(info.err, want);
	CHECK_EQ_INT(msrp_perr_status(info.err), status);
	CHECK_EQ_STR(info.tid, tid);
	CHECK_EQ_INT(c.n, 0);
	/* The same error when the bytes trickle in. */
	size_t *cuts = calloc(len + 1, sizeof(*cuts));
	for (size_t k = 0; k < len; k++)
		cuts[k] = k;
	CHECK_EQ_INT(feed_parts(frame, len, cuts, len, &c, &info, lim),
		     EBADMSG);
	CHECK_EQ_INT(info.err, want);
	free(cuts);
}

static const char SEND_FULL[] =
	"MSRP a786hjs2 SEND\r\n"
	"To-Path: msrp://relay.example.com:2855/x;tcp "
	"msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
	"From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
	"Message-ID: 87652491\r\n"
	"Byte-Range: 1-25/25\r\n"
	"Success-Report: yes\r\n"
	"Failure-Report: partial\r\n"
	"X-Unknown:   kept  \r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"Hey Bob, are you there?\r\n"
	"\r\n-------a786hjs2$\r\n";

static void test_frames(void)
{
	check_frame(SEND_FULL,
		"REQ a786hjs2 SEND $ hdrs=8"
		"|to=msrp://relay.example.com:2855/x;tcp "
		"msrp://bob.example.com:8888/9di4eae923wzd;tcp"
		"|from=msrp://alicepc.example.com:7777/iau39soe2843z;tcp"
		"|id=87652491|ct=text/plain|sr=yes|fr=partial"
		"|range=1-25/25|body[25]=Hey Bob, are you there?\r\n");

	/* Bind SEND: no body, the end-line follows the headers. */
	check_frame("MSRP dkei38sd SEND\r\n"
		    "To-Path: msrp://a:1/s1;tcp\r\nFrom-Path: msrp://b:2/s2;tcp"
		    "\r\nMessage-ID: 4564dpWd\r\nByte-Range: 1-0/0\r\n"
		    "-------dkei38sd$\r\n",
		    "REQ dkei38sd SEND $ hdrs=4|to=msrp://a:1/s1;tcp"
		    "|from=msrp://b:2/s2;tcp|id=4564dpWd|range=1-0/0");

	/* Blank line then directly the end-line: an empty body. */
	check_frame("MSRP tid1 SEND\r\nTo-Path: msrp://a:1/s;tcp\r\n\r\n"
		    "-------tid1$\r\n",
		    "REQ tid1 SEND $ hdrs=1|to=msrp://a:1/s;tcp|body[0]=");
	check_frame("MSRP tid1 SEND\r\nTo-Path: msrp://a:1/s;tcp\r\n\r\n"
		    "\r\n-------tid1$\r\n",
		    "REQ tid1 SEND $ hdrs=1|to=msrp://a:1/s;tcp|body[0]=");

	check_frame("MSRP a786hjs2 200 OK\r\n"
		    "To-Path: msrp://alice:7777/iau;tcp\r\n"
		    "From-Path: msrp://bob:8888/9di;tcp\r\n"
		    "-------a786hjs2$\r\n",
		    "RSP a786hjs2 200 'OK' $ hdrs=2"
		    "|to=msrp://alice:7777/iau;tcp|from=msrp://bob:8888/9di;tcp");
	check_frame("MSRP xyz1 481\r\nTo-Path: msrp://a:1/s;tcp\r\n"
		    "-------xyz1$\r\n",
		    "RSP xyz1 481 '' $ hdrs=1|to=msrp://a:1/s;tcp");
	check_frame("MSRP xyz1 413 Message Too Large\r\n-------xyz1$\r\n",
		    "RSP xyz1 413 'Message Too Large' $ hdrs=0");

	check_frame("MSRP dkei38sd REPORT\r\nTo-Path: msrp://a:1/s;tcp\r\n"
		    "Message-ID: 12339sdqwer\r\nByte-Range: 1-*/*\r\n"
		    "Status: 000 200 OK\r\n-------dkei38sd$\r\n",
		    "REQ dkei38sd REPORT $ hdrs=4|to=msrp://a:1/s;tcp"
		    "|id=12339sdqwer|range=1-*/*|status=200");
	check_frame("MSRP rep2 REPORT\r\nByte-Range: 101-*/5000\r\n"
		    "Status: 000 413 Too big\r\n-------rep2$\r\n",
		    "REQ rep2 REPORT $ hdrs=2|range=101-*/5000|status=413");

	/* Continuation and abort flags, and a chunk whose total is open. */
	check_frame("MSRP ch1x SEND\r\nByte-Range: 1-3/*\r\n"
		    "Content-Type: text/plain\r\n\r\nabc\r\n-------ch1x+\r\n",
		    "REQ ch1x SEND + hdrs=2|ct=text/plain|range=1-3/*"
		    "|body[3]=abc");
	check_frame("MSRP ch2x SEND\r\nByte-Range: 4-*/*\r\n"
		    "Content-Type: text/plain\r\n\r\nde\r\n-------ch2x#\r\n",
		    "REQ ch2x SEND # hdrs=2|ct=text/plain|range=4-*/*"
		    "|body[2]=de");

	/* Bodies that contain near-miss end-lines stay in the body. */
	check_frame("MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\n"
		    "x\r\n-------abcd\r\n"
		    "\r\n-------wxyz$\r\n"
		    "\r\n-------abcde$\r\n"
		    "\r\n-------abcd$x\r\n"
		    "y-------abcd$\r\n"
		    "\r\n-------abc$\r\n"
		    "\r\n-------abcd$\r\n",
		    "REQ abcd SEND $ hdrs=1|ct=a/b|body[96]="
		    "x\r\n-------abcd\r\n"
		    "\r\n-------wxyz$\r\n"
		    "\r\n-------abcde$\r\n"
		    "\r\n-------abcd$x\r\n"
		    "y-------abcd$\r\n"
		    "\r\n-------abc$\r\n");

	check_frame("MSRP au7x AUTH\r\nTo-Path: msrps://relay.example.com;tcp"
		    "\r\nFrom-Path: msrps://alice.example.com:1234/s;tcp\r\n"
		    "Authorization: Digest username=\"a\"\r\n"
		    "Expires: 900\r\n-------au7x$\r\n",
		    "REQ au7x AUTH $ hdrs=4|to=msrps://relay.example.com;tcp"
		    "|from=msrps://alice.example.com:1234/s;tcp"
		    "|auth=Digest username=\"a\"|expires=900");
	check_frame("MSRP au7x 401 Unauthorized\r\n"
		    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n"
		    "Use-Path: msrps://relay.example.com:2855/abc;tcp\r\n"
		    "Expires: 10\r\n-------au7x$\r\n",
		    "RSP au7x 401 'Unauthorized' $ hdrs=3"
		    "|use=msrps://relay.example.com:2855/abc;tcp"
		    "|www=Digest realm=\"r\", nonce=\"n\"|expires=10");
	/* Header names are case-insensitive. */
	check_frame("MSRP c4se SEND\r\nto-path: msrp://a:1/s;tcp\r\n"
		    "BYTE-RANGE: 1-2/2\r\ncontent-type: x/y\r\n\r\nhi\r\n"
		    "-------c4se$\r\n",
		    "REQ c4se SEND $ hdrs=3|to=msrp://a:1/s;tcp|ct=x/y"
		    "|range=1-2/2|body[2]=hi");
}

static void test_binary_body(void)
{
	uint8_t body[3000];
	struct mbuf *mb = mbuf_alloc(4096);
	struct msrp_send_desc d;
	struct msrp_parser *p = NULL;
	struct capture c;
	struct msrp_perr_info info;

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + (i >> 8));
	memcpy(body + 100, "\r\n-------bin1tid$\r\n", 19); /* no: wrong tid */
	memset(&d, 0, sizeof(d));
	d.tid = "bin2tid"; d.to_path = "msrp://a:1/s;tcp";
	d.from_path = "msrp://b:2/t;tcp"; d.message_id = "m1";
	d.success_report = "no"; d.failure_report = "partial";
	d.content_type = "application/x-rfb"; d.range_start = 1;
	d.total = sizeof(body); d.body = body; d.body_len = sizeof(body);
	CHECK_EQ_INT(msrp_build_send(mb, &d), 0);
	memset(&c, 0, sizeof(c));
	CHECK_EQ_INT(msrp_parser_alloc(&p, NULL), 0);
	CHECK_EQ_INT(feed_piece(p, mb->buf, mb->end, capture_h, &c, &info),
		     0);
	CHECK_EQ_INT(c.n, 1);
	mem_deref(p);
	mem_deref(mb);
}

struct body_check {
	const uint8_t *want;
	size_t len;
	unsigned n;
	bool ok;
	char line[1024];
};

static bool body_h(const struct msrp_msg *msg, void *arg)
{
	struct body_check *b = arg;
	b->n++;
	b->ok = msg->body_len == b->len &&
		(!b->len || !memcmp(msg->body, b->want, b->len));
	canonical(msg, b->line, sizeof(b->line));
	return false;
}

static void test_round_trips(void)
{
	struct msrp_parser *p = NULL;
	struct msrp_perr_info info;
	struct body_check b;
	struct mbuf *mb = mbuf_alloc(512);
	struct msrp_send_desc d;
	struct msrp_range r = { true, 1, true, 10, true, 10 };
	struct pl to = PL("msrp://a:1/s;tcp"), id = PL("mid9");
	uint8_t body[256];

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)i;
	memset(&d, 0, sizeof(d));
	d.tid = "rt01"; d.to_path = "msrp://a:1/s;tcp";
	d.from_path = "msrp://b:2/t;tcp"; d.message_id = "m2";
	d.success_report = "no"; d.failure_report = "partial";
	d.content_type = "application/x-rfb"; d.range_start = 1;
	d.total = sizeof(body); d.body = body; d.body_len = sizeof(body);
	CHECK_EQ_INT(msrp_build_send(mb, &d), 0);
	/* bind SEND: no Failure-Report, no body */
	d.tid = "rt02"; d.success_report = NULL; d.failure_report = NULL;
	d.body = NULL; d.body_len = 0; d.total = 0;
	CHECK_EQ_INT(msrp_build_send(mb, &d), 0);
	CHECK_EQ_INT(msrp_build_response(mb, "rt03", 200, NULL, &to,
					 "msrp://b:2/t;tcp"), 0);
	CHECK_EQ_INT(msrp_build_report(mb, "rt04", &to, "msrp://b:2/t;tcp",
				       &id, &r, 200), 0);

	memset(&b, 0, sizeof(b));
	b.want = body;
	b.len = sizeof(body);
	CHECK_EQ_INT(msrp_parser_alloc(&p, NULL), 0);
	/* first frame only: check the body bytes */
	const uint8_t *end1 = memmem(mb->buf, mb->end, "-------rt01$\r\n", 14);
	size_t len1 = (size_t)(end1 - mb->buf) + 14;
	CHECK_EQ_INT(msrp_parser_feed(p, mb->buf, len1, body_h, &b, &info), 0);
	CHECK_EQ_INT(b.n, 1);
	CHECK(b.ok);
	CHECK(strstr(b.line, "REQ rt01 SEND $ hdrs=7|to=msrp://a:1/s;tcp"
		     "|from=msrp://b:2/t;tcp|id=m2|ct=application/x-rfb|sr=no"
		     "|fr=partial|range=1-256/256|body[256]=") == b.line);
	b.len = 0;
	CHECK_EQ_INT(msrp_parser_feed(p, mb->buf + len1, mb->end - len1,
				      body_h, &b, &info), 0);
	CHECK_EQ_INT(b.n, 4);
	CHECK_EQ_STR(b.line, "REQ rt04 REPORT $ hdrs=5|to=msrp://a:1/s;tcp"
		     "|from=msrp://b:2/t;tcp|id=mid9|range=1-10/10|status=200");
	mem_deref(p);

	/* and the middle two, one by one */
	struct capture c;
	CHECK_EQ_INT(feed_parts((const char *)mb->buf + len1, mb->end - len1,
				NULL, 0, &c, &info, NULL), 0);
	CHECK_EQ_INT(c.n, 3);
	CHECK_EQ_STR(c.text[0], "REQ rt02 SEND $ hdrs=4|to=msrp://a:1/s;tcp"
		     "|from=msrp://b:2/t;tcp|id=m2|range=1-0/0");
	CHECK_EQ_STR(c.text[1], "RSP rt03 200 'OK' $ hdrs=2"
		     "|to=msrp://a:1/s;tcp|from=msrp://b:2/t;tcp");
	mem_deref(mb);
}

static void test_errors(void)
{
	struct msrp_limits lim;
	char big[600];

	check_error("HTTP/1.1 200 OK\r\n\r\n", NULL, MSRP_PERR_START_LINE,
		    400, "");
	check_error("MSRP ab SEND\r\n-------ab$\r\n", NULL,
		    MSRP_PERR_START_LINE, 400, "ab");
	check_error("MSRP abcd send\r\n-------abcd$\r\n", NULL,
		    MSRP_PERR_START_LINE, 400, "abcd");
	check_error("MSRP abcd 20x OK\r\n-------abcd$\r\n", NULL,
		    MSRP_PERR_START_LINE, 400, "abcd");
	check_error("MSRP abcd SEND\r\nNoColonHere\r\n-------abcd$\r\n", NULL,
		    MSRP_PERR_HEADER, 400, "abcd");
	check_error("MSRP abcd SEND\r\nByte-Range: x-5/5\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");
	check_error("MSRP abcd SEND\r\nByte-Range: 0-5/5\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");
	check_error("MSRP abcd SEND\r\nByte-Range: 1-5\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");
	check_error("MSRP abcd SEND\r\nByte-Range: 1-99999999999999999999/*"
		    "\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");
	check_error("MSRP abcd REPORT\r\nStatus: 200 OK\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");
	check_error("MSRP abcd SEND\r\nExpires: soon\r\n-------abcd$\r\n",
		    NULL, MSRP_PERR_BAD_VALUE, 400, "abcd");

	msrp_limits_default(&lim);
	lim.max_line = 64;
	memset(big, 'a', sizeof(big));
	memcpy(big, "MSRP abcd SEND\r\nX-Long: ", 24);
	big[sizeof(big) - 1] = '\0';
	check_error(big, &lim, MSRP_PERR_LINE_TOO_LONG, 400, "abcd");

	msrp_limits_default(&lim);
	lim.max_headers = 3;
	check_error("MSRP abcd SEND\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"
		    "-------abcd$\r\n", &lim, MSRP_PERR_TOO_MANY_HDRS, 400,
		    "abcd");

	msrp_limits_default(&lim);
	lim.max_body = 16;
	check_error("MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\n"
		    "0123456789012345678901234567890123456789012345678901234"
		    "\r\n-------abcd$\r\n", &lim, MSRP_PERR_BODY_TOO_LARGE,
		    413, "abcd");
}

/* A body that never ends must be refused once it passes the limit, even
 * when every piece ends in something that looks like an end-line. */
static void test_endless_body(void)
{
	struct msrp_parser *p = NULL;
	struct msrp_perr_info info;
	struct capture c;
	const char *head = "MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\n";
	char piece[100];
	int err = 0;
	size_t fed = 0;

	memset(&c, 0, sizeof(c));
	memset(piece, 'z', sizeof(piece));
	memcpy(piece + sizeof(piece) - 9, "\r\n-------", 9);
	CHECK_EQ_INT(msrp_parser_alloc(&p, NULL), 0);
	err = msrp_parser_feed(p, (const uint8_t *)head, strlen(head),
			       capture_h, &c, &info);
	while (!err && fed < 4 * 1024 * 1024) {
		err = msrp_parser_feed(p, (const uint8_t *)piece,
				       sizeof(piece), capture_h, &c, &info);
		fed += sizeof(piece);
	}
	CHECK_EQ_INT(err, EBADMSG);
	CHECK_EQ_INT(info.err, MSRP_PERR_BODY_TOO_LARGE);
	CHECK(fed < 65536 + 1024 + 1000);
	/* dead parser stays dead */
	CHECK_EQ_INT(msrp_parser_feed(p, (const uint8_t *)"x", 1, capture_h,
				      &c, &info), EBADMSG);
	mem_deref(p);
}

static bool stop_h(const struct msrp_msg *msg, void *arg)
{
	unsigned *n = arg;
	(*n)++;
	return true;
}

static void test_handler_stop(void)
{
	struct msrp_parser *p = NULL;
	struct msrp_perr_info info;
	unsigned n = 0;
	const char *two = "MSRP abcd 200 OK\r\n-------abcd$\r\n"
		"MSRP efgh 200 OK\r\n-------efgh$\r\n";

	CHECK_EQ_INT(msrp_parser_alloc(&p, NULL), 0);
	CHECK_EQ_INT(msrp_parser_feed(p, (const uint8_t *)two, strlen(two),
				      stop_h, &n, &info), ECANCELED);
	CHECK_EQ_INT(n, 1);
	mem_deref(p);
	CHECK_EQ_INT(msrp_perr_status(MSRP_PERR_NONE), 200);
	CHECK_EQ_STR(msrp_reason(481), "No Such Session");
}

/* Byte-Range is only a hint for where the end-line is (the parser looks
 * there first): a chunk interrupted before its promised end, a body longer
 * than promised, an end-line of another transaction at the promised
 * place, and "*" ranges must all come out as the end-line says. */
#define HINT_HDRS "To-Path: msrp://b.example:1/s;tcp\r\n" \
	"From-Path: msrp://a.example:1/t;tcp\r\nMessage-ID: m1\r\n"
static void test_byte_range_hints(void)
{
	static const char interrupted_then_next[] =
		"MSRP hint1 SEND\r\n" HINT_HDRS
		"Byte-Range: 1-10/10\r\nContent-Type: text/plain\r\n\r\n"
		"abcd\r\n-------hint1+\r\n"
		"MSRP hint2 SEND\r\n" HINT_HDRS
		"Byte-Range: 5-10/10\r\nContent-Type: text/plain\r\n\r\n"
		"efghij\r\n-------hint2$\r\n";
	static const char longer_than_promised[] =
		"MSRP hint3 SEND\r\n" HINT_HDRS
		"Byte-Range: 1-3/3\r\nContent-Type: text/plain\r\n\r\n"
		"abcdefghijklmnopqrstuvwxyz\r\n-------hint3$\r\n";
	static const char other_endline_there[] =
		"MSRP hint4 SEND\r\n" HINT_HDRS
		"Byte-Range: 1-4/30\r\nContent-Type: text/plain\r\n\r\n"
		"abcd\r\n-------hint5$\r\nzzzzzzzzzz\r\n-------hint4$\r\n";
	static const char star_range[] =
		"MSRP hint6 SEND\r\n" HINT_HDRS
		"Byte-Range: 1-*/*\r\nContent-Type: text/plain\r\n\r\n"
		"abc\r\n-------hint6$\r\n";
	struct capture c;
	struct msrp_perr_info info;
	size_t len = strlen(interrupted_then_next);
	unsigned bad = 0;

	for (size_t k = 0; k <= len; k++) {
		int err = feed_parts(interrupted_then_next, len, &k, 1, &c,
				     &info, NULL);
		if (err || c.n != 2 || !strstr(c.text[0], " + ") ||
		    !strstr(c.text[0], "|body[4]=abcd") ||
		    !strstr(c.text[1], "|body[6]=efghij"))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);

	CHECK_EQ_INT(feed_parts(longer_than_promised,
				strlen(longer_than_promised), NULL, 0, &c,
				&info, NULL), 0);
	CHECK_EQ_INT(c.n, 1);
	CHECK(strstr(c.text[0], "|body[26]=abcdefghijklmnopqrstuvwxyz"));
	CHECK_EQ_INT(feed_parts(other_endline_there,
				strlen(other_endline_there), NULL, 0, &c,
				&info, NULL), 0);
	CHECK_EQ_INT(c.n, 1);
	CHECK(strstr(c.text[0], "|body[31]=abcd"));
	CHECK_EQ_INT(feed_parts(star_range, strlen(star_range), NULL, 0, &c,
				&info, NULL), 0);
	CHECK_EQ_INT(c.n, 1);
	CHECK(strstr(c.text[0], "|body[3]=abc"));
}

/* Large chunks in reads that never line up with frames: every body
 * arrives in pieces from the receive buffers, none is copied, and the
 * bytes come out in order.  With more pieces than a body may be held in,
 * the parser copies instead and must still get it right. */
struct seg_check {
	uint8_t *out;
	size_t len, frames, pieced;
};

static bool seg_h(const struct msrp_msg *msg, void *arg)
{
	struct seg_check *sc = arg;

	sc->frames++;
	if (msg->bodyc > 1)
		sc->pieced++;
	for (size_t i = 0; i < msg->bodyc; i++) {
		memcpy(sc->out + sc->len, msg->bodyv[i].p, msg->bodyv[i].l);
		sc->len += msg->bodyv[i].l;
	}
	return false;
}

static void test_segmented_stream(void)
{
	enum { FRAMES = 6, BODY = 20000 };
	static const size_t reads[] = { 65536, 7001, 1500, 997 };
	uint8_t *body = malloc(FRAMES * BODY);
	struct mbuf *wire = mbuf_alloc(FRAMES * (BODY + 300));
	struct msrp_send_desc d;
	struct msrp_perr_info info;
	struct seg_check sc;

	for (size_t i = 0; i < FRAMES * BODY; i++)
		body[i] = (uint8_t)(i * 13 + (i >> 9));
	for (int f = 0; f < FRAMES; f++) {
		char tid[16];
		snprintf(tid, sizeof(tid), "seg%d", f);
		memset(&d, 0, sizeof(d));
		d.tid = tid; d.to_path = "msrp://a:1/s;tcp";
		d.from_path = "msrp://b:2/t;tcp"; d.message_id = tid;
		d.content_type = "application/x-rfb"; d.range_start = 1;
		d.total = BODY; d.body = body + f * BODY; d.body_len = BODY;
		CHECK_EQ_INT(msrp_build_send(wire, &d), 0);
	}
	for (size_t r = 0; r < sizeof(reads) / sizeof(reads[0]); r++) {
		struct msrp_parser *p = NULL;
		int err = 0;

		memset(&sc, 0, sizeof(sc));
		sc.out = malloc(FRAMES * BODY);
		CHECK_EQ_INT(msrp_parser_alloc(&p, NULL), 0);
		for (size_t pos = 0; pos < wire->end && !err;) {
			struct mbuf *mb = mbuf_alloc(reads[r]);
			size_t n = wire->end - pos < reads[r] ?
				wire->end - pos : reads[r];
			(void)mbuf_write_mem(mb, wire->buf + pos, n);
			mb->pos = 0;
			err = msrp_parser_feed_mbuf(p, mb, seg_h, &sc, &info);
			mem_deref(mb);
			pos += n;
		}
		CHECK_EQ_INT(err, 0);
		CHECK_EQ_INT(sc.frames, FRAMES);
		CHECK_EQ_INT(sc.len, FRAMES * BODY);
		CHECK(!memcmp(sc.out, body, FRAMES * BODY));
		/* Reads of 7001 and 1500 bytes: up to 14 per body, beyond
		 * what is held in pieces; 65536: two pieces at most. */
		if (reads[r] == 7001)
			CHECK(sc.pieced > 0);
		printf("reads of %zu: %zu of %d bodies in pieces\n", reads[r],
		       sc.pieced, FRAMES);
		mem_deref(p);
		free(sc.out);
	}
	mem_deref(wire);
	free(body);
}

int main(void)
{
	for (int mode = 0; mode < 2; mode++) {
		use_mbuf = mode == 1;
		test_frames();
		test_binary_body();
		test_round_trips();
		test_errors();
		test_endless_body();
		test_handler_stop();
		test_byte_range_hints();
	}
	test_segmented_stream();
	CHECK_DONE("msrp_parse");
}
