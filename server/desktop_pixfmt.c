/*
 * desktop_pixfmt.c - a viewer's pixel format applied while no update is
 * being encoded.
 *
 * libvncserver 0.9.14 sets a client's format and translate function on
 * its input thread, unlocked, while the output thread may be encoding an
 * update under the client's send lock: the encoder then meets a
 * translate function whose tables are not made yet (a NULL read, found
 * by tests/fuzz/fuzz_server_rfb.c) or a row length of the other format
 * (a write past its update buffer).  Any viewer that changes its format
 * while updates flow, as TigerVNC's automatic colour level does, could
 * take the whole process down.  rfb_filter.c hands libvncserver a
 * true-colour SetPixelFormat under a private type (rfb_frame.h), and this
 * protocol extension applies it under the send lock, exactly as
 * libvncserver's own handler would.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/desktop_int.h"
#include "server/rfb_frame.h"
#include "server/web_desk.h"

static rfbBool on_new_client(rfbClientPtr cl, void **data)
{
	(void)cl;
	*data = NULL;
	return TRUE;      /* every client: its messages may carry the type */
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static rfbBool on_message(rfbClientPtr cl, void *data,
			  const rfbClientToServerMsg *msg)
{
	uint8_t m[19];   /* the message after its type: padding, format */
	const uint8_t *pf = m + 3;
	uint8_t mark[WEB_DESK_PF_MARK_LEN] = { WEB_DESK_MSG_PF_MARK };
	bool marked = true;

	(void)data;
	if (msg->type != RFB_FRAME_MSG_PRIVATE_PF)
		return FALSE;
	if (rfbReadExact(cl, (char *)m, sizeof(m)) <= 0) {
		rfbCloseClient(cl);
		return TRUE;
	}
	pthread_mutex_lock(&cl->sendMutex);
	cl->format.bitsPerPixel = pf[0];
	cl->format.depth = pf[1];
	cl->format.bigEndian = pf[2] ? TRUE : FALSE;
	cl->format.trueColour = TRUE;   /* the filter sends no other */
	cl->format.redMax = be16(pf + 4);
	cl->format.greenMax = be16(pf + 6);
	cl->format.blueMax = be16(pf + 8);
	cl->format.redShift = pf[10];
	cl->format.greenShift = pf[11];
	cl->format.blueShift = pf[12];
	cl->readyForSetColourMapEntries = TRUE;
	/* true colour: sends nothing, so the lock is not taken again */
	cl->screen->setTranslateFunction(cl);
	/* a framed stream learns here, between two updates, that the
	 * format changes (web_desk.h) */
	if (m[0] == RFB_FRAME_PF_MARK) {
		memcpy(mark + 4, pf, 16);
		marked = rfbWriteExact(cl, (const char *)mark,
				       sizeof(mark)) > 0;
	}
	pthread_mutex_unlock(&cl->sendMutex);
	if (!marked)
		rfbCloseClient(cl);
	return TRUE;
}

/* libvncserver keeps its extensions in one process-wide list, which
 * takes this one once however many desktops are opened. */
static rfbProtocolExtension pixfmt_extension = {
	.newClient = on_new_client,
	.handleMessage = on_message,
};

/* libvncserver 0.9.14 frees neither the record rfbEnableExtension()
 * made for a client nor (rfbDisableExtension) unlinked ones: 24 bytes a
 * call.  The client-gone hook drops ours. */
void desktop_pixfmt_forget(rfbClientPtr cl)
{
	rfbExtensionData **pp = &cl->extensions;

	while (*pp) {
		rfbExtensionData *e = *pp, *next = e->next;

		if (e->extension == &pixfmt_extension) {
			/* freed before it is unlinked, so that a leak check
			 * running meanwhile always finds it (desktop.c) */
			free(e);
			*pp = next;
			continue;
		}
		pp = &e->next;
	}
}

static void register_once(void)
{
	rfbRegisterProtocolExtension(&pixfmt_extension);
}

void desktop_pixfmt_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, register_once);
}
