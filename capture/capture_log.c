/*
 * capture_log.c - capture/'s log lines, formatted whole and handed to the
 * hook (levels, long lines and journal priorities are the program's
 * business).
 */
#include <stdarg.h>
#include <stdio.h>
#include <re.h>
#include "capture/capture_log.h"

void capture_log(const struct capture_settings *settings, int level,
		 const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&s, fmt, ap);
	va_end(ap);
	if (err)
		return;
	if (settings && settings->logh)
		settings->logh(level, s, settings->log_arg);
	else
		(void)fputs(s, stderr);   /* tests and tools without a log */
	mem_deref(s);
}
