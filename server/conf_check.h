/*
 * conf_check.h - check a configuration file before anything starts.
 *
 * libre's conf ignores what it is not asked for, so a misspelt `dney` line
 * would quietly let in a caller meant to be kept out.  Every key is in
 * the table of conf_keys.c, with the form its value must have.
 *
 * The functions are confcheck_*, not conf_check_*: conf_ is libre's
 * namespace (conf_alloc, conf_get ...), and a name of ours there could
 * one day collide with a libre symbol at link time.
 */
#ifndef SIPVNC_CONF_CHECK_H
#define SIPVNC_CONF_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when every line is a comment, blank, or a known key with a good
 * value; otherwise reports each problem as "FILE:LINE: message" (plain:
 * on stderr as is, for `sipvnc check`; else through the log) and returns
 * EINVAL, or errno when the file cannot be read.  *problems (may be NULL)
 * counts them. */
int confcheck_report(const char *path, bool plain, unsigned *problems);
/* confcheck_report(path, false, NULL) */
int confcheck_file(const char *path);
/* `sipvnc check -c FILE`: 0, 2 (usage) or 3 (problems, as sipvnc(1)). */
int confcheck_main(int argc, char *argv[]);

#endif
