/*
 * sip_caller_uri_test.c - the one comparison of a caller with an allow,
 * deny or caller_secret line (RFC 3261 19.1.4) as a table: escaped user
 * parts, %25, host case, IP literals, parameters, ports, second readings
 * of the user, and what does not read cleanly.  Then the spelling shown
 * to people, and the policy and caller identity built on it.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "sip/caller.h"
#include "sip/caller_uri.h"
#include "sip/policy.h"
#include "tests/unit/check.h"

enum expect {
	OTHER = CALLER_URI_OTHER,
	SAME = CALLER_URI_SAME,
	MAYBE = CALLER_URI_MAYBE,
	BAD,      /* the caller's URI does not read cleanly: 400 */
	NOTSIP,   /* no sip: user@host identity */
};

static const struct {
	const char *line, *caller;
	enum expect expect;
} table[] = {
	/* the issue's callers: escapes in the user part are the same user */
	{ "sip:mallory@127.0.0.1", "sip:mallory@127.0.0.1", SAME },
	{ "sip:mallory@127.0.0.1", "sip:mall%6Fry@127.0.0.1", SAME },
	{ "sip:mallory@127.0.0.1", "sip:mall%6fry@127.0.0.1", SAME },
	{ "sip:mallory@127.0.0.1", "sip:%6Dallory@127.0.0.1", SAME },
	{ "sip:mallory@127.0.0.1", "sip:%6d%61%6c%6c%6f%72%79@127.0.0.1", SAME },
	{ "sip:intern@example.com", "sip:int%65rn@example.com", SAME },
	{ "sip:mall%6Fry@127.0.0.1", "sip:mallory@127.0.0.1", SAME },
	{ "sip:a+b@h.example", "sip:a%2Bb@h.example", SAME },
	{ "sip:%c3%a9@h.example", "sip:%C3%A9@h.example", SAME },
	/* users stay case-sensitive, after unescaping too */
	{ "sip:mallory@127.0.0.1", "sip:Mallory@127.0.0.1", OTHER },
	{ "sip:mallory@127.0.0.1", "sip:mall%4Fry@127.0.0.1", OTHER },
	{ "sip:mallory@127.0.0.1", "sip:mallory2@127.0.0.1", OTHER },
	/* %25 is a literal '%', unescaped once only */
	{ "sip:100%25@h.example", "sip:100%25@h.example", SAME },
	{ "sip:100%25@h.example", "sip:100%2525@h.example", OTHER },
	{ "sip:%2541@h.example", "sip:A@h.example", OTHER },
	{ "sip:%2541@h.example", "sip:%41@h.example", OTHER },
	{ "sip:%2541@h.example", "sip:%2541@h.example", SAME },
	{ "sip:100%25@h.example", "sip:100%@h.example", BAD },
	{ "sip:a%40b@h.example", "sip:a%40b@h.example", SAME },
	/* hosts: case, a trailing dot, look-alikes, no escapes */
	{ "sip:bob@Example.COM", "sip:bob@eXample.com", SAME },
	{ "sip:bob@example.com", "sip:bob@EXAMPLE.COM.", SAME },
	{ "sip:bob@example.com", "sip:bob@example.com.evil", OTHER },
	{ "sip:bob@example.com", "sip:bob@sub.example.com", OTHER },
	{ "sip:bob@example.com", "sip:bob@ex%61mple.com", BAD },
	{ "sip:bob@example.com", "sip:bob@example..com", BAD },
	{ "sip:bob@example.com", "sip:bob@example.com..", BAD },
	{ "sip:bob@example.com", "sip:bob@.example.com", BAD },
	/* IPv6 literals are compared as addresses (RFC 5954) */
	{ "sip:bob@[::1]", "sip:bob@[0:0:0:0:0:0:0:1]", SAME },
	{ "sip:bob@[::1]", "sip:bob@[::1]:5060;transport=tcp", SAME },
	{ "sip:bob@[::1]", "sip:bob@[::2]", OTHER },
	{ "sip:bob@[2001:DB8::1]", "sip:bob@[2001:db8:0::1]", SAME },
	{ "sip:bob@127.0.0.1", "sip:bob@[::ffff:127.0.0.1]", SAME },
	{ "sip:bob@[::1]", "sip:bob@[::1%25eth0]", BAD },
	{ "sip:bob@[::1]", "sip:bob@[::1", BAD },
	{ "sip:bob@[::1]", "sip:bob@[zz::1]", BAD },
	/* IPv4: one spelling; those a resolver reads otherwise are refused */
	{ "sip:bob@127.0.0.1", "sip:bob@127.0.0.1.", SAME },
	{ "sip:bob@127.0.0.1", "sip:bob@127.000.0.1", BAD },
	{ "sip:bob@127.0.0.1", "sip:bob@0177.0.0.1", BAD },
	{ "sip:bob@127.0.0.1", "sip:bob@127.1", BAD },
	{ "sip:bob@127.0.0.1", "sip:bob@0x7f.0.0.1", BAD },
	{ "sip:bob@127.0.0.1", "sip:bob@256.0.0.1", BAD },
	/* port, parameters, headers, scheme, display name: the same caller */
	{ "sip:mallory@127.0.0.1", "sip:mallory@127.0.0.1:5070;transport=tcp", SAME },
	{ "sip:mallory@127.0.0.1", "sip:mallory@127.0.0.1;user=phone?subject=x", SAME },
	{ "sip:mallory@127.0.0.1", "<sip:mallory@127.0.0.1;maddr=10.0.0.1>", SAME },
	{ "sip:mallory@127.0.0.1", "\"Alice\" <sip:mall%6Fry@127.0.0.1>", SAME },
	{ "sip:mallory@127.0.0.1", "\"a<b\" <sip:mallory@127.0.0.1>", SAME },
	{ "sip:mallory@127.0.0.1", "SIPS:mallory@127.0.0.1", SAME },
	{ "sips:mallory@127.0.0.1", "sip:mallory@127.0.0.1", SAME },
	/* the user up to ';' or '?' is a second reading: deny lines count it */
	{ "sip:mallory@h.example", "sip:mallory;x=1@h.example", MAYBE },
	{ "sip:mallory@h.example", "sip:mallory%3Bx@h.example", MAYBE },
	{ "sip:mallory@h.example", "sip:mallory?x@h.example", MAYBE },
	{ "sip:+15551234@h.example", "sip:+15551234;isub=1@h.example;user=phone", MAYBE },
	{ "sip:mallory;x=1@h.example", "sip:mallory@h.example", OTHER },
	/* global numbers: visual separators mean nothing (RFC 3966) */
	{ "sip:+15551234@h.example", "sip:+1-555-1234@h.example;user=phone", MAYBE },
	{ "sip:+1-555-1234@h.example", "sip:+1(555)1234;isub=2@h.example", MAYBE },
	{ "sip:+1-555-1234@h.example", "sip:%2B1.555.1234@h.example", MAYBE },
	{ "sip:+15551234@h.example", "sip:+15551235@h.example", OTHER },
	{ "sip:+15551234@h.example", "sip:+1555123@h.example", OTHER },
	{ "sip:15551234@h.example", "sip:1-555-1234@h.example", OTHER },
	/* wildcards: only a line's bare '*' */
	{ "sip:*@h.example", "sip:anyone@h.example", SAME },
	{ "sip:*@h.example", "sip:any%6Fne@H.example", SAME },
	{ "sip:*@h.example", "sip:anyone@other.example", OTHER },
	{ "sip:%2A@h.example", "sip:anyone@h.example", OTHER },
	{ "sip:%2A@h.example", "sip:*@h.example", SAME },
	{ "sip:bob@h.example", "sip:*@h.example", OTHER },
	/* escapes that do not read cleanly, control and forbidden characters */
	{ "sip:mallory@h.example", "sip:mall%6@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mall%zzry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mall%00ry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mall%0Dry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mall%7Fry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mallory%@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mallory@h.example;x=%00", BAD },
	{ "sip:mallory@h.example", "sip:mallory@h.example;x=%", BAD },
	{ "sip:mallory@h.example", "sip:mall\x01ry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mall\xc3\xb6ry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mal lory@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mal<ry@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mallory@evil@h.example", BAD },
	{ "sip:mallory@h.example", "sip:@h.example", BAD },
	{ "sip:mallory@h.example", "sip:mallory@", BAD },
	{ "sip:mallory@h.example", "sip:mallory@h.example:", BAD },
	{ "sip:mallory@h.example", "sip:mallory@h.example:50a", BAD },
	{ "sip:mallory@h.example", "sip:mallory@h.example>x", BAD },
	{ "sip:mallory@h.example", "<sip:mallory@h.example", BAD },
	/* no sip: identity at all */
	{ "sip:mallory@h.example", "tel:+123", NOTSIP },
	{ "sip:mallory@h.example", "sip:h.example", NOTSIP },
	{ "sip:mallory@h.example", "sip:mallory:pw@h.example", NOTSIP },
	{ "sip:mallory@h.example", "mailto:mallory@h.example", NOTSIP },
	{ "sip:mallory@h.example", "", NOTSIP },
};

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct caller_uri line, caller;
		int err, got;

		CHECK_EQ_INT(sip_caller_uri_parse(&line, table[i].line, true), 0);
		err = sip_caller_uri_parse(&caller, table[i].caller, false);
		got = err == EBADMSG ? BAD : err == ENOTSUP ? NOTSIP :
			err ? -err : (int)sip_caller_uri_match(&line, &caller);
		if (got != (int)table[i].expect)
			fprintf(stderr, "table[%zu]: %s against %s\n", i,
				table[i].caller, table[i].line);
		CHECK_EQ_INT(got, table[i].expect);
	}
}

