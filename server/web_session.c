/*
 * web_session.c - one browser tab's call: a WebSocket on one side, a call
 * placed by media_place() on the other, joined through a socket pair so
 * that the call, its bridge and its back-pressure are exactly `view`'s.
 *
 * Neither stream crosses the pair, which carries only the call's end: the
 * far end's comes straight from the call's bridge (media_set_sink), what
 * the browser cannot take yet waiting in `pending`; the browser's waits in
 * `inq` until the bridge takes it as MSRP can carry it (media_set_source),
 * filtered into the bridge's own buffer.
 *
 * To the browser: text frames with the call's progress while it rings,
 * and binary frames of RFB: our greeting from the start (the page answers
 * it while the call rings), then the far end's stream from its
 * SecurityResult on, each at most FRAME_MAX bytes: libre joins no
 * continuation frames, and noVNC takes any split.  From the browser:
 * binary frames through web_rfb's filter.  The far end's stream is framed
 * by web_desk as it arrives, which finds where its updates begin and end
 * (for asking ahead, web_ahead.c) and, without control rights, holds its
 * clipboard back.
 *
 * Memory stays bounded when the tab stops reading: above TXQ_HIGH bytes
 * queued on the WebSocket the far end's stream waits in `pending` (at most
 * PENDING_MAX, the bridge's own bound for a slow VNC viewer) and the
 * browser's messages are not passed on, so no new update is asked for
 * either.  A browser that goes on sending meanwhile is cut off at
 * INQ_MAX.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "server/bridge.h"
#include "server/log.h"
#include "server/media.h"
#include "server/web.h"
#include "server/web_desk.h"
#include "server/web_rfb.h"
#include "server/web_session_int.h"

enum {
	FRAME_MAX = 64 * 1024,
	TXB_HEAD = 10,               /* the longest frame header */
	TXQ_HIGH = 256 * 1024,
	TXQ_LOW = 64 * 1024,
	/* libre refuses to queue past its limit (512 KiB by default); ours
	 * stops reading at TXQ_HIGH, so this is only headroom for a read
	 * already under way and the status frames */
	TXQ_LIMIT = 1024 * 1024,
	INQ_MAX = 4 * 1024 * 1024,
	PENDING_MAX = BRIDGE_BACKLOG_MAX,
	CHUNK = 16 * 1024,           /* browser bytes filtered at a time */
	POLL_MS = 10,                /* while the WebSocket's queue drains */
	KEEPALIVE_MS = 30 * 1000,  /* libre takes the ping interval in ms */
};


static void watch(struct web_session *s);
static void pump_input(struct web_session *s);
static int flush_binary(struct web_session *s);

/* A text frame for the page's status line; text loses what JSON would
 * have to escape (URIs and our own words need none of it). */
static void status(struct web_session *s, const char *state,
		   const char *text)
{
	char esc[600];
	size_t o = 0;

	for (; *text && o + 1 < sizeof(esc); text++)
		if ((uint8_t)*text >= 0x20 && *text != '"' && *text != '\\')
			esc[o++] = *text;
	esc[o] = '\0';
	(void)flush_binary(s);   /* in order with the RFB before it */
	if (s->wc)
		(void)websock_send(s->wc, WEBSOCK_TEXT,
				   "{\"state\":\"%s\",\"text\":\"%s\"}",
				   state, esc);
}

