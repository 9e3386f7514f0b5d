/*
 * msrp_relay_test.c - the relay client (RFC 4976) against a scripted relay
 * on loopback: AUTH with a digest answer to 401 (checked with libre's own
 * digest code), Use-Path in front of our path, SENDs out through the relay
 * with it first in To-Path, frames in over the relay connection matched to
 * their session (481 for others), REPORTs back along the whole From-Path,
 * a passive session bound by the peer's SEND through the relay, refresh
 * before Expires, a lost relay ending its sessions, and a wrong password.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_frame.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"


/* Run until cond holds (checked every 5 ms) or ms pass. */
static struct tmr poll_tmr;
static bool (*poll_cond)(void);

static void poll_h(void *arg)
{
	if (poll_cond())
		re_cancel();
	else
		tmr_start(&poll_tmr, 5, poll_h, NULL);
}

static bool run_until(bool (*cond)(void), unsigned ms)
{
	poll_cond = cond;
	tmr_start(&poll_tmr, 5, poll_h, NULL);
	tmr_start(&loop_guard, ms, loop_guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&loop_guard);
	tmr_cancel(&poll_tmr);
	return cond();
}

/* ---- the scripted relay ---- */

struct fake {
	struct tcp_sock *ts;
	struct tcp_conn *tc;
	struct msrp_parser *parser;
	char uri[64];          /* msrp://127.0.0.1:PORT;tcp */
	char use_path[96];
	unsigned auths, auths_ok, auths_bad, expires;
	char last_send_to[512], last_send_from[512], last_body[64];
	unsigned sends;
	char last_resp[64];    /* "CODE tid" */
	char last_report_to[512];
	unsigned reports;
};

static void fake_write(struct fake *f, const char *fmt, ...)
{
	struct mbuf *mb = mbuf_alloc(1024);
	va_list ap;

	va_start(ap, fmt);
	(void)mbuf_vprintf(mb, fmt, ap);
	va_end(ap);
	mb->pos = 0;
	if (getenv("FAKE_DEBUG"))
		re_fprintf(stderr, "FAKE> [%b]\n", mb->buf, mb->end);
	(void)tcp_send(f->tc, mb);
	mem_deref(mb);
}

static void fake_auth(struct fake *f, const struct msrp_msg *msg)
{
	struct httpauth_digest_resp resp;
	uint8_t ha1[MD5_SIZE];
	struct pl method = PL("AUTH");

	f->auths++;
	if (!msg->authorization.l) {
		fake_write(f, "MSRP %s 401 Unauthorized\r\nTo-Path: %r\r\n"
			   "From-Path: %s\r\nWWW-Authenticate: Digest "
			   "realm=\"test\", nonce=\"n0nce%u\", qop=\"auth\"\r\n"
			   "-------%s$\r\n", msg->tid, &msg->from_path, f->uri,
			   f->auths, msg->tid);
		return;
	}
	(void)md5_printf(ha1, "msrpuser:test:msrppass");
	if (httpauth_digest_response_decode(&resp, &msg->authorization) ||
	    pl_strcmp(&resp.uri, f->uri) || pl_strcmp(&resp.qop, "auth") ||
	    httpauth_digest_response_auth(&resp, &method, ha1)) {
		f->auths_bad++;
		fake_write(f, "MSRP %s 403 Forbidden\r\nTo-Path: %r\r\n"
			   "From-Path: %s\r\n-------%s$\r\n", msg->tid,
			   &msg->from_path, f->uri, msg->tid);
		return;
	}
	f->auths_ok++;
	/* msrp://127.0.0.1:PORT/relayN;tcp, a new one per AUTH like
	 * Kamailio's */
	re_snprintf(f->use_path, sizeof(f->use_path), "%b/relay%u;tcp",
		    f->uri, (size_t)(strchr(f->uri, ';') - f->uri),
		    f->auths_ok);
	fake_write(f, "MSRP %s 200 OK\r\nTo-Path: %r\r\nFrom-Path: %s\r\n"
		   "Use-Path: %s\r\nExpires: %u\r\n-------%s$\r\n", msg->tid,
		   &msg->from_path, f->uri, f->use_path, f->expires, msg->tid);
}

static bool fake_frame(const struct msrp_msg *msg, void *arg)
{
	struct fake *f = arg;

	if (!msg->is_request) {
		re_snprintf(f->last_resp, sizeof(f->last_resp), "%u %s",
			    msg->code, msg->tid);
		return false;
	}
	if (!pl_strcmp(&msg->method, "AUTH")) {
		fake_auth(f, msg);
		return false;
	}
	if (!pl_strcmp(&msg->method, "REPORT")) {
		f->reports++;
		pl_strcpy(&msg->to_path, f->last_report_to,
			  sizeof(f->last_report_to));
		return false;
	}
	f->sends++;
	pl_strcpy(&msg->to_path, f->last_send_to, sizeof(f->last_send_to));
	pl_strcpy(&msg->from_path, f->last_send_from,
		  sizeof(f->last_send_from));
	re_snprintf(f->last_body, sizeof(f->last_body), "%b", msg->body,
		    msg->body_len < 60 ? msg->body_len : 60);
	if (pl_strcmp(&msg->failure_report, "no") &&
	    pl_strcmp(&msg->failure_report, "partial"))
		fake_write(f, "MSRP %s 200 OK\r\nTo-Path: %s\r\n"
			   "From-Path: %s\r\n-------%s$\r\n", msg->tid,
			   f->last_send_from, f->uri, msg->tid);
	return false;
}