static const struct {
	const char *caller, *shown;
} spelling[] = {
	{ "sip:mall%6Fry@127.0.0.1", "sip:mallory@127.0.0.1" },
	{ "\"Caller\" <SIPS:%61lice@EXAMPLE.com.:5061;transport=tls>",
	  "sips:alice@example.com" },
	{ "sip:100%25@h.example", "sip:100%25@h.example" },
	{ "sip:a%40b@h.example", "sip:a%40b@h.example" },
	{ "sip:%c3%a9@h.example", "sip:%C3%A9@h.example" },
	{ "sip:a%20b@h.example", "sip:a%20b@h.example" },
	{ "sip:*@h.example", "sip:%2A@h.example" },
	{ "sip:a;b=c@h.example", "sip:a;b=c@h.example" },
	{ "sip:bob@[2001:DB8:0:0::1]", "sip:bob@[2001:db8::1]" },
	{ "sip:bob@[::ffff:127.0.0.1]", "sip:bob@127.0.0.1" },
};

static void test_spelling(void)
{
	struct caller_uri u, v;
	char text[CALLER_URI_TEXT_SIZE], again[CALLER_URI_TEXT_SIZE];
	size_t i;

	for (i = 0; i < sizeof(spelling) / sizeof(spelling[0]); i++) {
		CHECK_EQ_INT(sip_caller_uri_parse(&u, spelling[i].caller, false), 0);
		CHECK_EQ_INT(sip_caller_uri_print(text, sizeof(text), &u), 0);
		CHECK_EQ_STR(text, spelling[i].shown);
		/* the spelling reads back as the same caller */
		CHECK_EQ_INT(sip_caller_uri_parse(&v, text, false), 0);
		CHECK_EQ_INT(sip_caller_uri_match(&u, &v), CALLER_URI_SAME);
		CHECK_EQ_INT(sip_caller_uri_print(again, sizeof(again), &v), 0);
		CHECK_EQ_STR(again, text);
	}
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:*@h.example", true), 0);
	CHECK_EQ_INT(sip_caller_uri_print(text, sizeof(text), &u), 0);
	CHECK_EQ_STR(text, "sip:*@h.example");
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:alice@h.example", false), 0);
	CHECK_EQ_INT(sip_caller_uri_print(text, 12, &u), E2BIG);

	sip_caller_uri_sanitize(text, sizeof(text), "sip:a\x01\xc3@h");
	CHECK_EQ_STR(text, "sip:a??@h");
	sip_caller_uri_sanitize(text, 4, "sip:a@h");
	CHECK_EQ_STR(text, "sip");
}

