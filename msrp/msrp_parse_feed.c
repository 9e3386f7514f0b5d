/*
 * msrp_parse_feed.c - what the MSRP parser keeps between reads, and where.
 *
 * Frames complete in the bytes handed in are parsed where they lie.  An
 * unfinished frame is copied into the parser's own buffer, except (fed from
 * an mbuf) a body whose length Byte-Range announced: then only the start
 * line and headers are copied and the body stays in the receive buffers,
 * referenced, until the end-line arrives where Byte-Range says it is.  A
 * body is then handed over in pieces, and a data stream of large chunks is
 * never copied on its way in.  When the end-line is not there (an
 * interrupted chunk, RFC 4975 section 7.1), the pieces are copied together
 * and the body is searched as usual, so nothing is handed over unverified.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_fields.h"
#include "msrp/msrp_parse_int.h"

static const char END_DASHES[] = "\r\n-------";

void msrp_parse_release_segments(struct msrp_parser *p)
{
	for (size_t i = 0; i < p->segc; i++)
		p->segv[i] = mem_deref(p->segv[i]);
	p->segc = 0;
	p->seg_bytes = 0;
	p->segmented = false;
}

static int fail(struct msrp_parser *p, enum msrp_perr err,
		struct msrp_perr_info *info, bool is_request)
{
	msrp_parse_release_segments(p);
	p->dead = true;
	p->buf = p->mem; /* it may point into the caller's data */
	p->len = 0;
	if (info) {
		info->err = err;
		info->is_request = is_request;
		memcpy(info->tid, p->tid, sizeof(info->tid));
	}
	return EBADMSG;
}

static int append(struct msrp_parser *p, const uint8_t *data, size_t len)
{
	if ((size_t)(p->buf - p->mem) + p->len + len > p->size &&
	    p->buf != p->mem) {
		memmove(p->mem, p->buf, p->len);
		p->buf = p->mem;
	}
	if (p->len + len > p->size) {
		size_t sz = p->size ? p->size : 4096;
		uint8_t *nb;
		while (sz < p->len + len)
			sz *= 2;
		nb = p->mem ? mem_realloc(p->mem, sz) : mem_alloc(sz, NULL);
		if (!nb)
			return ENOMEM;
		p->mem = p->buf = nb;
		p->size = sz;
	}
	memcpy(p->buf + p->len, data, len);
	p->len += len;
	return 0;
}

/* One message struct per parser, reused (msrp_parse_frame clears it):
 * the handler holds a reference, as it may free the parser. */
static struct msrp_msg *frame_msg(struct msrp_parser *p)
{
	if (!p->msg)
		p->msg = mem_alloc(sizeof(*p->msg), NULL);
	return mem_ref(p->msg);
}

static void reset_frame(struct msrp_parser *p, size_t consumed)
{
	p->len -= consumed;
	p->buf = p->len ? p->buf + consumed : p->mem;
	p->phase = PH_START;
	p->line_pos = 0;
	p->hdr_lines = 0;
	p->body_start = 0;
	p->search_pos = 0;
	p->body_hint = SIZE_MAX;
	p->tid[0] = '\0';
}

/* Copy the unfinished frame out of the caller's buffer; the scan state is
 * relative to its start and stays valid. */
static int keep_tail(struct msrp_parser *p, struct msrp_perr_info *info)
{
	const uint8_t *tail = p->buf;
	size_t n = p->len;

	if (p->buf == p->mem)
		return 0;
	p->buf = p->mem;
	p->len = 0;
	if (n && append(p, tail, n))
		return fail(p, MSRP_PERR_NOMEM, info, p->phase != PH_START);
	return 0;
}

/* Keep the headers of the unfinished frame at p->buf (inside mb) and a
 * reference to the body bytes after them. */
static int enter_segments(struct msrp_parser *p, struct mbuf *mb,
			  struct msrp_perr_info *info)
{
	const uint8_t *tail = p->buf;
	size_t body_have = p->len - p->body_start;

	p->buf = p->mem;
	p->len = 0;
	if (append(p, tail, p->body_start))
		return fail(p, MSRP_PERR_NOMEM, info, true);
	p->segmented = true;
	if (body_have) {
		p->segv[0] = mem_ref(mb);
		p->seg_off[0] = (size_t)(tail + p->body_start - mb->buf);
		p->seg_len[0] = body_have;
		p->segc = 1;
		p->seg_bytes = body_have;
	}
	return 0;
}

