/*
 * bridge.c - local stream socket <-> MSRP session.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <re.h>

#include "msrp/msrp.h"
#include "server/log.h"
#include "server/bridge.h"
#include "server/rfb_filter.h"
#include "server/rfb_group.h"
#include "server/web_desk.h"

/* One read from the socket; libvncserver writes updates in pieces of about
 * this size, and the MSRP layer cuts them to its chunk size anyway. */
enum { READ_SIZE = 64 * 1024 };

struct bridge {
	int fd;
	struct msrp_session *sess;      /* not owned */
	uint8_t *held;                  /* read but refused by the session */
	size_t held_len;
	size_t pend;                    /* an update's header at held's
					   start, waiting for its first
					   rectangle (read_socket) */
	struct tmr pend_tmr;            /* how long it waits at most */
	bool join_headers;              /* the socket is libvncserver's */
	struct mbuf *backlog;           /* from MSRP, not yet written */
	bool reading;
	int watching;                   /* fd_listen() flags in force */
	bool closed;
	unsigned stall_ms;              /* 0: wait for the far end forever */
	struct tmr stall_tmr;           /* runs while the session takes
					   nothing from us */
	struct rfb_filter *rfb;          /* checks what goes to
					   libvncserver; NULL: nothing */
	bridge_closed_h *closedh;
	void *arg;
	bridge_sink_h *sinkh;           /* takes what MSRP brings; NULL:
					   the socket does */
	void *sink_arg;
	bridge_source_h *srch;          /* gives what goes to MSRP; NULL:
					   the socket does */
	void *src_arg;
	uint64_t sent;                  /* bytes the session took, for the
	                                   call's audit line */
	struct rfb_member *member;      /* rfb_group.h; NULL: none */
	struct web_desk *desk;          /* frames what the socket brings
	                                   from desk->pos on (a member) */
	unsigned long marks_before;     /* pf_marks_asked as it began */
	uint64_t read_pos;              /* bytes read from the socket */
	size_t greet_skip;              /* of libvncserver's greeting, the
	                                   bytes still to drop (we sent it) */
};

/* libvncserver's greeting (rfbProtocolVersion, LibVNCServer 0.9.14: the
 * screen's protocolMajor/MinorVersion, 3.8 unless set, and we do not). */
static const char rfb_greeting[] = "RFB 003.008\n";
enum { RFB_GREETING_LEN = sizeof(rfb_greeting) - 1 };

static void watch(struct bridge *br);

static void fail(struct bridge *br, int err)
{
	if (br->closed)
		return;
	br->closed = true;
	tmr_cancel(&br->stall_tmr);
	tmr_cancel(&br->pend_tmr);
	fd_close(br->fd);
	if (br->closedh)
		br->closedh(err, br->arg);
}

/* Pass on what was held back; true when nothing is held any more. */
static bool flush_held(struct bridge *br)
{
	int err;

	if (!br->held_len)
		return true;
	err = msrp_session_send(br->sess, br->held, br->held_len);
	if (err == EAGAIN)
		return false;
	if (err) {
		fail(br, err);
		return false;
	}
	br->sent += br->held_len;
	br->held_len = 0;
	return true;
}

/* libvncserver's Tight encoder writes a FramebufferUpdate's 4-byte
 * header on its own before the first rectangle (tight.c flushes its
 * buffer as it starts a rectangle): sent as it comes, every update of a
 * small change took two MSRP SENDs, two TCP segments and two wake-ups of
 * the far end.  Such a header (type 0, at least one rectangle) waits for
 * the next read, PEND_MAX_MS at most; bytes that only look like one wait
 * no longer than that and stay in order. */
enum { PEND_MAX_MS = 2 };

static bool update_header(const uint8_t *p, ssize_t n)
{
	return n == 4 && p[0] == 0 && (p[2] || p[3]);
}

static void send_read(struct bridge *br, size_t len);

static void on_pend_tmr(void *arg)
{
	struct bridge *br = arg;
	size_t len = br->pend;

	if (br->closed || !len)
		return;
	br->pend = 0;
	send_read(br, len);
	if (!br->closed)
		watch(br);
}

