/*
 * sip_ratelimit_test.c - the per-source limit (token buckets, bounded
 * table, exemptions, the log events) and the stateless refusals' To tag.
 */
#include <string.h>
#include <re.h>
#include "sip/ratelimit.h"
#include "sip/sreply.h"
#include "tests/unit/check.h"

struct events {
	unsigned first, still, ended;
	uint32_t last_count;
	uint64_t last_ms;
	struct sa last_src;
};

static void logh(enum sipua_rl_event ev, const struct sa *src, uint32_t count,
		 uint64_t ms, void *arg)
{
	struct events *e = arg;

	e->last_src = *src;
	e->last_count = count;
	e->last_ms = ms;
	if (ev == SIPUA_RL_FIRST_DROP)
		e->first++;
	else if (ev == SIPUA_RL_STILL)
		e->still++;
	else
		e->ended++;
}

static struct sa addr(const char *s)
{
	struct sa sa;

	(void)sa_set_str(&sa, s, 5060);
	return sa;
}

/* How many of n requests at now pass. */
static unsigned passes(struct sipua_ratelimit *rl, const struct sa *src,
		       unsigned n, uint64_t now)
{
	unsigned i, ok = 0;

	for (i = 0; i < n; i++)
		ok += sipua_ratelimit_check(rl, src, now);
	return ok;
}

static void test_bucket(void)
{
	struct sipua_ratelimit *rl = NULL;
	struct events e;
	struct sa a = addr("192.0.2.1"), b = addr("192.0.2.2");
	struct sa a_other_port = addr("192.0.2.1");
	struct sa v6 = addr("2001:db8::1");

	memset(&e, 0, sizeof(e));
	sa_set_port(&a_other_port, 4000);
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 10, 20, logh, &e), 0);
	/* the burst, then nothing until tokens come back */
	CHECK_EQ_INT(passes(rl, &a, 25, 1000), 20);
	CHECK_EQ_INT(e.first, 1);
	CHECK_EQ_INT(e.last_count, 1);
	CHECK(sa_cmp(&e.last_src, &a, SA_ADDR));
	/* the port does not make another source */
	CHECK_EQ_INT(passes(rl, &a_other_port, 1, 1000), 0);
	CHECK_EQ_INT(e.first, 1);   /* logged once, not per drop */
	/* another source has its own bucket */
	CHECK_EQ_INT(passes(rl, &b, 20, 1000), 20);
	CHECK_EQ_INT(passes(rl, &v6, 20, 1000), 20);
	CHECK_EQ_INT(passes(rl, &v6, 1, 1000), 0);
	/* 10 a second: 100 ms buys one request, 1 s ten */
	CHECK_EQ_INT(passes(rl, &a, 5, 1099), 0);
	CHECK_EQ_INT(passes(rl, &a, 5, 1100), 1);
	CHECK_EQ_INT(passes(rl, &a, 20, 2100), 10);
	/* a long silence fills the bucket up to the burst, no more */
	CHECK_EQ_INT(passes(rl, &a, 50, 100000), 20);
	/* a clock that goes back gives nothing */
	CHECK_EQ_INT(passes(rl, &a, 5, 50000), 0);
	CHECK_EQ_INT(sipua_ratelimit_count(rl), 3);
	mem_deref(rl);
}

static void test_log_events(void)
{
	struct sipua_ratelimit *rl = NULL;
	struct events e;
	struct sa a = addr("192.0.2.1");
	uint64_t t;

	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 10, 10, logh, &e), 0);
	CHECK_EQ_INT(passes(rl, &a, 10, 1000), 10);
	CHECK_EQ_INT(passes(rl, &a, 5, 1000), 0);
	CHECK_EQ_INT(e.first, 1);
	/* 100 requests a second: 10 pass, 90 are dropped each second */
	for (t = 1000; t < 61000; t += 10)
		(void)passes(rl, &a, 1, t);
	CHECK(sipua_ratelimit_sweep(rl, 60999));
	CHECK_EQ_INT(e.still, 0);   /* not a minute yet */
	CHECK(sipua_ratelimit_sweep(rl, 61000));
	CHECK_EQ_INT(e.still, 1);
	/* the minute's drops: 4 + 6000 requests, 599 of them passed */
	CHECK_EQ_INT(e.last_count, 5405);
	CHECK_EQ_INT(e.last_ms, 60000);
	for (; t < 71000; t += 10)
		(void)passes(rl, &a, 1, t);
	CHECK(sipua_ratelimit_sweep(rl, 61500));
	CHECK_EQ_INT(e.still, 1);   /* once a minute */
	CHECK_EQ_INT(e.first, 1);
	/* quiet: the end, with the total */
	CHECK(sipua_ratelimit_sweep(rl, 70990 + SIPUA_RL_QUIET_MS - 1));
	CHECK(!sipua_ratelimit_sweep(rl, 70990 + SIPUA_RL_QUIET_MS));
	CHECK_EQ_INT(e.ended, 1);
	CHECK_EQ_INT(e.last_count, 5 + 5401 + 900);
	CHECK_EQ_INT(e.last_ms, 70990 - 1000);
	/* dropping again is news again */
	CHECK_EQ_INT(passes(rl, &a, 20, 200000), 10);
	CHECK_EQ_INT(e.first, 2);
	mem_deref(rl);
}

