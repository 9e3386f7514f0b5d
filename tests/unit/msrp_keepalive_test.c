/*
 * msrp_keepalive_test.c - keepalives of an idle MSRP session, against a
 * hand-written passive peer on a raw socket: with a 1 s interval the
 * active side sends empty SENDs only while idle, a peer answering them
 * keeps the session, a peer that stops answering ends it with ETIMEDOUT
 * (timeout shortened to 1.5 s), a peer answering 481 ends it, and a
 * negative setting sends none.  The waiting side probes too: a peer that
 * connected, bound and then froze ends our passive session, and every
 * connection carries TCP keepalive and TCP_USER_TIMEOUT from peer_timeout.
 */
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_frame.h"
#include "msrp/msrp_priv.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"

enum answer { ANSWER_ALL, ANSWER_BIND_ONLY, ANSWER_481, ANSWER_NONE };
/* How long our sessions wait for a keepalive's answer (30 s in sipvnc). */
enum { ANSWER_MS = 1500 };

struct raw_peer {
	int lfd, fd;
	struct msrp_parser *parser;
	enum answer mode;
	unsigned sends;       /* SENDs seen, the bind included */
	unsigned empty_sends;
	size_t data_bytes;
};

struct watch {
	bool bound, closed;
	int err;
};


static void peer_send(struct raw_peer *r, const char *s)
{
	(void)send(r->fd, s, strlen(s), MSG_NOSIGNAL);
}

static bool peer_frame(const struct msrp_msg *msg, void *arg)
{
	struct raw_peer *r = arg;
	char buf[1024];
	uint16_t code = 200;

	if (!msg->is_request || pl_strcmp(&msg->method, "SEND"))
		return false;
	r->sends++;
	if (!msg->body_len)
		r->empty_sends++;
	r->data_bytes += msg->body_len;
	if (!pl_strcasecmp(&msg->failure_report, "partial"))
		return false;
	if ((r->sends > 1 && r->mode == ANSWER_BIND_ONLY) ||
	    r->mode == ANSWER_NONE)
		return false;
	if (r->sends > 1 && r->mode == ANSWER_481)
		code = 481;
	snprintf(buf, sizeof(buf), "MSRP %s %u %s\r\nTo-Path: %.*s\r\n"
		 "From-Path: %.*s\r\n-------%s$\r\n", msg->tid, code,
		 code == 200 ? "OK" : "No Such Session",
		 (int)msg->from_path.l, msg->from_path.p,
		 (int)msg->to_path.l, msg->to_path.p, msg->tid);
	peer_send(r, buf);
	return false;
}

static void peer_read(int flags, void *arg)
{
	struct raw_peer *r = arg;
	uint8_t buf[65536];
	struct msrp_perr_info info;
	ssize_t n = recv(r->fd, buf, sizeof(buf), 0);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			fd_close(r->fd);
		return;
	}
	(void)msrp_parser_feed(r->parser, buf, (size_t)n, peer_frame, r,
			       &info);
}

static void peer_accept(int flags, void *arg)
{
	struct raw_peer *r = arg;

	r->fd = accept(r->lfd, NULL, NULL);
	if (r->fd < 0)
		return;
	(void)fcntl(r->fd, F_SETFL, O_NONBLOCK);
	(void)fd_listen(r->fd, FD_READ, peer_read, r);
}

static int peer_listen(struct raw_peer *r, enum answer mode, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->mode = mode;
	r->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(r->lfd, 4) ||
	    getsockname(r->lfd, (struct sockaddr *)&sin, &len))
		return errno;
	*port = ntohs(sin.sin_port);
	if (msrp_parser_alloc(&r->parser, NULL))
		return ENOMEM;
	return fd_listen(r->lfd, FD_READ, peer_accept, r);
}

static void peer_close(struct raw_peer *r)
{
	if (r->fd >= 0) {
		fd_close(r->fd);
		close(r->fd);
	}
	if (r->lfd >= 0) {
		fd_close(r->lfd);
		close(r->lfd);
	}
	r->parser = mem_deref(r->parser);
}

