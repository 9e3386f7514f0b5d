/*
 * msrp_resolve.c - where to connect for an MSRP URI whose host is a name.
 *
 * In this order: an IP literal as it is; a name in the hosts file (read
 * here, so that "localhost" and local names never wait for DNS); with a
 * libre DNS client, A then AAAA queries on the event loop; without one,
 * getaddrinfo(), which blocks the loop and is only meant for setups
 * without a DNS client (tests, tools).  For relays (RFC 4976 section 6.2)
 * a URI without a port first asks for SRV _msrps._tcp or _msrp._tcp of
 * the host, which needs the DNS client; no SRV record means the host
 * itself on port 2855.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <netdb.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_resolve.h"

enum { NAME_MAX_LEN = 255, HOSTS_LINE_MAX = 1024 };

struct msrp_resolve {
	struct dnsc *dnsc;
	const char *hosts_file;
	struct msrp_log log;
	struct dns_query *q;
	char name[NAME_MAX_LEN + 1];
	uint16_t port;
	uint16_t type;          /* the query under way */
	msrp_resolve_h *h;
	void *arg;
};

static void resolve_destructor(void *data)
{
	struct msrp_resolve *r = data;

	r->q = mem_deref(r->q);
}

/* The first address of name in the hosts file. */
static int hosts_lookup(const char *file, const char *name, uint16_t port,
			struct sa *addr)
{
	char line[HOSTS_LINE_MAX];
	FILE *f = fopen(file ? file : "/etc/hosts", "r");
	int err = ENOENT;

	if (!f)
		return ENOENT;
	while (err && fgets(line, sizeof(line), f)) {
		char *save = NULL, *ip, *tok;
		char *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		ip = strtok_r(line, " \t\r\n", &save);
		if (!ip)
			continue;
		while (err && (tok = strtok_r(NULL, " \t\r\n", &save))) {
			if (!strcasecmp(tok, name) &&
			    !sa_set_str(addr, ip, port))
				err = 0;
		}
	}
	(void)fclose(f);
	return err;
}

static int blocking_lookup(const char *name, uint16_t port, struct sa *addr)
{
	struct addrinfo hints, *res = NULL;
	int err = EADDRNOTAVAIL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return EADDRNOTAVAIL;
	for (struct addrinfo *ai = res; ai && err; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (!sa_set_sa(addr, ai->ai_addr)) {
			sa_set_port(addr, port);
			err = 0;
		}
	}
	freeaddrinfo(res);
	return err;
}

static void finish(struct msrp_resolve *r, int err, const struct sa *addr)
{
	msrp_resolve_h *h = r->h;

	r->h = NULL;
	if (h)
		h(err, addr, r->arg);
}

static void addr_answer(int err, const struct dnshdr *hdr,
			struct list *ansl, struct list *authl,
			struct list *addl, void *arg);

static int query(struct msrp_resolve *r, uint16_t type, const char *name)
{
	r->q = mem_deref(r->q);
	r->type = type;
	return dnsc_query(&r->q, r->dnsc, name, type, DNS_CLASS_IN, true,
			  addr_answer, r);
}

static bool first_addr(struct dnsrr *rr, void *arg)
{
	struct sa *sa = arg;

	if (rr->type == DNS_TYPE_A) {
		sa_set_in(sa, rr->rdata.a.addr, 0);
		return true;
	}
	if (rr->type == DNS_TYPE_AAAA) {
		sa_set_in6(sa, rr->rdata.aaaa.addr, 0);
		return true;
	}
	return false;
}

static void addr_answer(int err, const struct dnshdr *hdr,
			struct list *ansl, struct list *authl,
			struct list *addl, void *arg)
{
	struct msrp_resolve *r = arg;
	struct sa sa;