/* Hand the len bytes at held's start to the session. */
static void send_read(struct bridge *br, size_t len)
{
	int err = msrp_session_send(br->sess, br->held, len);

	if (err == EAGAIN) {
		br->held_len = len;
		return;
	}
	if (err) {
		fail(br, err);
		return;
	}
	br->sent += (uint64_t)len;
}

/* A member's own client: its messages framed from desk->pos on (the
 * bytes before pass as they are), its updates dropped while the group
 * serves the viewer.  Returns the bytes left, -1 once failed. */
static ssize_t frame_read(struct bridge *br, uint8_t *p, size_t n)
{
	uint64_t start = br->read_pos - n;
	const char *why = "";
	size_t raw = 0, used = 0;
	long k;

	if (!br->desk)
		return (ssize_t)n;
	if (start < br->desk->pos) {
		uint64_t gap = br->desk->pos - start;

		raw = gap < n ? (size_t)gap : n;
	}
	/* the framed bytes move up behind what passed (scan writes behind
	 * its read); the format changes at the desktop's marks in them */
	k = web_desk_scan(br->desk, p + raw, n - raw, p + raw, &used, &why);
	if (k < 0) {
		log_warn("sipvnc: the desktop's stream to a grouped viewer "
			 "cannot be framed (%s, near byte %llu of it, at %u "
			 "bytes a pixel); closing\n", why,
			 (unsigned long long)br->desk->pos, br->desk->bpp);
		fail(br, EPROTO);
		return -1;
	}
	return (ssize_t)(raw + (size_t)k);
}

/* What we already sent as libvncserver's greeting (bridge_start) comes
 * from the socket once more: dropped, after a check that it is the same.
 * Returns the bytes left at p, -1 once failed. */
static ssize_t skip_greeting(struct bridge *br, uint8_t *p, size_t n)
{
	size_t at = RFB_GREETING_LEN - br->greet_skip, k;

	if (!br->greet_skip)
		return (ssize_t)n;
	k = n < br->greet_skip ? n : br->greet_skip;
	if (memcmp(p, rfb_greeting + at, k) != 0) {
		log_warn("sipvnc: libvncserver greeted with another RFB "
			 "version than the one the viewer was sent; "
			 "closing\n");
		fail(br, EPROTO);
		return -1;
	}
	br->greet_skip -= k;
	memmove(p, p + k, n - k);
	return (ssize_t)(n - k);
}

static void read_socket(struct bridge *br)
{
	ssize_t n;
	size_t len;

	while (!br->closed && msrp_session_writable(br->sess)) {
		if (br->srch) {
			n = (ssize_t)br->srch(br->held + br->pend,
					      READ_SIZE - br->pend,
					      br->src_arg);
			if (!n || br->closed)
				return;
		}
		else
			n = read(br->fd, br->held + br->pend,
				 READ_SIZE - br->pend);
		if (n == 0) {
			fail(br, 0);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				fail(br, errno);
			return;
		}
		if (!br->srch) {
			br->read_pos += (uint64_t)n;
			n = frame_read(br, br->held + br->pend, (size_t)n);
			if (n < 0)
				return;
			n = skip_greeting(br, br->held + br->pend, (size_t)n);
			if (n < 0)
				return;
			if (!n && !br->pend) {
				rfb_member_output(br->member);
				continue;
			}
		}
		if (br->join_headers && !br->pend &&
		    update_header(br->held, n)) {
			br->pend = (size_t)n;
			tmr_start(&br->pend_tmr, PEND_MAX_MS, on_pend_tmr, br);
			return;    /* the rest is reported as it comes */
		}
		len = br->pend + (size_t)n;
		br->pend = 0;
		tmr_cancel(&br->pend_tmr);
		send_read(br, len);
		if (br->closed || br->held_len)
			return;
		rfb_member_output(br->member);
		if (br->closed)
			return;
		/* A short read drained the socket: another read would only
		 * say EAGAIN, a system call on every update; the descriptor
		 * is watched level-triggered and reports what comes next. */
		if (len < READ_SIZE)
			return;
	}
}

