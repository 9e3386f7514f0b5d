/*
 * web.c - `sipvnc web`: the HTTP side of the browser gateway.  Who may in
 * (deny by default):
 *
 * - on loopback without web users, anyone who knows the token printed at
 *   start (as Jupyter does): the page asks for it, the ticket needs it;
 * - with web users, HTTP Digest (realm sipvnc, HA1 in the config) on every
 *   request but the WebSocket's; failed logins are counted per source and
 *   block it for a while;
 * - anywhere but loopback, only over TLS and only with web users.
 *
 * Every request must name us in Host (a page of another name reached
 * through DNS rebinding gets nothing).  The WebSocket upgrade needs a
 * ticket (single use, 30 s, bound to the user, target and rights) and an
 * Origin equal to ours: WebSockets are not bound by the same-origin
 * policy, a foreign page could otherwise open one with the user's
 * credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"
#include "server/web.h"

enum {
	TICKET_MS = 30000,
	/* the page asks for a ticket ahead, as the agent types or after a
	 * call, so a user has a few unused ones at a time: the oldest of the
	 * same user goes first, and one user's never push out another's */
	TICKETS_PER_USER = 4,
	TICKETS_MAX = 128,
	SESSIONS_MAX = 32,          /* calls at once from all browsers */
	FILE_MAX = 2 * 1024 * 1024,
	FAILS_BEFORE_BLOCK = 5,
	BLOCK_MIN_MS = 5000,
	BLOCK_MAX_MS = 300000,
	FAIL_FORGET_MS = 600000,
};

/* Every answer: no framing by others, no token in a Referer, scripts and
 * connections only from us; images also from data: URIs, which is how
 * noVNC decodes Tight's JPEG rectangles. */
#define SECURITY_HEADERS \
	"X-Frame-Options: DENY\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"Content-Security-Policy: default-src 'self'; " \
	"img-src 'self' data: blob:; frame-ancestors 'none'\r\n"

int web_random_hex(char *out, size_t n)
{
	uint8_t b[64];
	size_t i;

	if (n > sizeof(b) || getrandom(b, n, 0) != (ssize_t)n)
		return EIO;
	for (i = 0; i < n; i++)
		(void)re_snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static bool const_eq(const char *a, const struct pl *b)
{
	size_t i, n = strlen(a);
	unsigned diff = 0;

	if (b->l != n)
		return false;
	for (i = 0; i < n; i++)
		diff |= (unsigned)(uint8_t)a[i] ^ (uint8_t)b->p[i];
	return diff == 0;
}

static void reply_text(struct http_conn *conn, uint16_t code,
		       const char *reason, const char *extra, const char *text)
{
	(void)http_reply(conn, code, reason,
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Cache-Control: no-store\r\n"
			 SECURITY_HEADERS "%s"
			 "Content-Length: %zu\r\n\r\n%s",
			 extra ? extra : "", strlen(text), text);
}

/* JSON strings we make contain only what json_str() lets through. */
static void reply_json(struct http_conn *conn, uint16_t code,
		       const char *reason, const char *json)
{
	(void)http_reply(conn, code, reason,
			 "Content-Type: application/json\r\n"
			 "Cache-Control: no-store\r\n"
			 SECURITY_HEADERS
			 "Content-Length: %zu\r\n\r\n%s", strlen(json), json);
}

/* text as JSON string content: quotes, backslashes and controls dropped
 * (URIs and our own messages need none of them) */
static void json_str(char *out, size_t size, const char *text)
{
	size_t o = 0;

	for (; *text && o + 1 < size; text++)
		if ((unsigned char)*text >= 0x20 && *text != '"' &&
		    *text != '\\' && *text != 0x7f)
			out[o++] = *text;
	out[o] = '\0';
}

static void reply_error(struct http_conn *conn, uint16_t code,
			const char *reason, const char *why)
{
	char esc[300], json[400];

	json_str(esc, sizeof(esc), why);
	(void)re_snprintf(json, sizeof(json), "{\"error\":\"%s\"}", esc);
	reply_json(conn, code, reason, json);
}

/* ---- who is asking ---- */

static bool host_ok(const struct web *web, const struct pl *host)
{
	unsigned i;

	for (i = 0; i < web->n_names; i++)
		if (!pl_strcasecmp(host, web->names[i]))
			return true;
	return false;
}

/* The one Host header, and it names us. */
static const struct http_hdr *our_host(const struct web *web,
				       const struct http_msg *msg)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_HOST);

	if (!h || http_msg_hdr_count(msg, HTTP_HDR_HOST) != 1 ||
	    !host_ok(web, &h->val))
		return NULL;
	return h;
}

