/*
 * ratelimit.h - private to sip/: requests per source address, limited
 * before they cost a transaction, in the way of Kamailio's pike module.
 *
 * Each source address has a token bucket (rate per second, burst).  A
 * request over it is dropped without an answer: an answer would cost us
 * as much as the request costs the sender.  The addresses live in a fixed
 * table (SIPUA_RL_SETS sets of SIPUA_RL_WAYS slots, the set chosen by a
 * hash under a per-process random key so that a sender cannot aim at
 * one); a new address takes the least recently seen slot of its set.
 * Memory is the table's, whatever the number of senders.
 *
 * The first drop of a source, each minute it goes on being dropped, and
 * the end are logged once each, with the address and the count.  Exempt
 * addresses (registrars, outbound proxies, trusted proxies: a busy proxy
 * carries many callers) are never limited.
 */
#ifndef SIPVNC_RATELIMIT_H
#define SIPVNC_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

#define SIPUA_RL_WAYS 8
#define SIPUA_RL_SETS 512              /* 4096 sources, 256 KB */
#define SIPUA_RL_MAX_EXEMPT 32
#define SIPUA_RL_DEFAULT_RATE 20       /* requests a second */
#define SIPUA_RL_DEFAULT_BURST 100
#define SIPUA_RL_MAX_RATE 1000000
#define SIPUA_RL_LOG_EVERY_MS 60000
/* a source not dropped for this long is under the limit again: its total
 * is logged, and its next drop is news */
#define SIPUA_RL_QUIET_MS 5000

struct sipua_ratelimit;
struct sipua;
struct conf;

/* What sipua_ratelimit_check() and _sweep() ask their owner to log. */
enum sipua_rl_event {
	SIPUA_RL_FIRST_DROP,   /* the source's first request dropped */
	SIPUA_RL_STILL,        /* count: dropped in the last minute */
	SIPUA_RL_ENDED,        /* count: dropped in all, over ms */
};

typedef void (sipua_rl_log_h)(enum sipua_rl_event ev, const struct sa *src,
			      uint32_t count, uint64_t ms, void *arg);

/* A table for rate requests a second and a burst of burst (rate 0: no
 * limit, every check passes).  logh is called for each event. */
int sipua_ratelimit_alloc(struct sipua_ratelimit **rlp, uint32_t rate,
			  uint32_t burst, sipua_rl_log_h *logh, void *arg);

/* Never limit addr (the port does not matter).  0, EINVAL, or E2BIG
 * when SIPUA_RL_MAX_EXEMPT addresses are exempt already. */
int sipua_ratelimit_exempt(struct sipua_ratelimit *rl, const struct sa *addr);
bool sipua_ratelimit_is_exempt(const struct sipua_ratelimit *rl,
			       const struct sa *addr);

/* One request from src at now (ms, monotonic): true to let it pass. */
bool sipua_ratelimit_check(struct sipua_ratelimit *rl, const struct sa *src,
			   uint64_t now);

/* Log the minute's counts and the ends due at now; true while some source
 * is still being dropped (sweep again later). */
bool sipua_ratelimit_sweep(struct sipua_ratelimit *rl, uint64_t now);

/* Sources in the table now (at most SIPUA_RL_SETS * SIPUA_RL_WAYS). */
unsigned sipua_ratelimit_count(const struct sipua_ratelimit *rl);

/* The user agent's limiter: the sip_rate_limit key, exempting the
 * accounts' servers and trusted proxies given as addresses, and a SIP
 * listener that must be registered before any other one. */
int sipua_ratelimit_open(struct sipua *ua, const struct conf *conf);

/* A server that answered us (a registrar, through the outbound proxy):
 * its requests are never limited. */
void sipua_ratelimit_learn(struct sipua *ua, const struct sa *server);

#endif
