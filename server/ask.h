/*
 * ask.h - the dialog that asks the person at the screen about a caller.
 */
#ifndef SIPVNC_ASK_H
#define SIPVNC_ASK_H

/* `sipvnc ask CALLER view|control` on $DISPLAY; argv[0] is "ask".
 * Returns the exit status: 0 allow, 1 reject (or the dialog was closed),
 * 2 the dialog could not be shown. */
int ask_main(int argc, char *argv[]);

#endif