static void session_log(const struct web_session *s)
{
	struct tm tm;
	char when[32];
	uint64_t ms = tmr_jiffies() - s->start_ms;

	(void)gmtime_r(&s->start, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_info("sipvnc: web session: user %s from %J target %s rights "
		  "%s start %s duration %llu.%03llus bytes to browser %llu "
		  "from browser %llu, %lu requests answered ahead; ended: "
		  "%s\n", s->user, &s->peer,
		  s->target, s->control ? "control" : "view", when,
		  (unsigned long long)ms / 1000,
		  (unsigned long long)ms % 1000,
		  (unsigned long long)s->to_browser,
		  (unsigned long long)s->from_browser, s->answered, s->why);
}

static void destructor(void *data)
{
	struct web_session *s = data;

	tmr_cancel(&s->poll);
	tmr_cancel(&s->ring);
	tmr_cancel(&s->free_tmr);
	tmr_cancel(&s->flush_tmr);
	list_unlink(&s->le);
	if (s->fd >= 0) {
		fd_close(s->fd);
		close(s->fd);
	}
	s->wc = mem_deref(s->wc);
	mem_deref(s->inq);
	mem_deref(s->pending);
	mem_deref(s->txb);
}

static void on_free(void *arg)
{
	mem_deref(arg);
}

/* A status line for the page out of the call's end (media.c's why). */
static void ended_text(char *out, size_t size, const char *why, bool up)
{
	unsigned code = (unsigned)atoi(why);

	if (up)
		(void)re_snprintf(out, size, "call ended: %s", why);
	else if (!strncmp(why, "no answer", 9))
		str_ncpy(out, why, size);
	else if (code == 408 || code == 480 || code == 487 ||
		 strstr(why, "timed out"))
		(void)re_snprintf(out, size, "no answer (%s)", why);
	else if (code == 486 || code == 600)
		(void)re_snprintf(out, size, "busy: %s", why);
	else if (code >= 400)
		(void)re_snprintf(out, size, "refused: %s", why);
	else
		(void)re_snprintf(out, size, "failed: %s", why);
}

/* The end, whoever started it: once. */
static void session_end(struct web_session *s, const char *why,
			bool tell_browser)
{
	char text[256];

	if (s->phase == WS_ENDED)
		return;
	str_ncpy(s->why, why, sizeof(s->why));
	if (s->call) {
		struct media *call = s->call;

		s->call = NULL;   /* media_end() tells us: not again */
		media_set_sink(call, NULL, NULL);   /* nor its bridge */
		media_set_source(call, NULL, NULL);
		media_end(call, true, why);
	}
	if (tell_browser && s->wc) {
		ended_text(text, sizeof(text), why, s->phase == WS_RFB);
		status(s, "ended", text);
		/* a close reason has at most 123 bytes */
		(void)websock_close(s->wc, WEBSOCK_NORMAL_CLOSURE, "%.100s",
				    text);
	}
	s->phase = WS_ENDED;
	session_log(s);
	if (s->fd >= 0) {
		fd_close(s->fd);
		close(s->fd);
		s->fd = -1;
	}
	/* not from inside libre's WebSocket handlers */
	tmr_start(&s->free_tmr, 0, on_free, s);
}

static size_t txq(const struct web_session *s)
{
	struct tcp_conn *tc = s->wc ? websock_tcp(s->wc) : NULL;

	return tc ? tcp_conn_txqsz(tc) : 0;
}

static void on_poll(void *arg)
{
	struct web_session *s = arg;

	if (s->phase == WS_ENDED)
		return;
	if (txq(s) > TXQ_LOW) {
		tmr_start(&s->poll, POLL_MS, on_poll, s);
		return;
	}
	s->held = false;
	web_session_drain(s);
	pump_input(s);
	web_ahead_prefetch(s);
	watch(s);
}

static void check_txq(struct web_session *s)
{
	if (s->held || txq(s) <= TXQ_HIGH)
		return;
	s->held = true;
	tmr_start(&s->poll, POLL_MS, on_poll, s);
}

/* What the loop turn gathered for the browser, as one frame: a 30 KB update
 * comes from the call as four 8 KiB MSRP chunks, one read; a WebSocket
 * frame each cost a send() each, where one will do.
 *
 * The frame is made here, not by websock_send(), which would copy the
 * bytes once more into an mbuf it allocates (and grows) for each frame:
 * txb keeps TXB_HEAD bytes free in front of the data for the header
 * (RFC 6455 5.2: FIN and the binary opcode, no mask from a server, a 7,
 * 16 or 64-bit length), and goes to tcp_send() on the WebSocket's own
 * connection as websock_send() would send it, through the same TLS and
 * the same queue that tcp_conn_txqsz() counts and check_txq() bounds.
 * Nothing is sent after the session's end, whose close libre sends. */
static int flush_binary(struct web_session *s)
{
	struct mbuf *mb = s->txb;
	size_t n = mb->end - TXB_HEAD, head;
	struct tcp_conn *tc;
	uint8_t *h;
	int err = 0;

	tmr_cancel(&s->flush_tmr);
	tc = s->wc && s->phase != WS_ENDED ? websock_tcp(s->wc) : NULL;
	if (n && tc) {
		head = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
		h = mb->buf + TXB_HEAD - head;
		h[0] = 0x80 | WEBSOCK_BIN;
		if (head == 2)
			h[1] = (uint8_t)n;
		else if (head == 4) {
			h[1] = 126;
			h[2] = (uint8_t)(n >> 8);
			h[3] = (uint8_t)n;
		}
		else {
			h[1] = 127;
			for (size_t i = 0; i < 8; i++)
				h[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
		}
		mb->pos = TXB_HEAD - head;
		err = tcp_send(tc, mb);
	}
	mb->pos = mb->end = TXB_HEAD;
	return err;
}

static void on_flush(void *arg)
{
	struct web_session *s = arg;

	if (s->phase == WS_ENDED)
		return;
	if (flush_binary(s)) {
		session_end(s, "cannot send to the browser", false);
		return;
	}
	check_txq(s);
}

/* Gathered into frames of at most FRAME_MAX, sent when one is full or at
 * the end of this loop turn (a 0 ms timer runs after the turn's I/O
 * handlers): no added latency, and at most one frame held back, outside
 * the queue that check_txq() bounds. */
static int send_binary(struct web_session *s, const uint8_t *p, size_t n)
{
	struct mbuf *mb = s->txb;
	int err = 0;

	while (!err && n) {
		size_t room = TXB_HEAD + FRAME_MAX - mb->end;
		size_t k = n < room ? n : room;

		memcpy(mb->buf + mb->end, p, k);
		mb->end += k;
		s->to_browser += k;
		p += k;
		n -= k;
		if (mb->end == TXB_HEAD + FRAME_MAX)
			err = flush_binary(s);
	}
	if (!err && mb->end > TXB_HEAD && !tmr_isrunning(&s->flush_tmr))
		tmr_start(&s->flush_tmr, 0, on_flush, s);
	return err;
}

static void on_ring_timeout(void *arg)
{
	struct web_session *s = arg;
	char why[64];

	if (s->phase != WS_CALLING)
		return;
	(void)re_snprintf(why, sizeof(why), "no answer within %u s",
			  s->web->answer_timeout_s);
	session_end(s, why, true);
}

/* The browser answered a step of our greeting: the next one.  The
 * far end's SecurityResult only once it came and let us in
 * (take_result()). */
static void greet(struct web_session *s)
{
	enum web_rfb_step step = web_rfb_step(&s->filter);
	int err = 0;

	if (step == s->sent ||
	    (step == WEB_RFB_PAST_SECURITY && s->phase != WS_RFB))
		return;
	s->sent = step;
	if (step == WEB_RFB_WANT_TYPE)
		err = send_binary(s, web_rfb_types, WEB_RFB_TYPES_LEN);
	else
		err = send_binary(s, s->result, sizeof(s->result));
	if (err) {
		session_end(s, "cannot send to the browser", false);
		return;
	}
	web_session_drain(s);   /* what came after the result */
}

/* The far end's SecurityResult, while the call rings: bytes of p taken. */
static size_t take_result(struct web_session *s, const uint8_t *p, size_t n)
{
	size_t used = 0;
	char text[600];

	while (used < n && s->result_have < sizeof(s->result))
		s->result[s->result_have++] = p[used++];
	if (s->result_have < sizeof(s->result))
		return used;
	if (memcmp(s->result, "\0\0\0\0", 4) != 0)
		return n;   /* refused: the call ends and says why */
	(void)re_snprintf(text, sizeof(text), "connected to %s (%s)",
			  s->target, s->control ? "control" : "view only");
	status(s, "rfb", text);
	s->phase = WS_RFB;
	/* the browser is through our greeting or goes on with it: greet()
	 * sends the result then (not called from here: a drain is under
	 * way) */
	if (web_rfb_step(&s->filter) == WEB_RFB_PAST_SECURITY) {
		s->sent = WEB_RFB_PAST_SECURITY;
		if (send_binary(s, s->result, sizeof(s->result)))
			session_end(s, "cannot send to the browser", false);
	}
	return used;
}

/* May the far end's stream go on to the browser now?  Not while the
 * browser goes through our greeting, nor while the WebSocket's queue is
 * long, nor while it is an update the page has not asked for yet. */
static bool may_send(const struct web_session *s)
{
	if (s->held || s->holding || s->phase == WS_ENDED)
		return false;
	if (s->phase == WS_CALLING)
		return s->result_have < sizeof(s->result);
	return s->sent == WEB_RFB_PAST_SECURITY;
}

/* What waits in pending, as far as the browser takes it now. */
void web_session_drain(struct web_session *s)
{
	while (may_send(s) && mbuf_get_left(s->pending)) {
		size_t n = mbuf_get_left(s->pending);

		if (s->phase == WS_CALLING)
			n = take_result(s, mbuf_buf(s->pending), n);
		else {
			n = n < FRAME_MAX ? n : FRAME_MAX;
			if (send_binary(s, mbuf_buf(s->pending), n)) {
				session_end(s, "cannot send to the browser",
					    false);
				return;
			}
			check_txq(s);
		}
		mbuf_advance(s->pending, n);
	}
	if (!mbuf_get_left(s->pending))
		mbuf_rewind(s->pending);
}

/* The far end's bytes, in order: straight on when nothing waits before
 * them and the browser may have them, else behind what waits. */
static void to_page(struct web_session *s, const uint8_t *p, size_t n)
{
	size_t left;

	if (!n || s->phase == WS_ENDED)
		return;
	if (s->phase == WS_RFB && may_send(s) && !mbuf_get_left(s->pending)) {
		if (send_binary(s, p, n))
			session_end(s, "cannot send to the browser", false);
		else
			check_txq(s);
		return;
	}
	left = mbuf_get_left(s->pending);
	if (left + n > PENDING_MAX) {
		session_end(s, "the browser stopped reading", true);
		return;
	}
	if (s->pending->pos) {   /* keep the unread rest at the front */
		memmove(s->pending->buf, mbuf_buf(s->pending), left);
		s->pending->pos = 0;
		s->pending->end = left;
	}
	s->pending->pos = s->pending->end;
	if (mbuf_write_mem(s->pending, p, n)) {
		session_end(s, "out of memory", true);
		return;
	}
	s->pending->pos = 0;
}


/* The far end's stream, from the call (media_set_sink()): its
 * SecurityResult as it is, then framed (web_desk.h), without control
 * rights also held back from its clipboard. */
static int from_call(const uint8_t *p, size_t n, void *arg)
{
	struct web_session *s = arg;
	uint8_t buf[4096];

	if (s->phase == WS_ENDED)
		return 0;
	if (s->result_in < sizeof(s->result)) {
		size_t k = sizeof(s->result) - s->result_in;

		k = k < n ? k : n;
		to_page(s, p, k);
		s->result_in += k;
		p += k;
		n -= k;
	}
	while (n && s->phase != WS_ENDED) {
		size_t piece = s->control || n < sizeof(buf) ? n : sizeof(buf);
		size_t used = 0;
		const char *why = "";
		long k;

		if (s->desk_lost) {
			to_page(s, p, n);
			break;
		}
		k = web_desk_scan(&s->desk, p, piece, s->control ? NULL : buf,
				  &used, &why);
		if (k < 0 && !s->control) {
			session_end(s, why, true);
			return 0;
		}
		if (k < 0) {   /* only asking ahead needs the framing */
			log_info("sipvnc: web: %s: %s; passed unframed\n",
				 s->target, why);
			s->desk_lost = true;
			web_ahead_stop(s);
			continue;
		}
		to_page(s, s->control ? p : buf, (size_t)k);
		p += used;
		n -= used;
		if (s->desk.at == WEB_DESK_AT_BEGIN)
			web_ahead_update_begin(s);
		else if (s->desk.at == WEB_DESK_AT_END) {
			/* the update is whole: to the page now, not from
			 * the 0 ms timer, whose extra turn of the loop (an
			 * epoll_wait that finds nothing) came on top of each
			 * update's own */
			on_flush(s);
			if (s->phase != WS_ENDED)
				web_ahead_update_end(s);
		}
	}
	web_session_drain(s);
	return 0;
}

/* The pair brings no RFB any more, only the call's end. */
static void read_pair(struct web_session *s)
{
	uint8_t buf[4096];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	if (n == 0)
		session_end(s, "the call ended", true);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		session_end(s, "the call's socket failed", true);
	else if (n > 0)
		(void)from_call(buf, (size_t)n, s);
}

/* The call's bridge asks for the browser's bytes while its MSRP session
 * takes more (media_set_source()): filtered straight into the bridge's
 * buffer, CHUNK at a time (a chunk's output is at most 4 bytes longer). */
static size_t to_call(uint8_t *buf, size_t size, void *arg)
{
	struct web_session *s = arg;
	size_t o = 0;

	if (size >= CHUNK + 4)
		o = web_ahead_inject(s, buf);
	while (s->phase == WS_RFB && !s->held && mbuf_get_left(s->inq) &&
	       size - o >= CHUNK + 4) {
		size_t n = mbuf_get_left(s->inq);
		const char *why = "";
		long k;

		if (n > CHUNK)
			n = CHUNK;
		k = web_rfb_filter(&s->filter, mbuf_buf(s->inq), n, buf + o,
				   &why);
		if (k < 0) {
			session_end(s, why, true);
			return 0;
		}
		mbuf_advance(s->inq, n);
		o += (size_t)k;
		if (s->filter.frame.pf_new) {   /* checked by the filter */
			(void)web_desk_pixel_format(&s->desk, s->filter.frame.pf);
			s->filter.frame.pf_new = false;
			/* a held update has the old one */
			if (s->ahead)
				web_ahead_stop(s);
		}
		if (s->filter.frame.requests != s->requests)
			web_ahead_page_request(s);
	}
	if (!mbuf_get_left(s->inq))
		mbuf_rewind(s->inq);
	return s->phase == WS_ENDED ? 0 : o;
}

/* The browser's bytes wait in inq: let the bridge take them. */
static void pump_input(struct web_session *s)
{
	if (s->call && s->phase == WS_RFB && !s->held &&
	    mbuf_get_left(s->inq))
		media_source_ready(s->call);
}

static void on_fd(int flags, void *arg)
{
	struct web_session *s = arg;

	if (flags & (FD_READ | FD_EXCEPT))
		read_pair(s);
	watch(s);
}

static void watch(struct web_session *s)
{
	int flags = 0;

	if (s->phase == WS_ENDED || s->fd < 0)
		return;
	flags |= FD_READ;   /* the call's end */
	if (flags == s->watching)
		return;
	s->watching = flags;
	if (flags)
		(void)fd_listen(s->fd, flags, on_fd, s);
	else
		fd_close(s->fd);
}


/* The browser's answers to our greeting, taken here in any phase: they go
 * nowhere else.  Returns the bytes of p taken. */
static size_t take_greeting(struct web_session *s, const uint8_t *p,
			    size_t n)
{
	uint8_t out[8];
	size_t used = 0;

	while (used < n && s->phase != WS_ENDED &&
	       web_rfb_step(&s->filter) != WEB_RFB_PAST_SECURITY) {
		/* up to the step's end: the filter writes nothing then */
		size_t k = web_rfb_step(&s->filter) == WEB_RFB_WANT_VERSION ?
			WEB_RFB_VERSION_LEN - s->filter.have : 1;
		const char *why = "";

		k = k < n - used ? k : n - used;
		if (web_rfb_filter(&s->filter, p + used, k, out, &why) < 0) {
			session_end(s, why, true);
			return n;
		}
		used += k;
		greet(s);
	}
	return used;
}

static void on_ws_recv(const struct websock_hdr *hdr, struct mbuf *mb,
		       void *arg)
{
	struct web_session *s = arg;
	size_t n = mbuf_get_left(mb), k;

	if (s->phase == WS_ENDED)
		return;
	if (hdr->opcode == WEBSOCK_TEXT)
		return;   /* the page says nothing we act on */
	k = take_greeting(s, mbuf_buf(mb), n);
	s->from_browser += k;
	mbuf_advance(mb, k);
	n -= k;
	if (!n || s->phase == WS_ENDED)
		return;
	if (s->phase != WS_RFB) {
		session_end(s, "the browser sent RFB before the call was up",
			    true);
		return;
	}
	if (web_ahead_answered(s, mbuf_buf(mb), n)) {
		s->from_browser += n;
		return;
	}
	if (mbuf_get_left(s->inq) + n > INQ_MAX) {
		session_end(s, "the browser sends but does not read", true);
		return;
	}
	s->from_browser += n;
	if (s->inq->pos) {   /* keep the unread rest at the front */
		size_t left = mbuf_get_left(s->inq);

		memmove(s->inq->buf, mbuf_buf(s->inq), left);
		s->inq->pos = 0;
		s->inq->end = left;
	}
	s->inq->pos = s->inq->end;
	if (mbuf_write_mem(s->inq, mbuf_buf(mb), n)) {
		session_end(s, "out of memory", true);
		return;
	}
	s->inq->pos = 0;
	pump_input(s);
	watch(s);
}

static void on_ws_close(int err, void *arg)
{
	struct web_session *s = arg;

	session_end(s, err ? "the browser's connection failed" :
		    "the browser closed the page", false);
}

int web_session_start(struct web *web, struct http_conn *conn,
		      const struct http_msg *msg, struct web_ticket *t)
{
	struct web_session *s;
	int sv[2] = {-1, -1}, err, one = 1;
	char text[600];

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s) {
		mem_deref(t);
		return ENOMEM;
	}
	s->fd = -1;
	s->web = web;
	s->phase = WS_CALLING;
	s->start = time(NULL);
	s->start_ms = tmr_jiffies();
	s->peer = *http_conn_peer(conn);
	str_ncpy(s->user, t->user, sizeof(s->user));
	str_ncpy(s->target, t->target, sizeof(s->target));
	s->control = t->control;
	web_rfb_init(&s->filter, t->control, t->lossless);
	web_desk_init(&s->desk);
	s->desk.keep_cut = t->control;
	s->desk.stop = true;
	mem_deref(t);
	tmr_init(&s->poll);
	tmr_init(&s->ring);
	tmr_init(&s->free_tmr);
	tmr_init(&s->flush_tmr);
	list_append(&web->sessions, &s->le, s);
	str_ncpy(s->why, "not started", sizeof(s->why));

	s->inq = mbuf_alloc(CHUNK);
	s->pending = mbuf_alloc(CHUNK);
	s->txb = mbuf_alloc(TXB_HEAD + FRAME_MAX);
	err = s->inq && s->pending && s->txb ? 0 : ENOMEM;
	if (!err)
		s->txb->pos = s->txb->end = TXB_HEAD;
	if (!err)
		err = websock_accept(&s->wc, web->ws, conn, msg, KEEPALIVE_MS,
				     on_ws_recv, on_ws_close, s);
	if (err) {
		log_warn("sipvnc: web: WebSocket failed: %m\n", err);
		mem_deref(s);
		return err;
	}
	tcp_conn_txqsz_set(websock_tcp(s->wc), TXQ_LIMIT);
	/* as view's viewer socket and MSRP's: our greeting's steps and an
	 * update smaller than a segment must not wait for the browser's
	 * delayed ACK of the frame before */
	(void)setsockopt(tcp_conn_fd(websock_tcp(s->wc)), IPPROTO_TCP,
			 TCP_NODELAY, &one, sizeof(one));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv) < 0) {
		session_end(s, "no socket pair", true);
		return errno;
	}
	s->fd = sv[0];
	(void)re_snprintf(text, sizeof(text), "calling %s", s->target);
	status(s, "calling", text);
	/* our greeting while the call rings (SIP, MSRP and the far end's
	 * own greeting take a round trip each, and a person may have to
	 * answer): by the time it lets us in, the page has made its
	 * viewer and answered all but the SecurityResult */
	if (send_binary(s, web_rfb_version, WEB_RFB_VERSION_LEN)) {
		session_end(s, "cannot send to the browser", false);
		return EIO;
	}
	/* the call greets the far end itself and hands us its
	 * SecurityResult: noVNC gets our greeting (web_rfb.h) */
	err = media_place(&s->call, web->app, s->target, sv[1], 8);
	if (err) {
		s->call = NULL;
		session_end(s, "cannot place the call", true);
		return err;
	}
	media_set_sink(s->call, from_call, s);
	media_set_source(s->call, to_call, s);
	/* a desk may ring for ever: the page says "no answer" instead */
	tmr_start(&s->ring, web->answer_timeout_s * 1000ULL, on_ring_timeout,
		  s);
	log_info("sipvnc: web: %s from %J calls %s (%s)\n", s->user,
		  &s->peer, s->target, s->control ? "control" : "view");
	watch(s);
	return 0;
}

void web_sessions_close(struct web *web)
{
	struct le *le;

	for (le = web->sessions.head; le; le = le->next)
		session_end(le->data, "gateway stopping", true);
	list_flush(&web->sessions);
}

static struct web_session *by_call(struct app *app, const struct media *call)
{
	struct le *le;

	if (!app->web || !call)
		return NULL;
	for (le = app->web->sessions.head; le; le = le->next) {
		struct web_session *s = le->data;

		if (s->call == call)
			return s;
	}
	return NULL;
}

void web_call_progress(struct app *app, struct media *call, unsigned scode)
{
	struct web_session *s = by_call(app, call);

	if (!s || s->phase != WS_CALLING)
		return;
	if (scode == 180 || scode == 183)
		status(s, "ringing", "ringing \u2014 waiting for the person "
		       "at the screen");
}

void web_call_ended(struct app *app, struct media *call, const char *why)
{
	struct web_session *s = by_call(app, call);

	if (!s)
		return;
	media_set_sink(call, NULL, NULL);
	media_set_source(call, NULL, NULL);
	s->call = NULL;
	session_end(s, why, true);
}
