/*
 * view.c - `sipvnc view [URI]`: a local port where a VNC viewer connects.
 * With a URI, each connection places a call to URI as the RFB viewer and
 * relays the stream.  Without one, the connection waits for somebody to
 * call in and share their screen (`sipvnc share`).  One viewer at a time:
 * a second connection while one is up is refused, so one desktop is never
 * fed two clients through one session.
 *
 * Every call goes out with our SIP identity, so the port must let in only
 * us: by default it is a Unix socket, mode 0600 in a 0700 directory of
 * ours, and a peer of another uid is refused even if the mode was changed.
 * A TCP port (loopback only: RFB is not encrypted) asks for a VNC password
 * made at start (view_gate.c) before any call is placed, unless --no-auth.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"
#include "server/app.h"
#include "server/view.h"
#include "server/media.h"
#include "server/view_gate.h"
#include "server/view_rfb.h"

struct view_local {
	int fd;
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct view_gate *gate;     /* TCP with a password */
};

/* A viewer that closed and reconnected at once (a viewer's reconnect, a
 * script's next run) finds its last call ended, not refused: its EOF
 * and the new connection can come in the same loop turn, the new one
 * first. */
static bool busy(struct app *app)
{
	if (app->view_call && media_viewer_left(app->view_call))
		media_end(app->view_call, true, "viewer closed");
	return app->view_call || app->waiting_viewer_fd >= 0;
}

/* A viewer that may go on: minor is its RFB 3.minor when it logged in with
 * our password (it waits for its SecurityResult), 0 when it talks to the
 * far end unfiltered. */
static void viewer_ready(struct app *app, int fd, int minor)
{
	struct media *call;
	int err;

	if (busy(app)) {
		uint8_t msg[64];

		log_warn("sipvnc: a viewer is already connected; "
			 "refusing another\n");
		if (minor)
			(void)send(fd, msg, view_rfb_security_result(msg,
				   sizeof(msg), minor, "another viewer is "
				   "connected"), MSG_NOSIGNAL);
		close(fd);
		return;
	}
	if (!app->target[0]) {
		app->waiting_viewer_fd = fd;
		app->waiting_viewer_minor = minor;
		log_info("sipvnc: viewer connected; waiting for a call "
			 "sharing a screen\n");
		return;
	}

	err = media_place(&call, app, app->target, fd, minor);
	if (err)
		return;
	app->view_call = call;
	log_info("sipvnc: viewer connected; calling %s\n", app->target);
}

static void on_login_pass(int fd, int minor, void *arg)
{
	viewer_ready(arg, fd, minor);
}

static void on_local_viewer(int flags, void *arg)
{
	struct app *app = arg;
	struct view_local *vl = app->view_local;
	int fd, on = 1;

	(void)flags;
	fd = accept4(vl->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (vl->sock_path[0]) {
		/* the mode says so already; this holds even if someone
		 * loosened it.  root can read our memory anyway. */
		struct ucred cred;
		socklen_t len = sizeof(cred);

		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    (cred.uid != geteuid() && cred.uid != 0)) {
			log_warn("sipvnc: refusing a viewer of uid "
				 "%d on %s\n", len == sizeof(cred) ?
				 (int)cred.uid : -1, vl->sock_path);
			close(fd);
			return;
		}
	}
	else {
		/* RFB messages are small and latency-bound: no Nagle */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
				 sizeof(on));
	}
	if (busy(app)) {
		log_warn("sipvnc: a viewer is already connected; "
			 "refusing another\n");
		close(fd);
		return;
	}
	if (vl->gate)
		view_gate_login(vl->gate, fd);
	else
		viewer_ready(app, fd, 0);
}

int view_take_waiting_viewer(struct app *app, int *minor)
{
	int fd = app->waiting_viewer_fd;

	*minor = app->waiting_viewer_minor;
	app->waiting_viewer_fd = -1;
	return fd;
}

void view_call_ended(struct app *app)
{
	app->view_call = NULL;
}

