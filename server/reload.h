/*
 * reload.h - SIGHUP re-reads the configuration file.
 *
 * The caller policy (allow, deny, caller_secret, answermode,
 * answer_command, answer_timeout, max_sessions), clipboard and log_level
 * take effect at once, for calls from now on; calls in progress go on.
 * A file with errors is refused as a whole, with its FILE:LINE problems,
 * and the running configuration stays.  Other keys that changed are named
 * in the log: they need a restart.
 *
 * The signal handler only writes a byte into a pipe; the event loop does
 * the work.
 */
#ifndef SIPVNC_RELOAD_H
#define SIPVNC_RELOAD_H

struct app;
struct reload;

/* path: the file given with -c, or NULL (then SIGHUP says there is none
 * to re-read).  A libre object. */
int reload_alloc(struct reload **rlp, struct app *app, const char *path);
/* From the SIGHUP handler: async-signal-safe. */
void reload_signal(const struct reload *rl);

#endif
