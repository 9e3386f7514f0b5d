/*
 * msrp_send.c - the data path out: the user's bytes cut into SENDs of at
 * most chunk_size, each a complete message of its own (as Blink sends),
 * with Failure-Report: partial (no 200s to wait for or carry) and the
 * default Success-Report "no" left out (RFC 4975 section 7.1).  One call
 * makes one buffer and one socket write however many chunks it holds, and
 * the unchanging header lines are made once: a chunk costs two short
 * formatted numbers and the copy of its body.
 */
#include <string.h>
#include <re.h>
#include "msrp_session.h"

static int prepare(struct msrp_session *sess)
{
	int err = 0;

	if (!sess->send_paths)
		err = re_sdprintf(&sess->send_paths,
				  "To-Path: %s\r\nFrom-Path: %s\r\n",
				  sess->to_path, sess->self_uri);
	if (!err && !sess->send_type)
		err = re_sdprintf(&sess->send_type,
				  "Content-Type: %s\r\n\r\n",
				  sess->content_type);
	return err;
}

static int put_chunk(struct mbuf *mb, struct msrp_session *sess,
		     const uint8_t *body, size_t n)
{
	static const char fr[] = "\r\nFailure-Report: partial\r\n";
	char id[32], range[64];
	int idl, rl, err;

	/* Unique per session without a getrandom() per chunk; the same
	 * string serves as transaction and message id. */
	sess->seq++;
	idl = re_snprintf(id, sizeof(id), "%s%llx", sess->seq_prefix,
			  (unsigned long long)sess->seq);
	rl = re_snprintf(range, sizeof(range), "Byte-Range: 1-%zu/%zu\r\n",
			 n, n);
	if (idl < 0 || rl < 0)
		return ENOMEM;
	err  = mbuf_write_mem(mb, (const uint8_t *)"MSRP ", 5);
	err |= mbuf_write_mem(mb, (const uint8_t *)id, (size_t)idl);
	err |= mbuf_write_mem(mb, (const uint8_t *)" SEND\r\n", 7);
	err |= mbuf_write_str(mb, sess->send_paths);
	err |= mbuf_write_mem(mb, (const uint8_t *)"Message-ID: ", 12);
	err |= mbuf_write_mem(mb, (const uint8_t *)id, (size_t)idl);
	err |= mbuf_write_mem(mb, (const uint8_t *)fr, sizeof(fr) - 1);
	err |= mbuf_write_mem(mb, (const uint8_t *)range, (size_t)rl);
	err |= mbuf_write_str(mb, sess->send_type);
	err |= mbuf_write_mem(mb, body, n);
	err |= mbuf_write_mem(mb, (const uint8_t *)"\r\n-------", 9);
	err |= mbuf_write_mem(mb, (const uint8_t *)id, (size_t)idl);
	err |= mbuf_write_mem(mb, (const uint8_t *)"$\r\n", 3);
	return err ? ENOMEM : 0;
}

int msrp_session_send(struct msrp_session *sess, const uint8_t *data,
		      size_t len)
{
	struct mbuf *mb;
	size_t off = 0, chunks, per_chunk;
	int err;

	if (!sess || (!data && len))
		return EINVAL;
	if (sess->state == ST_CLOSED)
		return ENOTCONN;
	if (sess->state != ST_BOUND)
		return EAGAIN;
	if (!len)
		return 0;
	if (msrp_conn_txqsz(sess->conn) >= sess->txq_limit) {
		(void)msrp_conn_want_drain(sess->conn);
		return EAGAIN;
	}
	err = prepare(sess);
	if (err)
		return err;
	chunks = (len + sess->chunk_size - 1) / sess->chunk_size;
	per_chunk = strlen(sess->send_paths) + strlen(sess->send_type) + 160;
	mb = mbuf_alloc(len + chunks * per_chunk);
	if (!mb)
		return ENOMEM;
	while (off < len && !err) {
		size_t n = len - off < sess->chunk_size ?
			len - off : sess->chunk_size;
		err = put_chunk(mb, sess, data + off, n);
		off += n;
	}
	if (!err)
		err = msrp_conn_send(sess->conn, mb);
	mem_deref(mb);
	sess->control_mark = msrp_conn_txqsz(sess->conn);
	if (sess->control_mark >= sess->txq_limit)
		(void)msrp_conn_want_drain(sess->conn);
	return err;
}

bool msrp_session_writable(const struct msrp_session *sess)
{
	return sess && sess->state == ST_BOUND &&
		msrp_conn_txqsz(sess->conn) < sess->txq_limit;
}
