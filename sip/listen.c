/*
 * listen.c - where SIP listens, and which of our addresses we name.
 *
 * libre 1.1.0 cannot bind a SIP transport to 0.0.0.0 or [::] (it wants an
 * address to write into Via and Contact), so "any" means one UDP and one
 * TCP (and TLS) transport on each address the machine has.  For a
 * request libre takes the first transport of the destination's family,
 * so each family's first one is the address the kernel routes to our
 * registrar (the primary account's first hop), or else to the default
 * route: that is what our Via and Contact say.  Responses name the
 * address the request came to.
 *
 * When the addresses or the routes change (rtnetlink, netaddr.c), calls
 * whose address went away are ended.  If the addresses our Contacts name
 * are still the ones that route to our registrars, new addresses just
 * get transports too.  Otherwise the registrations are withdrawn while
 * their transports still exist, the transports are opened again on what
 * we have now, and every account registers again with its new Contact.
 * A registrar given by name is not looked up here (that would block the
 * loop): the default route's address stands in for its route.
 */
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "sip/sipua_int.h"
#include "sip/tcpguard.h"

#define DEFAULT_PORT 5060
#define MAX_ADDRS SIPUA_MAX_LISTEN
/* the un-REGISTER goes out on the old transports before they close */
#define UNREGISTER_GRACE_MS 500
#define LISTEN_RETRY_MS 2000
#define LISTEN_RETRIES 30       /* a minute: past any transaction's life */

int sipua_listen_parse(struct sipua_listen *lsn, const char *value,
		       bool has_account)
{
	memset(lsn, 0, sizeof(*lsn));
	if (!value || !value[0]) {
		/* an account means a registrar elsewhere: it must reach us
		 * at whatever address we have today */
		lsn->any = has_account;
		lsn->v6 = has_account;
		lsn->port_fallback = true;
		lsn->set = true;
		return sa_set_str(&lsn->addr, has_account ? "::" : "127.0.0.1",
				  DEFAULT_PORT);
	}
	if (sa_decode(&lsn->addr, value, strlen(value)))
		return EINVAL;
	lsn->set = true;
	lsn->any = sa_is_any(&lsn->addr);
	lsn->v6 = lsn->any && sa_af(&lsn->addr) == AF_INET6;
	return 0;
}

/* The address the kernel routes to the first account of this family
 * that names its first hop by address, else to the default route. */
static bool primary_addr(const struct sipua *ua, int af, struct sa *src)
{
	struct sa probe;
	unsigned i;

	for (i = 0; i < ua->n_accounts; i++) {
		const struct sip_account *acc = &ua->accounts[i].acc;

		if (!sipua_net_route_src_uri(src, acc->outbound[0] ?
					     acc->outbound : acc->registrar) &&
		    sa_af(src) == af)
			return true;
	}
	/* documentation prefixes: only the route lookup, nothing is sent */
	if (sa_set_str(&probe, af == AF_INET ? "192.0.2.1" : "2001:db8::1", 9))
		return false;
	return !sipua_net_route_src(src, &probe) && sa_af(src) == af;
}

/* Our addresses, each family's primary first, loopback last. */
static size_t ordered_addrs(const struct sipua *ua, bool v6,
			    struct sa *addrs)
{
	struct sa rest[MAX_ADDRS];
	size_t n, i, front = 0, m = 0;
	static const int afs[2] = {AF_INET, AF_INET6};
	unsigned k;

	sipua_net_addrs(addrs, MAX_ADDRS, &n, v6);
	for (k = 0; k < 2; k++) {
		struct sa p;

		if (!primary_addr(ua, afs[k], &p))
			continue;
		for (i = front; i < n; i++) {
			if (sa_cmp(&addrs[i], &p, SA_ADDR)) {
				struct sa t = addrs[front];

				addrs[front++] = addrs[i];
				addrs[i] = t;
				break;
			}
		}
	}
	for (i = front; i < n; i++)
		if (!sa_is_loopback(&addrs[i]))
			rest[m++] = addrs[i];
	for (i = front; i < n; i++)
		if (sa_is_loopback(&addrs[i]))
			rest[m++] = addrs[i];
	memcpy(&addrs[front], rest, m * sizeof(rest[0]));
	return n;
}

/* Our addresses, as text, and apart the primary ones (what our Via and
 * Contact say): when only the others change, nobody needs telling. */