/* Our private folder for the socket and the password file:
 * $XDG_RUNTIME_DIR/sipvnc, or /tmp/sipvnc-UID when the session has no
 * runtime directory (ssh without pam_systemd, cron, containers).  It must
 * be a real directory of ours; a loose mode is tightened. */
static int view_rundir(char *dir, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(dir, size, "%s/sipvnc", xdg);
	else
		n = snprintf(dir, size, "/tmp/sipvnc-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= size) {
		log_warn("sipvnc: XDG_RUNTIME_DIR is too long\n");
		return ENAMETOOLONG;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		n = errno;
		log_warn("sipvnc: cannot make %s: %m\n", dir, n);
		return n;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid()) {
		log_warn("sipvnc: %s is not a directory of yours; "
			 "refusing to put a viewer socket or password "
			 "there (set XDG_RUNTIME_DIR or use --listen "
			 "unix:PATH)\n", dir);
		return EPERM;
	}
	if ((st.st_mode & 077) && chmod(dir, 0700) < 0)
		return errno;
	return 0;
}

/* Whether a live program answers on the socket at path. */
static bool unix_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return true;   /* cannot tell: leave it alone */
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
		errno != ECONNREFUSED;
	close(fd);
	return live;
}

static int listen_unix(struct view_local *vl, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[sizeof(sun.sun_path)], cwd[sizeof(sun.sun_path)];
	struct stat st;
	mode_t old;
	int n, fd, err;

	if (!path) {
		err = view_rundir(dir, sizeof(dir));
		if (err)
			return err;
		n = snprintf(sun.sun_path, sizeof(sun.sun_path),
			     "%s/view.sock", dir);
	}
	else if (path[0] != '/') {
		/* viewers take a path with a slash for a socket */
		if (!getcwd(cwd, sizeof(cwd)))
			return errno;
		n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s",
			     cwd, path);
	}
	else
		n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path) || (path && !path[0])) {
		log_warn("sipvnc: a Unix socket path has 1 to %zu "
			 "characters\n", sizeof(sun.sun_path) - 1);
		return ENAMETOOLONG;
	}
	if (!lstat(sun.sun_path, &st)) {
		if (!S_ISSOCK(st.st_mode) || unix_live(&sun)) {
			log_warn("sipvnc: %s is in use (%s)\n",
				 sun.sun_path, S_ISSOCK(st.st_mode) ?
				 "another sipvnc view?" : "not a socket");
			return EADDRINUSE;
		}
		(void)unlink(sun.sun_path);   /* left by a crashed run */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	/* created 0600 from the start: no moment where others may connect
	 * (umask is per process; nothing else runs yet) */
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ? errno : 0;
	umask(old);
	if (!err && listen(fd, 4) < 0)
		err = errno;
	if (err) {
		log_warn("sipvnc: cannot listen on %s: %m\n",
			 sun.sun_path, err);
		close(fd);
		return err;
	}
	vl->fd = fd;
	str_ncpy(vl->sock_path, sun.sun_path, sizeof(vl->sock_path));
	return 0;
}

static int listen_tcp(struct view_local *vl, const char *addr, struct sa *la)
{
	socklen_t len = sizeof(la->u);
	int fd, err, on = 1;

	if (sa_decode(la, addr, strlen(addr))) {
		log_warn("sipvnc: --listen wants unix:PATH or "
			 "ADDRESS:PORT, not '%s'\n", addr);
		return EINVAL;
	}
	if (!sa_is_loopback(la)) {
		log_warn("sipvnc: --listen %s: a VNC viewer's "
			 "connection is not encrypted, so it stays on "
			 "loopback (reach it from elsewhere through SSH)\n",
			 addr);
		return EACCES;
	}
	fd = socket(sa_af(la), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, &la->u.sa, la->len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, &la->u.sa, &len) < 0) {
		err = errno;
		log_warn("sipvnc: cannot listen on %s: %m\n",
			 addr, err);
		close(fd);
		return err;
	}
	vl->fd = fd;
	return 0;
}

