/*
 * sip_tcpguard_test.c - the SIP TCP/TLS guard's policy: which accepted
 * connections go over the per-address cap, when idle, and over the
 * total cap, and that a kept one (a call's flow, a proxy) never goes.
 */
#include <string.h>
#include <re.h>
#include "sip/tcpguard.h"
#include "tests/unit/check.h"

#define MAX_CONNS 64

struct set {
	struct sipua_tcpg_conn c[MAX_CONNS];
	struct sipua_tcpg_conn *v[MAX_CONNS];
	size_t n;
};

static struct sipua_tcpg_conn *add(struct set *s, const char *ip,
				   uint16_t port, uint64_t first,
				   uint64_t last_rx)
{
	struct sipua_tcpg_conn *c = &s->c[s->n];

	memset(c, 0, sizeof(*c));
	(void)sa_set_str(&c->peer, ip, port);
	c->first = first;
	c->last_rx = last_rx;
	s->v[s->n] = c;
	s->n++;
	return c;
}

static unsigned cut_from(const struct set *s, const char *ip)
{
	struct sa a;
	unsigned i, n = 0;

	(void)sa_set_str(&a, ip, 0);
	for (i = 0; i < s->n; i++)
		n += s->c[i].cut && sa_cmp(&s->c[i].peer, &a, SA_ADDR);
	return n;
}

static void test_per_addr(void)
{
	struct set s = {.n = 0};
	struct sipua_tcpg_limits lim = {.per_addr = 3};
	struct sipua_tcpg_counts cnt;
	struct sipua_tcpg_conn *oldest, *newest, *call;
	unsigned i;

	/* added newest first: the policy must sort by age itself */
	newest = add(&s, "192.0.2.1", 5009, 900, 900);
	for (i = 0; i < 6; i++)
		(void)add(&s, "192.0.2.1", (uint16_t)(5008 - i), 800 - i,
			  800 - i);
	oldest = add(&s, "192.0.2.1", 5000, 100, 100);
	call = add(&s, "192.0.2.1", 6000, 950, 950);
	call->keep = true;
	(void)add(&s, "192.0.2.2", 5000, 100, 100);
	(void)add(&s, "2001:db8::1", 5000, 100, 100);
	sipua_tcpguard_decide(s.v, s.n, &lim, 1000, &cnt);
	/* the call's flow takes one of the 3 places and stays; the 2
	 * oldest others stay */
	CHECK_EQ_INT(cnt.per_addr, 9 - 3);
	CHECK_EQ_INT(cut_from(&s, "192.0.2.1"), 6);
	CHECK(!oldest->cut);
	CHECK(newest->cut);
	CHECK(!call->cut);
	CHECK_EQ_INT(cut_from(&s, "192.0.2.2"), 0);
	CHECK_EQ_INT(cut_from(&s, "2001:db8::1"), 0);
	CHECK_EQ_INT(cnt.idle + cnt.total, 0);
}

static void test_idle(void)
{
	struct set s = {.n = 0};
	struct sipua_tcpg_limits lim = {.idle_ms = 30000};
	struct sipua_tcpg_counts cnt;
	struct sipua_tcpg_conn *quiet, *busy, *proxy, *fresh;

	quiet = add(&s, "192.0.2.1", 5000, 1000, 1000);
	busy = add(&s, "192.0.2.1", 5001, 1000, 50000);
	proxy = add(&s, "192.0.2.9", 5000, 1000, 1000);
	proxy->keep = true;
	fresh = add(&s, "192.0.2.3", 5000, 40000, 40000);
	sipua_tcpguard_decide(s.v, s.n, &lim, 70000, &cnt);
	CHECK(quiet->cut);
	CHECK(!busy->cut);
	CHECK(!proxy->cut);
	CHECK(fresh->cut);   /* 30 s without a message since it came */
	CHECK_EQ_INT(cnt.idle, 2);
	/* exactly at the limit it goes; a clock that went back keeps it */
	sipua_tcpguard_decide(s.v, s.n, &lim, 31000, &cnt);
	CHECK(quiet->cut);
	CHECK(!fresh->cut);
	sipua_tcpguard_decide(s.v, s.n, &lim, 500, &cnt);
	CHECK_EQ_INT(cnt.idle, 0);
}

static void test_total(void)
{
	struct set s = {.n = 0};
	struct sipua_tcpg_limits lim = {.max_conns = 4};
	struct sipua_tcpg_counts cnt;
	unsigned i;

	/* 8 from 8 addresses, last heard at 100..800; the first is kept */
	for (i = 0; i < 8; i++) {
		char ip[32];

		(void)re_snprintf(ip, sizeof(ip), "192.0.2.%u", i + 1);
		(void)add(&s, ip, 5000, 10, 100 * (i + 1));
	}
	s.c[0].keep = true;
	sipua_tcpguard_decide(s.v, s.n, &lim, 1000, &cnt);
	CHECK_EQ_INT(cnt.total, 4);
	CHECK(!s.c[0].cut);
	/* the longest idle of the others go: heard at 200, 300, 400, 500 */
	for (i = 1; i < 5; i++)
		CHECK(s.c[i].cut);
	for (i = 5; i < 8; i++)
		CHECK(!s.c[i].cut);
	/* the caps add up: per address first, the total on what is left */
	lim.per_addr = 1;
	(void)add(&s, "192.0.2.8", 5001, 20, 950);
	sipua_tcpguard_decide(s.v, s.n, &lim, 1000, &cnt);
	CHECK_EQ_INT(cnt.per_addr, 1);
	CHECK_EQ_INT(cnt.total, 4);
	CHECK(s.c[8].cut);   /* the newest from 192.0.2.8 */
}

static void test_off(void)
{
	struct set s = {.n = 0};
	struct sipua_tcpg_limits lim = {0};
	struct sipua_tcpg_counts cnt;
	unsigned i;

	for (i = 0; i < 40; i++)
		(void)add(&s, "192.0.2.1", (uint16_t)(5000 + i), 0, 0);
	sipua_tcpguard_decide(s.v, s.n, &lim, 1000000, &cnt);
	CHECK_EQ_INT(cnt.per_addr + cnt.idle + cnt.total, 0);
	sipua_tcpguard_decide(NULL, 0, &lim, 0, &cnt);
	CHECK_EQ_INT(cnt.per_addr + cnt.idle + cnt.total, 0);
}

int main(void)
{
	if (libre_init())
		return 1;
	test_per_addr();
	test_idle();
	test_total();
	test_off();
	libre_close();
	CHECK_DONE("sip_tcpguard_test");
}
