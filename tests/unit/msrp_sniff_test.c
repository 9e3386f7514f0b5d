/*
 * msrp_sniff_test.c - one listening socket, TLS and plain peers alike: the
 * first byte of an accepted connection picks TLS or MSRP, and each session
 * takes only the transport it negotiated (a plain connection claiming a
 * TLS session's id must not get in: that would be a downgrade).  Garbage
 * and silent connections are closed without leaking descriptors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_session.h"
#include "tests/unit/check.h"
#include "tests/unit/loop.h"


enum { ENDS = 4, BYTES = 200000 };

struct end {
	struct msrp_session *sess;
	bool bound, closed;
	int close_err;
	size_t tx_off, rx_len;
	bool rx_bad;
};

static struct end ends[ENDS];
static uint8_t data[BYTES];
static size_t want_bytes;  /* what each end must receive to be done */

static bool all_done(void)
{
	for (size_t i = 0; i < ENDS; i++) {
		if (!ends[i].sess)
			continue;
		if (ends[i].closed)
			return true; /* nothing more will come: stop early */
		if (!ends[i].bound || ends[i].rx_len < want_bytes)
			return false;
	}
	return true;
}

static void pump(struct end *e)
{
	while (e->tx_off < want_bytes) {
		size_t n = want_bytes - e->tx_off > 30000 ? 30000 :
			want_bytes - e->tx_off;
		if (msrp_session_send(e->sess, data + e->tx_off, n))
			return;
		e->tx_off += n;
	}
}

static void bound_h(void *arg)
{
	struct end *e = arg;

	e->bound = true;
	pump(e);
	if (all_done())
		re_cancel();
}

static void recv_h(const uint8_t *d, size_t len, void *arg)
{
	struct end *e = arg;

	if (e->rx_len + len > want_bytes || memcmp(data + e->rx_len, d, len))
		e->rx_bad = true;
	else
		e->rx_len += len;
	if (all_done())
		re_cancel();
}

static void writable_h(void *arg)
{
	pump(arg);
}

static void close_h(int err, void *arg)
{
	struct end *e = arg;

	e->closed = true;
	e->close_err = err;
	re_cancel();
}

static void ends_free(void)
{
	for (size_t i = 0; i < ENDS; i++)
		mem_deref(ends[i].sess);
	memset(ends, 0, sizeof(ends));
}

static int end_alloc(struct end *e, struct msrp_sock *sock,
		     const struct msrp_settings *st)
{
	return msrp_session_alloc(&e->sess, sock, st, bound_h, recv_h,
				  writable_h, close_h, e);
}

/* path with its scheme swapped to scheme ("msrp" or "msrps") */
static void with_scheme(char *buf, size_t size, const char *path,
			const char *scheme)
{
	const char *rest = strstr(path, "://");

	re_snprintf(buf, size, "%s%s", scheme, rest ? rest : path);
}

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static char tmpdir[64];

/* A TLS and a plain session on one passive socket at once, both bound and
 * carrying data both ways. */