/* Origin is exactly our scheme and the Host the request came to. */
static bool origin_ok(const struct web *web, const struct http_msg *msg,
		      const struct pl *host)
{
	const struct http_hdr *o = http_msg_xhdr(msg, "Origin");
	const char *scheme = web->tls ? "https://" : "http://";
	size_t sl = strlen(scheme);

	if (!o || http_msg_xhdr_count(msg, "Origin") != 1)
		return false;
	return o->val.l == sl + host->l &&
		!strncasecmp(o->val.p, scheme, sl) &&
		!strncasecmp(o->val.p + sl, host->p, host->l);
}

static struct web_fail *fail_slot(struct web *web, const struct sa *peer,
				  bool create)
{
	struct web_fail *oldest = &web->fails[0];
	uint64_t now = tmr_jiffies();
	struct sa a = *peer;
	unsigned i;

	sa_set_port(&a, 0);
	for (i = 0; i < WEB_FAIL_SLOTS; i++) {
		struct web_fail *f = &web->fails[i];

		if (f->fails && now - f->last > FAIL_FORGET_MS &&
		    f->blocked_until < now)
			f->fails = 0;
		if (f->fails && sa_cmp(&f->addr, &a, SA_ADDR))
			return f;
		if (!f->fails || f->last < oldest->last)
			oldest = f;
	}
	if (!create)
		return NULL;
	/* a full table forgets its quietest source: an attacker with many
	 * addresses is bounded by the per-address delay, not by this */
	memset(oldest, 0, sizeof(*oldest));
	oldest->addr = a;
	return oldest;
}

static uint64_t blocked_for(struct web *web, const struct sa *peer)
{
	struct web_fail *f = fail_slot(web, peer, false);
	uint64_t now = tmr_jiffies();

	return f && f->blocked_until > now ? f->blocked_until - now : 0;
}

static void login_failed(struct web *web, const struct sa *peer,
			 const struct pl *user)
{
	struct web_fail *f = fail_slot(web, peer, true);

	f->fails++;
	f->last = tmr_jiffies();
	log_warn("sipvnc: web login failed for '%r' from %j "
		   "(%u in a row)\n", user, peer, f->fails);
	if (f->fails >= FAILS_BEFORE_BLOCK) {
		unsigned shift = f->fails - FAILS_BEFORE_BLOCK;
		uint64_t ms = BLOCK_MIN_MS << (shift > 6 ? 6 : shift);

		if (ms > BLOCK_MAX_MS)
			ms = BLOCK_MAX_MS;
		f->blocked_until = f->last + ms;
		log_warn("sipvnc: web logins from %j refused for "
			   "%llu s\n", peer, (unsigned long long)ms / 1000);
	}
}

struct auth_arg {
	struct web *web;
	const struct web_user *user;
};

static int auth_handler(const struct pl *username, uint8_t *ha1, void *arg)
{
	struct auth_arg *aa = arg;
	unsigned i;

	for (i = 0; i < aa->web->n_users; i++) {
		if (!pl_strcmp(username, aa->web->users[i].name)) {
			aa->user = &aa->web->users[i];
			memcpy(ha1, aa->user->ha1, 16);
			return 0;
		}
	}
	return ENOENT;
}

/* The logged-in web user, or NULL after answering 401/429 ourselves. */
static const struct web_user *login(struct web *web, struct http_conn *conn,
				    const struct http_msg *msg)
{
	struct http_auth auth = {.realm = "sipvnc", .stale = false};
	struct auth_arg aa = {.web = web, .user = NULL};
	const struct sa *peer = http_conn_peer(conn);
	const struct http_hdr *hdr = http_msg_hdr(msg,
						  HTTP_HDR_AUTHORIZATION);
	uint64_t wait = blocked_for(web, peer);
	char extra[512];

	if (wait) {
		(void)re_snprintf(extra, sizeof(extra), "Retry-After: %llu\r\n",
				  (unsigned long long)(wait + 999) / 1000);
		reply_text(conn, 429, "Too Many Requests", extra,
			   "too many failed logins from your address; "
			   "try again later\n");
		return NULL;
	}
	if (hdr && http_auth_check_request(msg, &auth, auth_handler, &aa))
	{
		struct web_fail *f = fail_slot(web, peer, false);

		if (f)
			f->fails = 0;
		return aa.user;
	}
	if (hdr && !auth.stale) {
		struct httpauth_digest_resp resp;
		struct pl who = PL("?");

		if (!httpauth_digest_response_decode(&resp, &hdr->val))
			who = resp.username;
		login_failed(web, peer, &who);
	}
	(void)re_snprintf(extra, sizeof(extra), "WWW-Authenticate: %H\r\n",
			  http_auth_print_challenge, &auth);
	reply_text(conn, 401, "Unauthorized", extra,
		   "log in with your sipvnc web user\n");
	return NULL;
}

