/*
 * indicator.h - the person at the screen sees who is watching (capture/'s
 * indicator window, fed with the calls we serve our screen to) and can
 * end every call with its "Stop sharing" button.  `indicator no` in the
 * configuration turns it off for unattended kiosks.
 */
#ifndef SIPVNC_INDICATOR_H
#define SIPVNC_INDICATOR_H

struct app;

/* Reads `indicator` from app->conf; opens the window's X connection on
 * display (NULL: $DISPLAY) unless it is off.  EINVAL (logged) for a bad
 * value. */
int indicator_open(struct app *app, const char *display);
void indicator_close(struct app *app);
/* The calls changed: show who watches now (or hide). */
void indicator_update(struct app *app);

#endif