static bool write_backlog(struct bridge *br)
{
	struct mbuf *mb = br->backlog;

	while (mbuf_get_left(mb)) {
		ssize_t n = write(br->fd, mbuf_buf(mb), mbuf_get_left(mb));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				fail(br, errno);
			return false;
		}
		mbuf_advance(mb, n);
	}
	mbuf_rewind(mb);
	return true;
}

/* Append behind the unwritten rest, moved to the front first so that the
 * buffer never holds more than the bound plus what was written. */
static int append_backlog(struct mbuf *mb, const uint8_t *data, size_t len)
{
	int err;

	size_t left = mbuf_get_left(mb);

	if (mb->pos) {
		memmove(mb->buf, mbuf_buf(mb), left);
		mb->pos = 0;
		mb->end = left;
	}
	mb->pos = mb->end;
	err = mbuf_write_mem(mb, data, len);
	mb->pos = 0;
	return err;
}

/* With a source the socket brings nothing but its close. */
static void read_close(struct bridge *br)
{
	uint8_t buf[256];
	ssize_t n = read(br->fd, buf, sizeof(buf));

	if (n == 0)
		fail(br, 0);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		fail(br, errno);
}

static void on_fd(int flags, void *arg)
{
	struct bridge *br = arg;

	if (flags & FD_WRITE)
		write_backlog(br);
	if (!br->closed && (flags & (FD_READ | FD_EXCEPT)) && br->srch)
		read_close(br);
	else if (!br->closed && (flags & (FD_READ | FD_EXCEPT)) &&
		 br->reading)
		read_socket(br);
	if (!br->closed)
		watch(br);
}

static void stalled(void *arg)
{
	struct bridge *br = arg;

	log_warn("sipvnc: the far end took nothing for %u s; "
		 "giving up on it\n", br->stall_ms / 1000);
	fail(br, ETIMEDOUT);
}

/* A far end that keeps its connection but stops reading holds memory
 * only up to the bounds, and its call for stall_ms at most: the clock runs
 * while we are held back and starts again with each bit of progress. */
static void watch_stall(struct bridge *br)
{
	if (br->reading || !br->sess || !br->stall_ms)
		tmr_cancel(&br->stall_tmr);
	else if (!tmr_isrunning(&br->stall_tmr))
		tmr_start(&br->stall_tmr, br->stall_ms, stalled, br);
}

/* Listen for what we can act on now: reading only while the session takes
 * data, writing only while a backlog waits. */
static void watch(struct bridge *br)
{
	int flags = 0;

	if (br->closed)
		return;
	br->reading = br->sess && !br->held_len &&
		msrp_session_writable(br->sess);
	watch_stall(br);
	if (br->reading || br->srch)
		flags |= FD_READ;
	if (mbuf_get_left(br->backlog))
		flags |= FD_WRITE;
	/* every update passes here: ask the kernel only for a change */
	if (flags == br->watching)
		return;
	br->watching = flags;
	if (flags)
		fd_listen(br->fd, flags, on_fd, br);
	else
		fd_close(br->fd);
}

/* Towards the socket (or the sink); nonzero once it failed the bridge,
 * which its closed handler may have freed. */
static int forward(struct bridge *br, const uint8_t *data, size_t len)
{
	if (br->sinkh && !mbuf_get_left(br->backlog)) {
		int err = br->sinkh(data, len, br->sink_arg);

		if (err)
			fail(br, err);
		return err;
	}

	if (!mbuf_get_left(br->backlog)) {
		ssize_t n = write(br->fd, data, len);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			fail(br, errno);
			return EIO;
		}
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
		if (!len)
			return 0;
	}
	if (mbuf_get_left(br->backlog) + len > BRIDGE_BACKLOG_MAX) {
		log_warn("sipvnc: local side stopped reading "
			 "(%zu bytes waiting); closing\n",
			 mbuf_get_left(br->backlog) + len);
		fail(br, ENOBUFS);
		return ENOBUFS;
	}
	if (append_backlog(br->backlog, data, len)) {
		fail(br, ENOMEM);
		return ENOMEM;
	}
	watch(br);
	return 0;
}