static void look(const struct sipua *ua, char *seen, size_t size,
		 char *primary, size_t psize)
{
	struct sa addrs[MAX_ADDRS], p;
	bool v6 = (ua->listen_plain.any && ua->listen_plain.v6) ||
		  (ua->listen_tls.any && ua->listen_tls.v6);
	size_t n = ordered_addrs(ua, v6, addrs), i, len = 0;

	seen[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		int r = re_snprintf(seen + len, size - len, "%s%j",
				    i ? " " : "", &addrs[i]);

		if (r < 0)
			break;
		len += (size_t)r;
	}
	if (!primary_addr(ua, AF_INET, &p) ||
	    re_snprintf(primary, psize, "%j", &p) < 0)
		primary[0] = '\0';
	len = strlen(primary);
	/* an IPv6 route matters only when we listen on IPv6 */
	if (v6 && primary_addr(ua, AF_INET6, &p))
		(void)re_snprintf(primary + len, psize - len, " %j", &p);
}

static bool listening_on(const struct sipua *ua, const struct sa *addr)
{
	size_t i;

	for (i = 0; i < ua->n_listening; i++) {
		if (sa_cmp(&ua->listening[i], addr, SA_ADDR))
			return true;
	}
	return false;
}

static void note_listening(struct sipua *ua, const struct sa *addr)
{
	if (!listening_on(ua, addr) && ua->n_listening < SIPUA_MAX_LISTEN)
		ua->listening[ua->n_listening++] = *addr;
}

static int add_transport(struct sipua *ua, enum sip_transp tp,
			 const struct sa *addr, uint16_t port)
{
	struct sa la = *addr;
	int err;

	sa_set_port(&la, port);
	if (tp == SIP_TRANSP_TLS)
		err = sip_transp_add(ua->sip, tp, &la, ua->tls);
	else
		err = sip_transp_add(ua->sip, tp, &la);
	/* libre listens with a backlog of 5: room for a burst (backlog.c) */
	if (!err && tp != SIP_TRANSP_UDP) {
		sipua_raise_backlogs();
		sipua_tcpguard_listeners(ua);
	}
	return err;
}

/* A port free for both UDP and TCP on addr, or 0.  The kernel hands out
 * port 0 per protocol: a UDP port it gives us may be the local end of
 * some other program's TCP connection, and libre cannot take back the
 * UDP transport once TCP fails (no sip_transp_rm in 1.1.0).  So a TCP
 * port is taken first and its UDP twin tried; a TCP port whose twin is
 * busy stays bound until we are done, or the kernel would offer it
 * again.  Free for microseconds before libre binds it: a race is still
 * possible, no longer likely. */
#define PICK_TRIES 32
static uint16_t pick_port(const struct sa *addr)
{
	int held[PICK_TRIES];
	int n, i, one = 1;
	uint16_t port = 0;

	for (n = 0; n < PICK_TRIES && !port; n++) {
		struct sa la = *addr;
		socklen_t len = sizeof(la.u);
		int u;

		sa_set_port(&la, 0);
		held[n] = socket(sa_af(&la), SOCK_STREAM, IPPROTO_TCP);
		if (held[n] < 0 ||
		    setsockopt(held[n], SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) ||
		    bind(held[n], &la.u.sa, la.len) ||
		    getsockname(held[n], &la.u.sa, &len)) {
			n++;
			break;
		}
		u = socket(sa_af(&la), SOCK_DGRAM, IPPROTO_UDP);
		if (u >= 0 && !bind(u, &la.u.sa, la.len))
			port = sa_port(&la);
		if (u >= 0)
			(void)close(u);
	}
	for (i = 0; i < n; i++)
		if (held[i] >= 0)
			(void)close(held[i]);
	return port;
}

/* One address's transports; a zero port becomes the one the kernel gave
 * the first of them, for every other address too. */
