/*
 * msrp_tlsca_test.c - msrps checked by CA chain and host name instead of a
 * pinned fingerprint, with test CAs made by openssl here, in both roles:
 * a session whose peer's SDP gave no fingerprint binds authenticated when
 * the peer's certificate chains to tls_ca_file and names the host of the
 * peer's path (a DNS name, or an IP address in an iPAddress entry, which
 * mbedtls 2.28 cannot match itself), and fails (EAUTH) when it chains but
 * names another host.  A certificate no CA vouches for binds
 * unauthenticated by default and fails with tls_require_auth, which
 * without tls_ca_file refuses to start.  An msrps relay (a scripted one on
 * TLS) is AUTHorised only with the right CA, and a TLS session goes
 * through it.
 *
 * With arguments it drives tests/integration/msrp_tlsrelay_test.sh:
 *   msrp_tlsca_test relay URI CA_FILE USER PASS [refused]
 * two TLS sessions through a real relay (Kamailio), data both ways; with
 * "refused", the relay must not be trusted.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_frame.h"
#include "msrp/msrp_priv.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"

static char dir[64];

static const char *file(const char *name)
{
	static char paths[8][128];
	static int n;
	char *p = paths[n++ % 8];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

/* CAs (ca.pem, otherca.pem) and certificates signed by them: NAME.pem for
 * the subjectAltName given. */
static int make_certs(void)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "( set -e; cd %s; "
		 "mk_ca() { openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:P-256 -nodes -keyout $1.key -out $1.pem "
		 "-days 2 -subj /CN=$1 -addext basicConstraints=critical,"
		 "CA:TRUE -addext keyUsage=keyCertSign; }; "
		 "mk_cert() { openssl req -newkey ec -pkeyopt "
		 "ec_paramgen_curve:P-256 -nodes -keyout $1.key -out $1.csr "
		 "-subj /CN=$1; printf 'subjectAltName=%%s\\n' $2 > $1.ext; "
		 "openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key "
		 "-CAcreateserial -days 2 -extfile $1.ext -out $1.pem; }; "
		 "mk_ca ca; mk_ca otherca; mk_cert local DNS:localhost ca; "
		 "mk_cert other DNS:other.test ca; "
		 "mk_cert ip DNS:desk.test,IP:127.0.0.1 ca; "
		 "mk_cert ip6 IP:::1 ca; mk_cert ipother IP:127.0.0.2 ca ) "
		 ">/dev/null 2>&1", dir);
	return system(cmd) ? EIO : 0;
}

/* ---- sessions ---- */

struct end {
	bool bound, closed;
	int err;
	size_t got;
};

static void bound_h(void *arg)
{
	struct end *e = arg;
	e->bound = true;
}

static void recv_h(const uint8_t *data, size_t len, void *arg)
{
	struct end *e = arg;
	e->got += len;
}

static void close_h(int err, void *arg)
{
	struct end *e = arg;
	e->closed = true;
	e->err = err;
	re_cancel();
}

/* One call between an active session a and a passive session b.  The
 * side that checks by CA is told no fingerprint and trusts ca_file; the
 * other pins the checker's certificate by fingerprint.  The checked side
 * shows cert (NULL: a self-signed one) and is reached at, or calls from,
 * host in its path. */
struct ca_case {
	bool passive_checks;  /* b checks a (else a checks b) */
	const char *cert;     /* the checked side's, NAME.pem in dir */
	const char *ca_file;
	const char *host;
	bool require;         /* tls_require_auth on the checking side */
};

static void set_host(char *out, size_t size, const char *path,
		     const char *host)
{
	const char *port = strrchr(path, ':');

	snprintf(out, size, "msrps://%s%s%s%s", strchr(host, ':') ? "[" : "",
		 host, strchr(host, ':') ? "]" : "", port);
}

