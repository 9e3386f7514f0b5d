/*
 * rfb_group.c - one encoding for viewers of the same settings
 * (rfb_group.h says what and why).
 *
 * All of it runs on the event loop.  The hidden client's and the own
 * clients' send locks are only ever tried (desktop_client_sync): a client
 * thread holding one may be blocked writing to a socket this loop reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "server/bridge.h"
#include "server/desktop.h"
#include "server/log.h"
#include "server/rfb_filter.h"
#include "server/rfb_frame.h"
#include "server/rfb_group.h"
#include "server/web_desk.h"

enum {
	READ_SIZE = 64 * 1024,
	UPDATE_MAX = 32 * 1024 * 1024,  /* one update of the hidden client */
	RETRY_MS = 2,                   /* a busy send lock, tried again */
	REJOIN_MS = 5000,               /* a member that left waits */
	HELD_MAX = 8,                   /* updates waiting for a member */
	HELD_BYTES_MAX = 16 * 1024 * 1024,
	PACE_MS = 250,                  /* the group waits for a member */
	TRIES_MAX = 8,                  /* resets for one join at most */
	KEY_MAX = 1 + 16 + RFB_FRAME_ENCS_MAX * 4,
	ASK_MAX = 14 + 20 + 4 + RFB_FRAME_ENCS_MAX * 4 + 10,
	ENC_TIGHT = 7,
	HS_VERSION = 12,
};

struct rfb_groups {
	struct desktop *dt;
	struct list groups;
	struct list solos;     /* members not in a group */
};

struct rfb_group {
	struct le le;
	struct rfb_groups *gs;
	uint8_t key[KEY_MAX];
	size_t key_len;
	struct desktop_client *dc;  /* the hidden client */
	int fd;
	/* what we ask of it passes a viewer's filter, so that its requests
	 * are kept until there is something to send (desktop_keep.c): a
	 * small update is then encoded on the loop, copy and change in
	 * one, and its output thread is not woken for it */
	struct rfb_filter *ask;
	uint64_t read_pos;
	int hs_step;               /* its greeting, then messages */
	size_t hs_skip;
	struct web_desk desk;
	const uint8_t *chunk;      /* being framed, at stream offset base */
	uint64_t chunk_base;
	struct mbuf *cur;          /* the update being read */
	bool ready;                /* it has applied our settings */
	bool in_flight;            /* a request of ours is unanswered */
	bool reset_wanted;         /* a joiner waits for a reset */
	bool waiting;              /* ... and then for a covering update */
	unsigned tries;            /* resets that brought none */
	bool dead, ending;
	struct tmr pace_tmr;       /* a member is slow to ask */
	bool paced;                /* ... for too long: go on */
	const char *why;           /* why it ends */
	struct list members;
	struct tmr tmr;
};

enum mstate { M_SOLO, M_JOINING, M_IN };

struct rfb_member {
	struct le le;
	struct rfb_groups *gs;
	struct rfb_group *g;
	struct bridge *br;          /* owns us */
	struct desktop_client *dc;  /* its own client */
	enum mstate state;
	bool synced;                /* JOINING: its own client is quiet */
	bool restarting;            /* SOLO: its own client must restart */
	bool pending;               /* it asked; nothing went since */
	struct mbuf *held[HELD_MAX]; /* group updates it has not asked for
	                               (a join's whole frames come unasked) */
	unsigned n_held;
	uint64_t no_join_until;
	struct tmr tmr;
};

static void group_sync(void *arg);
static void group_end_now(void *arg);
static void member_sync(void *arg);
static void group_end(struct rfb_group *g, const char *why);

/* The settings that decide the encoding, or 0: not groupable. */
static size_t member_key(struct rfb_member *m, uint8_t *key)
{
	const struct rfb_frame *f = bridge_rfb_frame(m->br);
	size_t i;

	if (!f || !f->asked || !f->encs_len || f->encs_over)
		return 0;
	if (f->pf_set && !f->pf[3])
		return 0;              /* a colour map: not ours to send */
	/* the first encoding libvncserver would choose must be Tight */
	for (i = 0; i < f->encs_len; i += 4) {
		const uint8_t *e = f->encs + i;
		int32_t enc = (int32_t)((uint32_t)e[0] << 24 |
					(uint32_t)e[1] << 16 |
					(uint32_t)e[2] << 8 | e[3]);

		if (enc == ENC_TIGHT)
			break;
		if (enc >= 0 && enc != 1)   /* another real encoding first */
			return 0;
		if (enc == -260)            /* TightPNG */
			return 0;
	}
	if (i >= f->encs_len)
		return 0;
	key[0] = f->pf_set;
	memcpy(key + 1, f->pf, 16);
	memcpy(key + 17, f->encs, f->encs_len);
	return 17 + f->encs_len;
}

