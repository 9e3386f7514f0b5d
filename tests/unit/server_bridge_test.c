/*
 * server_bridge_test.c - a far end that takes nothing: the bridge holds
 * its side back and, after stall_timeout without progress, ends (closedh
 * with ETIMEDOUT); with no timeout it waits.  The MSRP session here is
 * never bound, so it never takes anything, as a viewer that stopped
 * reading.  And the sink: what MSRP brings goes to it instead of the
 * socket, its error ends the bridge, and without it the socket has it.
 * And the source, in place of the socket's reads.  And a framed
 * member's changes of pixel format: a second restart in the same format
 * before the framer got to the first keeps the first's point.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>

#include "msrp/msrp.h"
#include "server/bridge.h"
#include "server/web_desk.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"

struct watch {
	bool closed;
	int err;
	uint64_t at;
};

static void closed_h(int err, void *arg)
{
	struct watch *w = arg;

	w->closed = true;
	w->err = err;
	w->at = tmr_jiffies();
	re_cancel();
}

static void run_case(struct msrp_sock *sock, unsigned stall_ms,
		     struct watch *w)
{
	struct msrp_settings st = { .content_type = "application/x-rfb" };
	struct msrp_session *sess = NULL;
	struct bridge *br = NULL;
	int sv[2];
	uint64_t t0;

	CHECK_EQ_INT(msrp_session_alloc(&sess, sock, &st, NULL, NULL, NULL,
					NULL, NULL), 0);
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ_INT(bridge_alloc(&br, sv[0], closed_h, w), 0);
	bridge_set_stall_timeout(br, stall_ms);
	/* libvncserver has an update for the viewer */
	CHECK(write(sv[1], "update", 6) == 6);
	t0 = tmr_jiffies();
	CHECK_EQ_INT(bridge_start(br, sess), 0);
	loop_run_ms(1200);
	if (w->closed)
		w->at -= t0;
	mem_deref(br);
	mem_deref(sess);
	close(sv[1]);
}

struct sunk {
	char buf[32];
	size_t len;
	int err;                 /* what the sink answers */
};

static int sink_h(const uint8_t *data, size_t len, void *arg)
{
	struct sunk *k = arg;

	if (k->err)
		return k->err;
	memcpy(k->buf + k->len, data, len);
	k->len += len;
	return 0;
}

static void test_sink(void)
{
	struct bridge *br = NULL;
	struct watch w = {0};
	struct sunk k = {{0}, 0, 0};
	char got[16];
	int sv[2];

	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
		     0);
	CHECK_EQ_INT(bridge_alloc(&br, sv[0], closed_h, &w), 0);
	bridge_set_sink(br, sink_h, &k);
	bridge_from_msrp(br, (const uint8_t *)"frame", 5);
	CHECK(k.len == 5 && !memcmp(k.buf, "frame", 5));
	CHECK(read(sv[1], got, sizeof(got)) < 0);   /* nothing to the socket */
	bridge_set_sink(br, NULL, NULL);
	bridge_from_msrp(br, (const uint8_t *)"pair", 4);
	CHECK(read(sv[1], got, sizeof(got)) == 4 && !memcmp(got, "pair", 4));
	bridge_set_sink(br, sink_h, &k);
	k.err = EPIPE;
	bridge_from_msrp(br, (const uint8_t *)"gone", 4);
	CHECK(w.closed);
	CHECK_EQ_INT(w.err, EPIPE);
	mem_deref(br);
	close(sv[1]);
}

static size_t source_h(uint8_t *buf, size_t size, void *arg)
{
	unsigned *asked = arg;

	(*asked)++;
	memcpy(buf, "request", size < 7 ? size : 7);
	return size < 7 ? size : 7;
}

/* The source (the browser gateway's): never asked while the session takes
 * nothing, so what waits stays with it, bounded there; the stall clock
 * runs as with a socket; the socket then carries only its close. */