static void bound_h(void *arg)
{
	struct watch *w = arg;
	w->bound = true;
}

static void close_h(int err, void *arg)
{
	struct watch *w = arg;
	w->closed = true;
	w->err = err;
	re_cancel();
}

/* Our active session against a raw peer; returns the session bound. */
static struct msrp_session *start(struct msrp_sock *sock,
				  const struct msrp_settings *st,
				  struct raw_peer *r, enum answer mode,
				  struct watch *w)
{
	struct msrp_session *sess = NULL;
	uint16_t port = 0;
	char path[128];

	memset(w, 0, sizeof(*w));
	CHECK_EQ_INT(peer_listen(r, mode, &port), 0);
	CHECK_EQ_INT(msrp_session_alloc(&sess, sock, st, bound_h, NULL, NULL,
					close_h, w), 0);
	snprintf(path, sizeof(path), "msrp://127.0.0.1:%u/rawpeer1;tcp",
		 port);
	CHECK_EQ_INT(msrp_session_start(sess, path, MSRP_SETUP_ACTIVE), 0);
	loop_run_ms(300);
	CHECK(w->bound);
	return sess;
}

static void test_answered(struct msrp_sock *sock)
{
	struct msrp_settings st = { .keepalive = 1,
				    .content_type = "text/plain",
				    .keepalive_timeout_ms = ANSWER_MS };
	static const uint8_t data[100];
	struct raw_peer r;
	struct watch w;
	struct msrp_session *sess = start(sock, &st, &r, ANSWER_ALL, &w);

	/* Busy for 2.5 s: data every 200 ms, so no keepalive. */
	for (int i = 0; i < 12; i++) {
		CHECK_EQ_INT(msrp_session_send(sess, data, sizeof(data)), 0);
		loop_run_ms(200);
	}
	CHECK_EQ_INT(r.empty_sends, 1); /* only the bind */
	CHECK_EQ_INT(r.data_bytes, 12 * sizeof(data));
	/* Idle for 3.5 s: keepalives, answered; the session lives on. */
	loop_run_ms(3500);
	printf("idle 3.5 s with a 1 s interval: %u keepalives\n",
	       r.empty_sends - 1);
	CHECK(r.empty_sends - 1 >= 1);
	CHECK(r.empty_sends - 1 <= 3);
	CHECK(!w.closed);
	mem_deref(sess);
	peer_close(&r);
}

static void test_unanswered(struct msrp_sock *sock, enum answer mode,
			    int want_err)
{
	struct msrp_settings st = { .keepalive = 1,
				    .content_type = "text/plain",
				    .keepalive_timeout_ms = ANSWER_MS };
	struct raw_peer r;
	struct watch w;
	struct msrp_session *sess = start(sock, &st, &r, mode, &w);
	uint64_t t0 = tmr_jiffies();

	loop_run_ms(8000); /* close_h stops the loop */
	CHECK(w.closed);
	CHECK_EQ_INT(w.err, want_err);
	CHECK(r.empty_sends >= 2);
	printf("peer %s: closed after %llu ms with %s\n",
	       mode == ANSWER_481 ? "answering 481" : "silent",
	       (unsigned long long)(tmr_jiffies() - t0), strerror(w.err));
	/* Silent: one interval idle (1-2 s) plus the 1.5 s timeout. */
	if (mode == ANSWER_BIND_ONLY)
		CHECK(tmr_jiffies() - t0 >= 2000);
	mem_deref(sess);
	peer_close(&r);
}

static void test_off(struct msrp_sock *sock)
{
	struct msrp_settings st = { .keepalive = -1,
				    .content_type = "text/plain",
				    .keepalive_timeout_ms = ANSWER_MS };
	struct raw_peer r;
	struct watch w;
	struct msrp_session *sess = start(sock, &st, &r, ANSWER_BIND_ONLY, &w);

	loop_run_ms(2500);
	CHECK_EQ_INT(r.empty_sends, 1);
	CHECK(!w.closed);
	mem_deref(sess);
	peer_close(&r);
}