enum { FILTER_PIECE = 4096 };

void bridge_from_msrp(struct bridge *br, const uint8_t *data, size_t len)
{
	if (!br || br->closed || !len)
		return;
	if (!br->rfb) {
		(void)forward(br, data, len);
		return;
	}
	/* What libvncserver gets is the filter's output (rfb_filter.h). */
	while (len) {
		uint8_t out[RFB_FILTER_OUT_MAX(FILTER_PIECE)];
		size_t k = len < FILTER_PIECE ? len : FILTER_PIECE;
		long n = rfb_filter_pass(br->rfb, data, k, out);

		if (n < 0) {
			log_warn("sipvnc: the viewer sent an RFB message "
				 "libvncserver must not see; closing\n");
			fail(br, EPROTO);
			return;
		}
		if (n && forward(br, out, (size_t)n))
			return;
		data += k;
		len -= k;
		/* may free br (a leave that fails it): nothing after */
		if (br->member) {
			rfb_member_input(br->member);
			if (br->closed)
				return;
		}
	}
}

void bridge_msrp_writable(struct bridge *br)
{
	if (!br || br->closed || !br->sess)
		return;
	if (flush_held(br)) {
		read_socket(br);
		if (!br->closed && !br->held_len && !br->pend)
			rfb_member_output(br->member);
		if (!br->closed)
			watch(br);
	}
}

int bridge_check_rfb(struct bridge *br)
{
	if (!br)
		return EINVAL;
	br->rfb = mem_alloc(sizeof(*br->rfb), NULL);
	if (!br->rfb)
		return ENOMEM;
	rfb_filter_init(br->rfb);
	br->join_headers = true;
	return 0;
}

void bridge_set_sink(struct bridge *br, bridge_sink_h *sinkh, void *arg)
{
	if (!br)
		return;
	br->sinkh = sinkh;
	br->sink_arg = arg;
}

void bridge_set_source(struct bridge *br, bridge_source_h *srch, void *arg)
{
	if (!br)
		return;
	br->srch = srch;
	br->src_arg = arg;
	if (!br->closed)
		watch(br);
}

void bridge_source_ready(struct bridge *br)
{
	bridge_msrp_writable(br);
}

void bridge_set_stall_timeout(struct bridge *br, unsigned ms)
{
	if (br)
		br->stall_ms = ms;
}

int bridge_start(struct bridge *br, struct msrp_session *sess)
{
	if (!br || !sess)
		return EINVAL;
	br->sess = sess;
	/* libvncserver sends its greeting only after rfbNewClient() waited
	 * 100 ms for a WebSocket handshake (webSocketsCheck(): a peek for 4
	 * bytes), which an RFB viewer, waiting for that greeting, never
	 * sends: 100 ms on every call's setup.  The greeting is a constant,
	 * so it goes now; the viewer's reply, "RFB 003.00x\n", ends that
	 * wait at once, and libvncserver's own greeting is dropped as it
	 * comes.  Nothing else is sent before the bind (on_msrp_bound). */
	if (br->rfb && !br->read_pos &&
	    !msrp_session_send(sess, (const uint8_t *)rfb_greeting,
			       RFB_GREETING_LEN)) {
		br->sent += RFB_GREETING_LEN;
		br->greet_skip = RFB_GREETING_LEN;
	}
	if (br->srch)   /* no socket to wake us: what waits already */
		read_socket(br);
	if (!br->closed)
		watch(br);
	return 0;
}

static void destructor(void *data)
{
	struct bridge *br = data;

	tmr_cancel(&br->stall_tmr);
	tmr_cancel(&br->pend_tmr);
	if (!br->closed)
		fd_close(br->fd);
	if (br->fd >= 0)
		close(br->fd);
	if (br->held)
		(void)munmap(br->held, READ_SIZE);
	mem_deref(br->backlog);
	mem_deref(br->member);
	mem_deref(br->rfb);
	mem_deref(br->desk);
}