static void test_lines(void)
{
	struct caller_uri u;
	char user[200];

	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:*@h.example", true), 0);
	CHECK(u.any_user);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:*@h.example", false), 0);
	CHECK(!u.any_user);
	/* a line names user@host: anything more would only narrow it */
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:a@h.example:5060", true), EINVAL);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:a@h.example;transport=tls", true),
		     EINVAL);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:a:pw@h.example", true), EINVAL);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "sip:a%zz@h.example", true), EBADMSG);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, "tel:+1", true), ENOTSUP);
	memset(user, 'u', sizeof(user));
	memcpy(user, "sip:", 4);
	strcpy(user + sizeof(user) - 12, "@h.example");
	CHECK_EQ_INT(sip_caller_uri_parse(&u, user, false), E2BIG);
	CHECK_EQ_INT(sip_caller_uri_parse(NULL, "sip:a@b", false), EINVAL);
	CHECK_EQ_INT(sip_caller_uri_parse(&u, NULL, false), EINVAL);
}

static void test_policy(void)
{
	struct policy p;
	enum sipua_rights rights = SIPUA_RIGHTS_VIEW;

	/* the issue's configuration */
	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:*@127.0.0.1 control"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:mallory@127.0.0.1"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:*@example.com"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:intern@example.com"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:mallory@127.0.0.1", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:mall%6Fry@127.0.0.1", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:%6Dallory@127.0.0.1", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:int%65rn@example.com", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:mallory;x@127.0.0.1", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:mallory@[::ffff:127.0.0.1]",
				      &rights), POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:mall%zzry@127.0.0.1", &rights),
		     POLICY_MALFORMED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:al%69ce@127.0.0.1", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	/* a second reading never grants: only the caller's own user does */
	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:alice@h.example control"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:alice;x@h.example", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:%61lice@H.EXAMPLE", &rights),
		     POLICY_ALLOWED);
	/* lines are read the same way, and refused when they name more */
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:b%6Fb@h.example"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:bob@h.example", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:a@h.example:5060 control"),
		     EINVAL);
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:a%@h.example"), EINVAL);

	/* caller_secret: escaped lines and callers, the stricter reading */
	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:help%64esk@h.example s1"), 0);
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:*@h.example s-any"), 0);
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:helpdesk@h.example"), "s1");
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:%68elpdesk@H.example"), "s1");
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:helpdesk;x@h.example"), "s1");
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:other@h.example"), "s-any");
	CHECK(sip_policy_secret(&p, "sip:help%zzdesk@h.example") == NULL);
}

