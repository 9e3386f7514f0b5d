/*
 * sip_sdp_test.c - the RFB-over-MSRP SDP dialects: offers in, answers out,
 * field by field; hostile and useless offers; our own offer and answers
 * to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sip/sdp_rfb.h"
#include "tests/unit/check.h"

#define LOCAL_PATH "msrp://192.0.2.7:2855/ourSession;tcp"

static const struct sdp_rfb_local local = {
	LOCAL_PATH, "192.0.2.7", false, 42, NULL, 0, false, NULL,
};

static char answer[8192];

/* Is line (without CRLF) one of answer's lines? */
static bool has_line(const char *sdp, const char *line)
{
	size_t n = strlen(line);
	const char *p = sdp;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == sdp || p[-1] == '\n') && !strncmp(p + n, "\r\n", 2))
			return true;
		p += n;
	}
	return false;
}

static unsigned count_lines(const char *sdp, const char *prefix)
{
	unsigned n = 0;
	const char *p = sdp;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static unsigned answer_to(struct sipua_media *media, const char *offer,
			  const struct sdp_rfb_local *loc)
{
	const char *why = NULL;
	unsigned status = sip_sdp_rfb_answer(media, answer, sizeof(answer),
					     offer, strlen(offer), loc, &why);
	if (status)
		CHECK(why != NULL && why[0] != '\0');
	return status;
}

#define SESSION "v=0\r\no=alice 1 1 IN IP4 198.51.100.1\r\ns=-\r\n" \
	"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"

static void test_blink_incoming(void)
{
	struct sipua_media m;
	const char *offer = SESSION
		"m=audio 49170 RTP/AVP 0 8\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"m=application 7394 TCP/MSRP *\r\n"
		"a=accept-types:text/plain application/x-rfb\r\n"
		"a=path:msrp://198.51.100.1:7394/abc;tcp "
		"msrp://203.0.113.9:2855/relay;tcp\r\n"
		"a=setup:active\r\n"
		"m=video 0 RTP/AVP 96\r\n";

	CHECK_EQ_INT(answer_to(&m, offer, &local), 0);
	CHECK_EQ_INT(m.dialect, SIPUA_DIALECT_BLINK);
	CHECK(!m.tls);
	CHECK(!m.we_connect);          /* the offerer is active */
	CHECK(m.we_serve_rfb);         /* no rfbsetup: the answerer serves */
	CHECK_EQ_STR(m.remote_path, "msrp://198.51.100.1:7394/abc;tcp "
		     "msrp://203.0.113.9:2855/relay;tcp");

	CHECK(!strncmp(answer, "v=0\r\n", 5));
	CHECK(has_line(answer, "o=sipvnc 42 42 IN IP4 192.0.2.7"));
	CHECK(has_line(answer, "c=IN IP4 192.0.2.7"));
	CHECK(has_line(answer, "t=0 0"));
	CHECK(has_line(answer, "m=audio 0 RTP/AVP 0 8"));
	CHECK(has_line(answer, "m=application 2855 TCP/MSRP *"));
	CHECK(has_line(answer, "m=video 0 RTP/AVP 96"));
	CHECK(has_line(answer, "a=path:" LOCAL_PATH));
	CHECK(has_line(answer, "a=accept-types:application/x-rfb"));
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK(has_line(answer, "a=rfbsetup:passive"));
	CHECK_EQ_INT(count_lines(answer, "m="), 3);
	CHECK_EQ_INT(count_lines(answer, "a="), 4);
	/* the media keep their order: audio, application, video */
	CHECK(strstr(answer, "m=audio") < strstr(answer, "m=application"));
	CHECK(strstr(answer, "m=application") < strstr(answer, "m=video"));
}

#define ACTPASS_OFFER(path) SESSION "m=application 9 TCP/MSRP *\r\n" \
	"a=accept-types:application/x-rfb\r\n" \
	"a=path:" path "\r\na=setup:actpass\r\n"

/* msrp_setup auto: connect when we may be behind NAT or the caller's path
 * starts at a relay, listen only when we look reachable and the caller
 * gave a direct path; active and passive force a role. */
static void test_actpass_auto(void)
{
	struct sipua_media m;
	struct sdp_rfb_local l = local;

	l.actpass = SDP_RFB_ACTPASS_AUTO;
	l.reach_why = "our address 192.0.2.7 is public";
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER("msrp://h:9/x;tcp"), &l), 0);
	CHECK(!m.we_connect);
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK(strstr(m.role_why, "192.0.2.7 is public") != NULL);
	CHECK(strstr(m.role_why, "direct") != NULL);

	/* a relay in front of the caller: we connect to it */
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER(
		"msrp://relay.example:2855/r1;tcp msrp://10.0.0.5:9/x;tcp"),
		&l), 0);
	CHECK(m.we_connect);
	CHECK(has_line(answer, "a=setup:active"));
	CHECK(strstr(m.role_why, "relay") != NULL);

	/* behind NAT: we connect, and say why */
	l.unreachable = true;
	l.reach_why = "our address 10.1.2.3 is private";
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER("msrp://h:9/x;tcp"), &l), 0);
	CHECK(m.we_connect);
	CHECK(has_line(answer, "a=setup:active"));
	CHECK(!strcmp(m.role_why, "our address 10.1.2.3 is private"));
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER(
		"msrp://relay.example:2855/r1;tcp msrp://h:9/x;tcp"), &l), 0);
	CHECK(m.we_connect);
	CHECK(!strcmp(m.role_why, "our address 10.1.2.3 is private, and the "
		      "caller's path starts at a relay"));

	/* passive forced all the same, and the log warns */
	l.actpass = SDP_RFB_ACTPASS_LISTEN;
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER(
		"msrp://relay.example:2855/r1;tcp msrp://h:9/x;tcp"), &l), 0);
	CHECK(!m.we_connect);
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK(strstr(m.role_why, "msrp_setup passive") != NULL);
	CHECK(strstr(m.role_why, "10.1.2.3 is private") != NULL);

	/* active forced while reachable, to a direct path */
	l.actpass = SDP_RFB_ACTPASS_CONNECT;
	l.unreachable = false;
	CHECK_EQ_INT(answer_to(&m, ACTPASS_OFFER("msrp://h:9/x;tcp"), &l), 0);
	CHECK(m.we_connect);

	/* an offer that is not actpass is followed whatever msrp_setup says */
	l.actpass = SDP_RFB_ACTPASS_AUTO;
	l.unreachable = true;
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=setup:active\r\n", &l), 0);
	CHECK(!m.we_connect);
	CHECK(strstr(m.role_why, "a=setup:active") != NULL);

	CHECK(!sip_sdp_rfb_path_has_relay("msrp://h:9/x;tcp"));
	CHECK(!sip_sdp_rfb_path_has_relay("  msrp://h:9/x;tcp  "));
	CHECK(sip_sdp_rfb_path_has_relay("msrp://r:9/a;tcp msrp://h:9/x;tcp"));
	CHECK(sip_sdp_rfb_path_has_relay("msrp://r:9/a;tcp\tmsrp://h:9/x;tcp"));
	CHECK(!sip_sdp_rfb_path_has_relay(""));
	CHECK(!sip_sdp_rfb_path_has_relay(NULL));
}

