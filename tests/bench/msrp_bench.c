/*
 * msrp_bench.c - RFB-sized data through two sipvnc MSRP sessions over
 * loopback, against the same bytes over a plain libre TCP connection in the
 * same process and the same event loop, so the two differ only by MSRP.
 *
 * Throughput: payload bytes / time from the first write to the last byte
 * received.  Bytes on the wire: what the kernel says the receiving sockets
 * took (TCP_INFO tcpi_bytes_received, both directions, so the 200 to the
 * bind counts too), over the payload.
 *
 *   msrp_bench [MiB per run] [rounds]
 * prints one line per chunk size and exits 1 if a target is missed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/tcp.h>
#include <re.h>
#include "msrp/msrp.h"

enum { PIECE = 64 * 1024, /* what the RFB bridge reads at once */
       TXQ = 256 * 1024 };

static uint8_t piece[PIECE];
static size_t total, sent, received;
static double t_start, t_end;
static bool failed;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Payload bytes every TCP socket of this process has received. */
static uint64_t wire_bytes(void)
{
	uint64_t sum = 0;

	for (int fd = 3; fd < 1024; fd++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		memset(&ti, 0, sizeof(ti));
		if (!getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) &&
		    len >= offsetof(struct tcp_info, tcpi_bytes_received) + 8)
			sum += ti.tcpi_bytes_received;
	}
	return sum;
}

static void got(size_t n)
{
	received += n;
	if (received >= total) {
		t_end = now();
		re_cancel();
	}
}

/* ---- plain TCP ---- */

static struct tcp_sock *ts;
static struct tcp_conn *tc_tx, *tc_rx;

static void tcp_pump(void)
{
	struct mbuf mb;

	mb.buf = piece;
	mb.size = PIECE;
	while (sent < total) {
		if (tcp_conn_txqsz(tc_tx) >= TXQ) {
			return; /* the send handler calls again */
		}
		mb.pos = 0;
		mb.end = total - sent < PIECE ? total - sent : PIECE;
		if (tcp_send(tc_tx, &mb)) {
			failed = true;
			re_cancel();
			return;
		}
		sent += mb.end;
	}
}

static void tcp_tx_send(void *arg)
{
	tcp_pump();
}

/* The baseline's sockets are set up as msrp/ sets up its own: RFB needs
 * TCP_NODELAY for latency whatever carries it, so the two runs differ
 * only by MSRP's framing, not by Nagle. */
static void same_socket_options(struct tcp_conn *tc)
{
	int on = 1;

	(void)setsockopt(tcp_conn_fd(tc), IPPROTO_TCP, TCP_NODELAY, &on,
			 sizeof(on));
}

static void tcp_tx_estab(void *arg)
{
	/* Here, not before: libre stops polling for "writable" when the
	 * connection comes up. */
	if (tcp_set_send(tc_tx, tcp_tx_send)) {
		failed = true;
		re_cancel();
		return;
	}
	same_socket_options(tc_tx);
	t_start = now();
	tcp_pump();
}

static void tcp_rx_recv(struct mbuf *mb, void *arg)
{
	got(mbuf_get_left(mb));
}

static void tcp_closed(int err, void *arg)
{
	if (received < total) {
		failed = true;
		re_cancel();
	}
}

static void tcp_conn(const struct sa *peer, void *arg)
{
	if (!tcp_accept(&tc_rx, ts, NULL, tcp_rx_recv, tcp_closed, NULL)) {
		tcp_conn_rxsz_set(tc_rx, 65536); /* as msrp/ reads */
		same_socket_options(tc_rx);
	}
}

static int run_tcp(double *secs, uint64_t *wire)
{
	struct sa laddr;
	uint64_t w0;
	int err;

	sent = received = 0;
	sa_set_str(&laddr, "127.0.0.1", 0);
	err = tcp_listen(&ts, &laddr, tcp_conn, NULL);
	err |= tcp_local_get(ts, &laddr);
	w0 = wire_bytes();
	err |= tcp_connect(&tc_tx, &laddr, tcp_tx_estab, NULL, tcp_closed,
			   NULL);
	if (!err)
		err = re_main(NULL);
	*wire = wire_bytes() - w0;
	*secs = t_end - t_start;
	tc_tx = mem_deref(tc_tx);
	tc_rx = mem_deref(tc_rx);
	ts = mem_deref(ts);
	return err || failed ? EIO : 0;
}

/* ---- MSRP ---- */

static struct msrp_session *sess_tx, *sess_rx;