static void mb_append(struct rfb_group *g, const uint8_t *p, size_t n)
{
	if (!n || g->dead)
		return;
	if (!g->cur)
		g->cur = mbuf_alloc(n > 4096 ? n : 4096);
	if (!g->cur || mbuf_get_left(g->cur) + g->cur->end + n > UPDATE_MAX ||
	    mbuf_write_mem(g->cur, p, n)) {
		g->dead = true;
		return;
	}
}

static void drop_held(struct rfb_member *m)
{
	while (m->n_held) {
		m->n_held--;
		m->held[m->n_held] = mem_deref(m->held[m->n_held]);
	}
}

/* Try to give it what it holds, oldest first. */
static void member_flush(struct rfb_member *m)
{
	unsigned i = 0;

	if (!m->n_held || !m->pending || m->state != M_IN)
		return;
	while (i < m->n_held &&
	       !bridge_inject(m->br, m->held[i]->buf, m->held[i]->end)) {
		m->held[i] = mem_deref(m->held[i]);
		i++;
	}
	if (!i)
		return;
	memmove(m->held, m->held + i,
		(m->n_held - i) * sizeof(struct mbuf *));
	m->n_held -= i;
	m->pending = false;
}

static void member_leave(struct rfb_member *m, const char *why);

static void deliver(struct rfb_member *m, struct mbuf *mb)
{
	member_flush(m);
	size_t bytes = mb->end;
	unsigned i;

	for (i = 0; i < m->n_held; i++)
		bytes += m->held[i]->end;
	if (m->n_held == HELD_MAX || bytes > HELD_BYTES_MAX) {
		member_leave(m, "it fell behind the group");
		return;
	}
	m->held[m->n_held++] = mem_ref(mb);
	member_flush(m);
}

/* n bytes (at most ASK_MAX) to the hidden client through its filter. */
static bool ask(struct rfb_group *g, const uint8_t *p, size_t n)
{
	uint8_t out[RFB_FILTER_OUT_MAX(ASK_MAX)];
	long k;

	if (n > ASK_MAX)
		return false;
	k = rfb_filter_pass(g->ask, p, n, out);
	/* a kept request writes nothing; a socket pair takes this much */
	return k >= 0 && (!k || write(g->fd, out, (size_t)k) == k);
}

static void group_pump(struct rfb_group *g);

static void on_pace(void *arg)
{
	struct rfb_group *g = arg;

	g->paced = true;
	group_pump(g);
}

static void group_pump(struct rfb_group *g)
{
	static const uint8_t head[6] = {3, 1, 0, 0, 0, 0};
	uint8_t req[10];
	struct le *le;
	bool want = false, all = true;

	if (!g->ready || g->in_flight || g->dead)
		return;
	/* at the pace of the slowest member that keeps up, which PACE_MS
	 * at most holds up the others; one behind is not waited for: its
	 * updates wait for it (HELD_MAX, HELD_BYTES_MAX), and past that it
	 * leaves the group */
	for (le = g->members.head; le; le = le->next) {
		const struct rfb_member *m = le->data;

		if (m->pending)
			want = true;
		if (m->state == M_IN && !m->pending && !m->n_held)
			all = false;
	}
	if (!want)
		return;
	if (!all && !g->paced) {
		if (!tmr_isrunning(&g->pace_tmr))
			tmr_start(&g->pace_tmr, PACE_MS, on_pace, g);
		return;
	}
	tmr_cancel(&g->pace_tmr);
	g->paced = false;
	memcpy(req, head, sizeof(head));
	req[6] = (uint8_t)(g->desk.fb_w >> 8);
	req[7] = (uint8_t)g->desk.fb_w;
	req[8] = (uint8_t)(g->desk.fb_h >> 8);
	req[9] = (uint8_t)g->desk.fb_h;
	if (ask(g, req, sizeof(req)))
		g->in_flight = true;
}