static void test_blink_roles(void)
{
	struct sipua_media m;
	struct sdp_rfb_local active_pref = local;

	active_pref.actpass = SDP_RFB_ACTPASS_CONNECT;

	/* offerer passive: we connect */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/TLS/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrps://h.example:9/x;tcp\r\na=setup:passive\r\n",
		&local), 0);
	CHECK(m.tls);
	CHECK(m.we_connect);
	CHECK(m.we_serve_rfb);
	/* our path is plain msrp: we say so rather than echo TLS */
	CHECK(has_line(answer, "m=application 2855 TCP/MSRP *"));
	CHECK(has_line(answer, "a=setup:active"));

	/* actpass: msrp_setup decides; auto listens when we look reachable
	 * and the caller's path is direct */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=setup:actpass\r\n", &local), 0);
	CHECK(!m.we_connect);
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=setup:actpass\r\n",
		&active_pref), 0);
	CHECK(m.we_connect);
	CHECK(has_line(answer, "a=setup:active"));

	CHECK(strstr(m.role_why, "msrp_setup active") != NULL);

	/* no a=setup: the offerer connects (RFC 4975) */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\n"
		"a=accept-types:application/x-rfb\n"
		"a=path:msrp://h:9/x;tcp\n", &local), 0);
	CHECK(!m.we_connect);

	/* rfbsetup:passive: the caller serves, we view (a `share`) */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=setup:active\r\n"
		"a=rfbsetup:passive\r\n", &local), 0);
	CHECK(!m.we_serve_rfb);
	CHECK(has_line(answer, "a=rfbsetup:active"));

	/* rfbsetup:active: the caller views */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=rfbsetup:active\r\n", &local), 0);
	CHECK(m.we_serve_rfb);
	CHECK(has_line(answer, "a=rfbsetup:passive"));

	/* nonsense roles */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=setup:holdconn\r\n", &local), 488);
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\na=rfbsetup:maybe\r\n", &local), 488);
}

