/*
 * sip_reach_test.c - may callers reach us, or are we behind NAT: private
 * addresses, what a registrar's Via (received, rport) says, and the
 * verdict the MSRP role of an actpass answer is chosen by.
 */
#include <string.h>
#include <re.h>
#include "sip/sipua_int.h"
#include "tests/unit/check.h"

static bool is_private(const char *addr)
{
	struct sa sa;

	if (sa_set_str(&sa, addr, 0))
		return false;
	return sipua_addr_private(&sa);
}

static void test_private(void)
{
	CHECK(is_private("10.0.0.1"));
	CHECK(is_private("10.255.255.255"));
	CHECK(is_private("172.16.0.1"));
	CHECK(is_private("172.31.255.254"));
	CHECK(!is_private("172.32.0.1"));
	CHECK(!is_private("172.15.255.255"));
	CHECK(is_private("192.168.1.10"));
	CHECK(!is_private("192.169.0.1"));
	CHECK(is_private("100.64.0.1"));      /* RFC 6598 carrier-grade NAT */
	CHECK(is_private("100.127.255.254"));
	CHECK(!is_private("100.128.0.1"));
	CHECK(!is_private("100.63.255.255"));
	CHECK(is_private("169.254.3.4"));     /* link-local */
	CHECK(!is_private("127.0.0.1"));      /* loopback reaches what runs here */
	CHECK(!is_private("::1"));
	CHECK(!is_private("192.0.2.7"));
	CHECK(!is_private("198.18.0.1"));
	CHECK(!is_private("8.8.8.8"));
	CHECK(is_private("fd12:3456::1"));    /* unique local fc00::/7 */
	CHECK(is_private("fc00::1"));
	CHECK(is_private("fe80::1"));         /* link-local */
	CHECK(!is_private("fec0::1"));
	CHECK(!is_private("2001:db8::1"));
	CHECK(is_private("::ffff:192.168.0.1"));  /* IPv4-mapped */
	CHECK(!is_private("::ffff:192.0.2.1"));
	CHECK(!sipua_addr_private(NULL));
}

/* The top Via of a response, as libre decodes it, into seen. */
static void via_of(const char *via, char *seen, size_t size)
{
	char text[512];
	struct mbuf *mb = mbuf_alloc(sizeof(text));
	struct sip_msg *msg = NULL;

	seen[0] = '\0';
	(void)re_snprintf(text, sizeof(text), "SIP/2.0 200 OK\r\nVia: %s\r\n"
			  "From: <sip:d@x>;tag=1\r\nTo: <sip:d@x>;tag=2\r\n"
			  "Call-ID: c1\r\nCSeq: 1 REGISTER\r\n"
			  "Content-Length: 0\r\n\r\n", via);
	CHECK(mb != NULL);
	if (!mb)
		return;
	(void)mbuf_write_str(mb, text);
	mb->pos = 0;
	CHECK_EQ_INT(sip_msg_decode(&msg, mb), 0);
	if (msg)
		sipua_via_nat(&msg->via, seen, size);
	mem_deref(msg);
	mem_deref(mb);
}

static void test_via(void)
{
	char seen[128];

	/* seen as we are: nothing to say */
	via_of("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1;rport=5060;"
	       "received=198.51.100.7", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "");
	via_of("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1", seen,
	       sizeof(seen));
	CHECK_EQ_STR(seen, "");
	/* a NAT that keeps the port changes the address */
	via_of("SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK1;rport=5060;"
	       "received=203.0.113.9", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "the registrar saw us as 203.0.113.9, not 10.1.2.3");
	/* one that maps the port, on UDP */
	via_of("SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK1;rport=40001;"
	       "received=203.0.113.9", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "the registrar saw us as 203.0.113.9:40001, not "
		     "10.1.2.3:5060");
	/* the port alone (received left out as the address is the same) */
	via_of("SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK1;rport=40001", seen,
	       sizeof(seen));
	CHECK_EQ_STR(seen, "the registrar saw us as 198.51.100.7:40001, not "
		     "198.51.100.7:5060");
	/* TCP: the connection's own port is no sign of NAT, the address is */
	via_of("SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bK1;rport=40001;"
	       "received=198.51.100.7", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "");
	via_of("SIP/2.0/TCP 10.1.2.3:5060;branch=z9hG4bK1;rport=40001;"
	       "received=203.0.113.9", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "the registrar saw us as 203.0.113.9, not 10.1.2.3");
	/* IPv6 */
	via_of("SIP/2.0/UDP [2001:db8::7]:5060;branch=z9hG4bK1;"
	       "received=2001:db8::9;rport=5060", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "the registrar saw us as 2001:db8::9, not "
		     "2001:db8::7");
	/* a host name in sent-by, or a received we cannot read: no verdict */
	via_of("SIP/2.0/UDP desk.example:5060;branch=z9hG4bK1;"
	       "received=203.0.113.9", seen, sizeof(seen));
	CHECK_EQ_STR(seen, "");
	via_of("SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK1;received=garbage",
	       seen, sizeof(seen));
	CHECK_EQ_STR(seen, "");
	sipua_via_nat(NULL, seen, sizeof(seen));
	CHECK_EQ_STR(seen, "");
}

static void judge(struct sipua_call *call, const char *local)
{
	struct sa sa;

	if (local && !sa_set_str(&sa, local, 5060))
		sipua_reach_judge(call, &sa);
	else
		sipua_reach_judge(call, NULL);
}

static void test_judge(void)
{
	static struct sipua ua;
	struct sipua_call call;

	memset(&call, 0, sizeof(call));
	call.ua = &ua;
	ua.n_accounts = 1;

	judge(&call, "10.19.0.2");
	CHECK(call.unreachable);
	CHECK_EQ_STR(call.reach_why, "our address 10.19.0.2 is private");
	judge(&call, "127.0.0.1");
	CHECK(!call.unreachable);
	CHECK_EQ_STR(call.reach_why, "our address 127.0.0.1 is loopback");
	judge(&call, "192.0.2.7");
	CHECK(!call.unreachable);
	CHECK_EQ_STR(call.reach_why, "our address 192.0.2.7 is public");
	judge(&call, NULL);
	CHECK(!call.unreachable);

	/* a public address, but the registrar saw another one */
	str_ncpy(ua.accounts[0].nat_seen,
		 "the registrar saw us as 203.0.113.9, not 192.0.2.7",
		 sizeof(ua.accounts[0].nat_seen));
	judge(&call, "192.0.2.7");
	CHECK(call.unreachable);
	CHECK(strstr(call.reach_why, "203.0.113.9") != NULL);

	/* our own relay: callers meet us there, whatever our address */
	ua.own_msrp_relay = true;
	judge(&call, "10.19.0.2");
	CHECK(!call.unreachable);
	CHECK(strstr(call.reach_why, "MSRP relay") != NULL);
}

int main(void)
{
	test_private();
	test_via();
	test_judge();
	CHECK_DONE("sip_reach_test");
}
