/*
 * msrp_log.h - private to msrp/: log lines go through libre's dbg, which
 * the program routes to its log (levels, journal priorities).
 */
#ifndef SIPVNC_MSRP_LOG_H
#define SIPVNC_MSRP_LOG_H

#define DEBUG_MODULE "msrp"
#define DEBUG_LEVEL 5
#include <re_dbg.h>

/* One line (any length) at a DBG_ level; in msrp_log.c. */
void msrp_log(int level, const char *fmt, ...);
#define msrp_warn(...) msrp_log(DBG_WARNING, __VA_ARGS__)
#define msrp_info(...) msrp_log(DBG_INFO, __VA_ARGS__)

#endif
