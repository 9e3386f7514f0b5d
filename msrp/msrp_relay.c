/*
 * msrp_relay.c - the client side of an MSRP relay (RFC 4976).
 *
 * One authorised connection to the relay serves every session of the
 * socket: AUTH (with a digest answer to 401) gives a Use-Path that goes in
 * front of each session's own URI, our SENDs name the relay first in their
 * To-Path, and whatever the relay delivers on this connection is matched to
 * a session by the first To-Path URI.  The AUTH is refreshed before its
 * Expires runs out; a lost connection ends the sessions on it and is made
 * again after a pause.
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_session.h"

enum {
	AUTH_EXPIRES_S   = 1800,  /* what we ask for */
	RETRY_MS         = 5000,  /* after a lost connection or a refusal */
	AUTH_TRIES_MAX   = 2,     /* 401s in a row before giving up */
};

struct msrp_relay {
	struct msrp_sock *sock;    /* not owned: it owns us */
	char *uri;                 /* as configured: the AUTH's To-Path */
	char *user, *pass;
	struct sa addr;
	struct dnsc *dnsc;         /* not owned */
	const char *hosts_file;    /* the settings': NULL for /etc/hosts */
	bool secure;               /* msrps: TLS, checked by CA and name */
	char host[256];
	struct msrp_resolve *resolve;
	struct msrp_conn *conn;
	char self_uri[128];        /* the AUTH's From-Path */
	char tid[MSRP_ID_LEN + 1]; /* of the AUTH in flight */
	char *use_path;
	char *auth_hdr;            /* Authorization of the next AUTH */
	unsigned tries;
	bool ready;
	struct tmr tmr;            /* refresh or retry */
	struct list sessions;
};

static void relay_connect(void *arg);

static void relay_destructor(void *data)
{
	struct msrp_relay *relay = data;
	struct le *le;

	tmr_cancel(&relay->tmr);
	relay->resolve = mem_deref(relay->resolve);
	/* Sessions hold the socket, which holds us: none can be left. */
	while ((le = list_head(&relay->sessions)))
		list_unlink(le);
	relay->conn = mem_deref(relay->conn);
	mem_deref(relay->uri);
	mem_deref(relay->user);
	mem_deref(relay->pass);
	mem_deref(relay->use_path);
	mem_deref(relay->auth_hdr);
}

static int send_auth(struct msrp_relay *relay)
{
	struct mbuf *mb;
	int err;

	err = msrp_random_id(relay->tid, MSRP_ID_LEN);
	if (err)
		return err;
	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "MSRP %s AUTH\r\nTo-Path: %s\r\nFrom-Path: %s\r\n"
			  "Expires: %u\r\n", relay->tid, relay->uri,
			  relay->self_uri, AUTH_EXPIRES_S);
	if (relay->auth_hdr)
		err |= mbuf_printf(mb, "Authorization: %s\r\n",
				   relay->auth_hdr);
	err |= mbuf_printf(mb, "-------%s$\r\n", relay->tid);
	if (!err)
		err = msrp_conn_send(relay->conn, mb);
	mem_deref(mb);
	return err;
}

/* RFC 4976 section 5.1: HTTP digest with method AUTH and the To-Path URI
 * as digest-uri; qop=auth, which Kamailio requires. */