static void test_rfb_proto_dialect(void)
{
	struct sipua_media m;

	/* design A: the RFB role is in a=setup, no accept-types needed */
	CHECK_EQ_INT(answer_to(&m, SESSION
		"m=message 5000 TCP/TLS/MSRP/RFB *\r\n"
		"a=path:msrps://198.51.100.1:5000/s1;tcp\r\n"
		"a=setup:active\r\n", &local), 0);
	CHECK_EQ_INT(m.dialect, SIPUA_DIALECT_RFB_PROTO);
	CHECK(m.tls);
	CHECK(m.we_serve_rfb);         /* offerer active = viewer */
	CHECK(!m.we_connect);          /* and the viewer connects */
	CHECK_EQ_STR(m.remote_path, "msrps://198.51.100.1:5000/s1;tcp");
	CHECK(has_line(answer, "m=message 2855 TCP/MSRP/RFB *"));
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK(has_line(answer, "a=path:" LOCAL_PATH));
	CHECK(!strstr(answer, "rfbsetup"));

	CHECK_EQ_INT(answer_to(&m, SESSION
		"m=application 5000 TCP/MSRP/RFB *\r\n"
		"a=path:msrp://198.51.100.1:5000/s1;tcp\r\n"
		"a=setup:passive\r\n", &local), 0);
	CHECK(!m.tls);
	CHECK(!m.we_serve_rfb);        /* offerer is the RFB server */
	CHECK(m.we_connect);
	CHECK(has_line(answer, "m=application 2855 TCP/MSRP/RFB *"));
	CHECK(has_line(answer, "a=setup:active"));
}

static void test_message_dialect(void)
{
	struct sipua_media m;

	CHECK_EQ_INT(answer_to(&m, SESSION
		"m=message 5000 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://198.51.100.1:5000/s1;tcp\r\n"
		"a=setup:active\r\n", &local), 0);
	CHECK_EQ_INT(m.dialect, SIPUA_DIALECT_MESSAGE);
	CHECK(m.we_serve_rfb);
	CHECK(!m.we_connect);
	CHECK(has_line(answer, "m=message 2855 TCP/MSRP *"));
	CHECK(has_line(answer, "a=setup:passive"));
	CHECK(has_line(answer, "a=accept-types:application/x-rfb"));
	CHECK(!strstr(answer, "rfbsetup"));

	/* m=message without x-rfb is a chat, not for us */
	CHECK_EQ_INT(answer_to(&m, SESSION
		"m=message 5000 TCP/MSRP *\r\n"
		"a=accept-types:text/plain\r\n"
		"a=path:msrp://198.51.100.1:5000/s1;tcp\r\n", &local), 488);
}

