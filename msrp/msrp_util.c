/*
 * msrp_util.c - small pieces the socket and session layers share.
 */
#include <string.h>
#include <sys/random.h>
#include <re.h>
#include "msrp/msrp_priv.h"

int msrp_random_id(char *buf, size_t len)
{
	/* 64 symbols: every random byte gives 6 unbiased bits. */
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-.";
	uint8_t rnd[64];
	size_t done = 0;

	if (!buf || !len || len > sizeof(rnd))
		return EINVAL;
	while (done < len) {
		ssize_t n = getrandom(rnd + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		done += (size_t)n;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = alphabet[rnd[i] & 63];
	/* ident = ALPHANUM 3*31ident-char (RFC 4975 section 9) */
	buf[0] = alphabet[rnd[0] % 62];
	buf[len] = '\0';
	return 0;
}

static void retired_close(int err, void *arg)
{
	mem_deref(arg);
}

void msrp_conn_retire(struct msrp_conn *conn)
{
	struct msrp_conn_handlers h = { .closeh = retired_close, .arg = conn };

	if (!conn)
		return;
	msrp_conn_set_handlers(conn, &h);
	msrp_conn_close_after_flush(conn);
}

/* The first URI of a path: the hop a response goes back to. */
static struct pl first_uri(const struct pl *path)
{
	struct pl p = *path;
	size_t n = 0;

	while (n < p.l && p.p[n] != ' ' && p.p[n] != '\t')
		n++;
	p.l = n;
	return p;
}

int msrp_respond(struct msrp_conn *conn, const struct msrp_msg *req,
		 uint16_t code, const char *from_path)
{
	struct mbuf *mb;
	struct pl to;
	int err;

	if (!req->from_path.l)
		return EBADMSG; /* nowhere to send it */
	to = first_uri(&req->from_path);
	mb = mbuf_alloc(256);
	if (!mb)
		return ENOMEM;
	err = msrp_build_response(mb, req->tid, code, NULL, &to, from_path);
	if (!err)
		err = msrp_conn_send(conn, mb);
	mem_deref(mb);
	return err;
}

void msrp_respond_no_session(struct msrp_conn *conn,
			     const struct msrp_msg *msg)
{
	struct pl self = msg->to_path;
	const char *sp;
	char *from = NULL;

	if (!msg->is_request || !msg->to_path.l ||
	    !pl_strcasecmp(&msg->method, "REPORT"))
		return;
	sp = pl_strchr(&self, ' ');
	if (sp)
		self.l = (size_t)(sp - self.p);
	if (!pl_strdup(&from, &self))
		(void)msrp_respond(conn, msg, 481, from);
	mem_deref(from);
}