static int make_digest(struct msrp_relay *relay, const struct pl *chall_hdr)
{
	struct httpauth_digest_chall ch;
	uint8_t ha1[MD5_SIZE], ha2[MD5_SIZE], resp[MD5_SIZE];
	char cnonce[17];
	bool qop_auth;
	int err;

	err = httpauth_digest_challenge_decode(&ch, chall_hdr);
	if (err)
		return EPROTO;
	if (pl_isset(&ch.algorithm) && pl_strcasecmp(&ch.algorithm, "MD5"))
		return ENOTSUP;
	qop_auth = pl_isset(&ch.qop) && re_regex(ch.qop.p, ch.qop.l,
						"auth") == 0;
	err = msrp_random_id(cnonce, sizeof(cnonce) - 1);
	err |= md5_printf(ha1, "%s:%r:%s", relay->user, &ch.realm,
			  relay->pass ? relay->pass : "");
	err |= md5_printf(ha2, "AUTH:%s", relay->uri);
	if (qop_auth)
		err |= md5_printf(resp, "%w:%r:00000001:%s:auth:%w",
				  ha1, sizeof(ha1), &ch.nonce, cnonce,
				  ha2, sizeof(ha2));
	else
		err |= md5_printf(resp, "%w:%r:%w", ha1, sizeof(ha1),
				  &ch.nonce, ha2, sizeof(ha2));
	if (err)
		return err;
	relay->auth_hdr = mem_deref(relay->auth_hdr);
	err = re_sdprintf(&relay->auth_hdr,
			  "Digest username=\"%s\", realm=\"%r\", "
			  "nonce=\"%r\", uri=\"%s\", response=\"%w\"%s%s%s"
			  "%s%r%s",
			  relay->user, &ch.realm, &ch.nonce, relay->uri,
			  resp, sizeof(resp),
			  qop_auth ? ", qop=auth, nc=00000001, cnonce=\"" : "",
			  qop_auth ? cnonce : "", qop_auth ? "\"" : "",
			  pl_isset(&ch.opaque) ? ", opaque=\"" : "",
			  pl_isset(&ch.opaque) ? &ch.opaque : &pl_null,
			  pl_isset(&ch.opaque) ? "\"" : "");
	return err;
}

static void refresh(void *arg)
{
	struct msrp_relay *relay = arg;

	relay->auth_hdr = mem_deref(relay->auth_hdr);
	relay->tries = 0;
	if (send_auth(relay))
		msrp_warn(&relay->sock->log,
			  "msrp: relay %s: cannot refresh AUTH\n",
			  relay->uri);
}

static void end_sessions(struct msrp_relay *relay, int err)
{
	struct le *le;

	while ((le = list_head(&relay->sessions))) {
		struct msrp_session *sess = le->data;
		list_unlink(le);
		msrp_session_fail(sess, err);
	}
}

/* Lose the connection and the authorisation; try again later. */
static void relay_reset(struct msrp_relay *relay, int err)
{
	relay->ready = false;
	relay->conn = mem_deref(relay->conn);
	relay->auth_hdr = mem_deref(relay->auth_hdr);
	end_sessions(relay, err ? err : ECONNRESET);
	tmr_start(&relay->tmr, RETRY_MS, relay_connect, relay);
}

static void auth_response(struct msrp_relay *relay, const struct msrp_msg *msg)
{
	uint32_t expires;
	int err;

	if (msg->code == 401 && relay->user &&
	    ++relay->tries <= AUTH_TRIES_MAX) {
		err = make_digest(relay, &msg->www_authenticate);
		if (!err)
			err = send_auth(relay);
		if (!err)
			return;
		msrp_warn(&relay->sock->log,
			  "msrp: relay %s: cannot answer the "
			  "challenge: %m\n", relay->uri, err);
		relay_reset(relay, EAUTH);
		return;
	}
	if (msg->code != 200 || !msg->use_path.l) {
		msrp_warn(&relay->sock->log,
			  "msrp: relay %s refused AUTH: %u %r\n",
			  relay->uri, msg->code, &msg->reason);
		relay_reset(relay, EAUTH);
		return;
	}
	relay->use_path = mem_deref(relay->use_path);
	if (pl_strdup(&relay->use_path, &msg->use_path)) {
		relay_reset(relay, ENOMEM);
		return;
	}
	expires = msg->expires_present && msg->expires ? msg->expires :
		AUTH_EXPIRES_S;
	/* Refresh with a minute to spare, or halfway for short grants. */
	tmr_start(&relay->tmr, 1000ULL * (expires > 120 ? expires - 60 :
					  expires / 2 + 1), refresh, relay);
	if (!relay->ready)
		msrp_info(&relay->sock->log,
			  "msrp: relay %s authorised, Use-Path %s, "
			  "Expires %u\n", relay->uri, relay->use_path,
			  expires);
	relay->ready = true;
}