/* Back to one contiguous buffer: headers, then the held body bytes. */
static int unsegment(struct msrp_parser *p, struct msrp_perr_info *info)
{
	int err = 0;

	for (size_t i = 0; i < p->segc && !err; i++)
		err = append(p, p->segv[i]->buf + p->seg_off[i],
			     p->seg_len[i]);
	msrp_parse_release_segments(p);
	return err ? fail(p, MSRP_PERR_NOMEM, info, true) : 0;
}

/* n bytes at body offset off, from the segments and then data. */
static void gather(const struct msrp_parser *p, const uint8_t *data,
		   size_t off, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < p->segc && n; i++) {
		size_t l = p->seg_len[i];
		if (off >= l) {
			off -= l;
			continue;
		}
		l -= off;
		if (l > n)
			l = n;
		memcpy(out, p->segv[i]->buf + p->seg_off[i] + off, l);
		out += l;
		n -= l;
		off = 0;
	}
	if (n && data)
		memcpy(out, data + off, n);
}

static void body_pieces(const struct msrp_parser *p, const uint8_t *data,
			struct msrp_msg *msg)
{
	size_t left = p->body_hint;

	msg->bodyc = 0;
	for (size_t i = 0; i < p->segc && left; i++) {
		size_t l = p->seg_len[i] < left ? p->seg_len[i] : left;
		msg->bodyv[msg->bodyc].p = p->segv[i]->buf + p->seg_off[i];
		msg->bodyv[msg->bodyc++].l = l;
		left -= l;
	}
	if (left) {
		msg->bodyv[msg->bodyc].p = data;
		msg->bodyv[msg->bodyc++].l = left;
	}
	msg->has_body = true;
	msg->body_len = p->body_hint;
	msg->body = msg->bodyc == 1 ? msg->bodyv[0].p : NULL;
}

/* In segment mode, with the next bytes of mb at data.  Returns 0 with
 * data and len past what was used (all of it when the frame is still
 * unfinished), or an error of msrp_parser_feed().  Clears p->segmented
 * when the caller is to go on the ordinary way. */
static int seg_feed(struct msrp_parser *p, const uint8_t **data, size_t *len,
		    struct mbuf *mb, msrp_frame_h *frameh, void *arg,
		    struct msrp_perr_info *info)
{
	size_t tl = strlen(p->tid), plen = 9 + tl, need, take;
	uint8_t end[9 + MSRP_TID_MAX + 3];
	struct msrp_msg *msg;
	enum msrp_perr perr;
	bool stop;

	need = p->body_hint + plen + 3;
	if (p->seg_bytes + *len < need) {
		if (p->segc == MSRP_SEGS_MAX)
			return unsegment(p, info);
		p->segv[p->segc] = mem_ref(mb);
		p->seg_off[p->segc] = (size_t)(*data - mb->buf);
		p->seg_len[p->segc++] = *len;
		p->seg_bytes += *len;
		*data += *len;
		*len = 0;
		return 0;
	}
	take = need - p->seg_bytes;
	gather(p, *data, p->body_hint, end, plen + 3);
	if (memcmp(end, END_DASHES, 9) != 0 ||
	    memcmp(end + 9, p->tid, tl) != 0 ||
	    !msrp_is_flag(end[plen]) || end[plen + 1] != '\r' ||
	    end[plen + 2] != '\n') {
		p->body_hint = SIZE_MAX; /* search the body instead */
		return unsegment(p, info);
	}
	msg = frame_msg(p);
	if (!msg)
		return fail(p, MSRP_PERR_NOMEM, info, true);
	perr = msrp_parse_frame(p, p->body_start - 2, p->body_start,
				(char)end[plen], msg);
	if (perr) {
		bool req = msg->is_request;
		mem_deref(msg);
		return fail(p, perr, info, req);
	}
	body_pieces(p, *data, msg);
	uint8_t *hold = mem_ref(p->mem);
	mem_ref(mb);
	stop = frameh ? frameh(msg, arg) : false;
	mem_deref(msg);
	mem_deref(hold);
	mem_deref(mb);
	if (stop)
		return ECANCELED;
	msrp_parse_release_segments(p);
	reset_frame(p, p->len);
	*data += take;
	*len -= take;
	return 0;
}