static void test_both_at_once(struct msrp_sock *sa, struct msrp_sock *sb,
			      const struct msrp_settings *st_a,
			      const struct msrp_settings *st_b)
{
	struct end *a_tls = &ends[0], *b_tls = &ends[1];
	struct end *a_plain = &ends[2], *b_plain = &ends[3];
	char path[256];
	int err;

	want_bytes = BYTES;
	err = end_alloc(a_tls, sa, st_a) | end_alloc(b_tls, sb, st_b) |
		end_alloc(a_plain, sa, st_a) | end_alloc(b_plain, sb, st_b);
	CHECK_EQ_INT(err, 0);
	if (err)
		goto out;
	/* b answers a plain offer: its path turns msrp: */
	CHECK_EQ_INT(msrp_session_set_tls(b_plain->sess, false), 0);
	CHECK(!strncmp(msrp_session_local_path(b_plain->sess), "msrp://", 7));
	CHECK(msrp_session_local_fingerprint(b_plain->sess) == NULL);
	CHECK(!strncmp(msrp_session_local_path(b_tls->sess), "msrps://", 8));
	err = msrp_session_set_peer_fingerprint(a_tls->sess,
		msrp_session_local_fingerprint(b_tls->sess));
	err |= msrp_session_set_peer_fingerprint(b_tls->sess,
		msrp_session_local_fingerprint(a_tls->sess));
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_INT(msrp_session_start(b_tls->sess,
		msrp_session_local_path(a_tls->sess), MSRP_SETUP_PASSIVE), 0);
	with_scheme(path, sizeof(path), msrp_session_local_path(a_plain->sess),
		    "msrp");
	CHECK_EQ_INT(msrp_session_start(b_plain->sess, path,
					MSRP_SETUP_PASSIVE), 0);
	CHECK_EQ_INT(msrp_session_start(a_tls->sess,
		msrp_session_local_path(b_tls->sess), MSRP_SETUP_ACTIVE), 0);
	/* a prefers TLS, but the peer's msrp: path makes it plain */
	CHECK_EQ_INT(msrp_session_start(a_plain->sess,
		msrp_session_local_path(b_plain->sess), MSRP_SETUP_ACTIVE), 0);
	CHECK(!strncmp(msrp_session_local_path(a_plain->sess), "msrp://", 7));
	loop_run_ms(10000);
	for (size_t i = 0; i < ENDS; i++) {
		CHECK(ends[i].bound && !ends[i].closed && !ends[i].rx_bad);
		CHECK_EQ_INT(ends[i].rx_len, BYTES);
	}
	CHECK(ends[0].sess->conn && msrp_conn_tls(ends[0].sess->conn));
	CHECK(ends[1].sess->conn && msrp_conn_tls(ends[1].sess->conn));
	CHECK(ends[2].sess->conn && !msrp_conn_tls(ends[2].sess->conn));
	CHECK(ends[3].sess->conn && !msrp_conn_tls(ends[3].sess->conn));
 out:
	ends_free();
}

/* a connects to b's session in the other transport than b negotiated:
 * b refuses and ends the session, nothing is bound. */
static void test_wrong_transport(struct msrp_sock *sa, struct msrp_sock *sb,
				 const struct msrp_settings *st_a,
				 const struct msrp_settings *st_b, bool b_tls)
{
	struct end *a = &ends[0], *b = &ends[1];
	char path[256];
	int err;

	want_bytes = 1000;
	err = end_alloc(a, sa, st_a) | end_alloc(b, sb, st_b);
	CHECK_EQ_INT(err, 0);
	if (err)
		goto out;
	CHECK_EQ_INT(msrp_session_set_tls(b->sess, b_tls), 0);
	err = msrp_session_set_peer_fingerprint(a->sess,
		msrp_sock_tls_fingerprint(sb));
	err |= msrp_session_set_peer_fingerprint(b->sess, b_tls ?
		msrp_sock_tls_fingerprint(sa) : "");
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_INT(msrp_session_start(b->sess,
		msrp_session_local_path(a->sess), MSRP_SETUP_PASSIVE), 0);
	with_scheme(path, sizeof(path), msrp_session_local_path(b->sess),
		    b_tls ? "msrp" : "msrps");
	CHECK_EQ_INT(msrp_session_start(a->sess, path, MSRP_SETUP_ACTIVE), 0);
	loop_run_ms(3000);
	loop_run_ms(300);
	CHECK(b->closed && b->close_err == (b_tls ? EAUTH : EPROTO));
	CHECK(!a->bound && !b->bound);
	CHECK_EQ_INT(a->rx_len + b->rx_len, 0);
 out:
	ends_free();
}

/* A raw TCP client sends first (or nothing): the socket must close on it
 * within wait_ms. */
