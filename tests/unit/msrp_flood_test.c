/*
 * msrp_flood_test.c - idle connections to the MSRP port cannot keep a
 * caller out: silent connections are closed after the first-request
 * deadline, one source address holds only a few, a full table evicts its
 * oldest, and the address a waiting session's peer announced always gets
 * in, however many connections arrive before and after it.
 *
 * Loopback has all of 127/8, so each "attacker" has its own source address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_priv.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"

enum { FLOOD = 100 };

/* A blocking connect from src (127.x.y.z) to the socket; loopback
 * completes it before the server accepts. */
static int connect_from(const char *src, const struct sa *to)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, src, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	sin.sin_port = htons(sa_port(to));
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The server closed (or reset) it. */
static bool closed_by_server(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, 0) <= 0)
		return false;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

static void send_bind(int fd, const char *to_path, const char *from_path)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
		"MSRP flood1 SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\n"
		"Message-ID: b\r\nByte-Range: 1-0/0\r\n-------flood1$\r\n",
		to_path, from_path);

	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		fprintf(stderr, "bind send short\n");
}

struct waiter {
	struct msrp_session *sess;
	bool bound, closed;
};

static void bound_h(void *arg)
{
	struct waiter *w = arg;

	w->bound = true;
	re_cancel();
}

static void recv_h(const uint8_t *data, size_t len, void *arg)
{
}

static void writable_h(void *arg)
{
}

static void close_h(int err, void *arg)
{
	struct waiter *w = arg;

	w->closed = true;
}

static const struct msrp_settings settings = {
	.content_type = "application/x-rfb", .keepalive = -1,
};

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* sock_st: the socket's settings, read at each accept. */
static void test_deadline(struct msrp_settings *sock_st,
			  const struct sa *laddr)
{
	int fd;

	sock_st->pending_timeout_ms = 300;
	fd = connect_from("127.0.0.2", laddr);
	CHECK(fd >= 0);
	loop_run_ms(100);
	CHECK(!closed_by_server(fd));
	loop_run_ms(700);
	CHECK(closed_by_server(fd));
	close(fd);
	sock_st->pending_timeout_ms = 0;
}

/* Ten from one address: the six oldest go, the newest four stay. */
static void test_per_address(const struct sa *laddr)
{
	int fds[10], i, open_new = 0, closed_old = 0;

	for (i = 0; i < 10; i++)
		fds[i] = connect_from("127.0.0.3", laddr);
	loop_run_ms(300);
	for (i = 0; i < 10; i++) {
		if (i < 6 && closed_by_server(fds[i]))
			closed_old++;
		if (i >= 6 && !closed_by_server(fds[i]))
			open_new++;
	}
	CHECK_EQ_INT(closed_old, 6);
	CHECK_EQ_INT(open_new, 4);
	close_all(fds, 10);
	loop_run_ms(100);
}

/* FLOOD connections from FLOOD addresses (127.0.<net>.1..): the table
 * keeps the newest. */
static void flood(int *fds, int net, const struct sa *laddr)
{
	char src[32];

	for (int i = 0; i < FLOOD; i++) {
		snprintf(src, sizeof(src), "127.0.%d.%d", net, i + 1);
		fds[i] = connect_from(src, laddr);
	}
}

static void test_flood(struct msrp_sock *sock, const struct sa *laddr)
{
	struct waiter expected = {0}, other = {0};
	int before[FLOOD], after[FLOOD], fd_exp, fd_other, i, evicted = 0;

	/* A session whose peer announced 127.0.0.9; its connection comes
	 * in between two floods and speaks only after both. */
	CHECK_EQ_INT(msrp_session_alloc(&expected.sess, sock, &settings,
		bound_h, recv_h, writable_h, close_h, &expected), 0);
	CHECK_EQ_INT(msrp_session_start(expected.sess,
		"msrp://127.0.0.9:9/peer1;tcp", MSRP_SETUP_PASSIVE), 0);
	/* One whose peer gave a host name: no priority, it must win by
	 * speaking at once (as Blink does). */
	CHECK_EQ_INT(msrp_session_alloc(&other.sess, sock, &settings,
		bound_h, recv_h, writable_h, close_h, &other), 0);
	CHECK_EQ_INT(msrp_session_start(other.sess,
		"msrp://peer.example.net:9/peer2;tcp", MSRP_SETUP_PASSIVE), 0);

	flood(before, 1, laddr);
	fd_exp = connect_from("127.0.0.9", laddr);
	CHECK(fd_exp >= 0);
	flood(after, 2, laddr);
	loop_run_ms(500);
	CHECK(!closed_by_server(fd_exp));
	for (i = 0; i < FLOOD; i++)
		evicted += closed_by_server(before[i]);
	/* The table holds 64: all of the first flood went. */
	CHECK_EQ_INT(evicted, FLOOD);

	send_bind(fd_exp, msrp_session_local_path(expected.sess),
		  "msrp://127.0.0.9:9/peer1;tcp");
	loop_run_ms(3000);
	CHECK(expected.bound);

	fd_other = connect_from("127.0.0.1", laddr);
	CHECK(fd_other >= 0);
	send_bind(fd_other, msrp_session_local_path(other.sess),
		  "msrp://peer.example.net:9/peer2;tcp");
	loop_run_ms(3000);
	CHECK(other.bound);
	CHECK(!expected.closed && !other.closed);

	close_all(before, FLOOD);
	close_all(after, FLOOD);
	mem_deref(expected.sess);
	mem_deref(other.sess);
	close(fd_exp);
	close(fd_other);
	loop_run_ms(100);
}

int main(void)
{
	struct msrp_sock *sock = NULL;
	struct msrp_settings sock_st = { .keepalive = -1 };
	struct sa laddr;

	if (libre_init())
		return 1;
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	if (sock) {
		CHECK_EQ_INT(msrp_sock_local(sock, &laddr), 0);
		CHECK_EQ_INT(msrp_sock_configure(sock, &sock_st), 0);
		test_deadline(&sock_st, &laddr);
		test_per_address(&laddr);
		test_flood(sock, &laddr);
		mem_deref(sock);
	}
	tmr_debug();
	libre_close();
	CHECK_DONE("msrp_flood");
}