static int call(const struct ca_case *c, struct end *checker)
{
	struct msrp_settings st_chk = { .content_type = "text/plain",
					.tls = true };
	struct msrp_settings st_other = st_chk;
	struct msrp_sock *ska = NULL, *skb = NULL;
	struct msrp_session *a = NULL, *b = NULL;
	struct end ea, eb, *other;
	char path[256], key[128];
	struct sa laddr;
	int err;

	st_chk.tls_ca_file = c->ca_file;
	st_chk.tls_require_auth = c->require;
	st_chk.tls_dir = dir; /* the checker's own self-signed pair */
	if (c->cert) {
		snprintf(key, sizeof(key), "%s", c->cert);
		memcpy(key + strlen(key) - 3, "key", 3);
		st_other.tls_cert = c->cert;
		st_other.tls_key = key;
	}
	else {
		snprintf(key, sizeof(key), "%s/self", dir);
		(void)mkdir(key, 0700);
		st_other.tls_dir = key;
	}
	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	other = c->passive_checks ? &ea : &eb;
	sa_set_str(&laddr, c->host && strchr(c->host, ':') ? "::1" :
		   "127.0.0.1", 0);
	err = msrp_sock_alloc(&ska, &laddr);
	err |= msrp_sock_alloc(&skb, &laddr);
	err |= msrp_session_alloc(&a, ska, c->passive_checks ? &st_other :
				  &st_chk, bound_h, recv_h, NULL, close_h,
				  &ea);
	err |= msrp_session_alloc(&b, skb, c->passive_checks ? &st_chk :
				  &st_other, bound_h, recv_h, NULL, close_h,
				  &eb);
	if (err)
		goto out;
	/* the other side pins the checker by fingerprint, as usual */
	if (c->passive_checks)
		err = msrp_session_set_peer_fingerprint(
			a, msrp_session_local_fingerprint(b));
	else
		err = msrp_session_set_peer_fingerprint(
			b, msrp_session_local_fingerprint(a));
	if (c->passive_checks)
		set_host(path, sizeof(path), msrp_session_local_path(a),
			 c->host);
	else
		str_ncpy(path, msrp_session_local_path(a), sizeof(path));
	if (!err)
		err = msrp_session_start(b, path, MSRP_SETUP_PASSIVE);
	if (c->passive_checks)
		str_ncpy(path, msrp_session_local_path(b), sizeof(path));
	else
		set_host(path, sizeof(path), msrp_session_local_path(b),
			 c->host);
	if (!err)
		err = msrp_session_start(a, path, MSRP_SETUP_ACTIVE);
	if (err)
		goto out;
	for (int i = 0; i < 30 && !(ea.bound && eb.bound) && !ea.closed &&
		     !eb.closed; i++)
		loop_run_ms(100);
	if (!(ea.bound && eb.bound))
		loop_run_ms(300); /* the other side's close */
	if (ea.bound && eb.bound &&
	    !msrp_session_send(a, (const uint8_t *)"hi", 2)) {
		loop_run_ms(300);
		ea.got = eb.got;
	}
 out:
	*checker = c->passive_checks ? eb : ea;
	(void)other;
	mem_deref(a);
	mem_deref(b);
	mem_deref(ska);
	mem_deref(skb);
	return err;
}

/* The checker's verdict: bound (with data through) or closed with err. */
static void expect(bool passive_checks, const char *cert, const char *ca,
		   const char *host, bool require, int want_err)
{
	struct ca_case c = { passive_checks, cert ? file(cert) : NULL,
			     ca ? file(ca) : NULL, host, require };
	struct end e;

	CHECK_EQ_INT(call(&c, &e), 0);
	if (want_err) {
		CHECK(!e.bound && e.closed);
		CHECK_EQ_INT(e.err, want_err);
	}
	else {
		CHECK(e.bound && !e.closed);
		CHECK_EQ_INT(e.got, 2);
	}
	printf("%s checks %s (CA %s, host %s%s): %s\n",
	       passive_checks ? "passive" : "active", cert ? cert : "self",
	       ca ? ca : "none", host, require ? ", required" : "",
	       e.bound ? "bound" : e.closed ? "refused" : "nothing");
}

static void test_peers(void)
{
	struct ca_case c = { false, NULL, NULL, "127.0.0.1", true };
	struct end e;

	for (int passive = 0; passive < 2; passive++) {
		/* right CA, right name */
		expect(passive, "local.pem", "ca.pem", "localhost", false, 0);
		expect(passive, "local.pem", "ca.pem", "localhost", true, 0);
		/* an IP address in an iPAddress entry (v4 and v6), which
		 * mbedtls alone calls a CN mismatch */
		expect(passive, "ip.pem", "ca.pem", "127.0.0.1", true, 0);
		expect(passive, "ip6.pem", "ca.pem", "::1", true, 0);
		/* a chain for another host always fails */
		expect(passive, "other.pem", "ca.pem", "localhost", false,
		       EAUTH);
		expect(passive, "local.pem", "ca.pem", "127.0.0.1", false,
		       EAUTH);
		expect(passive, "ipother.pem", "ca.pem", "127.0.0.1", false,
		       EAUTH);
		/* no CA vouches for it: let in unless required */
		expect(passive, "local.pem", "otherca.pem", "localhost",
		       false, 0);
		expect(passive, "local.pem", "otherca.pem", "localhost",
		       true, EAUTH);
		expect(passive, NULL, "ca.pem", "127.0.0.1", false, 0);
		expect(passive, NULL, "ca.pem", "127.0.0.1", true, EAUTH);
		/* no CA at all */
		expect(passive, NULL, NULL, "127.0.0.1", false, 0);
	}
	/* required, and neither fingerprint nor CA: no start */
	CHECK_EQ_INT(call(&c, &e), EAUTH);
	c.passive_checks = true;
	CHECK_EQ_INT(call(&c, &e), EAUTH);
}

