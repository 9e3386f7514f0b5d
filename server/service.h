/*
 * service.h - what running unattended needs: documented exit statuses,
 * the log level from the configuration, and one instance per display and
 * configuration file.
 */
#ifndef SIPVNC_SERVICE_H
#define SIPVNC_SERVICE_H

#include <stddef.h>

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

/* The folder where sipvnc keeps what it makes once (MSRP's self-signed
 * certificate, the SIP instance id): $XDG_CONFIG_HOME/sipvnc when
 * XDG_CONFIG_HOME is absolute (the XDG Base Directory spec says to ignore
 * a relative one), else $HOME/.config/sipvnc.  ENOENT: neither is set.
 * The one rule: msrp/ and sip/ are handed the folder, never look it up. */
int service_config_dir(char *buf, size_t size);
/* mkdir -p dir, each folder made owner-only (0700). */
int service_make_dir(const char *dir);
/* Hand the folder down: app->msrp.tls_dir (unless msrp_tls_dir set it)
 * and app->config_dir for sip/, each made first when the library may
 * write there (a certificate to make, an outbound account without
 * sip_instance).  A folder that cannot be made is left to the library,
 * which says so when it writes. */
void service_config_folders(struct app *app);

#endif
