/*
 * msrp_tls_test.c - msrps sessions over loopback: self-signed certificates
 * made once and kept, fingerprints, data both ways through TLS, and the
 * failures that must end a session instead of falling back to plain text
 * (wrong fingerprint on either side, a plain-text peer).  Peers without a
 * fingerprint (Blink) bind, unauthenticated, unless tls_require_auth.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_priv.h"
#include "msrp/msrp_tls.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"


struct end {
	struct msrp_session *sess;
	bool bound, closed;
	int close_err;
	const uint8_t *tx;
	size_t tx_len, tx_off;
	uint8_t *rx;
	size_t rx_len, rx_want;
	bool rx_bad;
	struct end *other;
	bool stop_on_close;
};

static bool done(const struct end *e)
{
	return e->rx_len >= e->rx_want && e->other->rx_len >= e->other->rx_want
		&& e->bound && e->other->bound;
}

static void pump(struct end *e)
{
	while (e->tx_off < e->tx_len) {
		size_t n = e->tx_len - e->tx_off > 30000 ? 30000 :
			e->tx_len - e->tx_off;
		if (msrp_session_send(e->sess, e->tx + e->tx_off, n))
			return;
		e->tx_off += n;
	}
}

static void bound_h(void *arg)
{
	struct end *e = arg;

	e->bound = true;
	pump(e);
	if (done(e))
		re_cancel();
}

static void recv_h(const uint8_t *data, size_t len, void *arg)
{
	struct end *e = arg;

	if (e->rx_len + len > e->rx_want ||
	    memcmp(e->rx + e->rx_len, data, len))
		e->rx_bad = true;
	else
		e->rx_len += len;
	if (done(e))
		re_cancel();
}

static void writable_h(void *arg)
{
	pump(arg);
}

static void close_h(int err, void *arg)
{
	struct end *e = arg;

	e->closed = true;
	e->close_err = err;
	if (e->stop_on_close)
		re_cancel();
}

static char tmpdir[64];

static void path_in_tmp(char *buf, size_t size, const char *name)
{
	re_snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void test_fp_equal(void)
{
	const char *a = "SHA-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
		"89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
	const char *b = "sha-256 ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:"
		"89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
	const char *c = "SHA-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
		"89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:88";
	const char *sha1 = "SHA-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
		"89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

	CHECK(msrp_tls_fp_equal(a, a));
	CHECK(msrp_tls_fp_equal(a, b));
	CHECK(!msrp_tls_fp_equal(a, c));
	CHECK(!msrp_tls_fp_equal(sha1, sha1));
	CHECK(!msrp_tls_fp_equal(a, ""));
	CHECK(!msrp_tls_fp_equal(a, NULL));
	CHECK(!msrp_tls_fp_equal("SHA-256 AB:CD", "SHA-256 AB:CD"));
}

static void test_certificate_kept(void)
{
	struct msrp_tls *t1 = NULL, *t2 = NULL, *t3 = NULL;
	char dir[128], cert[160], key[160];
	struct stat st;

	/* no folder: nowhere to keep a pair */
	CHECK_EQ_INT(msrp_tls_alloc(&t1, NULL, NULL, NULL, NULL), ENOENT);
	path_in_tmp(dir, sizeof(dir), "kept");
	CHECK_EQ_INT(mkdir(dir, 0700), 0);
	CHECK_EQ_INT(msrp_tls_alloc(&t1, NULL, NULL, dir, NULL), 0);
	CHECK_EQ_INT(msrp_tls_alloc(&t2, NULL, NULL, dir, NULL), 0);
	CHECK(t1 && t2);
	if (!t1 || !t2)
		goto out;
	CHECK_EQ_INT(strlen(msrp_tls_fingerprint(t1)), 8 + 95);
	CHECK(!strncmp(msrp_tls_fingerprint(t1), "SHA-256 ", 8));
	CHECK_EQ_STR(msrp_tls_fingerprint(t1), msrp_tls_fingerprint(t2));
	re_snprintf(cert, sizeof(cert), "%s/msrp-tls-cert.pem", dir);
	re_snprintf(key, sizeof(key), "%s/msrp-tls-key.pem", dir);
	CHECK(!stat(key, &st) && (st.st_mode & 0777) == 0600);
	CHECK_EQ_INT(msrp_tls_alloc(&t3, cert, key, NULL, NULL), 0);
	CHECK(t3 && !strcmp(msrp_tls_fingerprint(t3),
			    msrp_tls_fingerprint(t1)));
	/* a key that is not the certificate's is refused */
	t3 = mem_deref(t3);
	CHECK(msrp_tls_alloc(&t3, cert, cert, NULL, NULL) != 0);
	CHECK(msrp_tls_alloc(&t3, cert, NULL, NULL, NULL) == EINVAL);
 out:
	mem_deref(t1);
	mem_deref(t2);
	mem_deref(t3);
}

struct pair {
	struct msrp_sock *sa, *sb;  /* sa: active end, sb: passive end */
	struct end a, b;
	bool downgrade; /* a is told b's path as msrp: instead of msrps: */
};