static void test_refusals(void)
{
	struct sipua_media m;
	const char *why = NULL;
	static const char *const garbage[] = {
		"", "v=1\r\n", "hello world", "v=0\r\nxx\r\n", "v=0\r\nM=a\r\n",
		"v=0\r\nm=application\r\n", "v=0\r\nm=application x TCP/MSRP *\r\n",
		"v=0\r\nm=application 99999 TCP/MSRP *\r\n",
		"v=0\r\nm=application 9 TCP/MSRP\r\n", "=0\r\n", "\r\n\r\n",
	};
	const char *full = SESSION "m=application 7394 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://198.51.100.1:7394/abc;tcp\r\n";
	char big[SDP_RFB_MAX_SIZE + 64];
	size_t i;

	CHECK_EQ_INT(answer_to(&m, SESSION "m=audio 49170 RTP/AVP 0\r\n",
			       &local), 488);
	CHECK_EQ_INT(answer_to(&m, SESSION, &local), 488);
	/* disabled RFB media (port 0) is no offer */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 0 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\n", &local), 488);
	/* no or bad path */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n", &local), 488);
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:http://h:9/x\r\n", &local), 488);
	/* accept-types without x-rfb, or RFB over something else */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfbx\r\n"
		"a=path:msrp://h:9/x;tcp\r\n", &local), 488);
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 UDP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\n", &local), 488);

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		unsigned st = sip_sdp_rfb_answer(&m, answer, sizeof(answer),
						 garbage[i], strlen(garbage[i]),
						 &local, &why);
		if (st != 400 && st != 488)
			fprintf(stderr, "garbage %zu gave %u\n", i, st);
		CHECK(st == 400 || st == 488);
		CHECK_EQ_STR(answer, "");
	}
	CHECK_EQ_INT(sip_sdp_rfb_answer(&m, answer, sizeof(answer), NULL, 0,
					&local, &why), 400);
	/* a NUL inside is refused, not a shorter string */
	CHECK_EQ_INT(sip_sdp_rfb_answer(&m, answer, sizeof(answer),
					"v=0\r\ns=\0x\r\n", 11, &local, &why), 400);

	/* every truncation of a good offer: a clean verdict, never more */
	for (i = 0; i < strlen(full); i++) {
		unsigned st = sip_sdp_rfb_answer(&m, answer, sizeof(answer), full,
						 i, &local, &why);
		CHECK(st == 0 || st == 400 || st == 488);
	}
	CHECK_EQ_INT(answer_to(&m, full, &local), 0);

	/* too large */
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 7; i++)
		big[i] = "v=0\r\ns="[i];
	CHECK_EQ_INT(sip_sdp_rfb_answer(&m, answer, sizeof(answer), big,
					sizeof(big), &local, &why), 400);
	/* our answer would not fit */
	CHECK_EQ_INT(sip_sdp_rfb_answer(&m, answer, 40, full, strlen(full),
					&local, &why), 500);
	CHECK_EQ_STR(answer, "");
	/* a local path without a port is our bug, not the caller's */
	{
		struct sdp_rfb_local bad = local;
		bad.path = "msrp://192.0.2.7/x;tcp";
		CHECK_EQ_INT(answer_to(&m, full, &bad), 500);
	}
}

#define FP "SHA-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:" \
	"19:E5:7C:AB:3C:2E:0D:9C:0A:9F:6B:C6:8D:D1:23:45"
#define TLS_PATH "msrps://192.0.2.7:2856/tlsSession;tcp"

