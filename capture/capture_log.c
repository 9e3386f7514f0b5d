/*
 * capture_log.c - capture/'s log lines, through libre's dbg: the program routes
 * them to its log (levels, one line each, journal priorities).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <re.h>
#include "capture/capture_log.h"

/* libre's dbg formats into 256 bytes and drops anything longer, so a
 * long line (URIs, fingerprints) goes in pieces: each but the last starts
 * with \x1f ("more follows"), and the program's handler joins them. */
void capture_log(int level, const char *fmt, ...)
{
	enum { PIECE = 200 };
	char *s = NULL;
	va_list ap;
	size_t len, off;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&s, fmt, ap);
	va_end(ap);
	if (err)
		return;
	len = str_len(s);
	for (off = 0; off + PIECE < len; off += PIECE)
		dbg_printf(level, "\x1f%b", s + off, (size_t)PIECE);
	dbg_printf(level, "%b", s + off, len - off);
	mem_deref(s);
}