/* ---- files ---- */

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	return "application/octet-stream";
}

/* A path of ours to serve: letters, digits and "._-/" only, no "..",
 * no hidden files. */
static bool path_ok(const struct pl *p)
{
	size_t i;

	if (!p->l || p->l > 200 || p->p[0] != '/')
		return false;
	for (i = 0; i < p->l; i++) {
		char c = p->p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '/' || c == '.'))
			return false;
		if (c == '.' && p->p[i - 1] == '/')
			return false;
	}
	return true;
}

static void serve_file(struct http_conn *conn, const char *dir,
		       const struct pl *rel)
{
	char path[1024];
	struct mbuf *mb = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (re_snprintf(path, sizeof(path), "%s%r", dir, rel) < 0) {
		reply_text(conn, 404, "Not Found", NULL, "not found\n");
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > FILE_MAX) {
		if (fd >= 0)
			close(fd);
		reply_text(conn, 404, "Not Found", NULL, "not found\n");
		return;
	}
	mb = mbuf_alloc((size_t)st.st_size + 1);
	n = mb ? read(fd, mb->buf, (size_t)st.st_size) : -1;
	close(fd);
	if (!mb || n != (ssize_t)st.st_size) {
		mem_deref(mb);
		reply_text(conn, 500, "Internal Server Error", NULL,
			   "cannot read the file\n");
		return;
	}
	(void)http_reply(conn, 200, "OK",
			 "Content-Type: %s\r\n"
			 "Cache-Control: no-cache\r\n"
			 SECURITY_HEADERS
			 "Content-Length: %zu\r\n\r\n%b",
			 content_type(path), (size_t)n, mb->buf, (size_t)n);
	mem_deref(mb);
}

/* ---- tickets ---- */

static void ticket_sweep(struct web *web)
{
	uint64_t now = tmr_jiffies();
	struct le *le = web->tickets.head;

	while (le) {
		struct web_ticket *t = le->data;

		le = le->next;
		if (t->expires <= now)
			mem_deref(t);
	}
}

static void ticket_destructor(void *data)
{
	struct web_ticket *t = data;

	list_unlink(&t->le);
}

/* Room for one more ticket of this user: past TICKETS_PER_USER its
 * oldest goes, and past TICKETS_MAX the oldest of all. */
static void ticket_make_room(struct web *web, const char *user)
{
	struct web_ticket *oldest = NULL;
	unsigned n = 0;
	struct le *le;

	for (le = web->tickets.head; le; le = le->next) {
		struct web_ticket *t = le->data;

		if (strcmp(t->user, user) != 0)
			continue;
		if (!oldest)
			oldest = t;
		n++;
	}
	if (n >= TICKETS_PER_USER)
		mem_deref(oldest);
	else if (list_count(&web->tickets) >= TICKETS_MAX)
		mem_deref(list_head(&web->tickets)->data);
}

/* The target the page asks for, as a URI we may dial: "sip:" added to a
 * bare user@host, one line of printable ASCII, a sip:/sips: user@host. */
static int read_target(char *out, size_t size, const struct pl *val,
		       const char **why)
{
	size_t i;

	if (!val->l || val->l + 5 > size) {
		*why = val->l ? "the address is too long" : "no address given";
		return EINVAL;
	}
	for (i = 0; i < val->l; i++) {
		if ((uint8_t)val->p[i] <= 0x20 || (uint8_t)val->p[i] >= 0x7f) {
			*why = "the address has spaces or characters a SIP "
				"URI cannot have";
			return EINVAL;
		}
	}
	if (val->l > 4 && (!strncasecmp(val->p, "sip:", 4) ||
			   !strncasecmp(val->p, "sips:", 5)))
		(void)re_snprintf(out, size, "%r", val);
	else
		(void)re_snprintf(out, size, "sip:%r", val);
	if (!sipua_uri_dialable(out)) {
		*why = "not a SIP address of the form sip:user@host";
		return EINVAL;
	}
	return 0;
}