static void fake_recv(struct mbuf *mb, void *arg)
{
	struct fake *f = arg;
	struct msrp_perr_info info;

	(void)msrp_parser_feed(f->parser, mbuf_buf(mb), mbuf_get_left(mb),
			       fake_frame, f, &info);
}

static void fake_close(int err, void *arg)
{
	struct fake *f = arg;

	f->tc = mem_deref(f->tc);
}

static void fake_conn(const struct sa *peer, void *arg)
{
	struct fake *f = arg;

	f->tc = mem_deref(f->tc);
	f->parser = mem_deref(f->parser);
	(void)msrp_parser_alloc(&f->parser, NULL);
	(void)tcp_accept(&f->tc, f->ts, NULL, fake_recv, fake_close, f);
}

static int fake_start(struct fake *f)
{
	struct sa laddr, bound;
	int err;

	memset(f, 0, sizeof(*f));
	f->expires = 1800;
	sa_set_str(&laddr, "127.0.0.1", 0);
	err = tcp_listen(&f->ts, &laddr, fake_conn, f);
	if (!err)
		err = tcp_local_get(f->ts, &bound);
	if (!err)
		re_snprintf(f->uri, sizeof(f->uri), "msrp://127.0.0.1:%u;tcp",
			    sa_port(&bound));
	return err;
}

static void fake_stop(struct fake *f)
{
	f->tc = mem_deref(f->tc);
	f->ts = mem_deref(f->ts);
	f->parser = mem_deref(f->parser);
}

/* ---- a session's side ---- */

struct user {
	bool bound, closed;
	int close_err;
	char rx[64];
};

static void bound_h(void *arg)
{
	struct user *u = arg;
	u->bound = true;
}

static void recv_h(const uint8_t *data, size_t len, void *arg)
{
	struct user *u = arg;
	re_snprintf(u->rx, sizeof(u->rx), "%b", data, len);
}

static void close_h(int err, void *arg)
{
	struct user *u = arg;
	u->closed = true;
	u->close_err = err;
}

static struct fake f;
static struct user u1, u2;
static struct msrp_sock *sock;
static unsigned want;

static bool sock_ready(void)   { return msrp_sock_ready(sock); }
static bool sends_seen(void)   { return f.sends >= want; }
static bool u1_bound(void)     { return u1.bound; }
static bool u2_bound(void)     { return u2.bound; }
static bool u1_got(void)       { return u1.rx[0] != '\0'; }
static bool reports_seen(void) { return f.reports >= want; }
static bool resp_seen(void)    { return f.last_resp[0] != '\0'; }
static bool auths_ok(void)     { return f.auths_ok >= want; }
static bool both_closed(void)  { return u1.closed && u2.closed; }

