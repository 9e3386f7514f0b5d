/*
 * tcpguard.c - caps and an idle timeout for the TCP and TLS connections
 * on our SIP listeners (see tcpguard.h).
 */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "sip/sipua_int.h"
#include "sip/ratelimit.h"
#include "sip/tcpguard.h"

#define SWEEP_MS 1000
#define HASH_BUCKETS 256
/* a dead caller's connection goes within a minute, whatever libre's
 * timers say (the same figures as MSRP's) */
#define KEEPALIVE_IDLE_S 30
#define KEEPALIVE_INTVL_S 10
#define KEEPALIVE_CNT 3
#define USER_TIMEOUT_MS 60000
/* descriptors the rest of the process may need, whatever the cap */
#define FD_RESERVE_SHARE 4   /* a quarter of the limit */

struct tconn {
	struct le he;
	struct sipua_tcpg_conn c;
	struct sa local;
	int fd;
	uint32_t gen;        /* the sweep that saw it last */
	bool tuned;          /* keepalive set */
	bool shut;           /* shut down: libre closes it */
};

struct sipua_tcpguard {
	struct sipua *ua;
	struct sipua_tcpg_limits lim;
	uint32_t defer_s;
	struct tmr tmr;
	struct hash *ht;     /* struct tconn, by peer address and port */
	struct sipua_tcpg_conn **vec;   /* the sweep's, reused */
	size_t vec_size;
	uint32_t gen;
};

/* --- the policy */

static int addr_cmp(const struct sa *a, const struct sa *b)
{
	uint8_t x[16] = {0}, y[16] = {0};

	if (sa_af(a) != sa_af(b))
		return sa_af(a) < sa_af(b) ? -1 : 1;
	if (sa_af(a) == AF_INET) {
		memcpy(x, &a->u.in.sin_addr, 4);
		memcpy(y, &b->u.in.sin_addr, 4);
	}
	else if (sa_af(a) == AF_INET6) {
		sa_in6(a, x);
		sa_in6(b, y);
	}
	return memcmp(x, y, sizeof(x));
}

