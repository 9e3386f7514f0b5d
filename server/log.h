/*
 * log.h - sipvnc's log: levels, one line per event, on standard error.
 *
 * msrp/, capture/ and sip/ hand whole lines to the hook in their settings
 * (log_sink); every other module logs through libre's dbg_printf() (as
 * libre itself does), so one handler sees every other line.  Both drop what is
 * above the level, split and terminate lines, and under systemd
 * (JOURNAL_STREAM naming our stderr) start each with its syslog priority,
 * <3> to <7>, as sd-daemon(3) describes.  The level (log_level, -v) is
 * libre's dbg level too.
 */
#ifndef SIPVNC_LOG_H
#define SIPVNC_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef DEBUG_MODULE
#define DEBUG_MODULE "sipvnc"
#endif
#ifndef DEBUG_LEVEL
#define DEBUG_LEVEL 6
#endif
#include <re_dbg.h>

/* What log_open() sets up; lives as long as the process logs. */
struct log {
	int level;      /* DBG_ERR .. DBG_DEBUG */
	bool journal;   /* stderr is the journal: <N> prefixes */
	bool forced;    /* -v: debug, whatever log_level says */
	/* a long line arriving in pieces (see log_printf); RFB threads log
	 * too, so the handler holds lock */
	pthread_mutex_t lock;
	char pending[1024];
	size_t pending_len;
};

/* One line of any length at a DBG_ level.  libre's dbg drops what does
 * not fit 256 bytes, so longer lines travel in pieces, each but the last
 * starting with \x1f; the handler joins them. */
void log_printf(int level, const char *fmt, ...);
#define log_err(...)   log_printf(DBG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(DBG_WARNING, __VA_ARGS__)
#define log_info(...)  log_printf(DBG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(DBG_DEBUG, __VA_ARGS__)

/* The hook msrp/, capture/ and sip/ log through (msrp_settings.logh,
 * capture_settings.logh, sipua_handlers.logh; arg: the struct log):
 * one whole line of any length at a DBG_ level, dropped above lg's level,
 * written like the rest.  Safe from any thread. */
void log_sink(int level, const char *line, void *arg);

/* Route libre's dbg output (ours included) through lg, at level info. */
void log_open(struct log *lg);
void log_close(void);
/* "error", "warn", "info" or "debug" to a DBG_ level; -1 if none. */
int log_level_parse(const char *name);
const char *log_level_name(int level);
/* Change the level (a -v given to log_open's owner wins over it). */
void log_set_level(struct log *lg, int level);
/* One line of any length (dbg_printf cuts at 255 bytes): for lines such
 * as the call audit whose URIs may be long. */
void log_line(const struct log *lg, int level, const char *fmt, ...);

#endif
