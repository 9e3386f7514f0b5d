/*
 * service.c - exit statuses, log level and the one-instance lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "server/app.h"
#include "server/log.h"
#include "server/service.h"

int service_log_level(struct app *app, const struct conf *conf)
{
	char name[32];
	int level;

	if (conf_get_str(conf, "log_level", name, sizeof(name))) {
		log_set_level(&app->log, DBG_INFO);
		return 0;
	}
	level = log_level_parse(name);
	if (level < 0) {
		log_err("sipvnc: log_level must be error, warn, info or "
			"debug, not '%s'\n", name);
		return EINVAL;
	}
	log_set_level(&app->log, level);
	return 0;
}

/* $XDG_RUNTIME_DIR/sipvnc, else /tmp/sipvnc-UID: a folder only we own,
 * so nobody can plant a lock file (or a link) that keeps us from
 * starting. */
static int lock_dir(char *dir, size_t size)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (rt && rt[0] == '/')
		n = snprintf(dir, size, "%s/sipvnc", rt);
	else
		n = snprintf(dir, size, "/tmp/sipvnc-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= size)
		return ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return errno;
	if (lstat(dir, &st) < 0)
		return errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077))
		return EPERM;
	return 0;
}

int service_lock(const char *display, const char *conf_path, int *fdp)
{
	char dir[PATH_MAX - 128], path[PATH_MAX], conf[PATH_MAX], pid[32];
	char disp[64];
	size_t i, n = 0;
	ssize_t len;
	int fd, err;

	err = lock_dir(dir, sizeof(dir));
	if (err) {
		log_err("sipvnc: no place for the instance lock (%m)\n", err);
		return err;
	}
	/* the same file under another name is the same configuration */
	if (!conf_path)
		str_ncpy(conf, "(built-in)", sizeof(conf));
	else if (!realpath(conf_path, conf))
		str_ncpy(conf, conf_path, sizeof(conf));
	for (i = 0; display && display[i] && n < sizeof(disp) - 1; i++) {
		char c = display[i];

		disp[n++] = (char)((c >= '0' && c <= '9') || c == '.' ||
				   (c >= 'a' && c <= 'z') ||
				   (c >= 'A' && c <= 'Z') ? c : '_');
	}
	disp[n] = '\0';
	(void)snprintf(path, sizeof(path), "%s/serve-%s-%08x.pid", dir, disp,
		       hash_joaat_str(conf));

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = errno;
		log_err("sipvnc: cannot open the lock %s (%m)\n", path, err);
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = errno;
		len = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[len > 0 ? len : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (err != EWOULDBLOCK) {
			log_err("sipvnc: cannot lock %s (%m)\n", path, err);
			return err;
		}
		log_err("sipvnc: already running (pid %s) for display %s "
			"and %s (lock %s)\n", pid[0] ? pid : "?",
			display ? display : "?", conf, path);
		return EALREADY;
	}
	n = (size_t)snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, n, 0) != (ssize_t)n) {
		err = errno;
		close(fd);
		log_err("sipvnc: cannot write the lock %s (%m)\n", path, err);
		return err;
	}
	*fdp = fd;
	return 0;
}