static struct msrp_session *find_session(struct msrp_relay *relay,
					 const struct pl *to_path)
{
	struct msrp_uri uriv[MSRP_PATH_MAX_URIS];
	size_t n = 0;
	struct le *le;

	if (msrp_path_decode(uriv, &n, MSRP_PATH_MAX_URIS, to_path))
		return NULL;
	for (le = relay->sessions.head; le; le = le->next) {
		struct msrp_session *sess = le->data;
		if (!pl_strcmp(&uriv[0].session_id, sess->id))
			return sess;
	}
	return NULL;
}

/* A response whose To-Path names the relay rather than us: the
 * transaction id says whose it is. */
static struct msrp_session *find_by_tid(struct msrp_relay *relay,
					const char *tid)
{
	struct le *le;

	if (!tid)
		return NULL;
	for (le = relay->sessions.head; le; le = le->next) {
		struct msrp_session *sess = le->data;
		if (!sess)
			continue;
		if (!strcmp(tid, sess->bind_tid) ||
		    !strcmp(tid, sess->ka_tid) ||
		    msrp_session_sent_tid(sess, tid))
			return sess;
	}
	return NULL;
}

static void relay_msg(const struct msrp_msg *msg,
		      const struct msrp_perr_info *perr, void *arg)
{
	struct msrp_relay *relay = arg;
	struct msrp_session *sess;

	if (!msg) {
		msrp_warn(&relay->sock->log,
			  "msrp: relay %s sent a bad frame (%s)\n",
			  relay->uri, msrp_perr_str(perr ? perr->err :
			  MSRP_PERR_NONE));
		relay_reset(relay, EPROTO);
		return;
	}
	if (!msg->is_request && !strcmp(msg->tid, relay->tid)) {
		auth_response(relay, msg);
		return;
	}
	sess = find_session(relay, &msg->to_path);
	if (!sess && !msg->is_request)
		sess = find_by_tid(relay, msg->tid);
	if (sess) {
		msrp_session_msg_handler(msg, NULL, sess);
		return;
	}
	msrp_respond_no_session(relay->conn, msg);
}

static void relay_estab(void *arg)
{
	struct msrp_relay *relay = arg;
	int err = send_auth(relay);

	if (err)
		relay_reset(relay, err);
}

static void relay_close(int err, void *arg)
{
	struct msrp_relay *relay = arg;

	msrp_warn(&relay->sock->log, "msrp: connection to relay %s lost: %m\n",
		  relay->uri, err);
	relay_reset(relay, err);
}

/* Every session on the connection may be held back waiting for room. */
static void relay_drain(void *arg)
{
	struct msrp_relay *relay = arg;
	struct le *le = relay->sessions.head;

	while (le) {
		struct msrp_session *sess = le->data;
		struct msrp_conn_handlers h;
		le = le->next;
		msrp_session_conn_handlers(sess, &h);
		h.drainh(h.arg);
	}
}

static void connect_addr(struct msrp_relay *relay)
{
	struct msrp_conn_handlers h = {
		.estabh = relay_estab, .msgh = relay_msg,
		.closeh = relay_close, .drainh = relay_drain, .arg = relay,
	};
	struct msrp_limits lim;
	int err;

	msrp_limits_default(&lim);
	err = msrp_conn_connect(&relay->conn, &relay->addr, &lim, &h,
				relay->secure ? relay->sock->tls : NULL, NULL,
				relay->host, true); /* only a CA can vouch */
	if (err) {
		msrp_warn(&relay->sock->log,
			  "msrp: cannot connect to relay %s: %m\n",
			  relay->uri, err);
		tmr_start(&relay->tmr, RETRY_MS, relay_connect, relay);
		return;
	}
	msrp_conn_set_queue_max(relay->conn, SIZE_MAX / 2);
	msrp_conn_set_peer_timeout(relay->conn,
				   msrp_peer_timeout_s(relay->sock->settings));
}

static void relay_resolved(int err, const struct sa *addr, void *arg)
{
	struct msrp_relay *relay = arg;

	relay->resolve = mem_deref(relay->resolve);
	if (err) {
		msrp_warn(&relay->sock->log, "msrp: cannot find relay %s: %m\n",
			  relay->uri, err);
		tmr_start(&relay->tmr, RETRY_MS, relay_connect, relay);
		return;
	}
	relay->addr = *addr;
	connect_addr(relay);
}

