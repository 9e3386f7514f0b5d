/*
 * server_bridge_test.c - a far end that takes nothing: the bridge holds
 * its side back and, after stall_timeout without progress, ends (closedh
 * with ETIMEDOUT); with no timeout it waits.  The MSRP session here is
 * never bound, so it never takes anything, as a viewer that stopped
 * reading.  And the sink: what MSRP brings goes to it instead of the
 * socket, its error ends the bridge, and without it the socket has it.
 * And the source, in place of the socket's reads.  And a member's
 * framing: while its own client's stream is framed, the viewer's new
 * pixel format asks the desktop for a mark (web_desk.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>

#include "msrp/msrp.h"
#include "server/bridge.h"
#include "server/rfb_frame.h"
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

static void test_framing(void)
{
	static const uint8_t pf32[16] = {32, 24, 0, 1, 0, 255, 0, 255,
					 0, 255, 16, 8, 0};
	struct bridge *br = NULL;
	struct watch w = {0};
	struct web_desk *d;
	int sv[2];

	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
		     0);
	CHECK_EQ_INT(bridge_alloc(&br, sv[0], closed_h, &w), 0);
	CHECK_EQ_INT(bridge_check_rfb(br), 0);
	CHECK(!bridge_rfb_frame(br)->pf_mark);
	d = bridge_frame_from(br, pf32, 64, 64, 1000);
	CHECK(d != NULL && d->pf_marks && d->pos == 1000);
	CHECK(bridge_rfb_frame(br)->pf_mark);
	CHECK(!bridge_marks_due(br));
	/* a format that passes while framed is due its mark until the
	 * framer has dropped it: unframed before, the viewer would get it */
	{
		static const uint8_t hello[14] = "RFB 003.008\n\1\1";
		uint8_t spf[20] = {0}, mark[WEB_DESK_PF_MARK_LEN] = {
			WEB_DESK_MSG_PF_MARK};
		const char *why = "";

		memcpy(spf + 4, pf32, 16);
		memcpy(mark + 4, pf32, 16);
		bridge_from_msrp(br, hello, sizeof(hello));
		bridge_from_msrp(br, spf, sizeof(spf));
		CHECK(bridge_marks_due(br));
		CHECK(web_desk_filter(d, mark, sizeof(mark), &why) >= 0);
		CHECK(!bridge_marks_due(br));
		/* the same format again, as a viewer sends it with its
		 * encodings: due again */
		bridge_from_msrp(br, spf, sizeof(spf));
		CHECK(bridge_marks_due(br));
		CHECK(web_desk_filter(d, mark, sizeof(mark), &why) >= 0);
		CHECK(!bridge_marks_due(br));
	}
	bridge_unframe(br);
	CHECK(bridge_desk(br) == NULL);
	CHECK(!bridge_rfb_frame(br)->pf_mark);
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
	test_framing();

	mem_deref(sock);
	libre_close();
	CHECK_DONE("server_bridge");
}