/* A whole update of the hidden client is in g->cur. */
static void update_done(struct rfb_group *g)
{
	struct mbuf *mb = g->cur;
	struct le *le;

	g->cur = NULL;
	g->in_flight = false;
	if (!g->ready) {
		/* the first update: our settings are in force */
		g->ready = true;
		if (g->reset_wanted)
			group_sync(g);
	}
	if (g->waiting && g->desk.reset_done) {
		g->waiting = false;
		if (g->desk.area >= (uint64_t)g->desk.fb_w * g->desk.fb_h &&
		    !g->desk.copyrect) {
			g->tries = 0;
			for (le = g->members.head; le; le = le->next) {
				struct rfb_member *m = le->data;

				if (m->state == M_JOINING && m->synced) {
					m->state = M_IN;
					log_info("sipvnc: a viewer joined its "
						 "group's encoding\n");
				}
			}
		}
		else if (++g->tries < TRIES_MAX) {
			/* the screen came in two updates: once more */
			g->reset_wanted = true;
			group_sync(g);
		}
		else {
			/* every whole frame costs every member one: stop */
			g->tries = 0;
			le = g->members.head;
			while (le) {
				struct rfb_member *m = le->data;

				le = le->next;
				if (m->state == M_JOINING)
					member_leave(m, "no whole frame came "
						     "to join at");
			}
		}
	}
	le = g->members.head;
	while (le) {
		struct rfb_member *m = le->data;

		le = le->next;
		if (m->state == M_IN && mb)
			deliver(m, mb);
	}
	mem_deref(mb);
	group_pump(g);
}

static void on_desk_done(struct web_desk *d, void *arg)
{
	struct rfb_group *g = arg;
	uint64_t from;

	if (d->msg_type != 0)
		return;
	from = d->msg_start > g->chunk_base ? d->msg_start : g->chunk_base;
	mb_append(g, g->chunk + (from - g->chunk_base), d->pos - from);
	update_done(g);
}

/* The hidden client's greeting (RFB 3.8, security None): skipped. */
static size_t greeting(struct rfb_group *g, const uint8_t *p, size_t n)
{
	size_t used = 0;

	while (used < n && g->hs_step < 3) {
		size_t k;

		if (g->hs_skip) {
			k = n - used < g->hs_skip ? n - used : g->hs_skip;
			used += k;
			g->hs_skip -= k;
			continue;
		}
		switch (g->hs_step) {
		case 0:            /* version read; the security types */
			g->hs_skip = p[used++];
			g->hs_step = 1;
			break;
		case 1:            /* the SecurityResult */
			g->hs_skip = 4;
			g->hs_step = 2;
			break;
		default:           /* the ServerInit from here on */
			g->hs_step = 3;
			g->desk.pos = g->read_pos - n + used;
			break;
		}
	}
	return used;
}

static void on_group_fd(int flags, void *arg)
{
	struct rfb_group *g = arg;
	uint8_t buf[READ_SIZE];
	const char *why = "";
	ssize_t n;
	size_t used;

	(void)flags;
	n = read(g->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		group_end(g, "its encoder closed");
		return;
	}
	g->read_pos += (uint64_t)n;
	used = greeting(g, buf, (size_t)n);
	if (used == (size_t)n)
		return;
	g->chunk = buf + used;
	g->chunk_base = g->desk.pos;
	if (web_desk_filter(&g->desk, buf + used, (size_t)n - used,
			    &why) < 0) {
		log_warn("sipvnc: a group's encoder sent what cannot be "
			 "framed (%s)\n", why);
		g->dead = true;
	}
	else if (g->desk.started && g->desk.msg_type == 0) {
		uint64_t from = g->desk.msg_start > g->chunk_base ?
			g->desk.msg_start : g->chunk_base;

		mb_append(g, g->chunk + (from - g->chunk_base),
			  g->desk.pos - from);
	}
	g->chunk = NULL;
	if (g->dead)
		group_end(g, "its encoder failed");
}

/* Reset the hidden client's streams and have it send the whole screen. */
static void group_sync(void *arg)
{
	struct rfb_group *g = arg;
	struct desktop_sync s;
	int err;

	if (!g->reset_wanted || !g->ready || g->dead)
		return;
	err = desktop_client_sync(g->dc, true, g->fd, g->read_pos, NULL, &s);
	if (err == EAGAIN) {
		tmr_start(&g->tmr, RETRY_MS, group_sync, g);
		return;
	}
	if (err) {
		group_end(g, "its encoder is gone");
		return;
	}
	g->reset_wanted = false;
	if (s.offset < g->desk.reset_at)
		g->desk.reset_at = s.offset;
	g->waiting = true;
	g->in_flight = true;
}

