/*
 * msrp_send.c - the data path out: the user's bytes cut into SENDs of at
 * most chunk_size, each a complete message of its own (as Blink sends),
 * with Failure-Report: partial (no 200s to wait for or carry) and the
 * default Success-Report "no" left out (RFC 4975 section 7.1).  One call
 * makes one socket write however many chunks it holds, the bodies are not
 * copied unless the socket cannot take them at once, and the unchanging
 * header lines are made once: a chunk costs a formatted Byte-Range.
 */
#include <string.h>
#include <sys/uio.h>
#include <re.h>
#include "msrp/msrp_session.h"

/* Transaction id and Message-ID of a data chunk: four characters (RFC
 * 4975's shortest ident), because they go on the wire three times per
 * chunk.  A counter from a random start keeps them unique in the session
 * for TID_SPACE chunks; the start tells our sessions apart on a shared relay
 * connection (msrp_session_sent_tid). */
static const char TID_ALPHABET[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
enum { TID_LEN = 4, TID_SPACE = 62 * 62 * 62 * 62,
       CHUNKS_PER_CALL = (MSRP_CONN_IOV_MAX - 1) / 2 };

static void chunk_tid(uint32_t v, char *tid)
{
	for (int i = TID_LEN - 1; i >= 0; i--) {
		tid[i] = TID_ALPHABET[v % 62];
		v /= 62;
	}
	tid[TID_LEN] = '\0';
}

bool msrp_session_sent_tid(const struct msrp_session *sess, const char *tid)
{
	uint32_t v = 0;

	if (!tid || strlen(tid) != TID_LEN || !sess->seq)
		return false;
	for (int i = 0; i < TID_LEN; i++) {
		const char *c = strchr(TID_ALPHABET, tid[i]);
		if (!c || !*c)
			return false;
		v = v * 62 + (uint32_t)(c - TID_ALPHABET);
	}
	/* Among the chunks sent so far (or the last TID_SPACE of them). */
	v = (v + TID_SPACE - sess->tid_base % TID_SPACE) % TID_SPACE;
	return v >= 1 && (v <= sess->seq || sess->seq >= TID_SPACE);
}

int msrp_session_tid_base(uint32_t *base)
{
	char r[8];
	int err = msrp_random_id(r, 6);

	*base = 0;
	for (int i = 0; !err && i < 6; i++)
		*base = *base * 61 + (uint8_t)r[i];
	*base %= TID_SPACE;
	return err;
}

/* The unchanging parts of a data chunk's frame, made once per session
 * (the paths are fixed once it is started). */
static int prepare(struct msrp_session *sess)
{
	static const char tail[] =
		"\r\nFailure-Report: partial\r\nByte-Range: 1-";
	int err = 0;

	if (sess->send_head && sess->send_type)
		return 0;
	err = re_sdprintf(&sess->send_head, "MSRP %s SEND\r\nTo-Path: %s\r\n"
			  "From-Path: %s\r\nMessage-ID: %s%s", "0000",
			  sess->to_path, sess->self_uri, "0000", tail);
	if (!err)
		err = re_sdprintf(&sess->send_type,
				  "\r\nContent-Type: %s\r\n\r\n",
				  sess->content_type);
	if (err) {
		sess->send_head = mem_deref(sess->send_head);
		return err;
	}
	sess->send_head_len = strlen(sess->send_head);
	sess->send_head_msgid = sess->send_head_len - (sizeof(tail) - 1) -
		TID_LEN;
	sess->send_type_len = strlen(sess->send_type);
	return 0;
}

/* Decimal n at out, returning its length (at most 20). */
static size_t put_num(uint8_t *out, size_t n)
{
	char rev[20];
	size_t l = 0;

	do {
		rev[l++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && l < sizeof(rev));
	for (size_t i = 0; i < l; i++)
		out[i] = (uint8_t)rev[l - 1 - i];
	return l;
}

/* The bytes put_chunk_head() and put_end_line() may write per chunk. */
static size_t per_chunk_max(const struct msrp_session *sess)
{
	return sess->send_head_len + 20 + 1 + 20 + sess->send_type_len +
		9 + TID_LEN + 3;
}

/* Ids go into the middle of a frame, never as strings. */
static void put_tid(uint8_t *out, const char *tid)
{
	for (size_t i = 0; i < TID_LEN; i++)
		out[i] = (uint8_t)tid[i];
}

/* One chunk's start line and headers at out; returns their length.  A
 * plain copy of the session's template with the ids and numbers filled
 * in: this runs for every chunk. */
static size_t put_chunk_head(uint8_t *out, const struct msrp_session *sess,
			     const char *tid, size_t n)
{
	size_t l = sess->send_head_len;

	memcpy(out, sess->send_head, l);
	put_tid(out + 5, tid);
	put_tid(out + sess->send_head_msgid, tid);
	l += put_num(out + l, n);
	out[l++] = '/';
	l += put_num(out + l, n);
	memcpy(out + l, sess->send_type, sess->send_type_len);
	return l + sess->send_type_len;
}

static size_t put_end_line(uint8_t *out, const char *tid)
{
	static const uint8_t dashes[9] = { '\r', '\n', '-', '-', '-', '-',
					   '-', '-', '-' };
	uint8_t *end = out + sizeof(dashes) + TID_LEN;

	memcpy(out, dashes, sizeof(dashes));
	put_tid(out + sizeof(dashes), tid);
	end[0] = '$';
	end[1] = '\r';
	end[2] = '\n';
	return sizeof(dashes) + TID_LEN + 3;
}

/* Up to CHUNKS_PER_CALL chunks of data[0..len) in one write: the headers
 * and end-lines from one scratch buffer, the bodies from data itself.  An
 * end-line and the next chunk's head lie side by side in the scratch
 * buffer: one iovec for both. */
static int send_batch(struct msrp_session *sess, const uint8_t *data,
		      size_t len, struct mbuf *hdr)
{
	struct iovec iov[CHUNKS_PER_CALL * 2 + 1];
	size_t off = 0, cnt = 0, at = 0, last = 0;
	size_t chunks = (len + sess->chunk_size - 1) / sess->chunk_size;
	size_t need = chunks * per_chunk_max(sess);

	if (hdr->size < need && mbuf_resize(hdr, need))
		return ENOMEM;
	while (off < len) {
		size_t n = len - off < sess->chunk_size ?
			len - off : sess->chunk_size;
		char tid[TID_LEN + 1];

		sess->seq++;
		chunk_tid((uint32_t)((sess->tid_base + sess->seq) %
				     TID_SPACE), tid);
		at += put_chunk_head(hdr->buf + at, sess, tid, n);
		iov[cnt].iov_base = hdr->buf + last;
		iov[cnt++].iov_len = at - last;
		iov[cnt].iov_base = (void *)(data + off); /* only read */
		iov[cnt++].iov_len = n;
		last = at;
		at += put_end_line(hdr->buf + at, tid);
		off += n;
	}
	iov[cnt].iov_base = hdr->buf + last;
	iov[cnt++].iov_len = at - last;
	return msrp_conn_sendv(sess->conn, iov, cnt);
}

int msrp_session_send(struct msrp_session *sess, const uint8_t *data,
		      size_t len)
{
	struct mbuf *hdr;
	size_t off = 0, per_call;
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
	per_call = sess->chunk_size * CHUNKS_PER_CALL;
	hdr = mbuf_alloc(4096);
	if (!hdr)
		return ENOMEM;
	while (off < len && !err) {
		size_t n = len - off < per_call ? len - off : per_call;
		err = send_batch(sess, data + off, n, hdr);
		off += n;
	}
	mem_deref(hdr);
	sess->ka_activity = true;
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
