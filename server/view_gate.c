/*
 * view_gate.c - the local viewer's VNC authentication and its rate limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "server/view_gate.h"
#include "server/view_passwd.h"
#include "server/view_rfb.h"
#include "server/log.h"

enum {
	PASSWD_LEN = VIEW_PASSWD_MAX,
	LOGIN_TIMEOUT_MS = 10000,  /* a silent connection holds a slot */
	FAIL_DELAY_MS = 1000,      /* before a wrong answer is told */
	FAILS_BEFORE_BLOCK = 3,
	BLOCK_MIN_MS = 5000,
	BLOCK_MAX_MS = 300000,
	LOGINS_MAX = 4,            /* at once: bounds parallel guessing */
	SEC_VNC_AUTH = 2,
};

struct view_gate {
	char passwd[PASSWD_LEN + 1];
	char *path;                /* the password file, ours to remove */
	unsigned fails;            /* wrong answers in a row */
	uint64_t blocked_until;    /* tmr_jiffies() */
	struct list logins;
	view_gate_pass_h *passh;
	void *arg;
};

enum { L_VERSION, L_TYPE, L_RESPONSE, L_FAILING };

struct login {
	struct le le;
	struct view_gate *gate;
	int fd;
	int state;
	int minor;
	uint8_t challenge[16];
	uint8_t buf[16];
	size_t have, want;
	struct tmr tmr;
};

