/*
 * sip_netaddr_test.c - our own addresses: the kernel's route choice for a
 * URI's host (sip:, msrp:, bracketed IPv6), the listen values
 * (0.0.0.0, [::], the default with and without an account), and the
 * address list we listen on.
 */
#include <re.h>
#include "tests/unit/check.h"
#include "sip/sipua_int.h"

static bool have_ipv6_loopback(void)
{
	struct sa addrs[32];
	size_t n, i;

	sipua_net_addrs(addrs, 32, &n, true);
	for (i = 0; i < n; i++) {
		if (sa_af(&addrs[i]) == AF_INET6 && sa_is_loopback(&addrs[i]))
			return true;
	}
	return false;
}

static void test_route(void)
{
	struct sa src;

	CHECK_EQ_INT(sipua_net_route_src_uri(&src, "sip:127.0.0.1:5060;lr"), 0);
	CHECK(sa_is_loopback(&src));
	CHECK_EQ_INT(sipua_net_route_src_uri(&src,
		"<sip:desk@127.0.0.1;transport=tcp>"), 0);
	CHECK(sa_is_loopback(&src));
	CHECK_EQ_INT(sipua_net_route_src_uri(&src,
		"msrp://127.0.0.1:2855/abc;tcp msrp://192.0.2.9:1/x;tcp"), 0);
	CHECK(sa_is_loopback(&src));
	CHECK_EQ_INT(sipua_net_route_src_uri(&src, "sip:example.com"), ENOENT);
	CHECK_EQ_INT(sipua_net_route_src_uri(&src, "sip:[::1"), ENOENT);
	if (have_ipv6_loopback()) {
		CHECK_EQ_INT(sipua_net_route_src_uri(&src,
			"msrps://[::1]:2855/abc;tcp"), 0);
		CHECK_EQ_INT(sa_af(&src), AF_INET6);
		CHECK(sa_is_loopback(&src));
		CHECK_EQ_INT(sipua_net_route_src_uri(&src,
			"sip:bob@[::1]:5062;transport=tcp"), 0);
		CHECK(sa_is_loopback(&src));
	}
}

static void test_listen_parse(void)
{
	struct sipua_listen l;

	CHECK_EQ_INT(sipua_listen_parse(&l, "0.0.0.0:5073", false), 0);
	CHECK(l.any && !l.v6);
	CHECK_EQ_INT(sa_port(&l.addr), 5073);
	CHECK_EQ_INT(sipua_listen_parse(&l, "[::]:5074", false), 0);
	CHECK(l.any && l.v6);
	CHECK_EQ_INT(sipua_listen_parse(&l, "[::1]:5072", false), 0);
	CHECK(!l.any && sa_af(&l.addr) == AF_INET6);
	CHECK_EQ_INT(sipua_listen_parse(&l, "192.0.2.7:5060", true), 0);
	CHECK(!l.any);
	/* nothing written: every address with an account, else loopback */
	CHECK_EQ_INT(sipua_listen_parse(&l, "", true), 0);
	CHECK(l.any && l.v6 && l.port_fallback);
	CHECK_EQ_INT(sa_port(&l.addr), 5060);
	CHECK_EQ_INT(sipua_listen_parse(&l, NULL, false), 0);
	CHECK(!l.any && sa_is_loopback(&l.addr));
	CHECK(sipua_listen_parse(&l, "nonsense", false) != 0);
	CHECK(sipua_listen_parse(&l, "[::1:5060", false) != 0);
}

static void test_addrs(void)
{
	struct sa addrs[32], v4only[32];
	size_t n, n4, i, j;
	bool lo4 = false;

	sipua_net_addrs(addrs, 32, &n, true);
	sipua_net_addrs(v4only, 32, &n4, false);
	CHECK(n >= n4);
	for (i = 0; i < n; i++) {
		CHECK(!sa_is_any(&addrs[i]));
		CHECK(!sa_is_linklocal(&addrs[i]) || sa_af(&addrs[i]) == AF_INET);
		CHECK(sipua_net_has_addr(&addrs[i]));
		lo4 = lo4 || (sa_af(&addrs[i]) == AF_INET &&
			      sa_is_loopback(&addrs[i]));
		for (j = 0; j < i; j++)
			CHECK(!sa_cmp(&addrs[i], &addrs[j], SA_ADDR));
	}
	CHECK(lo4);
	for (i = 0; i < n4; i++)
		CHECK_EQ_INT(sa_af(&v4only[i]), AF_INET);
	sipua_net_addrs(addrs, 1, &n, true);
	CHECK(n <= 1);
}

int main(void)
{
	test_route();
	test_listen_parse();
	test_addrs();
	{
		struct sa gone;

		(void)sa_set_str(&gone, "192.0.2.213", 0);
		CHECK(!sipua_net_has_addr(&gone));
	}
	CHECK_DONE("sip_netaddr");
}