static void member_detach(struct rfb_member *m)
{
	struct rfb_group *g = m->g;

	list_unlink(&m->le);
	list_append(&m->gs->solos, &m->le, m);
	m->g = NULL;
	if (g && list_count(&g->members) < 2)
		group_end(g, "fewer than two viewers");
}

/* Back to its own client, which starts afresh: a whole frame, its Tight
 * streams reset where the viewer's decoder will see it. */
static void member_leave(struct rfb_member *m, const char *why)
{
	struct rfb_frame *f = bridge_rfb_frame(m->br);
	struct web_desk *d = bridge_desk(m->br);

	if (m->state == M_SOLO)
		return;
	log_info("sipvnc: a viewer left its group: %s\n", why);
	if (f) {
		/* a new format holds its requests until the restart
		 * (member_sync): the frame it answers would come in it */
		f->hold = f->hold_whole;
		f->held = 0;
		f->left_why = NULL;
	}
	drop_held(m);
	m->pending = false;
	m->state = M_SOLO;
	m->no_join_until = tmr_jiffies() + REJOIN_MS;
	if (d) {
		d->drop_updates_before = UINT64_MAX;
		m->restarting = true;
		member_sync(m);
	}
	else {
		/* never quieted: its own stream went on as ever, only the
		 * requests held meanwhile are owed */
		m->restarting = true;
		member_sync(m);
	}
	member_detach(m);
}

/* Its own client: quiet (joining) or restarted (leaving).  Either waits
 * until the client has applied the pixel format its viewer asked for
 * last: the input thread applies it when it gets to it
 * (desktop_settings.c), and a stream framed from here in a format the
 * client has yet to take, or a whole frame of the restart sent in the one
 * it is leaving, is misread (the call ended as bad RFB) or shows the
 * wrong colours. */
static void member_sync(void *arg)
{
	struct rfb_member *m = arg;
	struct rfb_frame *f = bridge_rfb_frame(m->br);
	struct desktop_sync s;
	struct web_desk *d;
	bool restart = m->state == M_SOLO;
	int err;

	if (bridge_closed(m->br))
		return;
	if (restart ? !m->restarting : m->state != M_JOINING || m->synced)
		return;
	err = desktop_client_sync(m->dc, restart, bridge_fd(m->br),
				  bridge_read_pos(m->br),
				  f && f->pf_set ? f->pf : NULL, &s);
	if (err == EAGAIN || err == EINPROGRESS) {
		tmr_start(&m->tmr, RETRY_MS, member_sync, m);
		return;
	}
	if (restart && f) {
		/* its whole frame answers what was held meanwhile */
		f->hold = f->hold_whole = false;
		f->held = 0;
	}
	if (err)
		return;
	if (restart) {
		m->restarting = false;
		d = bridge_desk(m->br);
		if (!d)
			d = bridge_frame_from(m->br, s.pf, s.width, s.height,
					      s.offset);
		if (!d)
			return;
		/* framed before: the framer took the new format at the
		 * desktop's mark (web_desk.h); framed from here: in s.pf.
		 * What it sent before answers requests of the old format
		 * and goes nowhere: the whole frame answers them all */
		d->drop_updates_before = s.offset;
		d->reset_at = s.offset;
		if (f)
			f->pf_hold = true;
		return;
	}
	d = bridge_frame_from(m->br, s.pf, s.width, s.height, s.offset);
	if (!d) {
		member_leave(m, "out of memory");
		return;
	}
	if (f)
		f->pf_hold = true;
	d->drop_updates_before = UINT64_MAX;
	m->synced = true;
	if (m->g) {
		m->g->reset_wanted = true;
		group_sync(m->g);
	}
}

static void member_join(struct rfb_member *m, struct rfb_group *g)
{
	struct rfb_frame *f = bridge_rfb_frame(m->br);

	list_unlink(&m->le);
	list_append(&g->members, &m->le, m);
	m->g = g;
	m->state = M_JOINING;
	/* a request its own client had may be taken back (quiet): the
	 * group owes it an update */
	m->pending = true;
	m->synced = false;
	m->restarting = false;
	f->hold = true;
	/* a request kept for the desktop (desktop_keep.c) must not reach
	 * its own client now: the group owes it (pending) */
	f->kept = false;
	member_sync(m);
}