static int conf_policy(struct policy *p, const char *text)
{
	struct conf *conf;
	int err;

	memset(p, 0, sizeof(*p));
	err = conf_alloc_buf(&conf, (const uint8_t *)text, strlen(text));
	if (err)
		return err;
	err = sip_policy_read_conf(NULL, p, conf);
	mem_deref(conf);
	return err;
}

/* escaped lines in a configuration file, rights found after them */
static void test_conf(void)
{
	struct policy p;
	enum sipua_rights rights = SIPUA_RIGHTS_VIEW;

	CHECK_EQ_INT(conf_policy(&p,
		"allow sip:%61lice@127.0.0.1 control\n"
		"allow sip:*@Example.COM\n"
		"deny  sip:int%65rn@example.com\n"
		"caller_secret sip:help%64esk@example.com pw\n"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:alice@127.0.0.1", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:intern@example.com", &rights),
		     POLICY_DENIED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:in%74ern@EXAMPLE.com", &rights),
		     POLICY_DENIED);
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:helpdesk@example.com"), "pw");
	CHECK_EQ_INT(conf_policy(&p, "allow sip:a@b.example:5060\n"), EINVAL);
	CHECK_EQ_INT(conf_policy(&p, "deny sip:a%zz@b.example\n"), EINVAL);
}

