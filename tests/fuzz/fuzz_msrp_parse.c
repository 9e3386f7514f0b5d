/*
 * fuzz_msrp_parse.c - libFuzzer harness for the MSRP frame parser.  The
 * first byte picks where the input is cut into pieces and how tight the
 * limits are; every frame found is checked for self-consistency and its
 * paths are run through the URI parser.  The input is parsed twice, from
 * plain memory and from mbufs (where bodies may arrive in pieces): both
 * must find the same frames with the same bodies.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "msrp/msrp_frame.h"
#include "msrp/msrp_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	const uint8_t *lo, *hi; /* no pl may point outside the parser */
	size_t max_body;
	size_t frames;
	uint64_t digest;        /* of every frame's tid, flag and body */
};

static void mix(struct ctx *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c->digest = (c->digest ^ p[i]) * 1099511628211ULL;
}

static void in_frame(const struct pl *pl)
{
	if (pl->l && !pl->p)
		abort();
}

static bool frame_h(const struct msrp_msg *m, void *arg)
{
	struct ctx *c = arg;
	struct msrp_uri uriv[8];
	size_t n;

	if (strlen(m->tid) < 4 || strlen(m->tid) > MSRP_TID_MAX)
		abort();
	if (m->flag != '$' && m->flag != '+' && m->flag != '#')
		abort();
	if (m->hdrc > MSRP_HDR_MAX)
		abort();
	if (m->body_len > c->max_body || m->bodyc > MSRP_BODY_PIECES ||
	    (m->body_len && m->bodyc == 1 && m->body != m->bodyv[0].p))
		abort();
	size_t sum = 0;
	for (size_t i = 0; i < m->bodyc; i++) {
		if (m->bodyv[i].l && !m->bodyv[i].p)
			abort();
		sum += m->bodyv[i].l;
		mix(c, m->bodyv[i].p, m->bodyv[i].l);
	}
	if (sum != m->body_len)
		abort();
	c->frames++;
	mix(c, (const uint8_t *)m->tid, strlen(m->tid));
	mix(c, (const uint8_t *)&m->flag, 1);
	for (size_t i = 0; i < m->hdrc; i++) {
		in_frame(&m->hdrv[i].name);
		in_frame(&m->hdrv[i].value);
	}
	(void)msrp_path_decode(uriv, &n, 8, &m->to_path);
	(void)msrp_path_decode(uriv, &n, 8, &m->from_path);
	(void)msrp_msg_hdr(m, "Content-Type");
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msrp_parser *p = NULL;
	struct msrp_limits lim;
	struct msrp_perr_info info;
	struct ctx c;
	size_t step, pos = 0;
	int err = 0;

	if (size < 1)
		return 0;
	msrp_limits_default(&lim);
	if (data[0] & 0x80) {
		lim.max_line = 64;
		lim.max_headers = 4;
		lim.max_body = 32;
	}
	step = (data[0] & 0x7f) + 1;
	data++;
	size--;
	c.max_body = lim.max_body;
	c.lo = data;
	c.hi = data + size;
	uint64_t digest[2];
	size_t frames[2];
	int errs[2];
	for (int mode = 0; mode < 2; mode++) {
		c.frames = 0;
		c.digest = 1469598103934665603ULL;
		err = 0;
		pos = 0;
		if (msrp_parser_alloc(&p, &lim))
			return 0;
		while (pos < size && !err) {
			size_t n = size - pos < step ? size - pos : step;
			if (mode == 0) {
				err = msrp_parser_feed(p, data + pos, n,
						       frame_h, &c, &info);
			}
			else {
				struct mbuf *mb = mbuf_alloc(n);
				if (!mb)
					abort();
				(void)mbuf_write_mem(mb, data + pos, n);
				mb->pos = 0;
				err = msrp_parser_feed_mbuf(p, mb, frame_h,
							    &c, &info);
				mem_deref(mb);
			}
			pos += n;
		}
		if (err == EBADMSG && msrp_perr_status(info.err) != 400 &&
		    msrp_perr_status(info.err) != 413 &&
		    msrp_perr_status(info.err) != 500)
			abort();
		mem_deref(p);
		p = NULL;
		digest[mode] = c.digest;
		frames[mode] = c.frames;
		errs[mode] = err;
	}
	if (digest[0] != digest[1] || frames[0] != frames[1] ||
	    errs[0] != errs[1])
		abort();
	return 0;
}
