/*
 * service.h - what running unattended needs: documented exit statuses,
 * the log level from the configuration, and one instance per display and
 * configuration file.
 */
#ifndef SIPVNC_SERVICE_H
#define SIPVNC_SERVICE_H

struct app;

/* The exit statuses sipvnc(1) lists; the user unit's
 * RestartPreventExitStatus names 2, 3 and 4. */
enum sipvnc_exit {
	SIPVNC_EXIT_OK = 0,       /* stopped by a signal, or the call ended */
	SIPVNC_EXIT_FAILURE = 1,  /* could not start, or failed running */
	SIPVNC_EXIT_USAGE = 2,    /* bad command line */
	SIPVNC_EXIT_CONFIG = 3,   /* the configuration file has errors */
	SIPVNC_EXIT_RUNNING = 4,  /* another instance has this display and
	                             configuration */
	SIPVNC_EXIT_DISPLAY = 5,  /* the X display went away */
};

struct conf;
/* log_level from conf (absent: info) into app's log.  EINVAL, reported,
 * if bad. */
int service_log_level(struct app *app, const struct conf *conf);

/* Take the lock of (display, configuration file) for the program's life:
 * *fdp holds it (close it last).  Another instance holding it: reports
 * "already running (pid N)" and returns EALREADY. */
int service_lock(const char *display, const char *conf_path, int *fdp);

#endif