static void test_relay(void)
{
	struct msrp_settings st = {
		.content_type = "application/x-rfb",
		.relay_user = "msrpuser", .relay_pass = "msrppass",
	};
	struct msrp_session *s1 = NULL, *s2 = NULL;
	struct sa laddr;
	char path[512], self1[256], self2[256];
	const char *p;

	if (fake_start(&f)) {
		CHECK(false);
		return;
	}
	f.expires = 2; /* refresh due after 2 s */
	st.relay = f.uri;
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	if (!sock)
		goto out;
	CHECK_EQ_INT(msrp_sock_configure(sock, &st), 0);
	CHECK(!msrp_sock_ready(sock));
	CHECK_EQ_INT(msrp_session_alloc(&s1, sock, &st, bound_h, recv_h, NULL,
					close_h, &u1), EAGAIN);
	CHECK(run_until(sock_ready, 3000));
	CHECK_EQ_INT(f.auths, 2);      /* 401, then the digest */
	CHECK_EQ_INT(f.auths_ok, 1);

	/* our path: the relay's Use-Path, then us */
	CHECK_EQ_INT(msrp_session_alloc(&s1, sock, &st, bound_h, recv_h, NULL,
					close_h, &u1), 0);
	if (!s1)
		goto out;
	p = msrp_session_local_path(s1);
	CHECK(!strncmp(p, f.use_path, strlen(f.use_path)) &&
	      p[strlen(f.use_path)] == ' ');
	str_ncpy(self1, p + strlen(f.use_path) + 1, sizeof(self1));
	CHECK(!strncmp(self1, "msrp://127.0.0.1:", 17));

	/* active: the bind SEND goes through the relay, relay first */
	CHECK_EQ_INT(msrp_session_start(s1, "msrp://127.0.0.1:9/peer1;tcp",
					MSRP_SETUP_ACTIVE), 0);
	want = 1;
	CHECK(run_until(sends_seen, 2000));
	re_snprintf(path, sizeof(path), "%s msrp://127.0.0.1:9/peer1;tcp",
		    f.use_path);
	CHECK_EQ_STR(f.last_send_to, path);
	CHECK_EQ_STR(f.last_send_from, self1);
	CHECK(run_until(u1_bound, 2000));
	CHECK_EQ_INT(msrp_session_send(s1, (const uint8_t *)"hello", 5), 0);
	want = 2;
	CHECK(run_until(sends_seen, 2000));
	CHECK_EQ_STR(f.last_body, "hello");
	CHECK_EQ_STR(f.last_send_to, path);

	/* in over the relay connection, to s1; a REPORT goes back along the
	 * whole From-Path */
	fake_write(&f, "MSRP inxx1 SEND\r\nTo-Path: %s\r\nFrom-Path: %s "
		   "msrp://127.0.0.1:9/peer1;tcp\r\nMessage-ID: m1\r\n"
		   "Success-Report: yes\r\nFailure-Report: no\r\n"
		   "Byte-Range: 1-5/5\r\nContent-Type: application/x-rfb"
		   "\r\n\r\nworld\r\n-------inxx1$\r\n", self1, f.use_path);
	CHECK(run_until(u1_got, 2000));
	CHECK_EQ_STR(u1.rx, "world");
	want = 1;
	CHECK(run_until(reports_seen, 2000));
	CHECK_EQ_STR(f.last_report_to, path);

	/* a session id nobody has */
	fake_write(&f, "MSRP inxx2 SEND\r\nTo-Path: msrp://127.0.0.1:1/nobody;"
		   "tcp\r\nFrom-Path: %s\r\nMessage-ID: m2\r\n"
		   "Byte-Range: 1-0/0\r\n-------inxx2$\r\n", f.use_path);
	CHECK(run_until(resp_seen, 2000));
	CHECK_EQ_STR(f.last_resp, "481 inxx2");

	/* passive: bound by the peer's SEND arriving through the relay */
	CHECK_EQ_INT(msrp_session_alloc(&s2, sock, &st, bound_h, recv_h, NULL,
					close_h, &u2), 0);
	if (!s2)
		goto out;
	str_ncpy(self2, msrp_session_local_path(s2) + strlen(f.use_path) + 1,
		 sizeof(self2));
	CHECK_EQ_INT(msrp_session_start(s2, "msrp://127.0.0.1:9/peer2;tcp",
					MSRP_SETUP_PASSIVE), 0);
	f.last_resp[0] = '\0';
	fake_write(&f, "MSRP inxx3 SEND\r\nTo-Path: %s\r\nFrom-Path: %s "
		   "msrp://127.0.0.1:9/peer2;tcp\r\nMessage-ID: m3\r\n"
		   "Byte-Range: 1-0/0\r\n-------inxx3$\r\n", self2, f.use_path);
	CHECK(run_until(u2_bound, 2000));
	CHECK(run_until(resp_seen, 2000));
	CHECK_EQ_STR(f.last_resp, "200 inxx3");
	CHECK(!u1.closed && !u2.closed);

	/* refresh before the 2 s run out */
	want = 2;
	CHECK(run_until(auths_ok, 4000));
	CHECK(msrp_sock_ready(sock));
	CHECK(!u1.closed);

	/* the relay goes away: its sessions end, the socket is not ready */
	f.tc = mem_deref(f.tc);
	f.ts = mem_deref(f.ts);
	CHECK(run_until(both_closed, 2000));
	CHECK(!msrp_sock_ready(sock));
 out:
	mem_deref(s1);
	mem_deref(s2);
	sock = mem_deref(sock);
	fake_stop(&f);
}

static bool bad_seen(void) { return f.auths_bad >= want; }

static void test_wrong_password(void)
{
	struct msrp_settings st = {
		.content_type = "application/x-rfb",
		.relay_user = "msrpuser", .relay_pass = "nope",
	};
	struct sa laddr;

	if (fake_start(&f)) {
		CHECK(false);
		return;
	}
	st.relay = f.uri;
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_configure(sock, &st), 0);
	want = 1;
	run_until(bad_seen, 2000);
	loop_run_ms(100);
	CHECK_EQ_INT(f.auths_bad, 1);
	CHECK_EQ_INT(f.auths_ok, 0);
	CHECK(!msrp_sock_ready(sock));
	sock = mem_deref(sock);
	fake_stop(&f);

	/* a relay URI that is not one */
	st.relay = "http://127.0.0.1:1/";
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	CHECK(msrp_sock_configure(sock, &st) != 0);
	sock = mem_deref(sock);
}

int main(void)
{
	if (libre_init())
		return 2;
	test_relay();
	test_wrong_password();
	tmr_cancel(&loop_guard);
	libre_close();
	CHECK_DONE("msrp_relay");
}
