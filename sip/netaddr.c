/*
 * netaddr.c - our own addresses and their changes.
 *
 * The kernel already knows which of our addresses reaches a peer: a UDP
 * socket connect()ed to the peer is given that source address, and no
 * packet leaves for it.  Changes come from rtnetlink (addresses and
 * routes); we do not parse the messages, any of them only means "look
 * again" after a short pause, since one change (a new DHCP lease) arrives
 * as a burst of them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <re.h>
#include "sip/netaddr.h"
#include "sip/sip_log.h"

#define SETTLE_MS 300        /* a burst of netlink messages is one change */
#define POLL_MS   3000       /* without netlink */
#define MAX_READS 64         /* per readable event: the loop stays fair */

int sipua_net_route_src(struct sa *src, const struct sa *dst)
{
	struct sa to;
	int fd, err = 0;

	if (!sa_isset(dst, SA_ADDR))
		return EINVAL;
	/* a clean copy: libre leaves an IPv6 address's flow and scope
	 * fields as they were */
	sa_init(&to, sa_af(dst));
	if (sa_af(dst) == AF_INET6) {
		uint8_t a6[16];

		sa_in6(dst, a6);
		sa_set_in6(&to, a6, 9);
	}
	else
		sa_set_in(&to, sa_in(dst), 9);   /* connect() wants a port */
	fd = socket(sa_af(&to), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	sa_init(src, sa_af(&to));
	src->len = sizeof(src->u);
	if (connect(fd, &to.u.sa, to.len) < 0 ||
	    getsockname(fd, &src->u.sa, &src->len) < 0)
		err = errno;
	(void)close(fd);
	if (!err)
		sa_set_port(src, 0);
	return err;
}

int sipua_net_route_src_uri(struct sa *src, const char *uri)
{
	const char *host = uri, *p;
	char buf[64];
	struct sa dst;
	struct pl pl;

	if (*host == '<')
		host++;
	p = strstr(host, "://");
	if (p)
		host = p + 3;
	else if (!strncasecmp(host, "sip:", 4))
		host += 4;
	else if (!strncasecmp(host, "sips:", 5))
		host += 5;
	p = strchr(host, '@');
	if (p && p < host + strcspn(host, ";>?/"))
		host = p + 1;
	if (host[0] == '[') {
		pl.p = host + 1;
		pl.l = strcspn(pl.p, "]");
		if (pl.p[pl.l] != ']')
			return ENOENT;
	}
	else {
		pl.p = host;
		pl.l = strcspn(host, ":;>?/ ");
	}
	if (pl_strcpy(&pl, buf, sizeof(buf)) || sa_set_str(&dst, buf, 0))
		return ENOENT;
	return sipua_net_route_src(src, &dst);
}

static bool known(const struct sa *addrs, size_t n, const struct sa *sa)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sa_cmp(&addrs[i], sa, SA_ADDR))
			return true;
	}
	return false;
}

static void addrs_v4(struct sa *addrs, size_t max, size_t *n)
{
	struct ifaddrs *list, *ifa;

	if (getifaddrs(&list) < 0)
		return;
	for (ifa = list; ifa && *n < max; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    !(ifa->ifa_flags & IFF_UP) ||
		    sa_set_sa(&addrs[*n], ifa->ifa_addr))
			continue;
		sa_set_port(&addrs[*n], 0);
		/* an address on two interfaces is one place to listen */
		if (!known(addrs, *n, &addrs[*n]))
			(*n)++;
	}
	freeifaddrs(list);
}

/* IPv6 from /proc/net/if_inet6, which (unlike getifaddrs) tells a
 * tentative address, one still in duplicate address detection that
 * cannot be bound yet, from a usable one.  Its flags are IFA_F_*. */
