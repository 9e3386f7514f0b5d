/*
 * ratelimit.c - requests per source address, limited before libre's
 * transactions and sessions see them (see ratelimit.h).
 *
 * The limiter is a sip_listen() handler registered before sipsess's and
 * ours: libre hands each request to the listeners in the order they were
 * registered (after its server transactions, which only absorb the
 * retransmissions of requests we already took), and a handler that
 * returns true consumes it.  A request over its source's limit thus costs
 * libre's parse and one table lookup, and nothing stays behind.
 */
#include <string.h>
#include "sip/sipua_int.h"
#include "sip/ratelimit.h"

/* a request costs one token; tokens are kept in thousandths so that a
 * rate in requests a second refills `rate` of them each millisecond */
#define MILLI 1000u
/* the sweep, while a source is being dropped: ends are logged within it */
#define SWEEP_MS 1000

struct slot {
	uint64_t seen;       /* last request (ms): least recent goes first */
	uint64_t refilled;   /* when tokens was last brought up to date */
	uint64_t since;      /* dropping: the first drop */
	uint64_t last_drop;
	uint64_t logged;     /* dropping: the last line about it */
	uint32_t tokens;     /* thousandths of a request */
	uint32_t dropped;    /* since the last line */
	uint32_t total;      /* since the first drop */
	uint8_t addr[16];    /* IPv4 in the first 4 bytes */
	uint8_t family;      /* 0: a free slot */
	bool dropping;
};

struct sipua_ratelimit {
	uint32_t rate;
	uint32_t burst;
	uint64_t key[2];     /* the set hash's, random per process */
	sipua_rl_log_h *logh;
	void *arg;
	const struct sipua *ua;   /* the user agent's limiter: its log */
	unsigned n_exempt;
	struct sa exempt[SIPUA_RL_MAX_EXEMPT];
	/* the user agent's: its listeners and the sweep's timer */
	struct sip_lsnr *req_lsnr;
	struct sip_lsnr *resp_lsnr;
	struct tmr sweep_tmr;
	struct slot slots[SIPUA_RL_SETS][SIPUA_RL_WAYS];
};

static void ratelimit_destructor(void *arg)
{
	struct sipua_ratelimit *rl = arg;

	tmr_cancel(&rl->sweep_tmr);
	rl->req_lsnr = mem_deref(rl->req_lsnr);
	rl->resp_lsnr = mem_deref(rl->resp_lsnr);
}

int sipua_ratelimit_alloc(struct sipua_ratelimit **rlp, uint32_t rate,
			  uint32_t burst, sipua_rl_log_h *logh, void *arg)
{
	struct sipua_ratelimit *rl;

	if (!rlp || !logh || rate > SIPUA_RL_MAX_RATE ||
	    burst > SIPUA_RL_MAX_RATE || (rate && !burst))
		return EINVAL;
	rl = mem_zalloc(sizeof(*rl), ratelimit_destructor);
	if (!rl)
		return ENOMEM;
	rl->rate = rate;
	rl->burst = burst;
	rl->logh = logh;
	rl->arg = arg;
	rand_bytes((uint8_t *)rl->key, sizeof(rl->key));
	tmr_init(&rl->sweep_tmr);
	*rlp = rl;
	return 0;
}

/* The address bytes and family of sa; false for what is not IP. */
static bool addr_of(const struct sa *sa, uint8_t addr[16], uint8_t *family)
{
	memset(addr, 0, 16);
	switch (sa_af(sa)) {
	case AF_INET:
		memcpy(addr, &sa->u.in.sin_addr, 4);
		*family = 4;
		return true;
	case AF_INET6:
		sa_in6(sa, addr);
		*family = 6;
		return true;
	default:
		return false;
	}
}

