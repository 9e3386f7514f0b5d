/*
 * sip_log.c - sip/'s log lines, formatted whole and handed to the hook in
 * the ua's handlers: the program decides levels, long lines and journal
 * priorities, in one place for every library.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <re.h>
#include "sip/sipua.h"
#include "sip/sipua_int.h"
#include "sip/sip_log.h"

void sip_log(const struct sipua *ua, int level, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&s, fmt, ap);
	va_end(ap);
	if (err)
		return;
	if (ua && ua->handlers.logh)
		ua->handlers.logh(level, s, ua->handlers.log_arg);
	else
		(void)fputs(s, stderr);   /* tests and tools without a log */
	mem_deref(s);
}
