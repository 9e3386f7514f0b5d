/*
 * sip_caller_test.c - the caller policy beyond allow/deny: caller secrets
 * (config and lookup), our digest challenge (nonces, verification of a real
 * INVITE's Authorization), P-Asserted-Identity trust, and the answer
 * command of answermode manual.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <re.h>
#include "sip/answer_cmd.h"
#include "sip/caller.h"
#include "sip/policy.h"
#include "tests/unit/check.h"

static const uint8_t key[CALLER_KEY_SIZE] = "0123456789abcdefghi";
static const uint8_t other_key[CALLER_KEY_SIZE] = "0123456789abcdefghX";

static void test_nonce(void)
{
	char nonce[CALLER_NONCE_SIZE];
	struct pl callid = PL("abc@host"), other = PL("abd@host"), n;

	sip_caller_nonce_make(nonce, key, &callid, 1000);
	CHECK_EQ_INT(strlen(nonce), CALLER_NONCE_SIZE - 1);
	pl_set_str(&n, nonce);
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 1000), 0);
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid,
					    1000 + CALLER_NONCE_LIFETIME), 0);
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid,
					    1001 + CALLER_NONCE_LIFETIME),
		     ETIMEDOUT);
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 999), ETIMEDOUT);
	/* another call, another process (key), a forged time or MAC */
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &other, 1000), EBADMSG);
	CHECK_EQ_INT(sip_caller_nonce_check(&n, other_key, &callid, 1000), EBADMSG);
	nonce[15] = nonce[15] == '0' ? '1' : '0';
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 1000), EBADMSG);
	nonce[15] = nonce[15] == '0' ? '1' : '0';
	nonce[40] = nonce[40] == 'a' ? 'b' : 'a';
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 1000), EBADMSG);
	nonce[40] = nonce[40] == 'a' ? 'b' : 'a';
	n.l--;
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 1000), EBADMSG);
	nonce[3] = 'X';
	n.l++;
	CHECK_EQ_INT(sip_caller_nonce_check(&n, key, &callid, 1000), EBADMSG);
	CHECK_EQ_INT(sip_caller_nonce_check(NULL, key, &callid, 1000), EBADMSG);
}

/* An INVITE from `from`, with the headers in extra, decoded by libre. */
static struct sip_msg *invite(const char *from, const char *extra,
			      const char *src)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(1024);

	(void)mbuf_printf(mb, "INVITE sip:desk@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
			  "From: <%s>;tag=1\r\nTo: <sip:desk@127.0.0.1>\r\n"
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

/* What a caller knowing secret sends back for nonce (qop=auth). */
static void authorization(char *out, size_t size, const char *user,
			  const char *secret, const char *nonce)
{
	uint8_t ha1[16], ha2[16], resp[16];

	(void)md5_printf(ha1, "%s:%s:%s", user, CALLER_REALM, secret);
	(void)md5_printf(ha2, "INVITE:sip:desk@127.0.0.1");
	(void)md5_printf(resp, "%w:%s:00000001:cafe:auth:%w", ha1, sizeof(ha1),
			 nonce, ha2, sizeof(ha2));
	(void)re_snprintf(out, size, "Authorization: Digest username=\"%s\", "
			  "realm=\"" CALLER_REALM "\", nonce=\"%s\", "
			  "uri=\"sip:desk@127.0.0.1\", response=\"%w\", "
			  "qop=auth, nc=00000001, cnonce=\"cafe\"\r\n",
			  user, nonce, resp, sizeof(resp));
}

static void test_digest(void)
{
	struct pl callid = PL("call-1@test");
	char nonce[CALLER_NONCE_SIZE], hdr[512], old[CALLER_NONCE_SIZE];
	struct sip_msg *msg;
	uint64_t now = 5000;

	sip_caller_nonce_make(nonce, key, &callid, now);
	sip_caller_nonce_make(old, key, &callid, now - 2 * CALLER_NONCE_LIFETIME);

	msg = invite("sip:helpdesk@example.com", "", "127.0.0.1");
	CHECK(msg != NULL);
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pw", key, now),
		     CALLER_AUTH_CHALLENGE);
	mem_deref(msg);

	authorization(hdr, sizeof(hdr), "helpdesk", "pw", nonce);
	msg = invite("sip:helpdesk@example.com", hdr, "127.0.0.1");
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pw", key, now), CALLER_AUTH_OK);
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pW", key, now),
		     CALLER_AUTH_FAILED);
	/* a nonce of another process is no proof: challenge again */
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pw", other_key, now),
		     CALLER_AUTH_CHALLENGE);
	mem_deref(msg);

	authorization(hdr, sizeof(hdr), "helpdesk", "pw", old);
	msg = invite("sip:helpdesk@example.com", hdr, "127.0.0.1");
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pw", key, now), CALLER_AUTH_STALE);
	CHECK_EQ_INT(sip_caller_auth_check(msg, "bad", key, now),
		     CALLER_AUTH_FAILED);
	mem_deref(msg);

	/* credentials for another realm (a proxy's) are not ours */
	msg = invite("sip:helpdesk@example.com",
		     "Authorization: Digest username=\"x\", realm=\"proxy\", "
		     "nonce=\"1\", uri=\"sip:a\", response=\"0\"\r\n",
		     "127.0.0.1");
	CHECK_EQ_INT(sip_caller_auth_check(msg, "pw", key, now),
		     CALLER_AUTH_CHALLENGE);
	mem_deref(msg);
	/* garbage in the header */
	msg = invite("sip:helpdesk@example.com",
		     "Authorization: Digest realm=\"sipvnc\", nonce=\"\", "
		     "response=\"zz\"\r\n", "127.0.0.1");
	if (msg)
		CHECK(sip_caller_auth_check(msg, "pw", key, now) !=
		      CALLER_AUTH_OK);
	mem_deref(msg);
}