static void msrp_pump(void)
{
	while (sent < total) {
		size_t n = total - sent < PIECE ? total - sent : PIECE;
		int err = msrp_session_send(sess_tx, piece, n);
		if (err == EAGAIN)
			return; /* writableh calls again */
		if (err) {
			failed = true;
			re_cancel();
			return;
		}
		sent += n;
	}
}

static void tx_bound(void *arg)
{
	t_start = now();
	msrp_pump();
}

static void tx_writable(void *arg)
{
	msrp_pump();
}

static void rx_recv(const uint8_t *data, size_t len, void *arg)
{
	got(len);
}

static void closed(int err, void *arg)
{
	fprintf(stderr, "msrp_bench: session closed: %s\n", strerror(err));
	failed = true;
	re_cancel();
}

static int run_msrp(size_t chunk, double *secs, uint64_t *wire)
{
	struct msrp_settings st = { .chunk_size = chunk, .txq_limit = TXQ,
				    .content_type = "application/x-rfb" };
	struct msrp_sock *sock_tx = NULL, *sock_rx = NULL;
	struct sa laddr;
	uint64_t w0;
	int err;

	sent = received = 0;
	sa_set_str(&laddr, "127.0.0.1", 0);
	err = msrp_sock_alloc(&sock_tx, &laddr);
	err |= msrp_sock_alloc(&sock_rx, &laddr);
	err |= msrp_session_alloc(&sess_tx, sock_tx, &st, tx_bound, NULL,
				  tx_writable, closed, NULL);
	err |= msrp_session_alloc(&sess_rx, sock_rx, &st, NULL, rx_recv, NULL,
				  closed, NULL);
	w0 = wire_bytes();
	if (!err)
		err = msrp_session_start(sess_rx,
					 msrp_session_local_path(sess_tx),
					 MSRP_SETUP_PASSIVE);
	if (!err)
		err = msrp_session_start(sess_tx,
					 msrp_session_local_path(sess_rx),
					 MSRP_SETUP_ACTIVE);
	if (!err)
		err = re_main(NULL);
	*wire = wire_bytes() - w0;
	*secs = t_end - t_start;
	sess_tx = mem_deref(sess_tx);
	sess_rx = mem_deref(sess_rx);
	mem_deref(sock_tx);
	mem_deref(sock_rx);
	return err || failed ? EIO : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const size_t chunks[] = { 8192, 65536 };
	static const double max_overhead[] = { 0.03, 0.01 };
	unsigned mib = argc > 1 ? (unsigned)atoi(argv[1]) : 256;
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;
	bool missed = false;

	if (mib < 1 || rounds < 1 || rounds > 50 || libre_init())
		return 2;
	for (size_t i = 0; i < PIECE; i++)  /* not compressible, no CRLFs */
		piece[i] = (uint8_t)(i * 2654435761u >> 13);
	total = (size_t)mib * 1024 * 1024;

	for (size_t c = 0; c < 2; c++) {
		double r_tcp[50], r_msrp[50], ratio[50];
		uint64_t w_tcp = 0, w_msrp = 0;
		double overhead;

		/* Alternate so that drift (CPU frequency, other load) hits
		 * both alike; the median ratio of neighbouring runs. */
		for (unsigned r = 0; r < rounds; r++) {
			double s_tcp, s_msrp;
			if (run_tcp(&s_tcp, &w_tcp) ||
			    run_msrp(chunks[c], &s_msrp, &w_msrp)) {
				fprintf(stderr, "msrp_bench: a run failed\n");
				return 2;
			}
			r_tcp[r] = (double)total / s_tcp / 1e6;
			r_msrp[r] = (double)total / s_msrp / 1e6;
			ratio[r] = r_msrp[r] / r_tcp[r];
		}
		qsort(r_tcp, rounds, sizeof(double), cmp_double);
		qsort(r_msrp, rounds, sizeof(double), cmp_double);
		qsort(ratio, rounds, sizeof(double), cmp_double);
		overhead = (double)w_msrp / (double)w_tcp - 1.0;
		printf("chunk %5zu: TCP %7.0f MB/s, MSRP %7.0f MB/s (medians of "
		       "%u x %u MiB), throughput ratio %.3f (target >= 0.90); "
		       "wire %llu vs %llu bytes, overhead %.3f%% (target <= "
		       "%.0f%%)\n", chunks[c], r_tcp[rounds / 2],
		       r_msrp[rounds / 2], rounds, mib, ratio[rounds / 2],
		       (unsigned long long)w_msrp,
		       (unsigned long long)w_tcp, overhead * 100,
		       max_overhead[c] * 100);
		if (ratio[rounds / 2] < 0.90 || overhead > max_overhead[c])
			missed = true;
	}
	libre_close();
	return missed ? 1 : 0;
}
