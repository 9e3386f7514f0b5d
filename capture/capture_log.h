/*
 * capture_log.h - private to capture/: log lines go through libre's dbg,
 * which the program routes to its log (levels, journal priorities).
 * dbg_printf formats as re_printf does; it is safe from the input threads.
 */
#ifndef SIPVNC_CAPTURE_LOG_H
#define SIPVNC_CAPTURE_LOG_H

#define DEBUG_MODULE "capture"
#define DEBUG_LEVEL 5
#include <re_dbg.h>

/* One line (any length) at a DBG_ level; in capture_log.c. */
void capture_log(int level, const char *fmt, ...);
#define capture_warn(...) capture_log(DBG_WARNING, __VA_ARGS__)
#define capture_info(...) capture_log(DBG_INFO, __VA_ARGS__)

#endif
