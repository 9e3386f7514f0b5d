/*
 * dns.c - the DNS client libre resolves our SIP servers with (RFC 3263:
 * NAPTR, SRV, A/AAAA).
 *
 * `dns_server ADDR[:PORT]` lines replace /etc/resolv.conf: a deployment
 * whose SIP domain lives on a DNS server of its own (split horizon, a
 * lab), and the tests, which serve NAPTR and SRV records from a local
 * dnsmasq on a free port.
 */
#include <string.h>
#include "sip/sipua_int.h"

#define MAX_NAMESERVERS 4
#define DNS_PORT 53

struct dns_servers {
	struct sa addr[MAX_NAMESERVERS];
	uint32_t n;
	const struct sipua *ua;   /* where a bad line is logged */
};

static int dns_server_handler(const struct pl *val, void *arg)
{
	struct dns_servers *servers = arg;
	const struct sipua *ua = servers->ua;
	char buf[80];
	struct sa *sa;

	if (servers->n == MAX_NAMESERVERS) {
		sipua_warn(ua,
			   "more than %u dns_server lines\n", MAX_NAMESERVERS);
		return E2BIG;
	}
	sa = &servers->addr[servers->n];
	/* ADDR:PORT, [V6]:PORT, or a bare address (port 53) */
	if (pl_strcpy(val, buf, sizeof(buf)) ||
	    (sa_decode(sa, buf, strlen(buf)) &&
	     sa_set_str(sa, buf, DNS_PORT)) ||
	    !sa_port(sa)) {
		sipua_warn(ua, "bad dns_server '%r' (ADDR[:PORT])\n", val);
		return EINVAL;
	}
	servers->n++;
	return 0;
}

int sipua_dns_open(struct sipua *ua, const struct conf *conf,
		   bool *no_nameservers)
{
	struct dns_servers servers;
	char domain[64];
	int err;

	memset(&servers, 0, sizeof(servers));
	servers.ua = ua;
	err = conf_apply(conf, "dns_server", dns_server_handler, &servers);
	if (err)
		return err;
	if (servers.n) {
		sipua_log(ua, "DNS through %u configured server(s), first %J\n",
			  servers.n, &servers.addr[0]);
	}
	else {
		servers.n = MAX_NAMESERVERS;
		if (dns_srv_get(domain, sizeof(domain), servers.addr,
				&servers.n))
			servers.n = 0;
	}
	*no_nameservers = servers.n == 0;
	return dnsc_alloc(&ua->dnsc, NULL, servers.n ? servers.addr : NULL,
			  servers.n);
}

struct dnsc *sipua_dnsc(const struct sipua *ua)
{
	return ua ? ua->dnsc : NULL;
}
