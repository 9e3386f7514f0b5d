/*
 * fuzz_server_rfb.c - a viewer's RFB messages, the one input we hand to a
 * C library we did not write: each input goes through the socket pair of
 * desktop_attach() into a real libvncserver screen of a real desktop (on
 * a private Xvfb) with our hooks (keys and pointer into XTEST, clipboard,
 * SetDesktopSize), after a valid handshake (RFB 3.8, no authentication,
 * shared).  Control rights, so every hook is reached.  What the server
 * answers is read and dropped; the input ends with the socket shut, and
 * the client should then go (its gone handler stops the loop).
 * The bytes are those the bridge lets through: rfb_filter.c stops a
 * stream at the first message libvncserver must not see (this harness
 * found bits per pixel 0 killing the process with SIGFPE).  Its framer
 * (rfb_frame.c) is the browser gateway's too: each input also goes through
 * web_rfb's filter with view and with control rights, and through
 * web_desk's as if the desktop had sent it to a view-only page (and to
 * a grouped viewer, with the desktop's format marks).
 * The server folder's harness links capture/, msrp/ and sip/ too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>

#include "server/desktop.h"
#include "server/rfb_filter.h"
#include "server/web_desk.h"
#include "server/web_rfb.h"
#include "tests/unit/capture_xvfb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xvfb xvfb;
static struct desktop *dt;

static void stop_xvfb(void)
{
	dt = mem_deref(dt);
	xvfb_stop(&xvfb);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (libre_init() || xvfb_start(&xvfb, "320x240x24", NULL) ||
	    desktop_open(&dt, xvfb.display, NULL, NULL)) {
		fprintf(stderr, "fuzz_server_rfb: no desktop\n");
		exit(1);
	}
	atexit(stop_xvfb);
	return 0;
}

static void on_gone(void *arg)
{
	*(bool *)arg = true;
	re_cancel();
}

static void on_readable(int flags, void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[65536];

	(void)flags;
	if (read(fd, buf, sizeof(buf)) <= 0)
		fd_close(fd);
}

/* web_desk_filter() over all of it in pieces, in place as its users
 * call it, until it refuses; never more out than in. */
static void desk_filter_all(struct web_desk *wd, const uint8_t *data,
			    size_t size)
{
	static uint8_t copy[4096];
	const char *why;
	size_t i, n;

	for (i = 0; i < size; i += n) {
		long k;

		n = size - i < sizeof(copy) ? size - i : sizeof(copy);
		memcpy(copy, data + i, n);
		k = web_desk_filter(wd, copy, n, &why);
		if (k < 0)
			break;
		if ((size_t)k > n)
			abort();
	}
}

/* The gateway's two framers over the same bytes: no crash, no read or
 * write out of bounds (ASan), output within its stated room. */
static void gateway_framers(const uint8_t *data, size_t size)
{
	static const uint8_t hello[] = "RFB 003.008\n\x01\x01";
	static uint8_t out[4096 + 4];
	struct web_rfb wr;
	struct web_desk wd;
	const char *why;
	unsigned rights;
	size_t i, n;

	for (rights = 0; rights < 4; rights++) {
		web_rfb_init(&wr, rights & 1, rights & 2);
		if (web_rfb_filter(&wr, hello, sizeof(hello) - 1, out, &why) < 0)
			abort();
		for (i = 0; i < size; i += n) {
			long k;

			n = size - i < 4096 ? size - i : 4096;
			k = web_rfb_filter(&wr, data + i, n, out, &why);
			if (k < 0)
				break;
			if ((size_t)k > n + 4)
				abort();
		}
	}
	web_desk_init(&wd);
	desk_filter_all(&wd, data, size);
	/* as a grouped viewer's own stream is framed (rfb_group.h): the
	 * desktop's format marks taken and dropped */
	web_desk_init(&wd);
	wd.keep_cut = true;
	wd.pf_marks = true;
	desk_filter_all(&wd, data, size);
	/* as the gateway watches a control session's stream: stopping at
	 * every update's edge, always going on */
	web_desk_init(&wd);
	wd.stop = true;
	wd.keep_cut = true;
	for (i = 0; i < size; i += n) {
		size_t used = 0;
		long k = web_desk_scan(&wd, data + i, size - i, NULL, &used,
				       &why);

		if (k < 0)
			break;
		if ((size_t)k != used || used > size - i ||
		    (!used && wd.at != WEB_DESK_AT_BEGIN))
			abort();
		n = used;
	}
}

static void on_deadline(void *arg)
{
	(void)arg;
	re_cancel();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* version, security type None, ClientInit shared */
	static const uint8_t hello[] = "RFB 003.008\n\x01\x01";
	struct desktop_client *dc = NULL;
	static uint8_t out[RFB_FILTER_OUT_MAX(4096)];
	struct rfb_filter filter;
	size_t i, k;
	long n;
	struct tmr deadline;
	bool gone = false;
	int fd = -1;

	gateway_framers(data, size);
	if (desktop_attach(&dc, dt, true, on_gone, &gone, &fd))
		abort();
	(void)fd_listen(fd, FD_READ, on_readable, &fd);
	/* What the bridge hands libvncserver (rfb_filter.h), up to where
	 * it would end the call; the socket pair's buffer takes it all. */
	rfb_filter_init(&filter);
	n = rfb_filter_pass(&filter, hello, sizeof(hello) - 1, out);
	if (n < 0 || write(fd, out, (size_t)n) != n)
		abort();
	for (i = 0; i < size; i += k) {
		k = size - i < 4096 ? size - i : 4096;
		n = rfb_filter_pass(&filter, data + i, k, out);
		if (n < 0)
			break;
		if ((size_t)n > RFB_FILTER_OUT_MAX(k) ||
		    (n && write(fd, out, (size_t)n) != n))
			abort();
	}
	shutdown(fd, SHUT_WR);
	tmr_init(&deadline);
	tmr_start(&deadline, 4000, on_deadline, NULL);
	while (!gone && tmr_isrunning(&deadline))
		(void)re_main(NULL);
	tmr_cancel(&deadline);
	fd_close(fd);
	close(fd);
	mem_deref(dc);
	/* libvncserver 0.9.14 loses a wakeup now and then (the output
	 * thread checks the socket, the input thread closes it and signals
	 * before the output thread waits); desktop.c wakes every
	 * client's output thread every 500 ms, so a client still here after 4 s
	 * (eight wakes; libFuzzer's own limit is 5 s) is a bug of ours. */
	if (!gone) {
		fprintf(stderr, "fuzz_server_rfb: a client did not go within "
			"4 s\n");
		abort();
	}
	return 0;
}
