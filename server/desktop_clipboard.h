/*
 * desktop_clipboard.h - who shares the desktop's clipboard (the
 * `clipboard` configuration key).
 */
#ifndef SIPVNC_DESKTOP_CLIPBOARD_H
#define SIPVNC_DESKTOP_CLIPBOARD_H

struct desktop;

/* "control" (the default: only viewers with control rights send and get
 * the clipboard; it may hold passwords), "all" (view-only viewers too) or
 * "off".  Returns EINVAL for anything else.  Event loop thread. */
int desktop_set_clipboard_policy(struct desktop *dt, const char *policy);

#endif