/* a (active) connects to b (passive); fp_a/fp_b: what each is told of the
 * other (NULL: the truth). */
static void pair_run(struct pair *p, const struct msrp_settings *st_a,
		     const struct msrp_settings *st_b, const char *fp_for_a,
		     const char *fp_for_b, size_t bytes, unsigned ms)
{
	uint8_t *data = malloc(bytes + 1);
	const char *path_b;
	char plain_b[256];
	int err;

	memset(&p->a, 0, sizeof(p->a));
	memset(&p->b, 0, sizeof(p->b));
	for (size_t i = 0; i < bytes; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 9));
	p->a.other = &p->b;
	p->b.other = &p->a;
	p->a.stop_on_close = p->b.stop_on_close = true;
	p->a.tx = p->b.tx = data;
	p->a.tx_len = p->b.tx_len = bytes;
	p->a.rx = malloc(bytes + 1);
	p->b.rx = malloc(bytes + 1);
	memcpy(p->a.rx, data, bytes);
	memcpy(p->b.rx, data, bytes);
	p->a.rx_want = p->b.rx_want = bytes;

	err = msrp_session_alloc(&p->a.sess, p->sa, st_a, bound_h, recv_h,
				 writable_h, close_h, &p->a);
	err |= msrp_session_alloc(&p->b.sess, p->sb, st_b, bound_h, recv_h,
				  writable_h, close_h, &p->b);
	CHECK_EQ_INT(err, 0);
	if (err)
		goto out;
	err = msrp_session_set_peer_fingerprint(p->a.sess, fp_for_a ?
		fp_for_a : msrp_session_local_fingerprint(p->b.sess));
	err |= msrp_session_set_peer_fingerprint(p->b.sess, fp_for_b ?
		fp_for_b : msrp_session_local_fingerprint(p->a.sess));
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_INT(msrp_session_start(p->b.sess,
					msrp_session_local_path(p->a.sess),
					MSRP_SETUP_PASSIVE), 0);
	path_b = msrp_session_local_path(p->b.sess);
	if (p->downgrade && !strncmp(path_b, "msrps://", 8))
		re_snprintf(plain_b, sizeof(plain_b), "msrp://%s", path_b + 8);
	else
		str_ncpy(plain_b, path_b, sizeof(plain_b));
	CHECK_EQ_INT(msrp_session_start(p->a.sess, plain_b,
					MSRP_SETUP_ACTIVE), 0);
	loop_run_ms(ms);
 out:
	free(data);
}

static void pair_free(struct pair *p)
{
	p->a.sess = mem_deref(p->a.sess);
	p->b.sess = mem_deref(p->b.sess);
	free(p->a.rx);
	free(p->b.rx);
	p->a.rx = p->b.rx = NULL;
}

static const char *wrong_fp = "SHA-256 00:11:22:33:44:55:66:77:88:99:AA:BB:"
	"CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

