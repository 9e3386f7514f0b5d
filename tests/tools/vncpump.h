/*
 * vncpump.h - one step of a libvncclient viewer's loop, for the test tools.
 *
 * libvncclient reads the socket in large pieces: several server messages
 * can sit in its buffer while select() sees nothing more to read.
 * WaitForMessage() only looks at the socket, so a loop built on it alone
 * stalls with a whole frame buffered.  Handle what is buffered first.
 */
#ifndef SIPVNC_VNCPUMP_H
#define SIPVNC_VNCPUMP_H

#include <rfb/rfbclient.h>

/* 1: a message was handled or the time ran out; 0: the connection is
 * gone. */
static inline int vnc_pump(rfbClient *cl, unsigned usec)
{
	int n = cl->buffered ? 1 : WaitForMessage(cl, usec);

	if (n < 0)
		return 0;
	if (n > 0 && !HandleRFBServerMessage(cl))
		return 0;
	return 1;
}

#endif