static uint64_t mix(uint64_t h)
{
	/* MurmurHash3's finaliser: every input bit reaches every output bit */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static unsigned set_of(const struct sipua_ratelimit *rl,
		       const uint8_t addr[16])
{
	uint64_t a, b;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return (unsigned)(mix(mix(a ^ rl->key[0]) ^ b ^ rl->key[1]) %
			  SIPUA_RL_SETS);
}

int sipua_ratelimit_exempt(struct sipua_ratelimit *rl, const struct sa *addr)
{
	uint8_t bytes[16], family;

	if (!rl || !addr || !addr_of(addr, bytes, &family))
		return EINVAL;
	if (sipua_ratelimit_is_exempt(rl, addr))
		return 0;
	if (rl->n_exempt == SIPUA_RL_MAX_EXEMPT)
		return E2BIG;
	rl->exempt[rl->n_exempt++] = *addr;
	return 0;
}

bool sipua_ratelimit_is_exempt(const struct sipua_ratelimit *rl,
			       const struct sa *addr)
{
	unsigned i;

	for (i = 0; rl && i < rl->n_exempt; i++)
		if (sa_cmp(&rl->exempt[i], addr, SA_ADDR))
			return true;
	return false;
}

static void slot_sa(const struct slot *s, struct sa *sa)
{
	if (s->family == 4) {
		sa_init(sa, AF_INET);
		memcpy(&sa->u.in.sin_addr, s->addr, 4);
	}
	else
		sa_set_in6(sa, s->addr, 0);
}

/* A source's drops come to an end (quiet, or its slot is taken). */
static void end_drops(struct sipua_ratelimit *rl, struct slot *s)
{
	struct sa sa;

	slot_sa(s, &sa);
	s->dropping = false;
	rl->logh(SIPUA_RL_ENDED, &sa, s->total, s->last_drop - s->since,
		 rl->arg);
}

/* The slot of addr, or the one it takes: a free one, else the least
 * recently seen (its history is lost, it starts with a full bucket). */
static struct slot *slot_for(struct sipua_ratelimit *rl,
			     const uint8_t addr[16], uint8_t family)
{
	struct slot *set = rl->slots[set_of(rl, addr)];
	struct slot *victim = &set[0];
	unsigned i;

	for (i = 0; i < SIPUA_RL_WAYS; i++) {
		struct slot *s = &set[i];

		if (s->family == family && !memcmp(s->addr, addr, 16))
			return s;
		if (victim->family && (!s->family || s->seen < victim->seen))
			victim = s;
	}
	if (victim->dropping)
		end_drops(rl, victim);
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->addr, addr, 16);
	victim->family = family;
	victim->tokens = rl->burst * MILLI;
	return victim;
}

bool sipua_ratelimit_check(struct sipua_ratelimit *rl, const struct sa *src,
			   uint64_t now)
{
	uint8_t addr[16], family;
	uint64_t tokens;
	struct slot *s;

	if (!rl || !rl->rate || !src || !addr_of(src, addr, &family) ||
	    sipua_ratelimit_is_exempt(rl, src))
		return true;
	s = slot_for(rl, addr, family);
	/* the clock only moves forward; a slot just taken refills from now */
	if (!s->seen || now < s->refilled)
		s->refilled = now;
	tokens = s->tokens + (now - s->refilled) * rl->rate;
	s->tokens = (uint32_t)min(tokens, (uint64_t)rl->burst * MILLI);
	s->refilled = now;
	s->seen = now ? now : 1;
	if (s->tokens >= MILLI) {
		s->tokens -= MILLI;
		return true;
	}
	s->last_drop = now;
	s->dropped++;
	if (s->dropping) {
		s->total++;
		return false;
	}
	s->dropping = true;
	s->since = now;
	s->logged = now;
	s->total = 1;
	s->dropped = 0;   /* the first line counts this one */
	{
		struct sa sa;

		slot_sa(s, &sa);
		rl->logh(SIPUA_RL_FIRST_DROP, &sa, 1, 0, rl->arg);
	}
	return false;
}

bool sipua_ratelimit_sweep(struct sipua_ratelimit *rl, uint64_t now)
{
	bool still = false;
	unsigned i, j;

	for (i = 0; rl && i < SIPUA_RL_SETS; i++) {
		for (j = 0; j < SIPUA_RL_WAYS; j++) {
			struct slot *s = &rl->slots[i][j];
			struct sa sa;

			if (!s->dropping)
				continue;
			if (now >= s->last_drop &&
			    now - s->last_drop >= SIPUA_RL_QUIET_MS) {
				end_drops(rl, s);
				continue;
			}
			still = true;
			if (now < s->logged ||
			    now - s->logged < SIPUA_RL_LOG_EVERY_MS)
				continue;
			slot_sa(s, &sa);
			rl->logh(SIPUA_RL_STILL, &sa, s->dropped,
				 now - s->logged, rl->arg);
			s->dropped = 0;
			s->logged = now;
		}
	}
	return still;
}

unsigned sipua_ratelimit_count(const struct sipua_ratelimit *rl)
{
	unsigned i, j, n = 0;

	for (i = 0; rl && i < SIPUA_RL_SETS; i++)
		for (j = 0; j < SIPUA_RL_WAYS; j++)
			n += rl->slots[i][j].family != 0;
	return n;
}

/* --- the user agent's limiter */

static void log_event(enum sipua_rl_event ev, const struct sa *src,
		      uint32_t count, uint64_t ms, void *arg)
{
	const struct sipua_ratelimit *rl = arg;
	const struct sipua *ua = rl->ua;

	switch (ev) {
	case SIPUA_RL_FIRST_DROP:
		sipua_log(ua,
			  "requests from %j over sip_rate_limit (%u/s, burst "
			  "%u): dropping them\n", src, rl->rate, rl->burst);
		break;
	case SIPUA_RL_STILL:
		sipua_log(ua,
			  "requests from %j: %u dropped in the last %llu s\n",
			  src, count, (unsigned long long)(ms / 1000));
		break;
	case SIPUA_RL_ENDED:
		sipua_log(ua, "requests from %j under sip_rate_limit again: %u "
			  "dropped in %llu s\n", src, count,
			  (unsigned long long)((ms + 999) / 1000));
		break;
	}
}

