/*
 * msrp_log.c - msrp/'s log lines, formatted whole and handed to the hook
 * (levels, long lines and journal priorities are the program's business).
 */
#include <stdarg.h>
#include <stdio.h>
#include <re.h>
#include "msrp/msrp_log.h"

void msrp_log_from(struct msrp_log *lg, const struct msrp_settings *settings)
{
	lg->h = settings ? settings->logh : NULL;
	lg->arg = settings ? settings->log_arg : NULL;
}

void msrp_log(const struct msrp_log *lg, int level, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&s, fmt, ap);
	va_end(ap);
	if (err)
		return;
	if (lg && lg->h)
		lg->h(level, s, lg->arg);
	else
		(void)fputs(s, stderr);   /* tests and tools without a log */
	mem_deref(s);
}