	sa_init(&sa, AF_UNSPEC);
	if (!err && dns_rrlist_apply(ansl, NULL, r->type, DNS_CLASS_IN, true,
				     first_addr, &sa)) {
		sa_set_port(&sa, r->port);
		finish(r, 0, &sa);
		return;
	}
	if (r->type == DNS_TYPE_A) {
		err = query(r, DNS_TYPE_AAAA, r->name);
		if (!err)
			return;
	}
	msrp_warn(&r->log, "msrp: cannot resolve %s\n", r->name);
	finish(r, err ? err : EADDRNOTAVAIL, NULL);
}

/* An address for r->name: now (0, *addr set), or queried (EINPROGRESS). */
static int lookup_name(struct msrp_resolve *r, struct sa *addr)
{
	int err;

	if (!sa_set_str(addr, r->name, r->port))
		return 0;
	if (!hosts_lookup(r->hosts_file, r->name, r->port, addr))
		return 0;
	if (!r->dnsc)
		return blocking_lookup(r->name, r->port, addr);
	err = query(r, DNS_TYPE_A, r->name);
	return err ? err : EINPROGRESS;
}

static bool first_srv(struct dnsrr *rr, void *arg)
{
	struct dnsrr **out = arg;

	*out = rr;
	return true;
}

static void srv_answer(int err, const struct dnshdr *hdr,
		       struct list *ansl, struct list *authl,
		       struct list *addl, void *arg)
{
	struct msrp_resolve *r = arg;
	struct dnsrr *srv = NULL;
	struct sa sa;

	if (!err) {
		dns_rrlist_sort(ansl, DNS_TYPE_SRV, 0);
		(void)dns_rrlist_apply(ansl, NULL, DNS_TYPE_SRV, DNS_CLASS_IN,
				       false, first_srv, &srv);
	}
	/* No SRV record: the host itself, on the default port. */
	if (srv && srv->rdata.srv.target && srv->rdata.srv.target[0] &&
	    strlen(srv->rdata.srv.target) <= NAME_MAX_LEN) {
		str_ncpy(r->name, srv->rdata.srv.target, sizeof(r->name));
		r->port = srv->rdata.srv.port;
		/* a trailing dot names the root, not part of the name */
		if (r->name[strlen(r->name) - 1] == '.')
			r->name[strlen(r->name) - 1] = '\0';
	}
	err = lookup_name(r, &sa);
	if (err == EINPROGRESS)
		return;
	finish(r, err, err ? NULL : &sa);
}

int msrp_resolve(struct msrp_resolve **rp, struct dnsc *dnsc,
		 const char *hosts_file, const struct msrp_uri *uri, bool srv,
		 struct sa *addr, msrp_resolve_h *h, void *arg,
		 const struct msrp_log *lg)
{
	struct msrp_resolve *r;
	char srv_name[NAME_MAX_LEN + 16];
	int err;

	if (!rp || !uri || !addr || !h)
		return EINVAL;
	if (uri->host_is_ip)
		return sa_set(addr, &uri->host, uri->port_present ?
			      uri->port : MSRP_DEFAULT_PORT);
	if (!uri->host.l || uri->host.l > NAME_MAX_LEN)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), resolve_destructor);
	if (!r)
		return ENOMEM;
	r->dnsc = dnsc;
	r->hosts_file = hosts_file;
	if (lg)
		r->log = *lg;
	r->h = h;
	r->arg = arg;
	r->port = uri->port_present ? uri->port : MSRP_DEFAULT_PORT;
	(void)pl_strcpy(&uri->host, r->name, sizeof(r->name));
	if (srv && !uri->port_present && dnsc) {
		(void)re_snprintf(srv_name, sizeof(srv_name), "_%s._tcp.%s",
				  uri->secure ? "msrps" : "msrp", r->name);
		r->type = DNS_TYPE_SRV;
		err = dnsc_query(&r->q, dnsc, srv_name, DNS_TYPE_SRV,
				 DNS_CLASS_IN, true, srv_answer, r);
		err = err ? err : EINPROGRESS;
	}
	else {
		err = lookup_name(r, addr);
	}
	if (err == EINPROGRESS)
		*rp = r;
	else
		mem_deref(r);
	return err;
}