static void test_bounded(void)
{
	struct sipua_ratelimit *rl = NULL;
	struct events e;
	struct sa a = addr("198.51.100.7"), src;
	unsigned i, n = SIPUA_RL_SETS * SIPUA_RL_WAYS;

	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 1, 2, logh, &e), 0);
	/* one flooder, being dropped */
	CHECK_EQ_INT(passes(rl, &a, 10, 1000), 2);
	/* then a hundred thousand other sources, one request each: the
	 * table stays the same size, each newcomer gets its burst */
	sa_init(&src, AF_INET);
	for (i = 0; i < 100000; i++) {
		sa_set_in(&src, 0x0a000000 + i, 5060);
		if (!sipua_ratelimit_check(rl, &src, 1001 + i / 1000))
			break;
	}
	CHECK_EQ_INT(i, 100000);
	CHECK_EQ_INT(sipua_ratelimit_count(rl), n);
	/* the flooder's slot went to a newer source: its drops were
	 * logged as ended, and it starts again with a full bucket */
	CHECK_EQ_INT(e.ended, 1);
	CHECK(sa_cmp(&e.last_src, &a, SA_ADDR));
	CHECK_EQ_INT(passes(rl, &a, 3, 200000), 2);
	mem_deref(rl);
}

static void test_exempt_and_off(void)
{
	struct sipua_ratelimit *rl = NULL;
	struct events e;
	struct sa proxy = addr("192.0.2.10"), other = addr("192.0.2.11");
	struct sa proxy_port = addr("192.0.2.10");
	unsigned i;

	memset(&e, 0, sizeof(e));
	sa_set_port(&proxy_port, 5080);
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 1, 1, logh, &e), 0);
	CHECK_EQ_INT(sipua_ratelimit_exempt(rl, &proxy), 0);
	CHECK_EQ_INT(sipua_ratelimit_exempt(rl, &proxy), 0);   /* once */
	CHECK(sipua_ratelimit_is_exempt(rl, &proxy_port));
	CHECK_EQ_INT(passes(rl, &proxy_port, 1000, 1000), 1000);
	CHECK_EQ_INT(passes(rl, &other, 3, 1000), 1);
	CHECK_EQ_INT(sipua_ratelimit_count(rl), 1);   /* only the other */
	/* a bounded list of exemptions */
	for (i = 1; i < SIPUA_RL_MAX_EXEMPT; i++) {
		struct sa sa;

		sa_set_in(&sa, 0xc0000300 + i, 0);
		CHECK_EQ_INT(sipua_ratelimit_exempt(rl, &sa), 0);
	}
	CHECK_EQ_INT(sipua_ratelimit_exempt(rl, &other), E2BIG);
	mem_deref(rl);

	/* rate 0: no limit at all */
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 0, 0, logh, &e), 0);
	CHECK_EQ_INT(passes(rl, &other, 10000, 1), 10000);
	mem_deref(rl);
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, 5, 0, logh, &e), EINVAL);
	CHECK_EQ_INT(sipua_ratelimit_alloc(&rl, SIPUA_RL_MAX_RATE + 1, 1,
					   logh, &e), EINVAL);
}

static int decode(struct sip_msg **msgp, const char *text)
{
	struct mbuf *mb = mbuf_alloc(1024);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, text);
	mb->pos = 0;
	if (!err)
		err = sip_msg_decode(msgp, mb);
	mem_deref(mb);
	return err;
}

static void test_sreply_tag(void)
{
	static const uint8_t key[20] = "0123456789abcdefghi";
	static const uint8_t other_key[20] = "0123456789abcdefghX";
	const char *inv = "INVITE sip:desk@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKaaa\r\n"
		"From: <sip:eve@example.org>;tag=f1\r\n"
		"To: <sip:desk@192.0.2.1>\r\n"
		"Call-ID: c1@192.0.2.2\r\nCSeq: 1 INVITE\r\n"
		"Content-Length: 0\r\n\r\n";
	const char *other = "INVITE sip:desk@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKbbb\r\n"
		"From: <sip:eve@example.org>;tag=f1\r\n"
		"To: <sip:desk@192.0.2.1>\r\n"
		"Call-ID: c1@192.0.2.2\r\nCSeq: 2 INVITE\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg *m1 = NULL, *m2 = NULL, *m3 = NULL;

	CHECK_EQ_INT(decode(&m1, inv), 0);
	CHECK_EQ_INT(decode(&m2, inv), 0);   /* its retransmission */
	CHECK_EQ_INT(decode(&m3, other), 0); /* the next request */
	if (m1 && m2 && m3) {
		uint64_t t1 = sipua_sreply_tag(m1, key, sizeof(key));

		/* libre's own tag differs per datagram; ours does not */
		CHECK(m1->tag != m2->tag);
		CHECK(t1 == sipua_sreply_tag(m2, key, sizeof(key)));
		CHECK(t1 != sipua_sreply_tag(m3, key, sizeof(key)));
		CHECK(t1 != sipua_sreply_tag(m1, other_key, sizeof(key)));
	}
	mem_deref(m1);
	mem_deref(m2);
	mem_deref(m3);
}

int main(void)
{
	if (libre_init())
		return 1;
	test_bucket();
	test_log_events();
	test_bounded();
	test_exempt_and_off();
	test_sreply_tag();
	libre_close();
	CHECK_DONE("sip_ratelimit_test");
}