/* ---- an msrps relay ---- */

struct fake_relay {
	struct tcp_sock *ts;
	struct msrp_tls *tls;
	struct msrp_conn *conn;
	uint16_t port;
	unsigned auths, sends;
};

static void relay_msg(const struct msrp_msg *msg,
		      const struct msrp_perr_info *perr, void *arg)
{
	struct fake_relay *f = arg;
	struct mbuf *mb;

	if (!msg || !msg->is_request)
		return;
	mb = mbuf_alloc(512);
	if (!pl_strcmp(&msg->method, "AUTH")) {
		f->auths++;
		(void)mbuf_printf(mb, "MSRP %s 200 OK\r\nTo-Path: %r\r\n"
				  "From-Path: msrps://localhost:%u;tcp\r\n"
				  "Use-Path: msrps://localhost:%u/r1;tcp\r\n"
				  "Expires: 600\r\n-------%s$\r\n", msg->tid,
				  &msg->from_path, f->port, f->port,
				  msg->tid);
	}
	else {
		f->sends++;
		(void)mbuf_printf(mb, "MSRP %s 200 OK\r\nTo-Path: %r\r\n"
				  "From-Path: msrps://localhost:%u/r1;tcp\r\n"
				  "-------%s$\r\n", msg->tid, &msg->from_path,
				  f->port, msg->tid);
	}
	if (!pl_strcasecmp(&msg->failure_report, "partial"))
		mb->end = 0;
	if (mb->end)
		(void)msrp_conn_send(f->conn, mb);
	mem_deref(mb);
}

static void relay_close(int err, void *arg)
{
	struct fake_relay *f = arg;
	f->conn = mem_deref(f->conn);
}

static void relay_conn(const struct sa *peer, void *arg)
{
	struct fake_relay *f = arg;
	struct msrp_conn_handlers h = { .msgh = relay_msg,
					.closeh = relay_close, .arg = f };

	f->conn = mem_deref(f->conn);
	(void)msrp_conn_accept(&f->conn, f->ts, NULL, &h, f->tls);
}

static void test_relay(const char *ca_file, bool want_ready)
{
	struct fake_relay f;
	struct msrp_settings st = { .content_type = "text/plain",
				    .tls = true, .relay_user = "u",
				    .relay_pass = "p" };
	struct msrp_sock *sock = NULL;
	struct msrp_session *s = NULL;
	char relay[64];
	struct end e;
	struct sa sa;

	memset(&f, 0, sizeof(f));
	memset(&e, 0, sizeof(e));
	sa_set_str(&sa, "127.0.0.1", 0);
	CHECK_EQ_INT(tcp_listen(&f.ts, &sa, relay_conn, &f), 0);
	CHECK_EQ_INT(tcp_local_get(f.ts, &sa), 0);
	f.port = sa_port(&sa);
	CHECK_EQ_INT(msrp_tls_alloc(&f.tls, file("local.pem"),
				    file("local.key"), NULL, NULL), 0);
	snprintf(relay, sizeof(relay), "msrps://localhost:%u;tcp", f.port);
	st.relay = relay;
	st.tls_dir = dir;
	st.tls_ca_file = ca_file;
	sa_set_str(&sa, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &sa), 0);
	CHECK_EQ_INT(msrp_sock_configure(sock, &st), 0);
	for (int i = 0; i < 20 && !msrp_sock_ready(sock); i++)
		loop_run_ms(100);
	CHECK_EQ_INT(msrp_sock_ready(sock), want_ready);
	CHECK_EQ_INT(f.auths, want_ready ? 1 : 0);
	if (want_ready) {
		/* a TLS session out through the relay, no fingerprint */
		CHECK_EQ_INT(msrp_session_alloc(&s, sock, &st, bound_h,
						recv_h, NULL, close_h, &e), 0);
		CHECK_EQ_INT(msrp_session_start(s,
			"msrps://127.0.0.1:9/far;tcp", MSRP_SETUP_ACTIVE), 0);
		for (int i = 0; i < 20 && !e.bound; i++)
			loop_run_ms(100);
		CHECK(e.bound);
		CHECK(!strncmp(msrp_session_local_path(s), "msrps://", 8));
		printf("msrps relay: AUTH %u, session bound %d, path %s\n",
		       f.auths, e.bound, msrp_session_local_path(s));
		mem_deref(s);
	}
	mem_deref(sock);
	f.conn = mem_deref(f.conn);
	f.ts = mem_deref(f.ts);
	f.tls = mem_deref(f.tls);
}