static void view_local_destructor(void *data)
{
	struct view_local *vl = data;

	mem_deref(vl->gate);   /* removes the password file */
	if (vl->fd >= 0) {
		fd_close(vl->fd);
		close(vl->fd);
	}
	if (vl->sock_path[0])
		(void)unlink(vl->sock_path);
}

/* A path as one shell word, for a command to paste. */
static int shell_word(struct re_printf *pf, void *arg)
{
	const char *s = arg;
	int err = 0;

	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		       "0123456789/._-+:@,=")] == '\0')
		return re_hprintf(pf, "%s", s);
	err |= re_hprintf(pf, "'");
	for (; *s && !err; s++)
		err |= *s == '\'' ? re_hprintf(pf, "'\\''") :
			re_hprintf(pf, "%c", *s);
	return err | re_hprintf(pf, "'");
}

static void print_start(const struct app *app, const char *how,
			const char *who)
{
	if (app->target[0])
		log_info("sipvnc: connect a VNC viewer to call %s: %s\n"
			 "sipvnc: %s\n", app->target, how, who);
	else
		log_info("sipvnc: connect a VNC viewer, then share a screen "
			 "to %s: %s\nsipvnc: %s\n",
			 sipua_contact_uri(app->ua), how, who);
}

int view_start(struct app *app, const char *listen_addr, bool no_auth)
{
	struct view_local *vl;
	char how[1024], who[512], dir[256], passwd[320], host[64];
	struct sa la;
	int err;

	vl = mem_zalloc(sizeof(*vl), view_local_destructor);
	if (!vl)
		return ENOMEM;
	vl->fd = -1;
	app->view_local = vl;

	if (!listen_addr || !strncmp(listen_addr, "unix:", 5)) {
		err = listen_unix(vl, listen_addr ? listen_addr + 5 : NULL);
		if (err)
			return err;
		if (no_auth)
			log_info("sipvnc: --no-auth: the Unix socket has no "
				 "password anyway\n");
		re_snprintf(how, sizeof(how), "vncviewer %H", shell_word,
			    vl->sock_path);
		re_snprintf(who, sizeof(who), "only uid %u (you) can connect "
			    "to %s", (unsigned)geteuid(), vl->sock_path);
	}
	else {
		err = listen_tcp(vl, listen_addr, &la);
		if (err)
			return err;
		/* TigerVNC: HOST::PORT is a port, IPv6 in brackets */
		re_snprintf(host, sizeof(host), sa_af(&la) == AF_INET6 ?
			    "[%j]::%u" : "%j::%u", &la, sa_port(&la));
		if (no_auth) {
			re_snprintf(how, sizeof(how), "vncviewer %s", host);
			re_snprintf(who, sizeof(who), "--no-auth: ANY local "
				    "user who connects to %J places calls as "
				    "you", &la);
			log_warn("sipvnc: warning: %s\n", who);
		}
		else {
			err = view_rundir(dir, sizeof(dir));
			if (!err && re_snprintf(passwd, sizeof(passwd),
						"%s/view-%u.passwd", dir,
						sa_port(&la)) < 0)
				err = ENAMETOOLONG;
			if (!err)
				err = view_gate_alloc(&vl->gate, passwd,
						      on_login_pass, app);
			if (err)
				return err;
			re_snprintf(how, sizeof(how), "vncviewer -passwd %H "
				    "%s", shell_word, passwd, host);
			re_snprintf(who, sizeof(who), "any local user can "
				    "connect to %J, but only with the password "
				    "in %s", &la, passwd);
		}
	}
	err = fd_listen(vl->fd, FD_READ, on_local_viewer, app);
	if (err)
		return err;
	print_start(app, how, who);
	return 0;
}

void view_stop(struct app *app)
{
	app->view_local = mem_deref(app->view_local);
	if (app->waiting_viewer_fd >= 0)
		close(app->waiting_viewer_fd);
	app->waiting_viewer_fd = -1;
}