static bool send_all(int fd, const void *data, size_t len)
{
	return send(fd, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static void login_destructor(void *data)
{
	struct login *l = data;

	tmr_cancel(&l->tmr);
	list_unlink(&l->le);
	if (l->fd >= 0) {
		fd_close(l->fd);
		close(l->fd);
	}
}

/* Milliseconds logins stay refused, 0 when they are not. */
static uint64_t blocked_for(const struct view_gate *gate)
{
	uint64_t now = tmr_jiffies();

	return gate->blocked_until > now ? gate->blocked_until - now : 0;
}

/* Before any security type was picked: the protocol's "no types" answer
 * with a reason, which TigerVNC shows in its dialog. */
static void refuse(struct login *l, const char *reason)
{
	uint8_t msg[128];
	size_t i, n = strlen(reason), off = l->minor == 3 ? 4 : 1;

	if (n > sizeof(msg) - 8)
		n = sizeof(msg) - 8;
	/* 3.3: security type 0 (u32); 3.7+: zero types (u8); the reason's
	 * u32 length after either */
	memset(msg, 0, off + 3);
	msg[off + 3] = (uint8_t)n;
	for (i = 0; i < n; i++)   /* no NUL on the wire */
		msg[off + 4 + i] = (uint8_t)reason[i];
	(void)send_all(l->fd, msg, off + 4 + n);
	mem_deref(l);
}

static void on_fail_timer(void *arg)
{
	struct login *l = arg;
	uint8_t msg[64];

	(void)send_all(l->fd, msg, view_rfb_security_result(msg, sizeof(msg),
			l->minor, "wrong password"));
	mem_deref(l);
}

static void on_timeout(void *arg)
{
	mem_deref(arg);   /* silent: no guess was made */
}

static void wrong_answer(struct login *l)
{
	struct view_gate *gate = l->gate;

	gate->fails++;
	log_warn("sipvnc: a local viewer gave a wrong VNC password "
		 "(%u in a row)\n", gate->fails);
	if (gate->fails >= FAILS_BEFORE_BLOCK) {
		unsigned shift = gate->fails - FAILS_BEFORE_BLOCK;
		uint64_t ms = shift > 8 ? BLOCK_MAX_MS :
			(uint64_t)BLOCK_MIN_MS << shift;

		if (ms > BLOCK_MAX_MS)
			ms = BLOCK_MAX_MS;
		gate->blocked_until = tmr_jiffies() + ms;
		log_warn("sipvnc: refusing local viewers for %llu s "
			 "after %u wrong passwords\n",
			 (unsigned long long)(ms + 999) / 1000, gate->fails);
	}
	/* nothing more is read; the answer comes late, so one connection
	 * cannot guess faster than once a second */
	fd_close(l->fd);
	l->state = L_FAILING;
	tmr_start(&l->tmr, FAIL_DELAY_MS, on_fail_timer, l);
}

static void refuse_blocked(struct login *l)
{
	char reason[96];

	re_snprintf(reason, sizeof(reason), "too many wrong passwords; try "
		    "again in %llu s",
		    (unsigned long long)(blocked_for(l->gate) + 999) / 1000);
	if (l->state == L_VERSION) {
		refuse(l, reason);
		return;
	}
	{
		uint8_t msg[128];

		(void)send_all(l->fd, msg, view_rfb_security_result(msg,
				sizeof(msg), l->minor, reason));
	}
	mem_deref(l);
}

static void check_response(struct login *l)
{
	struct view_gate *gate = l->gate;
	int fd, minor;

	if (!view_passwd_check(gate->passwd, l->challenge, l->buf)) {
		wrong_answer(l);
		return;
	}
	gate->fails = 0;
	fd = l->fd;
	fd_close(fd);
	l->fd = -1;
	minor = l->minor;
	mem_deref(l);
	log_info("sipvnc: a local viewer logged in with the VNC password\n");
	gate->passh(fd, minor, gate->arg);
}

static void expect(struct login *l, int state, size_t want)
{
	l->state = state;
	l->want = want;
	l->have = 0;
}

/* A whole field from the viewer is in buf. */
static void field(struct login *l)
{
	static const uint8_t types[] = {1, SEC_VNC_AUTH};
	unsigned major, minor;

	switch (l->state) {

	case L_VERSION:
		if (memcmp(l->buf, "RFB ", 4) != 0 || l->buf[11] != '\n' ||
		    sscanf((const char *)l->buf + 4, "%3u.%3u", &major,
			   &minor) != 2 || major != 3) {
			mem_deref(l);
			return;
		}
		l->minor = minor >= 8 ? 8 : minor == 7 ? 7 : 3;
		if (blocked_for(l->gate)) {
			refuse_blocked(l);
			return;
		}
		if (l->minor == 3) {
			const uint8_t type33[] = {0, 0, 0, SEC_VNC_AUTH};

			if (!send_all(l->fd, type33, sizeof(type33)) ||
			    !send_all(l->fd, l->challenge, 16)) {
				mem_deref(l);
				return;
			}
			expect(l, L_RESPONSE, 16);
			return;
		}
		if (!send_all(l->fd, types, sizeof(types))) {
			mem_deref(l);
			return;
		}
		expect(l, L_TYPE, 1);
		return;

	case L_TYPE:
		if (l->buf[0] != SEC_VNC_AUTH) {
			uint8_t msg[64];

			(void)send_all(l->fd, msg, view_rfb_security_result(
				msg, sizeof(msg), l->minor,
				"VNC authentication is required"));
			mem_deref(l);
			return;
		}
		if (!send_all(l->fd, l->challenge, 16)) {
			mem_deref(l);
			return;
		}
		expect(l, L_RESPONSE, 16);
		return;

	case L_RESPONSE:
		/* answers in flight when the block began are not tried */
		if (blocked_for(l->gate))
			refuse_blocked(l);
		else
			check_response(l);
		return;
	}
}

static void on_readable(int flags, void *arg)
{
	struct login *l = arg;
	ssize_t n;

	(void)flags;
	n = read(l->fd, l->buf + l->have, l->want - l->have);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		mem_deref(l);   /* gone before answering: no guess made */
		return;
	}
	l->have += (size_t)n;
	if (l->have == l->want)
		field(l);
}

void view_gate_login(struct view_gate *gate, int fd)
{
	static const char version[] = "RFB 003.008\n";
	struct login *l;
	int flags;

	if (list_count(&gate->logins) >= LOGINS_MAX) {
		log_warn("sipvnc: %d local viewers are logging in "
			 "already; refusing another\n", LOGINS_MAX);
		close(fd);
		return;
	}
	l = mem_zalloc(sizeof(*l), login_destructor);
	if (!l) {
		close(fd);
		return;
	}
	l->fd = fd;
	l->gate = gate;
	tmr_init(&l->tmr);
	list_append(&gate->logins, &l->le, l);
	expect(l, L_VERSION, 12);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    getrandom(l->challenge, sizeof(l->challenge), 0) !=
	    (ssize_t)sizeof(l->challenge) ||
	    !send_all(fd, version, 12) ||
	    fd_listen(fd, FD_READ, on_readable, l)) {
		mem_deref(l);
		return;
	}
	tmr_start(&l->tmr, LOGIN_TIMEOUT_MS, on_timeout, l);
}

static void gate_destructor(void *data)
{
	struct view_gate *gate = data;

	list_flush(&gate->logins);
	if (gate->path)
		(void)unlink(gate->path);
	mem_deref(gate->path);
	memset(gate->passwd, 0, sizeof(gate->passwd));
}

int view_gate_alloc(struct view_gate **gp, const char *passwd_path,
		    view_gate_pass_h *passh, void *arg)
{
	struct view_gate *gate;
	int err;

	gate = mem_zalloc(sizeof(*gate), gate_destructor);
	if (!gate)
		return ENOMEM;
	gate->passh = passh;
	gate->arg = arg;
	err = view_passwd_make(gate->passwd, PASSWD_LEN);
	if (!err)
		err = view_passwd_write(passwd_path, gate->passwd);
	if (err) {
		log_warn("sipvnc: cannot write the password file "
			 "%s: %m\n", passwd_path, err);
		mem_deref(gate);
		return err;
	}
	err = str_dup(&gate->path, passwd_path);
	if (err) {
		(void)unlink(passwd_path);
		mem_deref(gate);
		return err;
	}
	*gp = gate;
	return 0;
}
