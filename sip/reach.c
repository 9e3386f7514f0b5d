/*
 * reach.c - can a caller open a connection to us, or are we behind NAT?
 *
 * Answering an a=setup:actpass offer we pick the MSRP role (sdp_rfb.c);
 * listening only works when the caller can reach the address in our
 * a=path.  Two things say it cannot: our own address is one the Internet
 * does not route (the address the INVITE came to, RFC 1918 and friends),
 * or a registrar saw our REGISTER come from another address than its Via
 * names (RFC 3261 received, RFC 3581 rport; the same Via tells an
 * RFC 5626 outbound flow's registrar).  Our own MSRP relay makes us
 * reachable whatever our address: callers meet us there.
 */
#include <string.h>
#include "sip/sipua_int.h"

/* IPv4 in host order: inside net/bits? */
static bool in4(uint32_t a, uint32_t net, unsigned bits)
{
	uint32_t mask = bits ? ~0u << (32 - bits) : 0;

	return (a & mask) == (net & mask);
}

static bool private4(uint32_t a)
{
	return in4(a, 0x0a000000, 8) ||     /* 10/8 */
		in4(a, 0xac100000, 12) ||   /* 172.16/12 */
		in4(a, 0xc0a80000, 16) ||   /* 192.168/16 */
		in4(a, 0x64400000, 10) ||   /* 100.64/10, RFC 6598 CGN */
		in4(a, 0xa9fe0000, 16);     /* 169.254/16 link-local */
}

bool sipua_addr_private(const struct sa *sa)
{
	uint8_t a6[16];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					   0xff, 0xff};

	if (!sa)
		return false;
	switch (sa_af(sa)) {
	case AF_INET:
		return private4(sa_in(sa));
	case AF_INET6:
		sa_in6(sa, a6);
		if (!memcmp(a6, mapped, sizeof(mapped)))
			return private4((uint32_t)a6[12] << 24 |
					(uint32_t)a6[13] << 16 |
					(uint32_t)a6[14] << 8 | a6[15]);
		return (a6[0] & 0xfe) == 0xfc ||              /* fc00::/7 */
			(a6[0] == 0xfe && (a6[1] & 0xc0) == 0x80); /* fe80::/10 */
	default:
		return false;
	}
}

void sipua_via_nat(const struct sip_via *via, char *seen, size_t size)
{
	struct pl received = PL_INIT, rport = PL_INIT;
	struct sa sent, from;
	bool addr_differs = false, port_differs = false;

	seen[0] = '\0';
	if (!via || !sa_isset(&via->addr, SA_ADDR))
		return;   /* a host name: nothing to compare with */
	sent = via->addr;
	if (!sa_port(&sent))
		sa_set_port(&sent, 5060);   /* UDP's default, RFC 3261 18.1 */
	from = sent;
	if (!msg_param_decode(&via->params, "received", &received)) {
		if (sa_set(&from, &received, sa_port(&sent)))
			return;   /* unreadable: say nothing */
		addr_differs = !sa_cmp(&from, &sent, SA_ADDR);
	}
	/* a port only means something on UDP: a TCP or TLS REGISTER comes
	 * from the connection's own port, NAT or not */
	if (via->tp == SIP_TRANSP_UDP &&
	    !msg_param_decode(&via->params, "rport", &rport) &&
	    pl_isset(&rport)) {
		sa_set_port(&from, (uint16_t)pl_u32(&rport));
		port_differs = sa_port(&from) != sa_port(&sent);
	}
	if (!addr_differs && !port_differs)
		return;
	if (!port_differs)
		(void)re_snprintf(seen, size, "the registrar saw us as %j, "
				  "not %j", &from, &sent);
	else
		(void)re_snprintf(seen, size, "the registrar saw us as %J, "
				  "not %J", &from, &sent);
}

void sipua_reach_note_registrar(struct sipua_account *account,
				const struct sip_msg *msg)
{
	char seen[sizeof(account->nat_seen)];

	sipua_via_nat(msg ? &msg->via : NULL, seen, sizeof(seen));
	if (!strcmp(seen, account->nat_seen))
		return;
	if (seen[0])
		sipua_log(account->ua,
			  "%s: %s (NAT): answering actpass offers we "
			  "connect out\n", account->acc.aor, seen);
	else
		sipua_log(account->ua,
			  "%s: the registrar sees us at our own address\n",
			  account->acc.aor);
	str_ncpy(account->nat_seen, seen, sizeof(account->nat_seen));
}

/* The address we are called at: the one the INVITE came to, else (a
 * socket on the any address) the primary registration's. */
static const struct sa *own_address(const struct sipua *ua,
				    const struct sa *local)
{
	unsigned i;

	if (local && sa_isset(local, SA_ADDR) && !sa_is_any(local))
		return local;
	for (i = 0; i < ua->n_accounts; i++) {
		const struct sa *laddr = ua->accounts[i].reg ?
			sipreg_laddr(ua->accounts[i].reg) : NULL;

		if (laddr && sa_isset(laddr, SA_ADDR) && !sa_is_any(laddr))
			return laddr;
	}
	return NULL;
}

void sipua_reach_judge(struct sipua_call *call, const struct sa *local)
{
	const struct sipua *ua = call->ua;
	const struct sa *own = own_address(ua, local);
	size_t size = sizeof(call->reach_why);
	unsigned i;

	call->unreachable = false;
	call->reach_why[0] = '\0';
	if (ua->own_msrp_relay) {
		str_ncpy(call->reach_why, "callers reach us at our MSRP relay",
			 size);
		return;
	}
	if (own && sipua_addr_private(own)) {
		call->unreachable = true;
		(void)re_snprintf(call->reach_why, size,
				  "our address %j is private", own);
		return;
	}
	for (i = 0; i < ua->n_accounts; i++) {
		if (ua->accounts[i].nat_seen[0]) {
			call->unreachable = true;
			str_ncpy(call->reach_why, ua->accounts[i].nat_seen,
				 size);
			return;
		}
	}
	if (!own)
		str_ncpy(call->reach_why, "nothing says we are behind NAT",
			 size);
	else
		(void)re_snprintf(call->reach_why, size, "our address %j is "
				  "%s", own, sa_is_loopback(own) ? "loopback" :
				  "public");
}