static int open_addr(struct sipua *ua, struct sipua_listen *lsn, bool tls,
		     const struct sa *addr, bool quiet)
{
	enum sip_transp tp = tls ? SIP_TRANSP_TLS : SIP_TRANSP_UDP;
	uint16_t port = sa_port(&lsn->addr);
	struct sa la;
	int err;

	if (!port && !tls)
		port = pick_port(addr);
	err = add_transport(ua, tp, addr, port);
	if (err == EADDRINUSE && lsn->port_fallback) {
		sipua_log(ua,
			  "port %u is taken: listening on another one\n", port);
		lsn->port_fallback = false;
		port = tls ? 0 : pick_port(addr);
		sa_set_port(&lsn->addr, 0);
		err = add_transport(ua, tp, addr, port);
	}
	if (err) {
		if (!quiet)
			sipua_log(ua,
				  "cannot listen on %j port %u (%m)\n", addr,
				  port, err);
		return err;
	}
	lsn->port_fallback = false;   /* our port from now on */
	if (!port) {
		/* the first transport of its family: this one */
		if (sip_transp_laddr(ua->sip, &la, tp, addr))
			return EINVAL;
		port = sa_port(&la);
	}
	sa_set_port(&lsn->addr, port);
	if (!tls) {
		err = add_transport(ua, SIP_TRANSP_TCP, addr, port);
		if (err)
			sipua_log(ua,
				  "cannot listen on %j port %u over TCP (%m)\n",
				  addr, port, err);
		/* one address asked for: all of it, or stop */
		if (err && !lsn->any)
			return err;
	}
	return 0;
}

static int open_listener(struct sipua *ua, struct sipua_listen *lsn,
			 bool tls, char *list, size_t size)
{
	struct sa addrs[MAX_ADDRS];
	size_t n, i, opened = 0, len = 0;

	if (!lsn->set)
		return 0;
	if (!lsn->any) {
		struct sa one = lsn->addr;

		return open_addr(ua, lsn, tls, &one, false);
	}
	n = ordered_addrs(ua, lsn->v6, addrs);
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (open_addr(ua, lsn, tls, &addrs[i], false))
			continue;
		note_listening(ua, &addrs[i]);
		opened++;
		if (len < size) {
			int r = re_snprintf(list + len, size - len, " %j",
					    &addrs[i]);

			len += r > 0 ? (size_t)r : 0;
		}
	}
	return opened ? 0 : EADDRNOTAVAIL;
}

static int open_all(struct sipua *ua)
{
	char list[512] = "";
	int err;

	err = open_listener(ua, &ua->listen_plain, false, list, sizeof(list));
	if (!err && ua->listen_plain.any)
		sipua_log(ua, "listening on every address, port %u:%s\n",
			  sa_port(&ua->listen_plain.addr), list);
	else if (!err)
		sipua_log(ua, "listening on %J\n", &ua->listen_plain.addr);
	if (err)
		return err;
	list[0] = '\0';
	err = open_listener(ua, &ua->listen_tls, true, list, sizeof(list));
	if (!err && ua->listen_tls.set)
		sipua_log(ua, "SIP over TLS on %s%J%s\n",
			  ua->listen_tls.any ? "every address, " : "",
			  &ua->listen_tls.addr, list);
	return err;
}

/* Calls whose media address left the machine cannot go on: end them
 * now, not at the peer's timeout. */
static void end_stranded_calls(struct sipua *ua)
{
	struct le *le = ua->calls.head;

	while (le) {
		struct sipua_call *call = le->data;
		struct sa ip;

		le = le->next;
		if (sa_set_str(&ip, call->local_ip, 0) ||
		    sipua_net_has_addr(&ip))
			continue;
		sipua_log(ua, "call %s %s ended: our address %s is gone\n",
			  call->incoming ? "from" : "to", call->peer,
			  call->local_ip);
		call->closing = true;
		if (call->presented || !call->incoming)
			ua->handlers.closed(call, ENETDOWN, 0,
					    "our address is gone", ua->arg);
		mem_deref(call);   /* BYE, on whatever route is left */
	}
}

/* New addresses besides the primary ones: transports there too, nothing
 * else changes.  Those of vanished addresses stay (libre cannot close
 * one transport) and serve again if the address comes back.  False when
 * there is no room for them: then everything is opened anew. */
static bool add_new_addrs(struct sipua *ua, bool quiet)
{
	struct sipua_listen *lsns[2] = {&ua->listen_plain, &ua->listen_tls};
	struct sa addrs[MAX_ADDRS];
	size_t n, i, fresh = 0;
	unsigned k;

	n = ordered_addrs(ua, true, addrs);
	for (i = 0; i < n; i++)
		fresh += !listening_on(ua, &addrs[i]);
	if (ua->n_listening + fresh > SIPUA_MAX_LISTEN)
		return false;
	for (i = 0; i < n; i++) {
		if (listening_on(ua, &addrs[i]))
			continue;
		for (k = 0; k < 2; k++) {
			const struct sipua_listen *l = lsns[k];

			if (!l->set || !l->any ||
			    (sa_af(&addrs[i]) == AF_INET6 && !l->v6) ||
			    open_addr(ua, lsns[k], k == 1, &addrs[i], quiet))
				continue;
			sipua_log(ua, "listening on %j too\n", &addrs[i]);
			note_listening(ua, &addrs[i]);
		}
	}
	return true;
}

