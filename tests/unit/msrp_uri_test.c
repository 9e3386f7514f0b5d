/*
 * msrp_uri_test.c - MSRP URI parsing (RFC 4975 section 9 forms) and the
 * section 6.1 comparison rules.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_uri.h"
#include "tests/unit/check.h"

static int dec(struct msrp_uri *u, const char *s)
{
	struct pl pl;
	pl_set_str(&pl, s);
	return msrp_uri_decode(u, &pl);
}

static bool plis(const struct pl *pl, const char *s)
{
	return pl->l == strlen(s) && !memcmp(pl->p, s, pl->l);
}

static void test_forms(void)
{
	struct msrp_uri u;

	CHECK_EQ_INT(dec(&u, "msrp://atlanta.example.com:7654/jshA7weztas;tcp"),
		     0);
	CHECK(!u.secure);
	CHECK(plis(&u.host, "atlanta.example.com"));
	CHECK(!u.host_is_ip);
	CHECK(u.port_present);
	CHECK_EQ_INT(u.port, 7654);
	CHECK(plis(&u.session_id, "jshA7weztas"));
	CHECK(plis(&u.transport, "tcp"));
	CHECK_EQ_INT(u.params.l, 0);

	CHECK_EQ_INT(dec(&u, "msrps://bob@bob.example.com:8888/9di4eae923wzd;tcp"
			 ";foo=bar;x"), 0);
	CHECK(u.secure);
	CHECK(plis(&u.userinfo, "bob"));
	CHECK(plis(&u.host, "bob.example.com"));
	CHECK(plis(&u.params, ";foo=bar;x"));

	CHECK_EQ_INT(dec(&u, "msrp://host//;tcp"), 0); /* "/" is a session-id char */
	CHECK_EQ_INT(dec(&u, "msrp://192.0.2.1:2855/s+=/x_~.-;tcp"), 0);
	CHECK(u.host_is_ip);
	CHECK(plis(&u.session_id, "s+=/x_~.-"));

	CHECK_EQ_INT(dec(&u, "msrp://[2001:db8::1]:9000/abc;tcp"), 0);
	CHECK(u.host_is_ip);
	CHECK(plis(&u.host, "2001:db8::1"));
	CHECK_EQ_INT(u.port, 9000);

	/* relay URIs have no session id; the port may be absent */
	CHECK_EQ_INT(dec(&u, "msrps://relay.example.net;tcp"), 0);
	CHECK(!u.port_present);
	CHECK_EQ_INT(u.session_id.l, 0);
	CHECK_EQ_INT(dec(&u, "MSRP://Host.Example.COM/abc;TCP"), 0);
	CHECK(plis(&u.transport, "TCP"));
	CHECK_EQ_INT(dec(&u, "msrp://u:pw%20x@h/abc;sctp"), 0);
	CHECK(plis(&u.userinfo, "u:pw%20x"));
	CHECK(plis(&u.transport, "sctp"));

	/* rejected */
	static const char *bad[] = {
		"", "msrp:", "msrp://", "msrp://host", "msrp://host/abc",
		"msrp://host/abc;", "http://host/abc;tcp", "msrp://:80/a;tcp",
		"msrp://host:/a;tcp", "msrp://host:0/a;tcp",
		"msrp://host:65536/a;tcp", "msrp://host:12a/a;tcp",
		"msrp://[2001:db8::1/a;tcp", "msrp://[]:1/a;tcp",
		"msrp://[1.2.3.4]:1/a;tcp", "msrp://ho st/a;tcp",
		"msrp://host/a b;tcp",
		"msrp://host/a;tcp;", "msrp://host/a;tcp x",
		"msrp://h@o@st:1/a;tcp", "msrp://host/a;-tcp",
		"msrp://host:1234567/a;tcp", "msrp://host/a?b;tcp",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = dec(&u, bad[i]);
		if (err != EBADMSG)
			fprintf(stderr, "accepted bad URI '%s'\n", bad[i]);
		CHECK_EQ_INT(err, EBADMSG);
	}
	CHECK_EQ_INT(msrp_uri_decode(NULL, NULL), EINVAL);
}

static bool eq(const char *a, const char *b)
{
	struct msrp_uri ua, ub;
	if (dec(&ua, a) || dec(&ub, b))
		return false;
	return msrp_uri_equal(&ua, &ub) && msrp_uri_equal(&ub, &ua);
}

static void test_compare(void)
{
	CHECK(eq("msrp://h.example.com:1/abc;tcp",
		 "MSRP://H.EXAMPLE.COM:1/abc;TCP"));
	CHECK(eq("msrp://alice@h:1/abc;tcp", "msrp://bob@h:1/abc;tcp"));
	CHECK(eq("msrp://[2001:db8::1]:1/a;tcp",
		 "msrp://[2001:DB8:0::1]:1/a;tcp"));
	CHECK(eq("msrp://h:1/a;tcp;x=1", "msrp://h:1/a;tcp;y=2"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://h:1/ABC;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrps://h:1/abc;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://h/abc;tcp"));
	CHECK(!eq("msrp://h:2855/abc;tcp", "msrp://h/abc;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://h:2/abc;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://g:1/abc;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://h:1;tcp"));
	CHECK(!eq("msrp://h:1/abc;tcp", "msrp://h:1/abc;sctp"));
	CHECK(!eq("msrp://10.0.0.1:1/a;tcp", "msrp://10.0.0.2:1/a;tcp"));
}

static void test_path_addr(void)
{
	struct msrp_uri v[4];
	struct sa sa;
	size_t n = 0;
	struct pl pl = PL("  msrp://10.0.0.1:7000/a;tcp \t msrp://r.x:1;tcp ");
	struct pl five = PL("msrp://a/1;tcp msrp://a/2;tcp msrp://a/3;tcp "
			    "msrp://a/4;tcp msrp://a/5;tcp");
	struct pl bad = PL("msrp://a/1;tcp garbage");
	struct pl empty = PL("   ");

	CHECK_EQ_INT(msrp_path_decode(v, &n, 4, &pl), 0);
	CHECK_EQ_INT(n, 2);
	CHECK(plis(&v[1].host, "r.x"));
	CHECK_EQ_INT(msrp_path_decode(v, &n, 4, &five), E2BIG);
	CHECK_EQ_INT(msrp_path_decode(v, &n, 4, &bad), EBADMSG);
	CHECK_EQ_INT(msrp_path_decode(v, &n, 4, &empty), EBADMSG);

	CHECK_EQ_INT(msrp_path_decode(v, &n, 4, &pl), 0);
	CHECK_EQ_INT(msrp_uri_addr(&v[0], &sa), 0);
	CHECK_EQ_INT(sa_port(&sa), 7000);
	CHECK(sa_af(&sa) == AF_INET);
	CHECK_EQ_INT(msrp_uri_addr(&v[1], &sa), EAFNOSUPPORT);
	CHECK_EQ_INT(dec(&v[2], "msrp://[::1]/x;tcp"), 0);
	CHECK_EQ_INT(msrp_uri_addr(&v[2], &sa), 0);
	CHECK_EQ_INT(sa_port(&sa), 2855);
	CHECK(sa_af(&sa) == AF_INET6);
}

int main(void)
{
	test_forms();
	test_compare();
	test_path_addr();
	CHECK_DONE("msrp_uri");
}
