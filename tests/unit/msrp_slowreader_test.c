/*
 * msrp_slowreader_test.c - a viewer that stops reading: our session keeps
 * being offered data (as the RFB server would), the send queue stays at
 * its limit, the producer is told EAGAIN, the process's resident memory
 * stays flat (measured), and when the viewer reads again the stream goes
 * on intact from where it stopped.
 *
 * The viewer is a plain socket with a small receive buffer, answering the
 * bind SEND itself and checking every body byte against the pattern.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_frame.h"
#include "tests/unit/check.h"

enum { PIECE = 64 * 1024, TXQ = 256 * 1024 };

static struct tmr guard, tick;

static void guard_h(void *arg)
{
	re_cancel();
}

static void run(unsigned ms)
{
	tmr_start(&guard, ms, guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);
}

static uint8_t pattern_at(uint64_t pos)
{
	return (uint8_t)((pos * 131) ^ (pos >> 11));
}

/* ---- the viewer ---- */

static struct {
	int lfd, fd;
	struct msrp_parser *parser;
	bool reading;
	uint64_t got;
	bool bad;
} v = { -1, -1, NULL, false, 0, false };

static bool viewer_frame(const struct msrp_msg *msg, void *arg)
{
	if (msg->is_request && !msg->body_len) {
		char buf[512];
		int n = snprintf(buf, sizeof(buf), "MSRP %s 200 OK\r\n"
				 "To-Path: %.*s\r\nFrom-Path: %.*s\r\n"
				 "-------%s$\r\n", msg->tid,
				 (int)msg->from_path.l, msg->from_path.p,
				 (int)msg->to_path.l, msg->to_path.p, msg->tid);
		if (send(v.fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			v.bad = true;
		return false;
	}
	for (size_t i = 0; i < msg->body_len; i++)
		if (msg->body[i] != pattern_at(v.got + i)) {
			v.bad = true;
			break;
		}
	v.got += msg->body_len;
	return false;
}

static void viewer_read(int flags, void *arg)
{
	static uint8_t buf[16384];
	struct msrp_perr_info info;
	ssize_t n = recv(v.fd, buf, sizeof(buf), 0);

	if (n > 0 && msrp_parser_feed(v.parser, buf, (size_t)n, viewer_frame,
				      NULL, &info))
		v.bad = true;
	if (n == 0)
		v.bad = true;
}

static void viewer_accept(int flags, void *arg)
{
	v.fd = accept(v.lfd, NULL, NULL);
	if (v.fd < 0)
		return;
	(void)fcntl(v.fd, F_SETFL, O_NONBLOCK);
	v.reading = true;
	(void)fd_listen(v.fd, FD_READ, viewer_read, NULL);
}

static void viewer_pause(bool pause)
{
	if (pause && v.reading)
		fd_close(v.fd);
	else if (!pause && !v.reading)
		(void)fd_listen(v.fd, FD_READ, viewer_read, NULL);
	v.reading = !pause;
}

static int viewer_listen(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int rcvbuf = 32 * 1024, one = 1;

	v.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (v.lfd < 0)
		return errno;
	(void)setsockopt(v.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(v.lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			 sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(v.lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(v.lfd, 1) ||
	    getsockname(v.lfd, (struct sockaddr *)&sin, &len))
		return errno;
	*port = ntohs(sin.sin_port);
	if (msrp_parser_alloc(&v.parser, NULL))
		return ENOMEM;
	return fd_listen(v.lfd, FD_READ, viewer_accept, NULL);
}

/* ---- the server side: a producer that always has more ---- */

static struct msrp_session *sess;
static uint64_t produced;
static unsigned refused;
static bool closed;

static void produce(void)
{
	static uint8_t piece[PIECE];

	for (;;) {
		int err;
		for (size_t i = 0; i < PIECE; i++)
			piece[i] = pattern_at(produced + i);
		err = msrp_session_send(sess, piece, PIECE);
		if (err == EAGAIN) {
			refused++;
			return;
		}
		if (err)
			return;
		produced += PIECE;
	}
}

static void bound_h(void *arg)    { produce(); }
static void writable_h(void *arg) { produce(); }

static void close_h(int err, void *arg)
{
	closed = true;
}

/* The RFB server would keep trying: knock every 20 ms as well. */
static void tick_h(void *arg)
{
	produce();
	tmr_start(&tick, 20, tick_h, NULL);
}

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(void)
{
	struct msrp_settings st = { .chunk_size = 8192, .txq_limit = TXQ,
				    .content_type = "application/x-rfb" };
	struct msrp_sock *sock = NULL;
	struct sa laddr;
	char path[128];
	uint16_t port = 0;
	uint64_t got_before, produced_at_stall, got_at_stall;
	long rss_stall, rss_max = 0;

	if (libre_init())
		return 2;
	CHECK_EQ_INT(viewer_listen(&port), 0);
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	CHECK_EQ_INT(msrp_session_alloc(&sess, sock, &st, bound_h, NULL,
					writable_h, close_h, NULL), 0);
	snprintf(path, sizeof(path), "msrp://127.0.0.1:%u/viewer01;tcp", port);
	CHECK_EQ_INT(msrp_session_start(sess, path, MSRP_SETUP_ACTIVE), 0);
	tmr_start(&tick, 20, tick_h, NULL);

	/* reading: data flows */
	run(1000);
	CHECK(v.got > 1024 * 1024);
	CHECK(!v.bad && !closed);

	/* the viewer stops reading for 3 s while the producer keeps at it */
	viewer_pause(true);
	run(300); /* let the socket buffers fill */
	produced_at_stall = produced;
	got_at_stall = v.got;
	rss_stall = rss_kib();
	refused = 0;
	for (int i = 0; i < 30; i++) {
		long r;
		run(100);
		r = rss_kib();
		if (r > rss_max)
			rss_max = r;
	}
	printf("stalled 3 s: accepted %llu more bytes, refused %u times, "
	       "RSS %ld -> max %ld KiB (+%ld)\n",
	       (unsigned long long)(produced - produced_at_stall), refused,
	       rss_stall, rss_max, rss_max - rss_stall);
	CHECK_EQ_INT(v.got, got_at_stall);
	CHECK(produced - produced_at_stall <= TXQ + PIECE);
	CHECK(refused > 50);           /* held back, not buffered */
	CHECK(rss_stall > 0 && rss_max - rss_stall < 2048);
	CHECK(!closed);

	/* reading again: the stream continues intact */
	got_before = v.got;
	viewer_pause(false);
	run(1000);
	printf("resumed 1 s: %llu bytes more, all in order: %s\n",
	       (unsigned long long)(v.got - got_before), v.bad ? "no" : "yes");
	CHECK(v.got - got_before > 1024 * 1024);
	CHECK(!v.bad && !closed);

	tmr_cancel(&tick);
	sess = mem_deref(sess);
	mem_deref(sock);
	if (v.reading)
		fd_close(v.fd);
	fd_close(v.lfd);
	close(v.fd);
	close(v.lfd);
	mem_deref(v.parser);
	libre_close();
	CHECK_DONE("msrp_slowreader");
}