static void sweep(void *arg)
{
	struct sipua_ratelimit *rl = arg;

	if (sipua_ratelimit_sweep(rl, tmr_jiffies()))
		tmr_start(&rl->sweep_tmr, SWEEP_MS, sweep, rl);
}

/* Every request and every response no transaction took (a stray 2xx
 * retransmission, or junk that libre would log): true consumes it. */
static bool msg_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_ratelimit *rl = arg;

	if (sipua_ratelimit_check(rl, &msg->src, tmr_jiffies()))
		return false;
	if (!tmr_isrunning(&rl->sweep_tmr))
		tmr_start(&rl->sweep_tmr, SWEEP_MS, sweep, rl);
	return true;
}

/* A whole number of at most 7 digits, as all of str. */
static bool read_number(const char *str, uint32_t *val)
{
	size_t i, len = strlen(str);

	*val = 0;
	if (!len || len > 7)
		return false;
	for (i = 0; i < len; i++) {
		if (str[i] < '0' || str[i] > '9')
			return false;
		*val = *val * 10 + (uint32_t)(str[i] - '0');
	}
	return true;
}

/* sip_rate_limit: requests a second (0: no limit); sip_rate_burst: how
 * many may come at once (default SIPUA_RL_DEFAULT_BURST, at least the
 * rate).  Two keys: libre's conf_get() gives one word. */
static int read_limit(const struct sipua *ua, const struct conf *conf,
		      uint32_t *rate, uint32_t *burst)
{
	char buf[64];

	*rate = SIPUA_RL_DEFAULT_RATE;
	if (!conf_get_str(conf, "sip_rate_limit", buf, sizeof(buf)) &&
	    (!read_number(buf, rate) || *rate > SIPUA_RL_MAX_RATE)) {
		sipua_log(ua,
			  "bad sip_rate_limit '%s' (requests a second, 0 for "
			  "no limit)\n", buf);
		return EINVAL;
	}
	*burst = max(*rate, (uint32_t)SIPUA_RL_DEFAULT_BURST);
	if (!conf_get_str(conf, "sip_rate_burst", buf, sizeof(buf)) &&
	    (!read_number(buf, burst) || !*burst ||
	     *burst > SIPUA_RL_MAX_RATE)) {
		sipua_log(ua, "bad sip_rate_burst '%s' (requests at once, 1 or "
			  "more)\n", buf);
		return EINVAL;
	}
	return 0;
}

/* A server's address when its URI names one (a name is learnt when it
 * answers: sipua_ratelimit_learn). */
static void exempt_uri(struct sipua_ratelimit *rl, const char *uri_str)
{
	const struct sipua *ua = rl->ua;
	struct uri uri;
	struct pl pl;
	struct sa sa;

	pl_set_str(&pl, uri_str);
	if (uri_decode(&uri, &pl) || sa_set(&sa, &uri.host, 0))
		return;
	if (sipua_ratelimit_exempt(rl, &sa) == E2BIG)
		sipua_log(ua, "sip_rate_limit: more than %u exempt servers, %j "
			  "is limited\n", SIPUA_RL_MAX_EXEMPT, &sa);
}

int sipua_ratelimit_open(struct sipua *ua, const struct conf *conf)
{
	struct sipua_ratelimit *rl;
	uint32_t rate, burst;
	unsigned i;
	int err;

	err = read_limit(ua, conf, &rate, &burst);
	if (!err)
		err = sipua_ratelimit_alloc(&rl, rate, burst, log_event, NULL);
	if (err)
		return err;
	rl->arg = rl;
	rl->ua = ua;
	for (i = 0; i < ua->trust.n; i++)
		(void)sipua_ratelimit_exempt(rl, &ua->trust.proxies[i]);
	for (i = 0; i < ua->n_accounts; i++) {
		exempt_uri(rl, ua->accounts[i].acc.registrar);
		exempt_uri(rl, ua->accounts[i].acc.outbound);
	}
	err = sip_listen(&rl->req_lsnr, ua->sip, true, msg_handler, rl);
	if (!err)
		err = sip_listen(&rl->resp_lsnr, ua->sip, false, msg_handler,
				 rl);
	if (err) {
		mem_deref(rl);
		return err;
	}
	ua->ratelimit = rl;
	return 0;
}

void sipua_ratelimit_learn(struct sipua *ua, const struct sa *server)
{
	struct sipua_ratelimit *rl = ua ? ua->ratelimit : NULL;

	if (!rl || !server || sipua_ratelimit_is_exempt(rl, server))
		return;
	if (sipua_ratelimit_exempt(rl, server))
		sipua_log(ua, "sip_rate_limit: more than %u exempt servers, %j "
			  "is limited\n", SIPUA_RL_MAX_EXEMPT, server);
	else
		sipua_log(ua, "%j answered as our SIP server: not rate "
			  "limited\n", server);
}
