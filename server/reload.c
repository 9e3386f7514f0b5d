/*
 * reload.c - SIGHUP: the configuration file again, while calls go on.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "server/app.h"
#include "server/conf_check.h"
#include "server/conf_keys.h"
#include "server/desktop_clipboard.h"
#include "server/log.h"
#include "server/reload.h"
#include "server/service.h"

struct reload {
	struct app *app;
	char *path;
	int pipe[2];    /* the signal handler writes, the loop reads */
};

static int append_value(const struct pl *val, void *arg)
{
	return mbuf_printf(arg, "%r\n", val);
}

/* Every value of key in conf, one a line, to compare two files by. */
static bool same_values(const struct conf *a, const struct conf *b,
			const char *key)
{
	struct mbuf *ma = mbuf_alloc(64), *mb = mbuf_alloc(64);
	bool same = false;

	if (ma && mb && !conf_apply(a, key, append_value, ma) &&
	    !conf_apply(b, key, append_value, mb))
		same = ma->end == mb->end &&
		       !memcmp(ma->buf, mb->buf, ma->end);
	mem_deref(ma);
	mem_deref(mb);
	return same;
}

static void name_restart_keys(const struct conf *running,
			      const struct conf *conf)
{
	const struct confkey *keys;
	size_t n, i;

	/* the table's CONF_LIVE keys are those applied below */
	keys = confkeys_table(&n);
	for (i = 0; i < n; i++) {
		if (keys[i].flags & CONF_LIVE ||
		    same_values(running, conf, keys[i].name))
			continue;
		log_warn("sipvnc: reload: '%s' changed, which needs a restart "
			 "(the running value stays)\n", keys[i].name);
	}
}

static void reload_now(struct reload *rl)
{
	struct app *app = rl->app;
	struct conf *conf = NULL;
	char clip[16];
	int err;

	if (!rl->path) {
		log_warn("sipvnc: SIGHUP, but there is no configuration file "
			 "(-c) to re-read\n");
		return;
	}
	log_info("sipvnc: SIGHUP: reading %s again\n", rl->path);
	err = confcheck_file(rl->path);
	if (!err)
		err = confkeys_load(&conf, rl->path);
	if (err) {
		log_err("sipvnc: reload refused (%m): %s has the problems "
			"above; the running configuration stays\n", err,
			rl->path);
		goto out;
	}
	/* all or nothing: the SIP policy is the part that can still fail */
	if (app->ua) {
		err = sipua_reload(app->ua, conf);
		if (err) {
			log_err("sipvnc: reload refused (%m): the caller "
				"policy of %s is wrong (see above); the "
				"running configuration stays\n", err,
				rl->path);
			goto out;
		}
	}
	(void)service_log_level(app, conf);
	/* at once for every viewer: a tightened clipboard must not wait */
	if (app->desktop &&
	    (conf_get_str(conf, "clipboard", clip, sizeof(clip)) ||
	     desktop_set_clipboard_policy(app->desktop, clip)))
		(void)desktop_set_clipboard_policy(app->desktop, "control");
	name_restart_keys(app->conf, conf);
	log_info("sipvnc: reloaded %s; %u call(s) in progress go on\n",
		 rl->path, list_count(&app->calls));
 out:
	mem_deref(conf);
}

static void on_pipe(int flags, void *arg)
{
	struct reload *rl = arg;
	char buf[64];

	(void)flags;
	/* one reload for any number of signals that came meanwhile */
	while (read(rl->pipe[0], buf, sizeof(buf)) > 0)
		;
	reload_now(rl);
}

void reload_signal(const struct reload *rl)
{
	int saved = errno;

	if (rl)
		(void)!write(rl->pipe[1], "h", 1);
	errno = saved;
}

static void destructor(void *arg)
{
	struct reload *rl = arg;

	if (rl->pipe[0] >= 0) {
		fd_close(rl->pipe[0]);
		close(rl->pipe[0]);
		close(rl->pipe[1]);
	}
	mem_deref(rl->path);
}

int reload_alloc(struct reload **rlp, struct app *app, const char *path)
{
	struct reload *rl = mem_zalloc(sizeof(*rl), destructor);
	int err = 0;

	if (!rl)
		return ENOMEM;
	rl->app = app;
	rl->pipe[0] = rl->pipe[1] = -1;
	if (path)
		err = str_dup(&rl->path, path);
	if (!err && pipe2(rl->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		err = errno;
		rl->pipe[0] = rl->pipe[1] = -1;
	}
	if (!err)
		err = fd_listen(rl->pipe[0], FD_READ, on_pipe, rl);
	if (err)
		mem_deref(rl);
	else
		*rlp = rl;
	return err;
}