static void addrs_v6(struct sa *addrs, size_t max, size_t *n)
{
	FILE *f = fopen("/proc/net/if_inet6", "re");
	char hex[33], ifname[IF_NAMESIZE + 1];
	unsigned ifindex, plen, scope, flags;

	if (!f)
		return;   /* no IPv6 here */
	while (*n < max &&
	       fscanf(f, "%32s %x %x %x %x %16s", hex, &ifindex, &plen,
		      &scope, &flags, ifname) == 6) {
		uint8_t bytes[16];
		unsigned i;

		if (strlen(hex) != 32 ||
		    (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
			continue;
		for (i = 0; i < 16; i++) {
			unsigned v;

			if (sscanf(hex + 2 * i, "%2x", &v) != 1)
				break;
			bytes[i] = (uint8_t)v;
		}
		if (i < 16)
			continue;
		sa_set_in6(&addrs[*n], bytes, 0);
		/* link-local needs a scope no peer of ours is told */
		if (sa_is_linklocal(&addrs[*n]) || known(addrs, *n, &addrs[*n]))
			continue;
		(*n)++;
	}
	(void)fclose(f);
}

void sipua_net_addrs(struct sa *addrs, size_t max, size_t *n, bool v6)
{
	*n = 0;
	addrs_v4(addrs, max, n);
	if (v6)
		addrs_v6(addrs, max, n);
}

bool sipua_net_has_addr(const struct sa *addr)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return true;   /* cannot tell: do not end anything for it */
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		struct sa sa;

		found = ifa->ifa_addr && (ifa->ifa_flags & IFF_UP) &&
			!sa_set_sa(&sa, ifa->ifa_addr) &&
			sa_cmp(&sa, addr, SA_ADDR);
	}
	freeifaddrs(list);
	return found;
}

struct sipua_netwatch {
	int fd;                 /* rtnetlink, or -1: we poll */
	struct tmr tmr;
	sipua_netwatch_h *h;
	void *arg;
};

static void netwatch_destructor(void *arg)
{
	struct sipua_netwatch *nw = arg;

	tmr_cancel(&nw->tmr);
	if (nw->fd >= 0) {
		fd_close(nw->fd);
		(void)close(nw->fd);
	}
}

static void settled(void *arg)
{
	struct sipua_netwatch *nw = arg;

	if (nw->fd < 0)
		tmr_start(&nw->tmr, POLL_MS, settled, nw);
	nw->h(nw->arg);
}

static void netlink_readable(int flags, void *arg)
{
	struct sipua_netwatch *nw = arg;
	char buf[8192];
	unsigned i;

	(void)flags;
	/* what changed does not matter, only that something did; an
	 * overflow (ENOBUFS) means the same */
	for (i = 0; i < MAX_READS; i++) {
		ssize_t n = recv(nw->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == 0)
			break;
	}
	if (!tmr_isrunning(&nw->tmr))
		tmr_start(&nw->tmr, SETTLE_MS, settled, nw);
}

static int netlink_open(void)
{
	struct sockaddr_nl snl;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	snl.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)) < 0) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

int sipua_netwatch_alloc(struct sipua_netwatch **nwp, sipua_netwatch_h *h,
			 void *arg, const struct sipua *ua)
{
	struct sipua_netwatch *nw;
	int err = 0;

	if (!nwp || !h)
		return EINVAL;
	nw = mem_zalloc(sizeof(*nw), netwatch_destructor);
	if (!nw)
		return ENOMEM;
	tmr_init(&nw->tmr);
	nw->h = h;
	nw->arg = arg;
	nw->fd = netlink_open();
	if (nw->fd >= 0)
		err = fd_listen(nw->fd, FD_READ, netlink_readable, nw);
	if (err) {
		(void)close(nw->fd);
		nw->fd = -1;
	}
	if (nw->fd < 0) {
		sipua_warn(ua, "no netlink: looking at our addresses "
			   "every %u s instead\n", POLL_MS / 1000);
		tmr_start(&nw->tmr, POLL_MS, settled, nw);
	}
	*nwp = nw;
	return 0;
}
