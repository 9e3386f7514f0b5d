/*
 * view_passwd.h - the VNC password of `sipvnc view`'s TCP port: made at
 * random, stored as vncpasswd / TigerVNC's `-passwd` read it, and checked
 * against a viewer's answer to our challenge (RFC 6143 7.2.2).
 */
#ifndef SIPVNC_VIEW_PASSWD_H
#define SIPVNC_VIEW_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { VIEW_PASSWD_MAX = 8 };   /* all that VNC authentication uses */

/* len (at most VIEW_PASSWD_MAX) random letters and digits, NUL-ended. */
int view_passwd_make(char *out, size_t len);
/* Write the password file, mode 0600, replacing what is at path. */
int view_passwd_write(const char *path, const char *passwd);
/* Whether response is the 16-byte challenge encrypted with passwd. */
bool view_passwd_check(const char *passwd, const uint8_t challenge[16],
		       const uint8_t response[16]);

#endif