/* Our socket whose peer is the local address of fd: found among our own
 * descriptors, as the kernel sees it. */
static int our_end_of(int fd)
{
	struct sockaddr_in mine, peer;
	socklen_t len = sizeof(mine);

	if (getsockname(fd, (struct sockaddr *)&mine, &len))
		return -1;
	for (int i = 3; i < 1024; i++) {
		len = sizeof(peer);
		if (i != fd && !getpeername(i, (struct sockaddr *)&peer, &len) &&
		    peer.sin_port == mine.sin_port)
			return i;
	}
	return -1;
}

/* The viewer connected, bound, then froze (its kernel still acks): our
 * waiting side's own keepalive finds it. */
static void test_passive_probe(struct msrp_sock *sock)
{
	struct msrp_settings st = { .keepalive = 1, .peer_timeout = 8,
				    .content_type = "text/plain",
				    .keepalive_timeout_ms = ANSWER_MS };
	struct msrp_session *sess = NULL;
	struct raw_peer r;
	struct watch w = {0};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sa laddr;
	char buf[1024];
	int ours, on = 0, idle = 0;
	unsigned user_ms = 0;
	socklen_t len;
	uint64_t t0;

	memset(&r, 0, sizeof(r));
	r.mode = ANSWER_NONE;
	r.lfd = -1;
	CHECK_EQ_INT(msrp_parser_alloc(&r.parser, NULL), 0);
	CHECK_EQ_INT(msrp_session_alloc(&sess, sock, &st, bound_h, NULL, NULL,
					close_h, &w), 0);
	CHECK_EQ_INT(msrp_session_start(sess, "msrp://127.0.0.1:9/rawact1;tcp",
					MSRP_SETUP_PASSIVE), 0);
	CHECK_EQ_INT(msrp_sock_local(sock, &laddr), 0);
	r.fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(sa_port(&laddr));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_EQ_INT(connect(r.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	snprintf(buf, sizeof(buf), "MSRP rawbind2 SEND\r\nTo-Path: %s\r\n"
		 "From-Path: msrp://127.0.0.1:9/rawact1;tcp\r\n"
		 "Message-ID: b\r\nByte-Range: 1-0/0\r\n-------rawbind2$\r\n",
		 msrp_session_local_path(sess));
	peer_send(&r, buf);
	(void)fcntl(r.fd, F_SETFL, O_NONBLOCK);
	(void)fd_listen(r.fd, FD_READ, peer_read, &r);
	loop_run_ms(300);
	CHECK(w.bound);

	ours = our_end_of(r.fd);
	CHECK(ours >= 0);
	len = sizeof(on);
	CHECK_EQ_INT(getsockopt(ours, SOL_SOCKET, SO_KEEPALIVE, &on, &len), 0);
	CHECK_EQ_INT(on, 1);
	len = sizeof(idle);
	CHECK_EQ_INT(getsockopt(ours, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len),
		     0);
	CHECK_EQ_INT(idle, 2);
	len = sizeof(user_ms);
	CHECK_EQ_INT(getsockopt(ours, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms,
				&len), 0);
	CHECK_EQ_INT(user_ms, 6000);

	t0 = tmr_jiffies();
	loop_run_ms(8000); /* close_h stops the loop */
	CHECK(w.closed);
	CHECK_EQ_INT(w.err, ETIMEDOUT);
	CHECK(r.empty_sends >= 1);
	printf("frozen active peer: our passive side closed after %llu ms\n",
	       (unsigned long long)(tmr_jiffies() - t0));
	mem_deref(sess);
	peer_close(&r);
}

int main(void)
{
	struct msrp_sock *sock = NULL;
	struct sa laddr;

	CHECK_EQ_INT(libre_init(), 0);
	tmr_init(&loop_guard);
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	test_answered(sock);
	test_unanswered(sock, ANSWER_BIND_ONLY, ETIMEDOUT);
	test_unanswered(sock, ANSWER_481, EPROTO);
	test_off(sock);
	test_passive_probe(sock);
	mem_deref(sock);
	libre_close();
	CHECK_DONE("msrp_keepalive");
}
