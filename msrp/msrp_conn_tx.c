/*
 * msrp_conn_tx.c - the write side of an MSRP connection.
 *
 * Plain connections write with sendmsg() themselves: one system call for
 * a batch of chunks whose bodies stay in the caller's memory, and only what
 * the socket does not take at once is copied, into our own queue.  (libre's
 * tcp_send() would copy every byte it cannot send into its queue, and the
 * frames would have to be assembled in one buffer first.)  TLS connections
 * go through tcp_send() and the TLS helper.  libre's send handler runs when
 * its own queue is empty and the socket writable: it flushes our queue and
 * drives msrp_conn_want_drain().
 */
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <re.h>
#include "msrp/msrp_conn_int.h"

static void tx_ent_destructor(void *data)
{
	struct tx_ent *e = data;

	list_unlink(&e->le);
	mem_deref(e->mb);
}

static void writable_handler(void *arg);

static int want_writable(struct msrp_conn *conn)
{
	int err;

	if (conn->sendh_on)
		return 0;
	err = tcp_set_send(conn->tc, writable_handler);
	conn->sendh_on = !err;
	return err;
}

/* Returns the bytes written, 0 when the socket is full, or -errno. */
static ssize_t write_iov(const struct msrp_conn *conn,
			 const struct iovec *iov, size_t cnt)
{
	struct msghdr m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_iov = (struct iovec *)iov; /* sendmsg() only reads it */
	m.msg_iovlen = cnt;
	n = sendmsg(tcp_conn_fd(conn->tc), &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

/* Queue a copy of what follows the first skip bytes of iov. */
static int queue_copy(struct msrp_conn *conn, const struct iovec *iov,
		      size_t cnt, size_t total, size_t skip)
{
	struct tx_ent *e;
	int err = 0;

	e = mem_zalloc(sizeof(*e), tx_ent_destructor);
	if (!e)
		return ENOMEM;
	e->mb = mbuf_alloc(total - skip);
	if (!e->mb) {
		mem_deref(e);
		return ENOMEM;
	}
	for (size_t i = 0; i < cnt && !err; i++) {
		size_t l = iov[i].iov_len;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		err = mbuf_write_mem(e->mb, (const uint8_t *)iov[i].iov_base
				     + skip, l - skip);
		skip = 0;
	}
	if (!err)
		err = want_writable(conn);
	if (err) {
		mem_deref(e);
		return err;
	}
	e->mb->pos = 0;
	conn->tx_bytes += e->mb->end;
	list_append(&conn->txq, &e->le, e);
	return 0;
}

/* Write out what we queued: 0, also when the socket is full again. */
static int flush_txq(struct msrp_conn *conn)
{
	while (conn->txq.head) {
		struct iovec iov[FLUSH_IOV];
		size_t cnt = 0, want = 0;
		struct le *le;
		ssize_t n;

		for (le = conn->txq.head; le && cnt < FLUSH_IOV; le = le->next) {
			struct tx_ent *e = le->data;
			iov[cnt].iov_base = mbuf_buf(e->mb);
			iov[cnt].iov_len = mbuf_get_left(e->mb);
			want += iov[cnt++].iov_len;
		}
		n = write_iov(conn, iov, cnt);
		if (n < 0)
			return (int)-n;
		conn->tx_bytes -= (size_t)n;
		for (size_t done = (size_t)n; done;) {
			struct tx_ent *e = conn->txq.head->data;
			size_t left = mbuf_get_left(e->mb);
			if (done < left) {
				e->mb->pos += done;
				break;
			}
			done -= left;
			mem_deref(e);
		}
		if ((size_t)n < want)
			return 0;
	}
	return 0;
}

static void writable_handler(void *arg)
{
	struct msrp_conn *conn = arg;
	int err = flush_txq(conn);

	if (!err && conn->txq.head)
		return; /* more when the socket takes more */
	/* One-shot: leaving the handler set would run it on every poll. */
	tcp_set_send(conn->tc, NULL);
	conn->sendh_on = false;
	if (err) {
		msrp_conn_closed(err, conn);
		return;
	}
	if (conn->closing) {
		msrp_conn_closed(0, conn);
		return;
	}
	if (conn->want_drain) {
		conn->want_drain = false;
		if (conn->h.drainh)
			conn->h.drainh(conn->h.arg);
	}
}

/* Through libre and the TLS helper, in one copied buffer. */
static int send_via_libre(struct msrp_conn *conn, const struct iovec *iov,
			  size_t cnt, size_t total)
{
	struct mbuf *mb = mbuf_alloc(total);
	int err = 0;

	if (!mb)
		return ENOMEM;
	for (size_t i = 0; i < cnt && !err; i++)
		err = mbuf_write_mem(mb, iov[i].iov_base, iov[i].iov_len);
	mb->pos = 0;
	if (!err)
		err = tcp_send(conn->tc, mb);
	mem_deref(mb);
	return err == ENOSPC ? ENOBUFS : err;
}

int msrp_conn_sendv(struct msrp_conn *conn, const struct iovec *iov,
		    size_t cnt)
{
	size_t total = 0, sent = 0;

	if (!conn || (!iov && cnt) || cnt > MSRP_CONN_IOV_MAX)
		return EINVAL;
	if (conn->closing || !conn->tc)
		return ENOTCONN;
	for (size_t i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if (!total)
		return 0;
	if (conn->tlsc)
		return send_via_libre(conn, iov, cnt, total);
	if (conn->tx_bytes + total > conn->queue_max)
		return ENOBUFS;
	if (!conn->txq.head) {
		ssize_t n = write_iov(conn, iov, cnt);
		if (n < 0)
			return (int)-n;
		sent = (size_t)n;
	}
	return sent == total ? 0 : queue_copy(conn, iov, cnt, total, sent);
}

int msrp_conn_send(struct msrp_conn *conn, struct mbuf *mb)
{
	struct iovec iov;

	if (!conn || !mb)
		return EINVAL;
	iov.iov_base = mb->buf;
	iov.iov_len = mb->end;
	return msrp_conn_sendv(conn, &iov, 1);
}

size_t msrp_conn_txqsz(const struct msrp_conn *conn)
{
	return conn ? conn->tx_bytes + tcp_conn_txqsz(conn->tc) : 0;
}

void msrp_conn_set_queue_max(struct msrp_conn *conn, size_t max)
{
	if (conn) {
		conn->queue_max = max;
		tcp_conn_txqsz_set(conn->tc, max);
	}
}

void msrp_conn_set_log(struct msrp_conn *conn, const struct msrp_log *lg)
{
	if (conn && lg)
		conn->log = *lg;
}

int msrp_conn_want_drain(struct msrp_conn *conn)
{
	if (!conn || !conn->tc)
		return EINVAL;
	if (conn->want_drain)
		return 0;
	conn->want_drain = true;
	return want_writable(conn);
}

static void flush_timeout(void *arg)
{
	msrp_conn_closed(ETIMEDOUT, arg);
}

void msrp_conn_close_after_flush(struct msrp_conn *conn)
{
	if (!conn)
		return;
	conn->closing = true;
	conn->want_drain = true;
	/* Closing from a timer keeps the caller's stack out of closeh. */
	if (conn->tcp_dead || want_writable(conn))
		tmr_start(&conn->flush_tmr, 0, flush_timeout, conn);
	else
		tmr_start(&conn->flush_tmr, FLUSH_GUARD_MS, flush_timeout,
			  conn);
}