/* ---- against a real relay ---- */

static int relay_mode(char **argv, bool refused)
{
	char tmp[64];
	struct msrp_settings st = { .content_type = "text/plain",
				    .tls = true, .relay = argv[2],
				    .tls_ca_file = argv[3],
				    .relay_user = argv[4], .relay_pass = argv[5] };
	struct msrp_sock *ska = NULL, *skb = NULL;
	struct msrp_session *a = NULL, *b = NULL;
	struct end ea, eb;
	struct sa laddr;
	int err;

	snprintf(tmp, sizeof(tmp), "/tmp/msrp_tlsrelay.%d", (int)getpid());
	(void)mkdir(tmp, 0700);   /* msrp/ keeps its pair in a folder made */
	st.tls_dir = tmp;
	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	sa_set_str(&laddr, "127.0.0.1", 0);
	err = msrp_sock_alloc(&ska, &laddr);
	err |= msrp_sock_alloc(&skb, &laddr);
	err |= msrp_sock_configure(ska, &st);
	err |= msrp_sock_configure(skb, &st);
	CHECK_EQ_INT(err, 0);
	for (int i = 0; i < 50 && !(msrp_sock_ready(ska) &&
				    msrp_sock_ready(skb)); i++)
		loop_run_ms(100);
	if (refused) {
		CHECK(!msrp_sock_ready(ska) && !msrp_sock_ready(skb));
		goto out;
	}
	CHECK(msrp_sock_ready(ska) && msrp_sock_ready(skb));
	err = msrp_session_alloc(&a, ska, &st, bound_h, recv_h, NULL,
				 close_h, &ea);
	err |= msrp_session_alloc(&b, skb, &st, bound_h, recv_h, NULL,
				  close_h, &eb);
	CHECK_EQ_INT(err, 0);
	if (err)
		goto out;
	printf("a=path of the sessions: %s | %s\n",
	       msrp_session_local_path(a), msrp_session_local_path(b));
	CHECK_EQ_INT(msrp_session_start(b, msrp_session_local_path(a),
					MSRP_SETUP_PASSIVE), 0);
	CHECK_EQ_INT(msrp_session_start(a, msrp_session_local_path(b),
					MSRP_SETUP_ACTIVE), 0);
	for (int i = 0; i < 50 && !(ea.bound && eb.bound); i++)
		loop_run_ms(100);
	CHECK(ea.bound && eb.bound);
	if (ea.bound && eb.bound) {
		static uint8_t data[100000];
		CHECK_EQ_INT(msrp_session_send(a, data, sizeof(data)), 0);
		CHECK_EQ_INT(msrp_session_send(b, data, 1000), 0);
		for (int i = 0; i < 50 && (eb.got < sizeof(data) ||
					   ea.got < 1000); i++)
			loop_run_ms(100);
		CHECK_EQ_INT(eb.got, sizeof(data));
		CHECK_EQ_INT(ea.got, 1000);
		printf("through the msrps relay: %zu bytes one way, %zu the "
		       "other\n", eb.got, ea.got);
	}
 out:
	mem_deref(a);
	mem_deref(b);
	mem_deref(ska);
	mem_deref(skb);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		(void)system(cmd);
	}
	libre_close();
	CHECK_DONE("msrp_tlsrelay");
}

int main(int argc, char **argv)
{
	char cmd[128];

	CHECK_EQ_INT(libre_init(), 0);
	tmr_init(&loop_guard);
	if (argc >= 6 && !strcmp(argv[1], "relay"))
		return relay_mode(argv, argc > 6 && !strcmp(argv[6],
							    "refused"));
	snprintf(dir, sizeof(dir), "/tmp/msrp_tlsca.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(make_certs(), 0);
	test_peers();
	test_relay(file("ca.pem"), true);
	test_relay(file("otherca.pem"), false);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	libre_close();
	CHECK_DONE("msrp_tlsca");
}