static void test_fingerprint(void)
{
	struct sdp_rfb_local tls_local = local;
	struct sipua_media m;
	const char *why = NULL;
	char offer[2048];
	const char *ans;

	tls_local.path = TLS_PATH;
	tls_local.fingerprint = FP;

	/* media-level fingerprint read; ours and TLS in the answer */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/TLS/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrps://h:9/x;tcp\r\na=fingerprint:sha-1 "
		"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01\r\n",
		&tls_local), 0);
	CHECK(m.tls);
	CHECK_EQ_STR(m.fingerprint, "sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
		     "01:23:45:67:89:AB:CD:EF:01");
	CHECK(has_line(answer, "m=application 2856 TCP/TLS/MSRP *"));
	CHECK(has_line(answer, "a=fingerprint:" FP));
	CHECK(has_line(answer, "a=path:" TLS_PATH));
	CHECK_EQ_INT(count_lines(answer, "a=fingerprint:"), 1);

	/* session-level fingerprint applies to the media (RFC 8122) */
	CHECK_EQ_INT(answer_to(&m, "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
		"a=fingerprint:SHA-256 01:02\r\nt=0 0\r\n"
		"m=message 9 TCP/TLS/MSRP/RFB *\r\n"
		"a=path:msrps://h:9/x;tcp\r\na=setup:active\r\n",
		&tls_local), 0);
	CHECK_EQ_STR(m.fingerprint, "SHA-256 01:02");
	CHECK(has_line(answer, "m=message 2856 TCP/TLS/MSRP/RFB *"));
	/* ...and the media's own wins over it */
	CHECK_EQ_INT(answer_to(&m, "v=0\r\ns=-\r\n"
		"a=fingerprint:SHA-256 01:02\r\n"
		"m=message 9 TCP/TLS/MSRP/RFB *\r\n"
		"a=fingerprint:SHA-1 0A:0B\r\n"
		"a=path:msrps://h:9/x;tcp\r\n", &tls_local), 0);
	CHECK_EQ_STR(m.fingerprint, "SHA-1 0A:0B");

	/* none: empty, and none in our answer without our own */
	CHECK_EQ_INT(answer_to(&m, SESSION "m=application 9 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://h:9/x;tcp\r\n", &local), 0);
	CHECK_EQ_STR(m.fingerprint, "");
	CHECK(!strstr(answer, "fingerprint"));

	/* malformed ones are refused, not passed on */
	static const char *const bad[] = {
		"SHA-256", "SHA-256 ", "SHA-256 A", "SHA-256 AB:", "SHA-256 AB:C",
		"SHA-256 AB;CD", "SHA-256 GG", "SHA-256 AB CD", "SHA/256 AB",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char o[512];

		snprintf(o, sizeof(o), SESSION "m=application 9 TCP/MSRP *\r\n"
			 "a=accept-types:application/x-rfb\r\n"
			 "a=path:msrp://h:9/x;tcp\r\na=fingerprint:%s\r\n",
			 bad[i]);
		CHECK_EQ_INT(answer_to(&m, o, &local), 488);
	}
	{
		char o[1024], fp[300];

		memset(fp, 'A', sizeof(fp));
		memcpy(fp, "SHA-256 ", 8);
		for (size_t i = 8; i + 1 < sizeof(fp); i += 3)
			fp[i + 2] = ':';
		fp[sizeof(fp) - 1] = '\0';
		snprintf(o, sizeof(o), SESSION "m=application 9 TCP/MSRP *\r\n"
			 "a=accept-types:application/x-rfb\r\n"
			 "a=path:msrp://h:9/x;tcp\r\na=fingerprint:%s\r\n", fp);
		CHECK_EQ_INT(answer_to(&m, o, &local), 488);  /* too long */
	}

	/* our offer over TLS, and the fingerprint in the answer to it */
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &tls_local, false), 0);
	CHECK(has_line(offer, "m=application 2856 TCP/TLS/MSRP *"));
	CHECK(has_line(offer, "a=fingerprint:" FP));
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &local, false), 0);
	CHECK(!strstr(offer, "fingerprint"));
	ans = SESSION "m=application 7000 TCP/TLS/MSRP *\r\n"
		"a=path:msrps://198.51.100.1:7000/p;tcp\r\n"
		"a=fingerprint:SHA-256 AA:BB\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=setup:passive\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     0);
	CHECK(m.tls);
	CHECK_EQ_STR(m.fingerprint, "SHA-256 AA:BB");
	ans = SESSION "m=application 7000 TCP/TLS/MSRP *\r\n"
		"a=path:msrps://198.51.100.1:7000/p;tcp\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=fingerprint:SHA-256 AA:B\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     EPROTO);

	/* a fingerprint with a line break would inject SDP: our bug */
	tls_local.fingerprint = "SHA-256 AA\r\na=evil";
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &tls_local, false),
		     EINVAL);
}

static void test_path_port(void)
{
	CHECK_EQ_INT(sip_sdp_rfb_path_port("msrp://1.2.3.4:2855/x;tcp"), 2855);
	CHECK_EQ_INT(sip_sdp_rfb_path_port("msrps://[::1]:9/x;tcp"), 9);
	CHECK_EQ_INT(sip_sdp_rfb_path_port("msrp://[::1]/x;tcp"), 0);
	CHECK_EQ_INT(sip_sdp_rfb_path_port("msrp://h:70000/x"), 0);
	CHECK_EQ_INT(sip_sdp_rfb_path_port("msrp://h:/x"), 0);
	CHECK_EQ_INT(sip_sdp_rfb_path_port("sip:h:5/x"), 0);
	CHECK_EQ_INT(sip_sdp_rfb_path_port(NULL), 0);
}

