/*
 * conf_check.h - reject configuration files with keys sipvnc does not know.
 *
 * libre's conf ignores what it is not asked for, so a misspelt `dney` line
 * would quietly let in a caller meant to be kept out.  Every module's keys
 * are listed in conf_check.c; a new key must be added there.
 */
#ifndef SIPVNC_CONF_CHECK_H
#define SIPVNC_CONF_CHECK_H

/* 0 when every line of the file is a comment, blank, or a known key with a
 * value; otherwise prints "FILE:LINE: ..." on stderr and returns EINVAL. */
int conf_check_file(const char *path);

#endif