static void test_sessions(void)
{
	struct msrp_settings st_a = { .content_type = "application/x-rfb",
				      .chunk_size = 65536, .tls = true };
	struct msrp_settings st_b = st_a, st_plain = st_a, st_strict;
	struct msrp_sock *sa = NULL, *sb = NULL, *sp = NULL;
	struct msrp_session *s = NULL;
	char dir_a[128], dir_b[128];
	struct pair p = { .downgrade = false };
	struct sa laddr;

	path_in_tmp(dir_a, sizeof(dir_a), "a");
	path_in_tmp(dir_b, sizeof(dir_b), "b");
	(void)mkdir(dir_a, 0700);
	(void)mkdir(dir_b, 0700);
	st_a.tls_dir = dir_a;
	st_b.tls_dir = dir_b;
	st_plain.tls = false;
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sa, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sb, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sp, &laddr), 0);
	if (!sa || !sb || !sp)
		goto out;
	CHECK_EQ_INT(msrp_sock_configure(sa, &st_a), 0);
	CHECK_EQ_INT(msrp_sock_configure(sb, &st_b), 0);
	CHECK_EQ_INT(msrp_sock_configure(sa, &st_a), EALREADY);

	/* 1 MB each way through TLS */
	p.sa = sa;
	p.sb = sb;
	pair_run(&p, &st_a, &st_b, NULL, NULL, 1024 * 1024, 10000);
	CHECK(!strncmp(msrp_session_local_path(p.a.sess), "msrps://", 8));
	CHECK(msrp_session_local_fingerprint(p.a.sess) != NULL);
	CHECK(msrp_session_local_fingerprint(p.a.sess) &&
	      msrp_session_local_fingerprint(p.b.sess) &&
	      strcmp(msrp_session_local_fingerprint(p.a.sess),
		     msrp_session_local_fingerprint(p.b.sess)));
	CHECK(p.a.bound && p.b.bound);
	CHECK_EQ_INT(p.a.rx_len, 1024 * 1024);
	CHECK_EQ_INT(p.b.rx_len, 1024 * 1024);
	CHECK(!p.a.rx_bad && !p.b.rx_bad);
	CHECK(!p.a.closed && !p.b.closed);
	pair_free(&p);

	/* sessions from here on give up their bind after 1.5 s */
	st_a.bind_timeout_ms = st_b.bind_timeout_ms = 1500;
	st_plain.bind_timeout_ms = 1500;
	/* the active side is shown a certificate it was not told of */
	pair_run(&p, &st_a, &st_b, wrong_fp, NULL, 1000, 5000);
	CHECK(p.a.closed && p.a.close_err == EAUTH);
	CHECK(!p.a.bound && !p.b.bound);
	CHECK_EQ_INT(p.b.rx_len, 0);
	pair_free(&p);

	/* the passive side is */
	pair_run(&p, &st_a, &st_b, NULL, wrong_fp, 1000, 5000);
	loop_run_ms(300);
	CHECK(p.b.closed && p.b.close_err == EAUTH);
	CHECK(!p.b.bound);
	CHECK(p.a.closed);   /* its connection went away */
	CHECK_EQ_INT(p.a.rx_len, 0);
	CHECK_EQ_INT(p.b.rx_len, 0);
	pair_free(&p);

	/* a plain-text peer for a TLS session: one that connects to the
	 * TLS session's address and id with msrp: instead of msrps: */
	p.sa = sp;
	p.downgrade = true;
	pair_run(&p, &st_plain, &st_b, "", msrp_sock_tls_fingerprint(sa),
		 1000, 3000);
	p.downgrade = false;
	loop_run_ms(300);
	CHECK(p.b.closed && p.b.close_err == EAUTH);
	CHECK(!p.b.bound);
	CHECK_EQ_INT(p.b.rx_len, 0);
	pair_free(&p);

	/* Blink: no fingerprint either way, self-signed certificates.  Let
	 * in by default, encrypted, both ends logging why it is not
	 * authenticated; data flows both ways. */
	p.sa = sa;
	pair_run(&p, &st_a, &st_b, "", "", 64 * 1024, 5000);
	CHECK(p.a.bound && p.b.bound);
	CHECK_EQ_INT(p.a.rx_len, 64 * 1024);
	CHECK_EQ_INT(p.b.rx_len, 64 * 1024);
	CHECK(!p.a.closed && !p.b.closed);
	pair_free(&p);
	/* and a wrong fingerprint given still fails, whatever the default */
	pair_run(&p, &st_a, &st_b, "", wrong_fp, 1000, 5000);
	loop_run_ms(300);
	CHECK(p.b.closed && p.b.close_err == EAUTH);
	CHECK(!p.b.bound);
	pair_free(&p);

	/* authentication required, no fingerprint and no CA to check
	 * against: no start, in either role */
	st_strict = st_a;
	st_strict.tls_require_auth = true;
	CHECK_EQ_INT(msrp_session_alloc(&s, sa, &st_strict, bound_h, recv_h,
					writable_h, close_h, NULL), 0);
	CHECK_EQ_INT(msrp_session_start(s, "msrps://127.0.0.1:9/x;tcp",
					MSRP_SETUP_ACTIVE), EAUTH);
	s = mem_deref(s);
	CHECK_EQ_INT(msrp_session_alloc(&s, sa, &st_strict, bound_h, recv_h,
					writable_h, close_h, NULL), 0);
	CHECK_EQ_INT(msrp_session_start(s, "msrps://127.0.0.1:9/x;tcp",
					MSRP_SETUP_PASSIVE), EAUTH);
	s = mem_deref(s);
	/* but with a fingerprint it starts */
	CHECK_EQ_INT(msrp_session_alloc(&s, sa, &st_strict, bound_h, recv_h,
					writable_h, close_h, NULL), 0);
	CHECK_EQ_INT(msrp_session_set_peer_fingerprint(s, wrong_fp), 0);
	CHECK_EQ_INT(msrp_session_start(s, "msrps://127.0.0.1:9/x;tcp",
					MSRP_SETUP_PASSIVE), 0);
	s = mem_deref(s);
	/* a plain session has no fingerprint */
	CHECK_EQ_INT(msrp_session_alloc(&s, sp, &st_plain, bound_h, recv_h,
					writable_h, close_h, NULL), 0);
	CHECK(msrp_session_local_fingerprint(s) == NULL);
	CHECK(!strncmp(msrp_session_local_path(s), "msrp://", 7));
	s = mem_deref(s);
 out:
	mem_deref(sa);
	mem_deref(sb);
	mem_deref(sp);
}

int main(void)
{
	char cmd[128];
	int err;

	re_snprintf(tmpdir, sizeof(tmpdir), "/tmp/msrp_tls_test.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	err = libre_init();
	if (err)
		return 2;
	test_fp_equal();
	test_certificate_kept();
	test_sessions();

	tmr_cancel(&loop_guard);
	libre_close();
	re_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	CHECK_DONE("msrp_tls");
}