static void test_our_offer_and_answers(void)
{
	struct sipua_media m;
	const char *why = NULL;
	char offer[2048];
	const char *ans;

	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &local, false), 0);
	CHECK(has_line(offer, "m=application 2855 TCP/MSRP *"));
	CHECK(has_line(offer, "a=path:" LOCAL_PATH));
	CHECK(has_line(offer, "a=accept-types:application/x-rfb"));
	CHECK(has_line(offer, "a=setup:actpass"));
	CHECK(has_line(offer, "a=rfbsetup:active"));   /* view */
	CHECK(has_line(offer, "c=IN IP4 192.0.2.7"));
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &local, true), 0);
	CHECK(has_line(offer, "a=rfbsetup:passive"));  /* share */

	/* our offer answered by our own answerer */
	CHECK_EQ_INT(answer_to(&m, offer, &local), 0);
	CHECK(!m.we_serve_rfb);
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, 30, &local, true), ENOMEM);
	CHECK_EQ_STR(offer, "");

	ans = SESSION "m=application 7000 TCP/MSRP *\r\n"
		"a=path:msrp://198.51.100.1:7000/p;tcp\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=setup:passive\r\na=rfbsetup:passive\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     0);
	CHECK(m.we_connect);
	CHECK(!m.we_serve_rfb);
	CHECK_EQ_INT(m.dialect, SIPUA_DIALECT_BLINK);
	CHECK_EQ_STR(m.remote_path, "msrp://198.51.100.1:7000/p;tcp");

	ans = SESSION "m=application 7000 TCP/MSRP *\r\n"
		"a=path:msrp://198.51.100.1:7000/p;tcp\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=setup:active\r\na=rfbsetup:active\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), true, &why),
		     0);
	CHECK(!m.we_connect);
	CHECK(m.we_serve_rfb);
	/* same RFB role on both sides */
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     EPROTO);
	/* refused media, missing path, garbage */
	ans = SESSION "m=application 0 TCP/MSRP *\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     EPROTO);
	ans = SESSION "m=application 7000 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n";
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, ans, strlen(ans), false, &why),
		     EPROTO);
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, "junk", 4, false, &why),
		     EBADMSG);
	CHECK_EQ_INT(sip_sdp_rfb_parse_answer(&m, NULL, 0, false, &why), EBADMSG);
}

/* A changed description (re-INVITE moving the media) has a higher o=
 * version and the same session id (RFC 3264 8). */
static void test_version_bump(void)
{
	struct sdp_rfb_local moved = local;
	struct sipua_media media;
	char offer[2048];

	moved.path = "msrp://192.0.2.7:2999/movedSession;tcp";
	moved.version_bump = 2;
	CHECK_EQ_INT(answer_to(&media, SESSION
		"m=application 7394 TCP/MSRP *\r\n"
		"a=accept-types:application/x-rfb\r\n"
		"a=path:msrp://198.51.100.1:7394/s1;tcp\r\n", &moved), 0);
	CHECK(has_line(answer, "o=sipvnc 42 44 IN IP4 192.0.2.7"));
	CHECK(has_line(answer, "a=path:msrp://192.0.2.7:2999/movedSession;tcp"));
	CHECK(has_line(answer, "m=application 2999 TCP/MSRP *"));
	CHECK_EQ_INT(sip_sdp_rfb_offer(offer, sizeof(offer), &moved, true), 0);
	CHECK(has_line(offer, "o=sipvnc 42 44 IN IP4 192.0.2.7"));
	/* a late offer (INVITE without SDP): we serve RFB, actpass */
	CHECK(has_line(offer, "a=setup:actpass"));
	CHECK(has_line(offer, "a=rfbsetup:passive"));
}

int main(void)
{
	test_version_bump();
	test_blink_incoming();
	test_blink_roles();
	test_actpass_auto();
	test_rfb_proto_dialect();
	test_message_dialect();
	test_refusals();
	test_fingerprint();
	test_path_port();
	test_our_offer_and_answers();
	CHECK_DONE("sip_sdp_test");
}
