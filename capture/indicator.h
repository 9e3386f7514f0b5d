/*
 * indicator.h - the notice on the shared display that tells the person
 * at the screen who is watching, with a "Stop sharing" button.
 *
 * A small override-redirect window in the top right corner, in front of
 * everything (raised again whenever something covers it).  It never takes
 * the keyboard focus (no window manager gives focus to override-redirect
 * windows, WM_HINTS says input=False, and it never asks) and never grabs
 * the pointer; only a click on its button does anything.  Its own X
 * connection, so its events never mix with the capture's.  Knows nothing
 * of who the viewers are: it shows the lines it is given.  One thread
 * (the event loop).
 */
#ifndef SIPVNC_CAPTURE_INDICATOR_H
#define SIPVNC_CAPTURE_INDICATOR_H

#include <stddef.h>

struct capture_indicator;

/* A click on "Stop sharing" (pressed and released on it). */
typedef void (capture_indicator_stop_h)(void *arg);

/* Connect to display (NULL: $DISPLAY); nothing shows until
 * capture_indicator_show() is given lines. */
int capture_indicator_open(struct capture_indicator **indp,
			   const char *display,
			   capture_indicator_stop_h *stoph, void *arg);
void capture_indicator_close(struct capture_indicator *ind);

/* The X connection's descriptor: when readable, call _process(). */
int capture_indicator_fd(const struct capture_indicator *ind);
/* Handle what X sent.  0, or EPIPE once the X connection is gone. */
int capture_indicator_process(struct capture_indicator *ind);

/* One line per viewer (any bytes: shown as printable ASCII, cut to fit);
 * n == 0 hides the notice. */
int capture_indicator_show(struct capture_indicator *ind,
			   const char *const *lines, size_t n);

#endif