/* An INVITE from `from`, with the headers in extra, decoded by libre. */
static struct sip_msg *invite(const char *from, const char *extra,
			      const char *src)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(1024);

	(void)mbuf_printf(mb, "INVITE sip:desk@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
			  "From: %s;tag=1\r\nTo: <sip:desk@127.0.0.1>\r\n"
			  "Call-ID: call-1@test\r\nCSeq: 2 INVITE\r\n%s"
			  "Content-Length: 0\r\n\r\n", from, extra);
	mb->pos = 0;
	if (sip_msg_decode(&msg, mb))
		msg = NULL;
	mem_deref(mb);
	if (msg)
		(void)sa_set_str(&msg->src, src, 5070);
	return msg;
}

/* who calls, as libre hands it over: From, or a trusted proxy's PAI */
static void test_identity(void)
{
	struct caller_trust trust;
	struct caller_uri id;
	struct sip_msg *msg;
	char uri[CALLER_URI_TEXT_SIZE];
	bool asserted;

	memset(&trust, 0, sizeof(trust));
	CHECK_EQ_INT(sip_caller_trust_add(&trust, "10.0.0.1"), 0);

	msg = invite("\"M\" <sip:mall%6Fry@Example.COM:5070;transport=tcp>",
		     "", "10.0.0.2");
	CHECK(msg != NULL);
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:mallory@example.com");
	CHECK_EQ_STR(id.user, "mallory");
	mem_deref(msg);

	/* without <>: libre ends the URI at the first ';' */
	msg = invite("sip:%6Dallory@example.com", "", "10.0.0.2");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:mallory@example.com");
	mem_deref(msg);

	msg = invite("<sip:mall%zzry@example.com>", "", "10.0.0.2");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), EBADMSG);
	CHECK_EQ_STR(uri, "sip:mall%zzry@example.com");
	mem_deref(msg);

	msg = invite("<sip:mall%00ry@example.com>", "", "10.0.0.2");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), EBADMSG);
	mem_deref(msg);

	msg = invite("<tel:+123>", "", "10.0.0.2");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), ENOTSUP);
	CHECK_EQ_STR(uri, "tel:+123");
	mem_deref(msg);

	/* an asserted identity is read the same way */
	msg = invite("<sip:alice@example.com>",
		     "P-Asserted-Identity: <sip:%6Dallory@EXAMPLE.com>\r\n",
		     "10.0.0.1");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK(asserted);
	CHECK_EQ_STR(uri, "sip:mallory@example.com");
	mem_deref(msg);
	msg = invite("<sip:alice@example.com>",
		     "P-Asserted-Identity: <sip:m%6@example.com>\r\n",
		     "10.0.0.1");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), EBADMSG);
	mem_deref(msg);

	/* long parameters do not matter, a long identity does */
	msg = invite("<sip:alice@example.com;x=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx>",
		     "", "10.0.0.2");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, 64, &asserted), 0);
	CHECK_EQ_STR(uri, "sip:alice@example.com");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, 12, &asserted),
		     E2BIG);
	CHECK_EQ_STR(uri, "sip:alice@e");   /* cut, for the log */
	mem_deref(msg);
}

int main(void)
{
	if (libre_init())
		return 1;
	test_table();
	test_spelling();
	test_lines();
	test_policy();
	test_conf();
	test_identity();
	libre_close();
	CHECK_DONE("sip_caller_uri_test");
}