/* Each attempt looks the relay up again: SRV and addresses may change. */
static void relay_connect(void *arg)
{
	struct msrp_relay *relay = arg;
	struct msrp_uri u;
	struct pl pl;
	int err;

	relay->tries = 0;
	relay->resolve = mem_deref(relay->resolve);
	pl_set_str(&pl, relay->uri);
	err = msrp_uri_decode(&u, &pl);
	if (!err)
		err = msrp_resolve(&relay->resolve, relay->dnsc,
				   relay->hosts_file, &u, true,
				   &relay->addr, relay_resolved, relay,
				   &relay->sock->log);
	if (err == EINPROGRESS)
		return;
	if (err) {
		relay_resolved(err, NULL, relay);
		return;
	}
	connect_addr(relay);
}

int msrp_relay_alloc(struct msrp_relay **relayp, struct msrp_sock *sock,
		     const char *uri, const char *user, const char *pass,
		     struct dnsc *dnsc, const char *hosts_file)
{
	struct msrp_relay *relay;
	struct msrp_uri u;
	struct pl pl;
	char id[MSRP_ID_LEN + 1];
	int err;

	if (!relayp || !sock || !uri)
		return EINVAL;
	memset(&u, 0, sizeof(u));
	relay = mem_zalloc(sizeof(*relay), relay_destructor);
	if (!relay)
		return ENOMEM;
	tmr_init(&relay->tmr);
	list_init(&relay->sessions);
	relay->sock = sock;
	relay->dnsc = dnsc;
	relay->hosts_file = hosts_file;
	/* A bare domain: its relay is found by SRV (RFC 4976 6.2). */
	if (strstr(uri, "://"))
		err = str_dup(&relay->uri, uri);
	else
		err = re_sdprintf(&relay->uri, "msrp://%s;tcp", uri);
	if (!err && user && user[0])
		err = str_dup(&relay->user, user);
	if (!err && pass)
		err = str_dup(&relay->pass, pass);
	if (!err) {
		pl_set_str(&pl, relay->uri);
		err = msrp_uri_decode(&u, &pl);
	}
	if (!err && u.secure && !msrp_tls_has_ca(sock->tls)) {
		msrp_warn(&relay->sock->log,
			  "msrp: an msrps relay needs msrp_tls and "
			  "msrp_tls_ca (a relay has no fingerprint to pin)\n");
		err = ENOTSUP;
	}
	if (!err) {
		relay->secure = u.secure;
		(void)pl_strcpy(&u.host, relay->host, sizeof(relay->host));
	}
	if (!err)
		err = msrp_random_id(id, MSRP_ID_LEN);
	if (!err)
		err = re_snprintf(relay->self_uri, sizeof(relay->self_uri),
				  sa_af(&sock->path_addr) == AF_INET6 ?
				  "%s://[%j]:%u/%s;tcp" :
				  "%s://%j:%u/%s;tcp",
				  relay->secure ? "msrps" : "msrp",
				  &sock->path_addr,
				  sa_port(&sock->path_addr), id) < 0 ?
			ENOMEM : 0;
	if (err) {
		msrp_warn(&relay->sock->log,
			  "msrp: bad relay '%s': %m\n", uri, err);
		mem_deref(relay);
		return err;
	}
	relay_connect(relay);
	*relayp = relay;
	return 0;
}

bool msrp_relay_secure(const struct msrp_relay *relay)
{
	return relay && relay->secure;
}

bool msrp_relay_ready(const struct msrp_relay *relay)
{
	return relay && relay->ready && relay->conn;
}

const char *msrp_relay_use_path(const struct msrp_relay *relay)
{
	return relay ? relay->use_path : NULL;
}

struct msrp_conn *msrp_relay_conn(const struct msrp_relay *relay)
{
	return relay ? relay->conn : NULL;
}

void msrp_relay_add_session(struct msrp_relay *relay, struct le *le,
			    struct msrp_session *sess)
{
	list_append(&relay->sessions, le, sess);
}
