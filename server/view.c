/*
 * view.c - `sipvnc view [URI]`: a local TCP port where any VNC viewer can
 * connect.  With a URI, each connection places a call to URI as the RFB
 * viewer and relays the stream.  Without one, the connection waits for
 * somebody to call in and share their screen (`sipvnc share`).  One viewer
 * at a time: a second connection while one is up is refused, so one
 * desktop is never fed two clients through one session.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"
#include "server/app.h"

static void on_local_viewer(int flags, void *arg)
{
	struct app *app = arg;
	struct sipua_local local;
	struct sipua_call *sip;
	struct call *call;
	int fd, err, on = 1;

	(void)flags;
	fd = accept4(app->view_listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* RFB messages are small and latency-bound: no Nagle delay. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (app->view_call || app->waiting_viewer_fd >= 0) {
		log_warn("sipvnc: a viewer is already connected; "
			 "refusing another\n");
		close(fd);
		return;
	}

	if (!app->target[0]) {
		app->waiting_viewer_fd = fd;
		log_info("sipvnc: viewer connected; waiting for a call "
			 "sharing a screen\n");
		return;
	}

	err = call_alloc(&call, app, false, false, fd);
	if (err) {
		log_warn("sipvnc: cannot set up a call: %m\n", err);
		return;
	}
	call_describe_local(call, &local);
	err = sipua_connect(&sip, app->ua, app->target, false,
			    &local, call);
	if (err) {
		log_warn("sipvnc: cannot call %s: %m\n",
			 app->target, err);
		mem_deref(call);
		return;
	}
	call_set_sip(call, sip);
	app->view_call = call;
	log_info("sipvnc: viewer connected; calling %s\n", app->target);
}

int view_take_waiting_viewer(struct app *app)
{
	int fd = app->waiting_viewer_fd;

	app->waiting_viewer_fd = -1;
	return fd;
}

void view_call_ended(struct app *app)
{
	app->view_call = NULL;
}

int view_start(struct app *app, const char *listen_addr)
{
	struct sa laddr;
	int fd, err, on = 1;

	err = sa_decode(&laddr, listen_addr, strlen(listen_addr));
	if (err) {
		log_warn("sipvnc: --listen wants ADDRESS:PORT, "
			 "not '%s'\n", listen_addr);
		return err;
	}
	fd = socket(sa_af(&laddr), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, &laddr.u.sa, laddr.len) < 0 || listen(fd, 4) < 0) {
		err = errno;
		log_warn("sipvnc: cannot listen on %s: %m\n",
			 listen_addr, err);
		close(fd);
		return err;
	}
	app->view_listen_fd = fd;
	err = fd_listen(fd, FD_READ, on_local_viewer, app);
	if (err)
		return err;
	if (app->target[0])
		log_info("sipvnc: connect a VNC viewer to %s to call %s\n",
			 listen_addr, app->target);
	else
		log_info("sipvnc: connect a VNC viewer to %s, then share a "
			 "screen to %s\n", listen_addr,
			 sipua_contact_uri(app->ua));
	return 0;
}
