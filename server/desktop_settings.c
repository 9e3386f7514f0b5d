/*
 * desktop_settings.c - a viewer's pixel format and encodings applied
 * while no update is being encoded.
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
 * libvncserver's own handler would.  Its encodings, set as unlocked,
 * break the update being encoded instead (rfb_frame.h): each SetEncodings
 * comes behind a private byte, on which libvncserver's own handler reads
 * and applies it under the same lock.
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

/* RFB_FRAME_MSG_PRIVATE_PF, its type read. */
static void apply_pixel_format(rfbClientPtr cl)
{
	uint8_t m[19];   /* the message after its type: padding, format */
	const uint8_t *pf = m + 3;
	uint8_t mark[WEB_DESK_PF_MARK_LEN] = { WEB_DESK_MSG_PF_MARK };
	bool marked = true;

	if (rfbReadExact(cl, (char *)m, sizeof(m)) <= 0) {
		rfbCloseClient(cl);
		return;
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
}

/* RFB_FRAME_MSG_PRIVATE_LOCKED, its byte read: the SetEncodings behind
 * it, read and applied by libvncserver under the send lock.  Its handler
 * takes no lock of ours (it may write, under the output lock only, as
 * every sender here does after the send lock), and the event loop only
 * ever tries this one, so waiting for the rest of the message here holds
 * up nobody but this viewer's own output.  Anything but a SetEncodings
 * behind the byte would come from a broken filter: the client ends.
 * (libvncserver's handler takes the send lock itself only to answer xvp,
 * which needs a screen->xvpHook; sipvnc sets none.) */
static void apply_encodings(rfbClientPtr cl)
{
	char type = 0;

	if (rfbPeekExactTimeout(cl, &type, 1, rfbMaxClientWait) <= 0 ||
	    type != rfbSetEncodings) {
		rfbCloseClient(cl);
		return;
	}
	pthread_mutex_lock(&cl->sendMutex);
	rfbProcessClientMessage(cl);
	pthread_mutex_unlock(&cl->sendMutex);
}

static rfbBool on_message(rfbClientPtr cl, void *data,
			  const rfbClientToServerMsg *msg)
{
	(void)data;
	switch (msg->type) {
	case RFB_FRAME_MSG_PRIVATE_PF:
		apply_pixel_format(cl);
		return TRUE;
	case RFB_FRAME_MSG_PRIVATE_LOCKED:
		apply_encodings(cl);
		return TRUE;
	default:
		return FALSE;
	}
}

/* libvncserver keeps its extensions in one process-wide list, which
 * takes this one once however many desktops are opened. */
static rfbProtocolExtension settings_extension = {
	.newClient = on_new_client,
	.handleMessage = on_message,
};

/* libvncserver 0.9.14 frees neither the record rfbEnableExtension()
 * made for a client nor (rfbDisableExtension) unlinked ones: 24 bytes a
 * call.  The client-gone hook drops ours. */
void desktop_settings_forget(rfbClientPtr cl)
{
	rfbExtensionData **pp = &cl->extensions;

	while (*pp) {
		rfbExtensionData *e = *pp, *next = e->next;

		if (e->extension == &settings_extension) {
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
	rfbRegisterProtocolExtension(&settings_extension);
}

void desktop_settings_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, register_once);
}
