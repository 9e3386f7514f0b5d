/*
 * sip_log.h - private to sip/: log lines go through libre's dbg, which the
 * program routes to its log (levels, journal priorities).
 */
#ifndef SIPVNC_SIP_LOG_H
#define SIPVNC_SIP_LOG_H

#define DEBUG_MODULE "sip"
#define DEBUG_LEVEL 5
#include <re_dbg.h>

/* One line (any length) at a DBG_ level; in sip_log.c. */
void sip_log(int level, const char *fmt, ...);
#define sipua_log(...) sip_log(DBG_INFO, "sip: " __VA_ARGS__)
#define sipua_warn(...) sip_log(DBG_WARNING, "sip: " __VA_ARGS__)

#endif