static void group_destructor(void *data)
{
	struct rfb_group *g = data;

	tmr_cancel(&g->tmr);
	tmr_cancel(&g->pace_tmr);
	list_unlink(&g->le);
	if (g->fd >= 0) {
		fd_close(g->fd);
		close(g->fd);
	}
	mem_deref(g->dc);
	mem_deref(g->ask);
	mem_deref(g->cur);
}

static void group_end_now(void *arg)
{
	struct rfb_group *g = arg;
	struct le *le;

	while ((le = g->members.head) != NULL) {
		struct rfb_member *m = le->data;

		m->g = NULL;    /* its leave must not end us again */
		if (m->state == M_SOLO) {
			list_unlink(&m->le);
			list_append(&m->gs->solos, &m->le, m);
		}
		else
			member_leave(m, g->why);
	}
	mem_deref(g);
}

/* Ended from the loop's next turn: callers walk its members. */
static void group_end(struct rfb_group *g, const char *why)
{
	if (!g || g->ending)
		return;
	g->dead = g->ending = true;
	g->why = why;
	tmr_start(&g->tmr, 0, group_end_now, g);
}

static void on_hidden_gone(void *arg)
{
	group_end(arg, "its encoder is gone");
}

static int group_alloc(struct rfb_group **gp, struct rfb_groups *gs,
		       const uint8_t *key, size_t key_len)
{
	static const uint8_t hello[14] = "RFB 003.008\n\1\1";
	uint8_t msg[ASK_MAX];
	size_t n = sizeof(hello), encs = key_len - 17;
	struct rfb_group *g;
	int w, h, err, fl;

	g = mem_zalloc(sizeof(*g), group_destructor);
	if (!g)
		return ENOMEM;
	g->fd = -1;
	g->gs = gs;
	g->hs_skip = HS_VERSION;
	tmr_init(&g->tmr);
	tmr_init(&g->pace_tmr);
	memcpy(g->key, key, key_len);
	g->key_len = key_len;
	g->ask = mem_alloc(sizeof(*g->ask), NULL);
	if (!g->ask) {
		mem_deref(g);
		return ENOMEM;
	}
	rfb_filter_init(g->ask);
	web_desk_init(&g->desk);
	g->desk.keep_cut = true;
	g->desk.doneh = on_desk_done;
	g->desk.done_arg = g;
	list_append(&gs->groups, &g->le, g);
	err = desktop_attach(&g->dc, gs->dt, false, on_hidden_gone, g,
			     &g->fd);
	if (!err)
		err = desktop_client_keep_requests(g->dc, g->ask);
	if (err)
		goto out;
	fl = fcntl(g->fd, F_GETFL);
	if (fl < 0 || fcntl(g->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		err = errno;
		goto out;
	}
	/* the greeting with ClientInit shared; then the members' settings,
	 * which the filter hands on as a viewer's, to be applied under the
	 * send lock */
	memcpy(msg, hello, sizeof(hello));
	if (key[0]) {
		msg[n++] = 0;
		msg[n++] = 0;
		msg[n++] = 0;
		msg[n++] = 0;
		memcpy(msg + n, key + 1, 16);
		n += 16;
	}
	msg[n++] = 2;
	msg[n++] = 0;
	msg[n++] = (uint8_t)((encs / 4) >> 8);
	msg[n++] = (uint8_t)(encs / 4);
	memcpy(msg + n, key + 17, encs);
	n += encs;
	/* a whole frame: its answer says the settings are in force */
	desktop_size(gs->dt, &w, &h);
	msg[n++] = 3;
	msg[n++] = 0;
	memset(msg + n, 0, 4);
	n += 4;
	msg[n++] = (uint8_t)(w >> 8);
	msg[n++] = (uint8_t)w;
	msg[n++] = (uint8_t)(h >> 8);
	msg[n++] = (uint8_t)h;
	if (!ask(g, msg, n)) {
		err = EIO;
		goto out;
	}
	g->in_flight = true;
	err = fd_listen(g->fd, FD_READ, on_group_fd, g);
 out:
	if (err)
		mem_deref(g);
	else
		*gp = g;
	return err;
}

/* A viewer whose settings allow it joins a group, or forms one with a
 * viewer of the same settings. */
static void member_consider(struct rfb_member *m)
{
	uint8_t key[KEY_MAX], other[KEY_MAX];
	size_t len, olen;
	struct rfb_group *g;
	struct le *le;

	/* one still framed since it left may have a format change on its
	 * way to its framer (web_desk.h), which a join's new framer would
	 * not see: it joins once its stream runs unframed */
	if (m->state != M_SOLO || m->restarting || bridge_desk(m->br) ||
	    tmr_jiffies() < m->no_join_until || bridge_closed(m->br))
		return;
	len = member_key(m, key);
	if (!len)
		return;
	for (le = m->gs->groups.head; le; le = le->next) {
		g = le->data;
		if (!g->dead && g->key_len == len &&
		    memcmp(g->key, key, len) == 0) {
			member_join(m, g);
			return;
		}
	}
	for (le = m->gs->solos.head; le; le = le->next) {
		struct rfb_member *o = le->data;

		if (o == m || o->restarting || bridge_desk(o->br) ||
		    tmr_jiffies() < o->no_join_until ||
		    bridge_closed(o->br))
			continue;
		olen = member_key(o, other);
		if (olen != len || memcmp(other, key, len) != 0)
			continue;
		if (group_alloc(&g, m->gs, key, len)) {
			m->no_join_until = tmr_jiffies() + REJOIN_MS;
			return;
		}
		log_info("sipvnc: two viewers of the same settings share "
			 "one encoding now\n");
		member_join(o, g);
		member_join(m, g);
		return;
	}
}

void rfb_member_input(struct rfb_member *m)
{
	struct rfb_frame *f;

	if (!m)
		return;
	f = bridge_rfb_frame(m->br);
	if (!f)
		return;
	if (f->left_why && m->state != M_SOLO)
		member_leave(m, f->left_why);
	f->left_why = NULL;
	if (f->pf_new) {
		/* a framed stream changes format where its client takes the
		 * new one, which only a restart learns (member_sync); a
		 * leave above restarts already, and a joiner waits for it */
		if (m->state == M_SOLO && bridge_desk(m->br) &&
		    !m->restarting) {
			m->restarting = true;
			member_sync(m);
		}
		f->pf_new = false;
	}
	if (f->held) {
		f->held = 0;
		m->pending = true;
		member_flush(m);
		if (m->g)
			group_pump(m->g);
	}
	member_consider(m);
}

void rfb_member_output(struct rfb_member *m)
{
	struct web_desk *d;

	if (!m)
		return;
	member_flush(m);
	d = bridge_desk(m->br);
	/* left, restarted, reset bits set, every format change marked:
	 * its stream needs no framing.  (A viewer that sends its format
	 * twice restarts at the first; the second may still be on its way
	 * to the client, which then writes its mark.) */
	if (d && m->state == M_SOLO && !m->restarting &&
	    d->reset_at == UINT64_MAX && web_desk_at_boundary(d) &&
	    d->pos == bridge_read_pos(m->br) && !bridge_marks_due(m->br)) {
		struct rfb_frame *f = bridge_rfb_frame(m->br);

		if (f)
			f->pf_hold = false;
		bridge_unframe(m->br);
	}
}

static void member_destructor(void *data)
{
	struct rfb_member *m = data;

	tmr_cancel(&m->tmr);
	drop_held(m);
	m->br = NULL;
	if (m->g) {
		struct rfb_group *g = m->g;

		list_unlink(&m->le);
		m->g = NULL;
		if (list_count(&g->members) < 2)
			group_end(g, "fewer than two viewers");
	}
	list_unlink(&m->le);
}

int rfb_member_alloc(struct rfb_member **mp, struct rfb_groups *gs,
		     struct bridge *br, struct desktop_client *dc)
{
	struct rfb_member *m;

	if (!mp || !gs || !br || !dc)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), member_destructor);
	if (!m)
		return ENOMEM;
	m->gs = gs;
	m->br = br;
	m->dc = dc;
	tmr_init(&m->tmr);
	list_append(&gs->solos, &m->le, m);
	*mp = m;
	return 0;
}

static void groups_destructor(void *data)
{
	struct rfb_groups *gs = data;
	struct le *le;

	while ((le = gs->groups.head) != NULL) {
		struct rfb_group *g = le->data;

		group_end_now(g);
	}
	while ((le = gs->solos.head) != NULL)
		list_unlink(le);
}

int rfb_groups_alloc(struct rfb_groups **gsp, struct desktop *dt)
{
	struct rfb_groups *gs;

	if (!gsp || !dt)
		return EINVAL;
	gs = mem_zalloc(sizeof(*gs), groups_destructor);
	if (!gs)
		return ENOMEM;
	gs->dt = dt;
	*gsp = gs;
	return 0;
}
