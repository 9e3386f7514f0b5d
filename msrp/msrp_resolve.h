/*
 * msrp_resolve.h - host names in MSRP URIs (msrp_resolve.c).  Private to
 * msrp/.
 */
#ifndef SIPVNC_MSRP_RESOLVE_H
#define SIPVNC_MSRP_RESOLVE_H

#include <re.h>
#include "msrp/msrp_uri.h"
#include "msrp/msrp_log.h"

struct msrp_resolve;

/* Called once with the address, or an error and NULL. */
typedef void (msrp_resolve_h)(int err, const struct sa *addr, void *arg);

/* Where to connect for uri.  0 with *addr set when that is known at once
 * (IP literal, hosts file, or getaddrinfo() without dnsc); EINPROGRESS
 * with *rp set while dnsc queries, h to be called later unless *rp is
 * mem_deref'd first; or an error.  hosts_file (NULL: /etc/hosts) is read
 * before DNS and must outlive *rp; lg (copied) is where a failure is
 * logged.  srv: a URI without a port is looked up
 * as SRV _msrp(s)._tcp.HOST first (relays, RFC 4976 section 6.2). */
int msrp_resolve(struct msrp_resolve **rp, struct dnsc *dnsc,
		 const char *hosts_file, const struct msrp_uri *uri, bool srv,
		 struct sa *addr, msrp_resolve_h *h, void *arg,
		 const struct msrp_log *lg);

#endif