/* Parse and hand over every complete frame buffered from p->buf on. */
static int run(struct msrp_parser *p, bool borrowed, struct mbuf *mb,
	       msrp_frame_h *frameh, void *arg, struct msrp_perr_info *info)
{
	for (;;) {
		size_t hdr_end = 0, body_end = 0, frame_end = 0;
		char flag = '$';
		struct msrp_msg *msg;
		enum msrp_perr perr;
		int r = msrp_parse_scan(p, &hdr_end, &body_end, &flag,
					&frame_end);

		if (r == 0 && borrowed && mb && p->phase == PH_BODY &&
		    p->body_hint != SIZE_MAX)
			return enter_segments(p, mb, info);
		if (r == 0)
			return borrowed ? keep_tail(p, info) : 0;
		if (r < 0)
			return fail(p, (enum msrp_perr)-r, info,
				    p->phase != PH_START);
		msg = frame_msg(p);
		if (!msg)
			return fail(p, MSRP_PERR_NOMEM, info, true);
		perr = msrp_parse_frame(p, hdr_end, body_end, flag, msg);
		if (perr) {
			bool req = msg->is_request;
			mem_deref(msg);
			return fail(p, perr, info, req);
		}
		/* Keep the buffer alive across the handler, which may free
		 * the parser. */
		uint8_t *hold = mem_ref(p->mem);
		bool stop = frameh ? frameh(msg, arg) : false;
		mem_deref(msg);
		mem_deref(hold);
		if (stop)
			return ECANCELED;
		reset_frame(p, frame_end);
	}
}

/* The start of a frame is held and mb brings more: take it a line at a
 * time until the headers are complete, so that a body announced by
 * Byte-Range (and anything after it) need not be copied behind them. */
static int catch_up(struct msrp_parser *p, const uint8_t **data,
		    size_t *len, struct mbuf *mb, msrp_frame_h *frameh,
		    void *arg, struct msrp_perr_info *info)
{
	while (*len && p->len && !p->segmented && p->phase != PH_BODY) {
		const uint8_t *nl = memchr(*data, '\n', *len);
		size_t n = nl ? (size_t)(nl - *data) + 1 : *len;
		int err;

		if (append(p, *data, n))
			return fail(p, MSRP_PERR_NOMEM, info,
				    p->phase != PH_START);
		*data += n;
		*len -= n;
		err = run(p, false, mb, frameh, arg, info);
		if (err)
			return err;
		if (p->phase == PH_BODY && p->body_hint != SIZE_MAX &&
		    p->len == p->body_start)
			p->segmented = true; /* no body byte held yet */
	}
	return 0;
}

static int feed(struct msrp_parser *p, const uint8_t *data, size_t len,
		struct mbuf *mb, msrp_frame_h *frameh, void *arg,
		struct msrp_perr_info *info)
{
	bool borrowed;
	int err;

	if (!p || (!data && len))
		return EINVAL;
	if (p->dead)
		return fail(p, MSRP_PERR_START_LINE, info, false);
	err = mb ? catch_up(p, &data, &len, mb, frameh, arg, info) : 0;
	if (!err && p->segmented && !len)
		return 0;
	if (!err && p->segmented) {
		err = mb ? seg_feed(p, &data, &len, mb, frameh, arg, info) :
			unsegment(p, info);
		if (!err && (p->segmented || !len))
			return 0;
	}
	if (err)
		return err;
	/* With nothing held, frames complete in data are parsed where they
	 * are; only an unfinished tail is kept (run()). */
	borrowed = p->len == 0 && len > 0;
	if (borrowed) {
		p->buf = (uint8_t *)data; /* only read while borrowed */
		p->len = len;
	}
	else if (len && append(p, data, len)) {
		return fail(p, MSRP_PERR_NOMEM, info, p->phase != PH_START);
	}
	return run(p, borrowed, mb, frameh, arg, info);
}

int msrp_parser_feed(struct msrp_parser *p, const uint8_t *data, size_t len,
		     msrp_frame_h *frameh, void *arg,
		     struct msrp_perr_info *info)
{
	return feed(p, data, len, NULL, frameh, arg, info);
}

int msrp_parser_feed_mbuf(struct msrp_parser *p, struct mbuf *mb,
			  msrp_frame_h *frameh, void *arg,
			  struct msrp_perr_info *info)
{
	if (!mb)
		return EINVAL;
	return feed(p, mbuf_buf(mb), mbuf_get_left(mb), mb, frameh, arg,
		    info);
}