static void test_source(struct msrp_sock *sock)
{
	struct msrp_settings st = { .content_type = "application/x-rfb" };
	struct msrp_session *sess = NULL;
	struct bridge *br = NULL;
	struct watch w = {0};
	unsigned asked = 0;
	int sv[2];

	CHECK_EQ_INT(msrp_session_alloc(&sess, sock, &st, NULL, NULL, NULL,
					NULL, NULL), 0);
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ_INT(bridge_alloc(&br, sv[0], closed_h, &w), 0);
	bridge_set_stall_timeout(br, 300);
	bridge_set_source(br, source_h, &asked);
	CHECK_EQ_INT(bridge_start(br, sess), 0);
	bridge_source_ready(br);
	loop_run_ms(600);
	CHECK_EQ_INT((int)asked, 0);
	CHECK(w.closed);
	CHECK_EQ_INT(w.err, ETIMEDOUT);
	mem_deref(br);

	w = (struct watch){0};
	CHECK_EQ_INT(bridge_alloc(&br, sv[1], closed_h, &w), 0);
	bridge_set_source(br, source_h, &asked);
	CHECK_EQ_INT(bridge_start(br, sess), 0);
	loop_run_ms(200);
	CHECK(w.closed);   /* sv[0] went with the first bridge */
	CHECK_EQ_INT(w.err, 0);
	CHECK_EQ_INT((int)asked, 0);
	mem_deref(br);
	mem_deref(sess);
}

/* RGB888 in 32 bits, and RGB565 */
static const uint8_t pf32[16] = {32, 24, 0, 1, 0, 255, 0, 255, 0, 255,
				 16, 8, 0};
static const uint8_t pf16[16] = {16, 16, 0, 1, 0, 31, 0, 63, 0, 31,
				 11, 5, 0};

static void test_pf_changes(void)
{
	struct bridge *br = NULL;
	struct watch w = {0};
	int sv[2];

	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
		     0);
	CHECK_EQ_INT(bridge_alloc(&br, sv[0], closed_h, &w), 0);
	CHECK(!bridge_frame_pf_busy(br, pf16));   /* not framed */
	CHECK(bridge_frame_from(br, pf32, 64, 64, 1000) != NULL);
	CHECK(bridge_frame_pf_pos(br) == UINT64_MAX);
	/* the framer is at 1000: a change there or before is made now */
	bridge_frame_pf_at(br, pf16, 1000);
	CHECK(bridge_frame_pf_pos(br) == UINT64_MAX);
	CHECK_EQ_INT(bridge_desk(br)->bpp, 2);
	bridge_frame_pf_at(br, pf32, 1500);
	CHECK(bridge_frame_pf_pos(br) == 1500);
	/* a second restart in that format: the change stays at 1500, as
	 * the bytes from there on are in it already */
	bridge_frame_pf_at(br, pf32, 1900);
	CHECK(bridge_frame_pf_pos(br) == 1500);
	CHECK(!bridge_frame_pf_busy(br, pf32));
	/* one to another format would have to wait behind it */
	CHECK(bridge_frame_pf_busy(br, pf16));
	CHECK_EQ_INT(bridge_desk(br)->bpp, 2);    /* not there yet */
	bridge_unframe(br);
	CHECK(!bridge_frame_pf_busy(br, pf16));
	CHECK(bridge_frame_pf_pos(br) == UINT64_MAX);
	mem_deref(br);
	close(sv[1]);
	CHECK(!w.closed);
}

int main(void)
{
	struct msrp_sock *sock = NULL;
	struct watch w = {0};
	struct sa laddr;

	CHECK_EQ_INT(libre_init(), 0);
	tmr_init(&loop_guard);
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);

	run_case(sock, 300, &w);
	CHECK(w.closed);
	CHECK_EQ_INT(w.err, ETIMEDOUT);
	CHECK(w.at >= 280 && w.at < 1000);

	w = (struct watch){0};
	run_case(sock, 0, &w);
	CHECK(!w.closed);

	test_sink();
	test_source(sock);
	test_pf_changes();

	mem_deref(sock);
	libre_close();
	CHECK_DONE("server_bridge");
}
