/*
 * capture_log.h - private to capture/: every log line goes to the hook of
 * the capture's settings (capture_open_area()), which the program points
 * at its log (levels, long lines, journal priorities).
 */
#ifndef SIPVNC_CAPTURE_LOG_H
#define SIPVNC_CAPTURE_LOG_H

/* for DBG_WARNING and DBG_INFO; the DEBUG_ names only keep re_dbg.h quiet */
#ifndef DEBUG_MODULE
#define DEBUG_MODULE "capture"
#endif
#ifndef DEBUG_LEVEL
#define DEBUG_LEVEL 5
#endif
#include <re_dbg.h>
#include "capture/capture.h"

/* One line at a DBG_ level through settings' hook (NULL settings or hook:
 * standard error); in capture_log.c. */
void capture_log(const struct capture_settings *settings, int level,
		 const char *fmt, ...);
#define capture_warn(cap, ...) \
	capture_log(&(cap)->settings, DBG_WARNING, __VA_ARGS__)
#define capture_info(cap, ...) \
	capture_log(&(cap)->settings, DBG_INFO, __VA_ARGS__)

#endif
