/*
 * sip_resolve_test.c - our SIP servers through an /etc/hosts-style file:
 * lookups, and first-hop URIs rewritten to the address with everything
 * else kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "sip/resolve.h"
#include "tests/unit/check.h"

static char hosts[] = "/tmp/sip_resolve_test.XXXXXX";

static void write_hosts(void)
{
	int fd = mkstemp(hosts);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL);
	if (!f)
		return;
	fputs("# comment localhost 10.9.9.9\n"
	      "127.0.0.1\tlocalhost desk.local\n"
	      "not-an-address proxy.example\n"
	      "10.1.2.3 proxy.example   # pinned\n"
	      "::1 ip6-localhost v6proxy\n"
	      "\n", f);
	fclose(f);
}

static void test_hosts_file(void)
{
	char addr[64];

	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "localhost", addr,
					    sizeof(addr)), 0);
	CHECK_EQ_STR(addr, "127.0.0.1");
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "DESK.local", addr,
					    sizeof(addr)), 0);
	CHECK_EQ_STR(addr, "127.0.0.1");
	/* a line whose address is not one is skipped, not believed */
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "proxy.example", addr,
					    sizeof(addr)), 0);
	CHECK_EQ_STR(addr, "10.1.2.3");
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "v6proxy", addr, sizeof(addr)),
		     0);
	CHECK_EQ_STR(addr, "::1");
	/* comments are not names */
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "comment", addr, sizeof(addr)),
		     ENOENT);
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "pinned", addr, sizeof(addr)),
		     ENOENT);
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "nowhere", addr, sizeof(addr)),
		     ENOENT);
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "localhost", addr, 5), E2BIG);
	CHECK_EQ_INT(sip_resolve_hosts_file("/nonexistent/hosts", "localhost",
					    addr, sizeof(addr)), ENOENT);
	CHECK_EQ_INT(sip_resolve_hosts_file(hosts, "", addr, sizeof(addr)),
		     EINVAL);
}

static void test_route(void)
{
	char out[256];

	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out),
				       "sip:localhost:5070;transport=tcp", hosts,
				       false), 0);
	CHECK_EQ_STR(out, "sip:127.0.0.1:5070;transport=tcp;lr");
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:proxy.example",
				       hosts, false), 0);
	CHECK_EQ_STR(out, "sip:10.1.2.3;lr");
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out),
				       "sips:v6proxy:5061;lr;transport=tls", hosts,
				       false), 0);
	CHECK_EQ_STR(out, "sips:[::1]:5061;lr;transport=tls");
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out),
				       "sip:user@localhost;lrx", hosts, false), 0);
	CHECK_EQ_STR(out, "sip:user@127.0.0.1;lrx;lr");
	/* addresses and unknown names are left to libre */
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:127.0.0.1:5060",
				       hosts, false), ENOENT);
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:[::1]:5060", hosts,
				       false), ENOENT);
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:unknown.invalid",
				       hosts, false), ENOENT);
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:localhost?x=y",
				       hosts, false), EINVAL);
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "nonsense", hosts,
				       false), EINVAL);
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "", hosts, false),
		     EINVAL);
	CHECK_EQ_INT(sip_resolve_route(out, 12, "sip:localhost:5070", hosts,
				       false), E2BIG);
	/* the system resolver knows localhost too */
	CHECK_EQ_INT(sip_resolve_route(out, sizeof(out), "sip:localhost:5070",
				       "/nonexistent/hosts", true), 0);
	CHECK(!strncmp(out, "sip:127.0.0.1:5070;lr", 21) ||
	      !strncmp(out, "sip:[::1]:5070;lr", 17));
}

int main(void)
{
	write_hosts();
	test_hosts_file();
	test_route();
	(void)unlink(hosts);
	CHECK_DONE("sip_resolve_test");
}
