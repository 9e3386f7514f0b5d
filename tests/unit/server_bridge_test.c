/*
 * server_bridge_test.c - a far end that takes nothing: the bridge holds
 * its side back and, after stall_timeout without progress, ends (closedh
 * with ETIMEDOUT); with no timeout it waits.  The MSRP session here is
 * never bound, so it never takes anything, as a viewer that stopped
 * reading.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>

#include "msrp/msrp.h"
#include "server/bridge.h"
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

	mem_deref(sock);
	libre_close();
	CHECK_DONE("server_bridge");
}
