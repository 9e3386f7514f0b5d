/*
 * msrp_log.h - private to msrp/: every log line goes to the hook of the
 * settings that made the object logging (msrp_settings.logh), which the
 * program points at its log (levels, long lines, journal priorities).
 */
#ifndef SIPVNC_MSRP_LOG_H
#define SIPVNC_MSRP_LOG_H

/* for DBG_WARNING and DBG_INFO; the DEBUG_ names only keep re_dbg.h quiet */
#ifndef DEBUG_MODULE
#define DEBUG_MODULE "msrp"
#endif
#ifndef DEBUG_LEVEL
#define DEBUG_LEVEL 5
#endif
#include <re_dbg.h>
#include "msrp/msrp.h"

/* A copy of a settings' hook, kept by each object that logs (socket,
 * session, relay, certificate, connection): no hook is global. */
struct msrp_log {
	msrp_log_h *h;    /* NULL: standard error */
	void *arg;
};

/* lg from settings (NULL settings: no hook). */
void msrp_log_from(struct msrp_log *lg, const struct msrp_settings *settings);
/* One line at a DBG_ level through lg (NULL: standard error); in
 * msrp_log.c. */
void msrp_log(const struct msrp_log *lg, int level, const char *fmt, ...);
#define msrp_warn(lg, ...) msrp_log(lg, DBG_WARNING, __VA_ARGS__)
#define msrp_info(lg, ...) msrp_log(lg, DBG_INFO, __VA_ARGS__)

#endif