static void post_ticket(struct web *web, struct http_conn *conn,
			const struct http_msg *msg,
			const struct web_user *user)
{
	const struct http_hdr *call = http_msg_xhdr(msg, "X-Sipvnc-Call");
	enum sipua_rights rights = SIPUA_RIGHTS_CONTROL;
	const char *why = NULL;
	struct web_ticket *t;
	char target[512], json[1024], esc[520];

	if (!call || read_target(target, sizeof(target), &call->val, &why)) {
		reply_error(conn, 400, "Bad Request",
			    why ? why : "no address given");
		return;
	}
	if (user && !sipua_targets_check(user->targets, target, &rights)) {
		/* the page asks ahead as the address is typed (app.js), so
		 * half-typed addresses come too: a warning only on Call */
		if (http_msg_xhdr(msg, "X-Sipvnc-Ahead"))
			log_info("sipvnc: web user %s may not call %s; "
				 "refused (asked ahead)\n", user->name, target);
		else
			log_warn("sipvnc: web user %s may not call %s; "
				 "refused\n", user->name, target);
		reply_error(conn, 403, "Forbidden",
			    "you may not call this address");
		return;
	}
	ticket_sweep(web);
	ticket_make_room(web, user ? user->name : "(token)");
	t = mem_zalloc(sizeof(*t), ticket_destructor);
	if (!t || web_random_hex(t->id, WEB_TOKEN_LEN / 2)) {
		mem_deref(t);
		reply_error(conn, 500, "Internal Server Error",
			    "no ticket to give");
		return;
	}
	str_ncpy(t->user, user ? user->name : "(token)", sizeof(t->user));
	str_ncpy(t->target, target, sizeof(t->target));
	t->control = rights == SIPUA_RIGHTS_CONTROL;
	t->lossless = http_msg_xhdr_has_value(msg, "X-Sipvnc-Lossless", "1");
	t->expires = tmr_jiffies() + TICKET_MS;
	list_append(&web->tickets, &t->le, t);
	json_str(esc, sizeof(esc), target);
	(void)re_snprintf(json, sizeof(json), "{\"ticket\":\"%s\","
			  "\"target\":\"%s\",\"rights\":\"%s\"}", t->id, esc,
			  t->control ? "control" : "view");
	reply_json(conn, 200, "OK", json);
}

/* The ticket in "ticket=HEX" of the query, taken (single use). */
static struct web_ticket *take_ticket(struct web *web,
				      const struct http_msg *msg)
{
	struct pl id;
	struct le *le;

	ticket_sweep(web);
	if (re_regex(msg->prm.p, msg->prm.l, "ticket=[0-9a-f]+", &id) ||
	    id.l != WEB_TOKEN_LEN)
		return NULL;
	for (le = web->tickets.head; le; le = le->next) {
		struct web_ticket *t = le->data;

		if (const_eq(t->id, &id)) {
			list_unlink(&t->le);
			return t;
		}
	}
	return NULL;
}

static void upgrade(struct web *web, struct http_conn *conn,
		    const struct http_msg *msg, const struct pl *host)
{
	struct web_ticket *t;

	if (!http_msg_hdr_has_value(msg, HTTP_HDR_UPGRADE, "websocket")) {
		reply_text(conn, 400, "Bad Request", NULL,
			   "a WebSocket upgrade was expected\n");
		return;
	}
	if (!origin_ok(web, msg, host)) {
		log_warn("sipvnc: web: WebSocket from %J with a "
			   "foreign or missing Origin refused\n",
			   http_conn_peer(conn));
		reply_text(conn, 403, "Forbidden", NULL,
			   "the page is not ours\n");
		return;
	}
	if (list_count(&web->sessions) >= SESSIONS_MAX) {
		log_warn("sipvnc: web: %u sessions already; refusing "
			 "another from %J\n", list_count(&web->sessions),
			 http_conn_peer(conn));
		reply_text(conn, 503, "Service Unavailable", NULL,
			   "too many calls from this gateway at once\n");
		return;
	}
	t = take_ticket(web, msg);
	if (!t) {
		log_warn("sipvnc: web: WebSocket from %J without a "
			   "valid ticket refused\n", http_conn_peer(conn));
		reply_text(conn, 403, "Forbidden", NULL,
			   "missing, used or expired ticket\n");
		return;
	}
	(void)web_session_start(web, conn, msg, t);
}