/* Whether requests of each family we listen on leave from (and name)
 * its primary address: libre takes the first transport of the family. */
static bool primaries_first(const struct sipua *ua)
{
	static const int afs[2] = {AF_INET, AF_INET6};
	const struct sipua_listen *lsns[2] = {&ua->listen_plain,
					      &ua->listen_tls};
	unsigned k, j;

	for (k = 0; k < 2; k++) {
		struct sa p;

		if (!primary_addr(ua, afs[k], &p) || !sipua_net_has_addr(&p))
			continue;
		for (j = 0; j < 2; j++) {
			const struct sipua_listen *l = lsns[j];
			struct sa la;

			if (!l->set || !l->any ||
			    (afs[k] == AF_INET6 && !l->v6))
				continue;
			if (sip_transp_laddr(ua->sip, &la, j ? SIP_TRANSP_TLS :
					     SIP_TRANSP_UDP, &p) ||
			    !sa_cmp(&la, &p, SA_ADDR))
				return false;
		}
	}
	return true;
}

static bool all_listening(const struct sipua *ua)
{
	struct sa addrs[MAX_ADDRS];
	bool v6 = (ua->listen_plain.any && ua->listen_plain.v6) ||
		  (ua->listen_tls.any && ua->listen_tls.v6);
	size_t n = ordered_addrs(ua, v6, addrs), i;

	for (i = 0; i < n; i++) {
		if (!listening_on(ua, &addrs[i]))
			return false;
	}
	return true;
}

/* An address that could not be listened on: most likely its old socket
 * is still held (a transaction's request keeps it up to 32 s, a call's
 * for the call): try again for a while, without disturbing the rest. */
static void listen_retry(void *arg)
{
	struct sipua *ua = arg;

	(void)add_new_addrs(ua, true);
	if (all_listening(ua) || ++ua->listen_retries >= LISTEN_RETRIES) {
		if (!all_listening(ua))
			sipua_log(ua,
				  "some addresses stay without SIP until the "
				  "next change\n");
		return;
	}
	tmr_start(&ua->listen_retry_tmr, LISTEN_RETRY_MS, listen_retry, ua);
}

static void reopen(void *arg)
{
	struct sipua *ua = arg;

	sip_transp_flush(ua->sip);
	ua->n_listening = 0;
	look(ua, ua->net_seen, sizeof(ua->net_seen), ua->net_primary,
	     sizeof(ua->net_primary));
	if (open_all(ua))
		sipua_log(ua, "no address to listen on: waiting for one\n");
	if (!primaries_first(ua) && ua->n_accounts) {
		/* an old socket still holds our port on the address our
		 * Contact must name: the registrar learns a new port */
		sipua_log(ua, "our port is still held by the old transports: "
			  "moving to another one\n");
		sip_transp_flush(ua->sip);
		ua->n_listening = 0;
		if (ua->listen_plain.any)
			sa_set_port(&ua->listen_plain.addr, 0);
		if (ua->listen_tls.any)
			sa_set_port(&ua->listen_tls.addr, 0);
		if (open_all(ua))
			sipua_log(ua,
				  "no address to listen on: waiting for one\n");
	}
	else if (!primaries_first(ua)) {
		/* no registrar to tell of a new port: direct callers know
		 * this one */
		sipua_log(ua,
			  "until the old transports let go of our port, our "
			  "requests name another of our addresses\n");
	}
	ua->listen_retries = 0;
	tmr_cancel(&ua->listen_retry_tmr);
	if (!all_listening(ua))
		tmr_start(&ua->listen_retry_tmr, LISTEN_RETRY_MS, listen_retry,
			  ua);
	end_stranded_calls(ua);
	sipua_register_again(ua);
	sipua_update_contact(ua);
	sipua_log(ua, "call me at %s\n", ua->contact);
}