static void test_identity(void)
{
	struct caller_trust trust;
	struct caller_uri id;
	struct sip_msg *msg;
	char uri[64];
	bool asserted;
	unsigned i;

	memset(&trust, 0, sizeof(trust));
	CHECK_EQ_INT(sip_caller_trust_add(&trust, "10.0.0.1"), 0);
	CHECK_EQ_INT(sip_caller_trust_add(&trust, "proxy.example"), EINVAL);
	CHECK_EQ_INT(sip_caller_trust_add(&trust, "::1"), 0);

	msg = invite("sip:mallory@example.com",
		     "P-Asserted-Identity: \"A\" <sip:alice@example.com>\r\n",
		     "10.0.0.1");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:alice@example.com");
	CHECK(asserted);
	/* the same from elsewhere: the From URI */
	(void)sa_set_str(&msg->src, "10.0.0.2", 5060);
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:mallory@example.com");
	CHECK(!asserted);
	CHECK_EQ_INT(sip_caller_identity(NULL, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:mallory@example.com");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, 10, &asserted), E2BIG);
	mem_deref(msg);

	/* no PAI from a trusted proxy: From */
	msg = invite("sip:bob@example.com", "", "10.0.0.1");
	CHECK_EQ_INT(sip_caller_identity(&trust, msg, &id, uri, sizeof(uri),
					 &asserted), 0);
	CHECK_EQ_STR(uri, "sip:bob@example.com");
	mem_deref(msg);

	for (i = trust.n; i < CALLER_MAX_PROXIES; i++)
		CHECK_EQ_INT(sip_caller_trust_add(&trust, "10.1.1.1"), 0);
	CHECK_EQ_INT(sip_caller_trust_add(&trust, "10.1.1.2"), E2BIG);
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

static void test_secrets(void)
{
	struct policy p;
	char longsecret[POLICY_SECRET_SIZE + 20];

	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:helpdesk@example.com s1"), 0);
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:*@example.com  s-any "), 0);
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:helpdesk@example.com"), "s1");
	CHECK_EQ_STR(sip_policy_secret(&p, "\"H\" <sip:helpdesk@EXAMPLE.com;x>"),
		     "s1");
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:other@example.com"), "s-any");
	CHECK(sip_policy_secret(&p, "sip:helpdesk@example.org") == NULL);
	CHECK(sip_policy_secret(&p, "sip:Helpdesk@example.com") != NULL);
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:Helpdesk@example.com"), "s-any");
	CHECK(sip_policy_secret(&p, "garbage") == NULL);

	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:a@b"), EINVAL);
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:a@b s extra"), EINVAL);
	CHECK_EQ_INT(sip_policy_add_secret(&p, "nonsense s"), EINVAL);
	memset(longsecret, 'x', sizeof(longsecret));
	memcpy(longsecret, "sip:a@b ", 8);
	longsecret[sizeof(longsecret) - 1] = '\0';
	CHECK_EQ_INT(sip_policy_add_secret(&p, longsecret), E2BIG);
	sip_policy_clear_secrets(&p);
	CHECK_EQ_INT(p.n_secrets, 0);
	CHECK(sip_policy_secret(&p, "sip:helpdesk@example.com") == NULL);

	CHECK_EQ_INT(conf_policy(&p,
		"allow sip:helpdesk@example.com control\n"
		"caller_secret sip:helpdesk@example.com Tr1cky:pw!\n"
		"caller_secret\tsip:helpdesk@example.com.evil other\n"
		"caller_secret sip:*@example.net net-pw"), 0);
	CHECK_EQ_INT(p.n_secrets, 3);
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:helpdesk@example.com"),
		     "Tr1cky:pw!");
	CHECK_EQ_STR(sip_policy_secret(&p, "sip:x@example.net"), "net-pw");
	/* two secrets for one caller: which one holds is unclear */
	CHECK_EQ_INT(conf_policy(&p, "caller_secret sip:a@b one\n"
				 "caller_secret sip:a@b two\n"), EINVAL);
	CHECK_EQ_INT(conf_policy(&p, "caller_secret sip:a@b\n"), EINVAL);
	/* libre's reader takes quotes as grouping: a secret has none */
	CHECK_EQ_INT(conf_policy(&p, "caller_secret sip:a@b x\"y\n"), EINVAL);
	CHECK_EQ_INT(sip_policy_add_secret(&p, "sip:a@b x\"y"), EINVAL);
}

struct verdict {
	bool called, yes;
	char why[64];
};

static void on_verdict(bool yes, const char *why, void *arg)
{
	struct verdict *v = arg;

	v->called = true;
	v->yes = yes;
	str_ncpy(v->why, why, sizeof(v->why));
	re_cancel();
}

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Run command until it decides (or limit_ms passes). */
static struct verdict ask(const char *command, uint32_t timeout_ms,
			  uint64_t *elapsed)
{
	struct verdict v;
	struct answer_cmd *cmd = NULL;
	struct tmr limit;
	uint64_t t0 = tmr_jiffies();

	memset(&v, 0, sizeof(v));
	tmr_init(&limit);
	if (sip_answer_cmd_start(&cmd, command, "sip:alice@example.com", "control",
				 timeout_ms, on_verdict, &v)) {
		str_ncpy(v.why, "start failed", sizeof(v.why));
		return v;
	}
	tmr_start(&limit, 5000, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&limit);
	mem_deref(cmd);
	if (elapsed)
		*elapsed = tmr_jiffies() - t0;
	return v;
}

static void test_answer_command(void)
{
	char dir[] = "/tmp/sip_caller_test.XXXXXX", script[128], out[160];
	struct answer_cmd *cmd = NULL;
	struct verdict v;
	uint64_t elapsed = 0;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	v = ask("/bin/true", 2000, NULL);
	CHECK(v.called && v.yes);
	v = ask("/bin/false", 2000, NULL);
	CHECK(v.called && !v.yes);
	CHECK_EQ_STR(v.why, "answer command said no");
	/* not runnable: refused up front, not left to a child that fails */
	CHECK_EQ_INT(sip_answer_cmd_start(&cmd, "/nonexistent/command", "x",
					  "view", 5000, on_verdict, &v), ENOENT);

	/* arguments arrive as given, one each */
	snprintf(script, sizeof(script), "%s/ask.sh", dir);
	snprintf(out, sizeof(out), "%s/args", dir);
	f = fopen(script, "w");
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "#!/bin/sh\nprintf '%%s|%%s|%%s' \"$1\" \"$2\" "
			"\"$#\" >%s\n[ \"$2\" = control ]\n", out);
		fclose(f);
	}
	CHECK_EQ_INT(chmod(script, 0700), 0);
	v = ask(script, 4000, NULL);
	CHECK(v.called && v.yes);
	f = fopen(out, "r");
	CHECK(f != NULL);
	if (f) {
		char line[128] = "";

		CHECK(fgets(line, sizeof(line), f) != NULL);
		CHECK_EQ_STR(line, "sip:alice@example.com|control|2");
		fclose(f);
	}

	/* the timeout holds even when the command's own child keeps the
	 * watch pipe open */
	f = fopen(script, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("#!/bin/sh\nsleep 30 &\nsleep 30\n", f);
		fclose(f);
	}
	v = ask(script, 300, &elapsed);
	CHECK(v.called && !v.yes);
	CHECK_EQ_STR(v.why, "answer command timed out");
	CHECK(elapsed >= 300 && elapsed < 3000);

	/* freed before it decides: killed, and no call */
	memset(&v, 0, sizeof(v));
	CHECK_EQ_INT(sip_answer_cmd_start(&cmd, "/bin/false", "x", "view", 5000,
					  on_verdict, &v), 0);
	mem_deref(cmd);
	CHECK(!v.called);

	CHECK_EQ_INT(sip_answer_cmd_start(&cmd, "", "x", "view", 5000, on_verdict,
					  &v), EINVAL);
	(void)unlink(out);
	(void)unlink(script);
	(void)rmdir(dir);
}

int main(void)
{
	if (libre_init())
		return 1;
	test_nonce();
	test_digest();
	test_identity();
	test_secrets();
	test_answer_command();
	libre_close();
	CHECK_DONE("sip_caller_test");
}