/* by address, then oldest first */
static int by_addr_age(const void *pa, const void *pb)
{
	const struct sipua_tcpg_conn *a = *(struct sipua_tcpg_conn *const *)pa;
	const struct sipua_tcpg_conn *b = *(struct sipua_tcpg_conn *const *)pb;
	int c = addr_cmp(&a->peer, &b->peer);

	if (c)
		return c;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* longest idle first */
static int by_idle(const void *pa, const void *pb)
{
	const struct sipua_tcpg_conn *a = *(struct sipua_tcpg_conn *const *)pa;
	const struct sipua_tcpg_conn *b = *(struct sipua_tcpg_conn *const *)pb;

	return a->last_rx < b->last_rx ? -1 : a->last_rx > b->last_rx;
}

void sipua_tcpguard_decide(struct sipua_tcpg_conn **v, size_t n,
			   const struct sipua_tcpg_limits *lim, uint64_t now,
			   struct sipua_tcpg_counts *cnt)
{
	size_t i, j, alive = n;

	memset(cnt, 0, sizeof(*cnt));
	if (!v || !n || !lim)
		return;
	for (i = 0; i < n; i++)
		v[i]->cut = false;
	if (lim->per_addr) {
		qsort(v, n, sizeof(struct sipua_tcpg_conn *), by_addr_age);
		for (i = 0; i < n; i = j) {
			size_t kept = 0, k;

			for (j = i; j < n && !addr_cmp(&v[i]->peer,
						       &v[j]->peer); j++)
				kept += v[j]->keep;
			/* the kept ones take their places first, then the
			 * oldest: a caller's first connection is not pushed
			 * out by its later flood */
			for (k = i; k < j; k++) {
				if (v[k]->keep)
					continue;
				if (kept < lim->per_addr) {
					kept++;
					continue;
				}
				v[k]->cut = true;
				cnt->per_addr++;
				alive--;
			}
		}
	}
	for (i = 0; lim->idle_ms && i < n; i++) {
		if (v[i]->cut || v[i]->keep || now < v[i]->last_rx ||
		    now - v[i]->last_rx < lim->idle_ms)
			continue;
		v[i]->cut = true;
		cnt->idle++;
		alive--;
	}
	if (!lim->max_conns || alive <= lim->max_conns)
		return;
	qsort(v, n, sizeof(struct sipua_tcpg_conn *), by_idle);
	for (i = 0; i < n && alive > lim->max_conns; i++) {
		if (v[i]->cut || v[i]->keep)
			continue;
		v[i]->cut = true;
		cnt->total++;
		alive--;
	}
}

/* --- the user agent's guard */

static bool peer_eq(struct le *le, void *arg)
{
	const struct tconn *tc = le->data;
	const struct tconn *key = arg;

	return sa_cmp(&tc->c.peer, &key->c.peer, SA_ALL) &&
	       sa_cmp(&tc->local, &key->local, SA_ALL);
}

static struct tconn *tconn_find(const struct sipua_tcpguard *g,
				const struct sa *peer, const struct sa *local)
{
	struct tconn key;

	key.c.peer = *peer;
	key.local = *local;
	return list_ledata(hash_lookup(g->ht, sa_hash(peer, SA_ALL), peer_eq,
				       &key));
}

/* Whether local is one of our SIP TCP or TLS listeners' addresses. */
static bool is_sip_stream_laddr(const struct sipua *ua, const struct sa *local)
{
	return sip_transp_isladdr(ua->sip, SIP_TRANSP_TCP, local) ||
	       sip_transp_isladdr(ua->sip, SIP_TRANSP_TLS, local);
}

/* libre's trace: a SIP message that came in on an accepted connection
 * is its activity (libre hands CRLF keepalives to nobody). */
static void trace_handler(bool tx, enum sip_transp tp, const struct sa *src,
			  const struct sa *dst, const uint8_t *pkt, size_t len,
			  void *arg)
{
	struct sipua *ua = arg;
	struct sipua_tcpguard *g = ua ? ua->tcpguard : NULL;
	struct tconn *tc;

	(void)pkt;
	(void)len;
	if (!g || tx || (tp != SIP_TRANSP_TCP && tp != SIP_TRANSP_TLS))
		return;
	tc = tconn_find(g, src, dst);
	if (tc)
		tc->c.last_rx = tmr_jiffies();
	/* one the sweep has not seen yet starts active anyway */
}

static void tune(struct tconn *tc)
{
	int on = 1, idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTVL_S;
	int cnt = KEEPALIVE_CNT;
	unsigned user_ms = USER_TIMEOUT_MS;

	tc->tuned = true;
	(void)setsockopt(tc->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	(void)setsockopt(tc->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
			 sizeof(idle));
	(void)setsockopt(tc->fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
			 sizeof(intvl));
	(void)setsockopt(tc->fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	(void)setsockopt(tc->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms,
			 sizeof(user_ms));
}

/* fd is a connection accepted on one of our SIP stream listeners: its
 * local and peer addresses into local and peer.  Cheapest test first: a
 * descriptor that is not ours to look at costs one getsockname(). */
static bool accepted_sip_conn(const struct sipua *ua, int fd,
			      struct sa *local, struct sa *peer)
{
	int type = 0;
	socklen_t len = sizeof(type);

	sa_init(local, AF_UNSPEC);
	local->len = sizeof(local->u);
	if (getsockname(fd, &local->u.sa, &local->len) ||
	    (sa_af(local) != AF_INET && sa_af(local) != AF_INET6) ||
	    !is_sip_stream_laddr(ua, local))
		return false;
	/* our SIP UDP socket has the same address and port; a listener
	 * has no peer */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_STREAM)
		return false;
	sa_init(peer, AF_UNSPEC);
	peer->len = sizeof(peer->u);
	return !getpeername(fd, &peer->u.sa, &peer->len);
}

/* A new or known connection, seen by this sweep. */
static struct tconn *note_conn(struct sipua_tcpguard *g, int fd,
			       const struct sa *local, const struct sa *peer,
			       uint64_t now)
{
	struct tconn *tc = tconn_find(g, peer, local);

	if (!tc) {
		tc = mem_zalloc(sizeof(*tc), NULL);
		if (!tc)
			return NULL;
		tc->c.peer = *peer;
		tc->local = *local;
		tc->c.first = now;
		tc->c.last_rx = now;
		hash_append(g->ht, sa_hash(peer, SA_ALL), &tc->he, tc);
	}
	tc->fd = fd;
	tc->gen = g->gen;
	if (!tc->tuned)
		tune(tc);
	return tc;
}

static bool drop_unseen(struct le *le, void *arg)
{
	struct tconn *tc = le->data;
	const struct sipua_tcpguard *g = arg;

	if (tc->gen != g->gen) {
		hash_unlink(&tc->he);
		mem_deref(tc);
	}
	return false;
}

static bool vec_push(struct sipua_tcpguard *g, size_t n,
		     struct sipua_tcpg_conn *c)
{
	if (n == g->vec_size) {
		size_t size = g->vec_size * 2;
		/* libre's mem_realloc() wants memory it allocated */
		void *v = mem_realloc(g->vec, size *
				      sizeof(struct sipua_tcpg_conn *));

		if (!v)
			return false;
		g->vec = v;
		g->vec_size = size;
	}
	g->vec[n] = c;
	return true;
}

/* Calls keep the connection their INVITE came on. */
static void mark_calls(struct sipua_tcpguard *g)
{
	struct le *le;

	for (le = g->ua->calls.head; le; le = le->next) {
		const struct sipua_call *call = le->data;
		struct tconn *tc;

		if (call->sip_tp != SIP_TRANSP_TCP &&
		    call->sip_tp != SIP_TRANSP_TLS)
			continue;
		tc = tconn_find(g, &call->sip_src, &call->sip_dst);
		if (tc)
			tc->c.keep = true;
	}
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sweep(void *arg)
{
	struct sipua_tcpguard *g = arg;
	struct sipua *ua = g->ua;
	struct sipua_tcpg_counts cnt;
	uint64_t now = tmr_jiffies(), t0 = now_us();
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0, i;

	tmr_start(&g->tmr, SWEEP_MS, sweep, g);
	if (!d)
		return;
	g->gen++;
	while ((e = readdir(d)) != NULL) {
		struct sa local, peer;
		struct tconn *tc;
		int fd = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    fd == dirfd(d) || !accepted_sip_conn(ua, fd, &local, &peer))
			continue;
		tc = note_conn(g, fd, &local, &peer, now);
		if (!tc)
			continue;
		tc->c.keep = sipua_ratelimit_is_exempt(ua->ratelimit, &peer);
		if (!tc->shut && !vec_push(g, n, &tc->c))
			break;
		n += !tc->shut;
	}
	closedir(d);
	/* gone from the descriptors: libre closed them */
	(void)hash_apply(g->ht, drop_unseen, g);
	mark_calls(g);
	sipua_tcpguard_decide(g->vec, n, &g->lim, now, &cnt);
	for (i = 0; i < n; i++) {
		struct tconn *tc;

		if (!g->vec[i]->cut)
			continue;
		tc = (struct tconn *)(void *)((char *)g->vec[i] -
					      offsetof(struct tconn, c));
		/* libre reads EOF, frees its connection and closes the
		 * descriptor in its own time */
		(void)shutdown(tc->fd, SHUT_RDWR);
		tc->shut = true;
	}
	if (cnt.per_addr || cnt.idle || cnt.total)
		sipua_warn(ua, "SIP over TCP/TLS: closed %u over "
			   "sip_tcp_max_per_addr, %u idle past "
			   "sip_tcp_idle_timeout, %u over sip_tcp_max_conns "
			   "(%zu connections, sweep %llu us)\n", cnt.per_addr,
			   cnt.idle, cnt.total, n,
			   (unsigned long long)(now_us() - t0));
	else if (n)
		sip_log(ua, DBG_DEBUG, "sip: SIP over TCP/TLS: %zu connections,"
			" sweep %llu us\n", n,
			(unsigned long long)(now_us() - t0));
}

static void tcpguard_destructor(void *arg)
{
	struct sipua_tcpguard *g = arg;

	tmr_cancel(&g->tmr);
	hash_flush(g->ht);
	mem_deref(g->ht);
	mem_deref(g->vec);
}

/* sip_tcp_max_conns within what the descriptor limit leaves the rest. */
static uint32_t fd_budget(const struct sipua *ua, uint32_t max)
{
	struct rlimit rl;
	rlim_t budget;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return max;
	budget = rl.rlim_cur - rl.rlim_cur / FD_RESERVE_SHARE;
	if (max && max <= budget)
		return max;
	sipua_log(ua, "sip_tcp_max_conns: %u with a limit of %llu "
		  "descriptors\n", (unsigned)budget,
		  (unsigned long long)rl.rlim_cur);
	return (uint32_t)budget;
}

int sipua_tcpguard_open(struct sipua *ua, const struct conf *conf)
{
	struct sipua_tcpguard *g;
	uint32_t idle_s = SIPUA_TCPG_DEFAULT_IDLE_S;
	int err;

	g = mem_zalloc(sizeof(*g), tcpguard_destructor);
	if (!g)
		return ENOMEM;
	g->ua = ua;
	g->lim.per_addr = SIPUA_TCPG_DEFAULT_PER_ADDR;
	g->lim.max_conns = SIPUA_TCPG_DEFAULT_MAX;
	g->defer_s = SIPUA_TCPG_DEFAULT_DEFER_S;
	(void)conf_get_u32(conf, "sip_tcp_max_per_addr", &g->lim.per_addr);
	(void)conf_get_u32(conf, "sip_tcp_max_conns", &g->lim.max_conns);
	(void)conf_get_u32(conf, "sip_tcp_idle_timeout", &idle_s);
	(void)conf_get_u32(conf, "sip_tcp_defer_accept", &g->defer_s);
	g->lim.idle_ms = (uint64_t)min(idle_s, 86400u) * 1000;
	g->lim.max_conns = fd_budget(ua, g->lim.max_conns);
	g->defer_s = min(g->defer_s, 60u);
	tmr_init(&g->tmr);
	err = hash_alloc(&g->ht, HASH_BUCKETS);
	g->vec_size = 256;
	g->vec = mem_zalloc(g->vec_size * sizeof(struct sipua_tcpg_conn *),
			    NULL);
	if (!err && !g->vec)
		err = ENOMEM;
	if (err) {
		mem_deref(g);
		return err;
	}
	ua->tcpguard = g;
	/* libre's one trace slot: sip/ sets no other handler (chain here
	 * if one ever comes) */
	sip_set_trace_handler(ua->sip, trace_handler);
	tmr_start(&g->tmr, SWEEP_MS, sweep, g);
	return 0;
}

void sipua_tcpguard_listeners(struct sipua *ua)
{
	const struct sipua_tcpguard *g = ua ? ua->tcpguard : NULL;
	DIR *d;
	struct dirent *e;

	if (!g || !(d = opendir("/proc/self/fd")))
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), on = 0, secs = (int)g->defer_s;
		socklen_t len = sizeof(on);
		struct sa local;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    fd == dirfd(d) ||
		    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) ||
		    !on)
			continue;
		sa_init(&local, AF_UNSPEC);
		local.len = sizeof(local.u);
		if (getsockname(fd, &local.u.sa, &local.len) ||
		    !is_sip_stream_laddr(ua, &local))
			continue;
		/* a connection that sends nothing waits in the kernel, not
		 * in libre (nor in a descriptor of ours) */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs,
				 sizeof(secs));
	}
	closedir(d);
}
