/*
 * sip_account_test.c - the `account` line (baresip syntax) and the caller
 * policy (allow/deny lines and how From URIs match them).
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "sip/account.h"
#include "sip/policy.h"
#include "tests/unit/check.h"

static void test_account_full(void)
{
	struct sip_account acc;

	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:desk@example.com>;auth_user=desk7;"
		"auth_pass=secret;outbound=\"sip:127.0.0.1:5060;transport=tcp\";"
		"regint=600"), 0);
	CHECK_EQ_STR(acc.aor, "sip:desk@example.com");
	CHECK_EQ_STR(acc.user, "desk");
	CHECK_EQ_STR(acc.registrar, "sip:example.com");
	CHECK_EQ_STR(acc.auth_user, "desk7");
	CHECK_EQ_STR(acc.auth_pass, "secret");
	CHECK_EQ_STR(acc.outbound, "sip:127.0.0.1:5060;transport=tcp");
	CHECK_EQ_INT(acc.regint, 600);
	CHECK_EQ_STR(acc.display, "");
}

static void test_account_variants(void)
{
	struct sip_account acc;

	/* defaults: regint 3600, auth_user from the AOR */
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:bob@pbx.example:5070;transport=tcp>"
		";auth_pass=pw"), 0);
	CHECK_EQ_STR(acc.aor, "sip:bob@pbx.example:5070;transport=tcp");
	CHECK_EQ_STR(acc.registrar, "sip:pbx.example:5070");
	CHECK_EQ_STR(acc.auth_user, "bob");
	CHECK_EQ_INT(acc.regint, ACCOUNT_DEFAULT_REGINT);
	CHECK_EQ_STR(acc.outbound, "");

	/* display name, unknown baresip parameters, regint=0 */
	CHECK_EQ_INT(sip_account_parse(&acc, "\"Front desk\" <sips:d@example.org>;"
		"answermode=auto;regint=0;auth_pass=\"a;b c\""), 0);
	CHECK_EQ_STR(acc.display, "Front desk");
	CHECK_EQ_STR(acc.registrar, "sips:example.org");
	CHECK_EQ_INT(acc.regint, 0);
	CHECK_EQ_STR(acc.auth_pass, "a;b c");

	/* no brackets: the URI ends at the first parameter */
	CHECK_EQ_INT(sip_account_parse(&acc, "sip:x@y.example;auth_pass=p"), 0);
	CHECK_EQ_STR(acc.aor, "sip:x@y.example");
	CHECK_EQ_STR(acc.auth_pass, "p");
}

static void test_account_bad(void)
{
	struct sip_account acc;
	char longline[600];

	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:desk@example.com"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<http://desk@example.com>"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:example.com>"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:@example.com>"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:a@>"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:a@b>;outbound=\"sip:x"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:a@b>;regint=soon"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:a@b> trailing"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "\"unterminated <sip:a@b>"), EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, NULL), EINVAL);
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "<sip:a@b>;auth_pass=", 20);
	longline[sizeof(longline) - 1] = '\0';
	CHECK_EQ_INT(sip_account_parse(&acc, longline), E2BIG);
}

