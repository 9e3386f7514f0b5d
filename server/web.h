/*
 * web.h - private to server/web*.c: the browser gateway (`sipvnc web`).
 *
 * One HTTP(S) listener serves the page (server/web/) and noVNC's modules,
 * hands out single-use tickets to logged-in users, and upgrades a request
 * that carries one to a WebSocket.  Each WebSocket is one call placed as
 * `sipvnc view` places it (media_place()), its RFB carried in binary frames
 * and its progress in text frames before that.
 */
#ifndef SIPVNC_WEB_H
#define SIPVNC_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "server/app.h"
#include "sip/sipua.h"

enum {
	WEB_NAMES_MAX = 16,
	WEB_NAME_SIZE = 128,
	WEB_USERS_MAX = 64,
	WEB_USER_SIZE = 64,
	WEB_TOKEN_LEN = 32,          /* hex digits, 128 bits */
	WEB_FAIL_SLOTS = 256,        /* sources whose failed logins count */
};

struct web_user {
	char name[WEB_USER_SIZE];
	uint8_t ha1[16];             /* MD5(name:sipvnc:password) */
	struct sipua_targets *targets;   /* web_allow lines: whom, which rights */
};

/* Failed logins of one source address. */
struct web_fail {
	struct sa addr;              /* port 0 */
	unsigned fails;
	uint64_t blocked_until;      /* tmr_jiffies() */
	uint64_t last;
};

struct web {
	struct app *app;
	struct http_sock *hs;
	struct websock *ws;
	struct sa laddr;
	bool tls;
	bool open;                   /* loopback without users: the token */
	char token[WEB_TOKEN_LEN + 1];
	char names[WEB_NAMES_MAX][WEB_NAME_SIZE];   /* Host values we are */
	unsigned n_names;
	char root[512];              /* the page's files */
	char novnc[512];             /* noVNC's core/ and vendor/ */
	char cert[512];
	uint32_t answer_timeout_s;   /* a call ringing longer ends */
	struct web_user users[WEB_USERS_MAX];
	unsigned n_users;
	struct list tickets;
	struct list sessions;
	struct web_fail fails[WEB_FAIL_SLOTS];
};

/* A call the browser may place: from /ticket to the WebSocket. */
struct web_ticket {
	struct le le;
	char id[WEB_TOKEN_LEN + 1];
	char user[WEB_USER_SIZE];
	char target[512];
	bool control;
	bool lossless;
	uint64_t expires;            /* tmr_jiffies() */
};

/* web_conf.c: keys, users and their targets; prints why it refuses. */
int web_conf_read(struct web *web, const struct conf *conf,
		  const char *path);
/* The Host values we answer to, once laddr has its port. */
int web_conf_names(struct web *web);
/* Free what web_conf_read() allocated. */
void web_conf_clear(struct web *web);

/* web_session.c: the upgrade passed every check; takes the ticket. */
int web_session_start(struct web *web, struct http_conn *conn,
		      const struct http_msg *msg, struct web_ticket *t);
void web_sessions_close(struct web *web);

/* hex of n random bytes (2n + 1 chars of room). */
int web_random_hex(char *out, size_t n);

#endif