int bridge_alloc(struct bridge **brp, int fd, bridge_closed_h *closedh,
		 void *arg)
{
	struct bridge *br;
	int flags;

	if (!brp || fd < 0) {
		if (fd >= 0)
			close(fd);
		return EINVAL;
	}
	br = mem_zalloc(sizeof(*br), destructor);
	if (!br) {
		close(fd);
		return ENOMEM;
	}
	br->fd = fd;
	tmr_init(&br->stall_tmr);
	tmr_init(&br->pend_tmr);
	br->closedh = closedh;
	br->arg = arg;
	/* Pages of its own, not the heap's: freed at the call's end under
	 * SIP state that lives on (transactions wait 32 s), a heap block this
	 * size left holes that later calls fit badly.  Without malloc_trim,
	 * 200 more calls after the first 200 grew RSS 1.4 MB with it on the
	 * heap, 0.5 MB now; the heap's size stayed at 3.9 MB, not 10 MB. */
	br->held = mmap(NULL, READ_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br->held == MAP_FAILED)
		br->held = NULL;
	br->backlog = mbuf_alloc(4096);
	flags = fcntl(fd, F_GETFL);
	if (!br->held || !br->backlog || flags < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		mem_deref(br);
		return ENOMEM;
	}
	*brp = br;
	return 0;
}

uint64_t bridge_sent(const struct bridge *br)
{
	return br ? br->sent : 0;
}

void bridge_set_member(struct bridge *br, struct rfb_member *m)
{
	if (br)
		br->member = m;
}

struct rfb_filter *bridge_rfb_filter(struct bridge *br)
{
	return br ? br->rfb : NULL;
}

struct rfb_frame *bridge_rfb_frame(struct bridge *br)
{
	return br && br->rfb ? &br->rfb->frame : NULL;
}

int bridge_fd(const struct bridge *br)
{
	return br ? br->fd : -1;
}

uint64_t bridge_read_pos(const struct bridge *br)
{
	return br ? br->read_pos : 0;
}

struct web_desk *bridge_frame_from(struct bridge *br, const uint8_t *pf,
				   uint32_t w, uint32_t h, uint64_t pos)
{
	if (!br)
		return NULL;
	if (!br->desk)
		br->desk = mem_alloc(sizeof(*br->desk), NULL);
	if (!br->desk)
		return NULL;
	web_desk_init_at(br->desk, pf, w, h, pos);
	br->desk->keep_cut = true;
	/* from now on a new format is marked where it applies */
	br->desk->pf_marks = true;
	if (br->rfb) {
		br->rfb->frame.pf_mark = true;
		br->marks_before = br->rfb->frame.pf_marks_asked;
	}
	return br->desk;
}

bool bridge_marks_due(const struct bridge *br)
{
	return br && br->desk && br->rfb &&
		br->rfb->frame.pf_marks_asked - br->marks_before !=
		br->desk->pf_marks_seen;
}

struct web_desk *bridge_desk(struct bridge *br)
{
	return br ? br->desk : NULL;
}

void bridge_unframe(struct bridge *br)
{
	if (!br)
		return;
	br->desk = mem_deref(br->desk);
	if (br->rfb)
		br->rfb->frame.pf_mark = false;
}

int bridge_inject(struct bridge *br, const uint8_t *data, size_t len)
{
	int err;

	if (!br || br->closed || !br->sess || br->held_len || br->pend ||
	    !br->desk || br->desk->pos != br->read_pos ||
	    !web_desk_at_boundary(br->desk) ||
	    !msrp_session_writable(br->sess))
		return EAGAIN;
	err = msrp_session_send(br->sess, data, len);
	if (err == EAGAIN)
		return err;
	if (err) {
		fail(br, err);
		return err;
	}
	br->sent += len;
	return 0;
}

bool bridge_closed(const struct bridge *br)
{
	return !br || br->closed;
}

