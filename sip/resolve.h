/*
 * resolve.h - private to sip/: the system resolver's view of our SIP
 * servers, for what libre 1.1.0's DNS client cannot see.
 *
 * libre resolves server names itself (RFC 3263: NAPTR, SRV, A/AAAA) but
 * only through DNS: a name in /etc/hosts (localhost, a name pinned by the
 * administrator) or a machine without nameservers leaves it stuck.  Before
 * an account is used, its outbound proxy (or, without one, its registrar)
 * is looked up in /etc/hosts, and with no nameserver at all through
 * getaddrinfo(); a name found there is replaced by its address in the
 * route, so the Request-URI and To keep the name.
 */
#ifndef SIPVNC_RESOLVE_H
#define SIPVNC_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

/* The address /etc/hosts-style file `hosts` gives name, into addr.
 * 0, ENOENT, or an errno from reading the file. */
int sip_resolve_hosts_file(const char *hosts, const char *name, char *addr,
			   size_t size);

/* uri with its host replaced by an address from the hosts file (or, if
 * use_getaddrinfo, the system resolver) into out, with ";lr" added when
 * as_route and absent.  0 when rewritten, ENOENT when the host is an
 * address already or unknown there (libre's DNS is left to it), EINVAL /
 * E2BIG for a bad URI or a small out. */
int sip_resolve_route(char *out, size_t size, const char *uri,
		      const char *hosts, bool use_getaddrinfo);

#endif