static void test_raw(struct msrp_sock *sb, const char *first, size_t len,
		     unsigned wait_ms)
{
	struct sa laddr;
	char buf[64];
	ssize_t n;
	int fd;

	CHECK_EQ_INT(msrp_sock_local(sb, &laddr), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ_INT(connect(fd, &laddr.u.sa, laddr.len), 0);
	if (len)
		CHECK_EQ_INT(send(fd, first, len, MSG_NOSIGNAL), len);
	loop_run_ms(wait_ms);
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	/* EOF (or a reset), not "nothing yet" */
	CHECK(n == 0 || (n < 0 && errno == ECONNRESET));
	close(fd);
}

int main(void)
{
	struct msrp_settings st_a = { .content_type = "application/x-rfb",
				      .chunk_size = 16384, .tls = true };
	struct msrp_settings st_b = st_a, st_plain = st_a;
	struct msrp_sock *sa = NULL, *sb = NULL, *sp = NULL;
	struct msrp_session *s = NULL;
	char dir_a[128], dir_b[128], cmd[128];
	struct sa laddr;
	size_t fds;

	re_snprintf(tmpdir, sizeof(tmpdir), "/tmp/msrp_sniff_test.XXXXXX");
	if (!mkdtemp(tmpdir) || libre_init())
		return 2;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + (i >> 8));
	re_snprintf(dir_a, sizeof(dir_a), "%s/a", tmpdir);
	re_snprintf(dir_b, sizeof(dir_b), "%s/b", tmpdir);
	if (mkdir(dir_a, 0700) || mkdir(dir_b, 0700))
		return 2;
	st_a.tls_dir = dir_a;
	st_b.tls_dir = dir_b;
	st_plain.tls = false;
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sa, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sb, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sp, &laddr), 0);
	if (!sa || !sb || !sp)
		goto out;
	CHECK_EQ_INT(msrp_sock_configure(sa, &st_a), 0);
	CHECK_EQ_INT(msrp_sock_configure(sb, &st_b), 0);
	CHECK_EQ_INT(msrp_sock_configure(sp, &st_plain), 0);
	CHECK(msrp_sock_tls_available(sb));
	CHECK(!msrp_sock_tls_available(sp));
	fds = open_fds();

	test_both_at_once(sa, sb, &st_a, &st_b);

	st_a.bind_timeout_ms = st_b.bind_timeout_ms = 1500;
	/* plain connection claiming a TLS session's id */
	test_wrong_transport(sa, sb, &st_a, &st_b, true);
	/* TLS connection to a plain session */
	test_wrong_transport(sa, sb, &st_a, &st_b, false);
	st_a.bind_timeout_ms = st_b.bind_timeout_ms = 0;

	/* neither a TLS record nor "MSRP ": closed at once */
	test_raw(sb, "\x00garbage\r\n", 10, 300);
	test_raw(sb, "GET / HTTP/1.0\r\n\r\n", 18, 300);
	/* a plain-only socket closes a ClientHello (parser error) */
	test_raw(sp, "\x16\x03\x01\x00\x05hello", 10, 300);
	/* silence: closed when the pending timeout runs out */
	st_b.pending_timeout_ms = 300;  /* sb reads it at each accept */
	test_raw(sb, "", 0, 800);
	test_raw(sb, "\x16\x03", 2, 800);  /* a handshake that stalls */
	st_b.pending_timeout_ms = 0;
	loop_run_ms(100);
	CHECK_EQ_INT(open_fds(), fds);

	/* without a certificate a socket serves no TLS session */
	CHECK_EQ_INT(msrp_session_alloc(&s, sp, &st_plain, bound_h, recv_h,
					writable_h, close_h, NULL), 0);
	CHECK_EQ_INT(msrp_session_set_tls(s, true), ENOTSUP);
	CHECK(!strncmp(msrp_session_local_path(s), "msrp://", 7));
	CHECK_EQ_INT(msrp_session_set_peer_fingerprint(s, ""), 0);
	CHECK_EQ_INT(msrp_session_start(s, "msrps://127.0.0.1:9/x;tcp",
					MSRP_SETUP_ACTIVE), ENOTSUP);
	CHECK_EQ_INT(msrp_session_set_tls(s, false), 0);
	s = mem_deref(s);
 out:
	mem_deref(sa);
	mem_deref(sb);
	mem_deref(sp);
	tmr_cancel(&loop_guard);
	libre_close();
	re_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	CHECK_DONE("msrp_sniff");
}
