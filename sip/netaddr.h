/*
 * netaddr.h - this machine's own addresses, as the SIP side needs them:
 * which one the kernel would use towards a peer, the ones we can listen
 * on, and a watch that tells when they (or the routes) change.
 */
#ifndef SIPVNC_SIP_NETADDR_H
#define SIPVNC_SIP_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

struct sa;
struct sipua;
struct sipua_netwatch;

/* The source address the kernel would pick to reach dst (a connected UDP
 * socket's name: nothing is sent).  Port 0. */
int sipua_net_route_src(struct sa *src, const struct sa *dst);

/* The address routing to the host of uri ("sip:h:p;..", "msrp://h:p/..",
 * a bare address) when that host is an IP literal; ENOENT for a name. */
int sipua_net_route_src_uri(struct sa *src, const char *uri);

/* The unicast addresses we can listen on: IPv4 ones, and with v6 the
 * IPv6 ones too (not link-local: those need a scope, and no peer of ours
 * would be given one).  At most max, their count in *n. */
void sipua_net_addrs(struct sa *addrs, size_t max, size_t *n, bool v6);

/* Whether the machine has this address (port ignored). */
bool sipua_net_has_addr(const struct sa *addr);

typedef void (sipua_netwatch_h)(void *arg);

/* Call h a moment after the kernel reports an address or route change
 * (rtnetlink, on the event loop); where netlink cannot be had, every few
 * seconds instead.  h compares what it cares about itself; ua logs the
 * fallback. */
int sipua_netwatch_alloc(struct sipua_netwatch **nwp, sipua_netwatch_h *h,
			 void *arg, const struct sipua *ua);

#endif