static void on_request(struct http_conn *conn, const struct http_msg *msg,
		       void *arg)
{
	struct web *web = arg;
	const struct web_user *user = NULL;
	const struct http_hdr *host = our_host(web, msg);
	struct pl rel;

	if (!host) {
		reply_text(conn, 403, "Forbidden", NULL,
			   "this gateway does not answer to that Host\n");
		return;
	}
	if (!pl_strcmp(&msg->path, "/ws")) {
		if (pl_strcmp(&msg->met, "GET"))
			reply_text(conn, 405, "Method Not Allowed", NULL,
				   "GET only\n");
		else
			upgrade(web, conn, msg, &host->val);
		return;
	}
	if (!web->open) {
		user = login(web, conn, msg);
		if (!user)
			return;
	}
	if (!pl_strcmp(&msg->path, "/ticket")) {
		const struct http_hdr *tok = http_msg_xhdr(msg,
							   "X-Sipvnc-Token");

		if (pl_strcmp(&msg->met, "POST")) {
			reply_text(conn, 405, "Method Not Allowed", NULL,
				   "POST only\n");
			return;
		}
		if (web->open && (!tok || !const_eq(web->token, &tok->val))) {
			reply_error(conn, 403, "Forbidden", "this gateway "
				    "needs the token printed at its start "
				    "(the ?token=... of its address)");
			return;
		}
		post_ticket(web, conn, msg, user);
		return;
	}
	if (pl_strcmp(&msg->met, "GET")) {
		reply_text(conn, 405, "Method Not Allowed", NULL,
			   "GET only\n");
		return;
	}
	if (!pl_strcmp(&msg->path, "/")) {
		rel = (struct pl)PL("/index.html");
		serve_file(conn, web->root, &rel);
		return;
	}
	if (!path_ok(&msg->path)) {
		reply_text(conn, 404, "Not Found", NULL, "not found\n");
		return;
	}
	/* noVNC: its modules only, not its own app */
	if (msg->path.l > 7 && memcmp(msg->path.p, "/novnc/", 7) == 0) {
		rel.p = msg->path.p + 6;
		rel.l = msg->path.l - 6;
		if (!(rel.l > 6 && memcmp(rel.p, "/core/", 6) == 0) &&
		    !(rel.l > 8 && memcmp(rel.p, "/vendor/", 8) == 0)) {
			reply_text(conn, 404, "Not Found", NULL,
				   "not found\n");
			return;
		}
		serve_file(conn, web->novnc, &rel);
		return;
	}
	serve_file(conn, web->root, &msg->path);
}

/* ---- start and stop ---- */

static void web_destructor(void *data)
{
	struct web *web = data;

	web_sessions_close(web);
	list_flush(&web->tickets);
	web->hs = mem_deref(web->hs);
	web->ws = mem_deref(web->ws);
	web_conf_clear(web);
}

static void print_start(const struct web *web)
{
	const char *scheme = web->tls ? "https" : "http";

	if (web->open) {
		log_info("sipvnc: web gateway: open %s://%s/?token=%s\n",
			  scheme, web->names[0], web->token);
		log_info("sipvnc: web: only who has that token (you) can "
			  "place calls from %J; other local users see only "
			  "the login page\n", &web->laddr);
	}
	else {
		log_info("sipvnc: web gateway: open %s://%s/\n", scheme,
			  web->names[0]);
		log_info("sipvnc: web: %u web user(s) log in with HTTP "
			  "Digest; they call only their web_allow "
			  "targets\n", web->n_users);
	}
}

int web_start(struct app *app, const char *conf_path)
{
	struct web *web;
	int err;

	web = mem_zalloc(sizeof(*web), web_destructor);
	if (!web)
		return ENOMEM;
	web->app = app;
	app->web = web;
	err = web_conf_read(web, app->conf, conf_path);
	if (err)
		return err;
	if (web->open) {
		err = web_random_hex(web->token, WEB_TOKEN_LEN / 2);
		if (err)
			return err;
	}
	err = websock_alloc(&web->ws, NULL, NULL);
	if (err)
		return err;
	if (web->tls)
		err = https_listen(&web->hs, &web->laddr, web->cert,
				   on_request, web);
	else
		err = http_listen(&web->hs, &web->laddr, on_request, web);
	if (err) {
		log_warn("sipvnc: web: cannot listen on %J: %m\n",
			   &web->laddr, err);
		return err;
	}
	/* port 0 in web_listen: the names carry the one we got */
	(void)tcp_sock_local_get(http_sock_tcp(web->hs), &web->laddr);
	err = web_conf_names(web);
	if (err)
		return err;
	print_start(web);
	return 0;
}

void web_stop(struct app *app)
{
	app->web = mem_deref(app->web);
}
