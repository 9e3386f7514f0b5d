/*
 * sip_log.h - private to sip/: log lines, formatted whole and handed to
 * the hook the program gave sipua_alloc() (sipua_handlers.logh); levels,
 * long lines and journal priorities are the program's business.
 */
#ifndef SIPVNC_SIP_LOG_H
#define SIPVNC_SIP_LOG_H

#define DEBUG_MODULE "sip"
#define DEBUG_LEVEL 5
#include <re_dbg.h>

struct sipua;

/* One line (any length) at a DBG_ level through ua's hook; without a ua
 * or hook (tests, tools) on standard error.  In sip_log.c. */
void sip_log(const struct sipua *ua, int level, const char *fmt, ...);
#define sipua_log(ua, ...) sip_log(ua, DBG_INFO, "sip: " __VA_ARGS__)
#define sipua_warn(ua, ...) sip_log(ua, DBG_WARNING, "sip: " __VA_ARGS__)

#endif