static void net_changed(void *arg)
{
	struct sipua *ua = arg;
	char seen[sizeof(ua->net_seen)], primary[sizeof(ua->net_primary)];

	if (!ua || tmr_isrunning(&ua->net_tmr))
		return;   /* reopen() looks again anyway */
	look(ua, seen, sizeof(seen), primary, sizeof(primary));
	if (!strcmp(seen, ua->net_seen) && !strcmp(primary, ua->net_primary))
		return;
	sipua_log(ua, "our addresses changed: %s (were: %s)\n",
		  seen[0] ? seen : "none", ua->net_seen[0] ? ua->net_seen :
		  "none");
	str_ncpy(ua->net_seen, seen, sizeof(ua->net_seen));
	if (!strcmp(primary, ua->net_primary) && add_new_addrs(ua, false)) {
		/* our Contact stands: registrations and flows stay */
		end_stranded_calls(ua);
		if (!all_listening(ua) &&
		    !tmr_isrunning(&ua->listen_retry_tmr)) {
			ua->listen_retries = 0;
			tmr_start(&ua->listen_retry_tmr, LISTEN_RETRY_MS,
				  listen_retry, ua);
		}
		return;
	}
	sipua_log(ua,
		  "we are reached at %s now (were: %s): registering again\n",
		  primary[0] ? primary : "no address",
		  ua->net_primary[0] ? ua->net_primary : "no address");
	str_ncpy(ua->net_primary, primary, sizeof(ua->net_primary));
	/* the old Contact is withdrawn where it was registered from */
	sipua_register_withdraw(ua);
	tmr_start(&ua->net_tmr, UNREGISTER_GRACE_MS, reopen, ua);
}

/* A port of our choosing (port 0, or the default one taken) is free
 * for a moment between pick_port and libre's bind: a program starting
 * beside us can take it, and then only one of UDP and TCP is ours.  At
 * start nothing depends on our transports yet: all of them go, and the
 * choice is made again. */
#define OPEN_TRIES 4
static int open_fresh(struct sipua *ua)
{
	const struct sipua_listen plain = ua->listen_plain;
	const struct sipua_listen tls = ua->listen_tls;
	bool ours = (!sa_port(&plain.addr) || plain.port_fallback) &&
		    (!tls.set || !sa_port(&tls.addr) || tls.port_fallback);
	int err, tries = 0;

	while ((err = open_all(ua)) == EADDRINUSE && ours &&
	       ++tries < OPEN_TRIES) {
		sipua_log(ua, "our port was taken meanwhile: choosing again\n");
		sip_transp_flush(ua->sip);
		ua->n_listening = 0;
		ua->listen_plain = plain;
		ua->listen_tls = tls;
		if (plain.port_fallback)   /* 5060's UDP or TCP is taken */
			sa_set_port(&ua->listen_plain.addr, 0);
	}
	return err;
}

int sipua_listen_open(struct sipua *ua)
{
	int err;

	tmr_init(&ua->net_tmr);
	tmr_init(&ua->listen_retry_tmr);
	err = open_fresh(ua);
	if (err || (!ua->listen_plain.any && !ua->listen_tls.any))
		return err;
	look(ua, ua->net_seen, sizeof(ua->net_seen), ua->net_primary,
	     sizeof(ua->net_primary));
	return sipua_netwatch_alloc(&ua->netwatch, net_changed, ua, ua);
}

void sipua_listen_close(struct sipua *ua)
{
	tmr_cancel(&ua->net_tmr);
	tmr_cancel(&ua->listen_retry_tmr);
	ua->netwatch = mem_deref(ua->netwatch);
}

void sipua_route_addr(const struct sipua *ua, const char *uri,
		      const struct sa *fallback, char *ip, size_t size)
{
	struct sa sa;

	bool have_fallback = fallback && sa_isset(fallback, SA_ADDR) &&
			     !sa_is_any(fallback);

	/* a path naming loopback while the call came from elsewhere is
	 * the peer's own mistake: the address it reached us at is ours */
	if (uri && uri[0] && !sipua_net_route_src_uri(&sa, uri) &&
	    !(sa_is_loopback(&sa) && have_fallback &&
	      !sa_is_loopback(fallback)))
		;
	else if (have_fallback)
		sa = *fallback;
	else if (sip_transp_laddr(ua->sip, &sa, SIP_TRANSP_UDP, NULL))
		sa_init(&sa, AF_UNSPEC);
	if (!sa_isset(&sa, SA_ADDR) || sa_ntop(&sa, ip, (int)size))
		str_ncpy(ip, "", size);
}

void sipua_local_addr_for(const struct sipua *ua, const char *uri,
			  char *ip, size_t size)
{
	const struct sip_account *acc = ua ? sipua_primary(ua) : NULL;

	if (!ua || !ip || !size)
		return;
	sipua_route_addr(ua, acc && acc->outbound[0] ? acc->outbound : uri,
			 NULL, ip, size);
}