static void test_policy_matching(void)
{
	struct policy p;
	enum sipua_rights rights = SIPUA_RIGHTS_CONTROL;

	memset(&p, 0, sizeof(p));
	/* nobody without allow lines */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:helpdesk@example.com", &rights),
		     POLICY_NOT_ALLOWED);

	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:helpdesk@example.com control"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:*@Example.ORG"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sips:viewer@example.com view"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:eve@example.org"), 0);

	/* exact, with display name, params, port, sips, host case */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:helpdesk@example.com", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	CHECK_EQ_INT(sip_policy_check(&p, "\"Help\" <sips:helpdesk@EXAMPLE.com:5061;"
		"transport=tls>", &rights), POLICY_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "SIP:helpdesk@example.com;user=phone",
				      &rights), POLICY_ALLOWED);
	/* users are case-sensitive */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:HelpDesk@example.com", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:other@example.com", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:viewer@example.com", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_VIEW);

	/* wildcard domain, default rights view */
	rights = SIPUA_RIGHTS_CONTROL;
	CHECK_EQ_INT(sip_policy_check(&p, "<sip:anyone@example.org>", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_VIEW);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:anyone@sub.example.org", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:anyone@example.org.evil", &rights),
		     POLICY_NOT_ALLOWED);
	/* deny wins over the wildcard allow, whatever the host's case */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:eve@EXAMPLE.org", &rights),
		     POLICY_DENIED);

	/* not a SIP identity */
	CHECK_EQ_INT(sip_policy_check(&p, "tel:+123", &rights), POLICY_NOT_ALLOWED);
	/* an IPv6 host matches in any spelling of its address */
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:ops@[fd15::1] control"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:ops@[FD15:0:0::1]:5060", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:ops@[fd15::2]", &rights),
		     POLICY_NOT_ALLOWED);
	/* an unclosed literal does not read cleanly: 400, never compared */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:ops@[fd15::1", &rights),
		     POLICY_MALFORMED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:example.org", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:helpdesk:pw@example.com", &rights),
		     POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, "", &rights), POLICY_NOT_ALLOWED);
	CHECK_EQ_INT(sip_policy_check(&p, NULL, &rights), POLICY_NOT_ALLOWED);

	/* deny listed before allow still wins; a domain deny too */
	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:*@evil.example"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:boss@evil.example control"), 0);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:boss@evil.example", &rights),
		     POLICY_DENIED);
}

static void test_policy_bad_lines(void)
{
	struct policy p;
	unsigned i;

	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add(&p, false, "helpdesk@example.com"), EINVAL);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:helpdesk@example.com root"),
		     EINVAL);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:a@b control extra"), EINVAL);
	CHECK_EQ_INT(sip_policy_add(&p, true, "sip:a@b control"), EINVAL);
	CHECK_EQ_INT(sip_policy_add(&p, false, ""), EINVAL);
	CHECK_EQ_INT(p.n_rules, 0);
	for (i = 0; i < POLICY_MAX_RULES; i++)
		CHECK_EQ_INT(sip_policy_add(&p, false, "sip:a@b"), 0);
	CHECK_EQ_INT(sip_policy_add(&p, false, "sip:a@b"), E2BIG);
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

static void test_policy_from_conf(void)
{
	struct policy p;
	enum sipua_rights rights;

	CHECK_EQ_INT(conf_policy(&p,
		"sip_listen 127.0.0.1:0\n"
		"allow sip:a@example.com\n"
		"allow\tsip:b@example.com   control\n"
		"  allow sip:c@example.com view\r\n"
		"allow sip:a@example.com.evil control\n"
		"allow sip:A@example.com control\n"
		"deny sip:*@evil.example\n"
		"allow sip:*@example.net control"), 0);
	CHECK_EQ_INT(p.n_rules, 7);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:a@example.com", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_VIEW);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:b@example.com", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:c@example.com", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_VIEW);
	/* the last line, without a newline at the end of the buffer */
	CHECK_EQ_INT(sip_policy_check(&p, "sip:z@example.net", &rights),
		     POLICY_ALLOWED);
	CHECK_EQ_INT(rights, SIPUA_RIGHTS_CONTROL);
	CHECK_EQ_INT(sip_policy_check(&p, "sip:z@evil.example", &rights),
		     POLICY_DENIED);

	CHECK_EQ_INT(conf_policy(&p, "allow sip:a@b superuser\n"), EINVAL);
	CHECK_EQ_INT(conf_policy(&p, "allow nonsense\n"), EINVAL);
	CHECK_EQ_INT(conf_policy(&p, "sip_user x\n"), 0);
	CHECK_EQ_INT(p.n_rules, 0);
}

int main(void)
{
	test_account_full();
	test_account_variants();
	test_account_bad();
	test_policy_matching();
	test_policy_bad_lines();
	test_policy_from_conf();
	CHECK_DONE("sip_account_test");
}
