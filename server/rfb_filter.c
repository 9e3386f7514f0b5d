/*
 * rfb_filter.c - the viewer's RFB stream checked on its way to
 * libvncserver, which trusts a client's SetPixelFormat: bits per pixel of
 * 0 reach its encoders (a division by zero that takes down the whole
 * process, found by tests/fuzz/fuzz_server_rfb.c) before it rejects them.
 * The handshake is followed here (RFB 3.3-3.8, security None, ClientInit);
 * the messages after it go through the one client-message framer
 * (rfb_frame.h) with control rights: libvncserver applies the caller's
 * own (viewOnly), so nothing is dropped, but a pixel format libvncserver
 * cannot serve, or a message that cannot be framed, ends the call here.
 * A pixel format that passes goes out under a private type, applied by
 * desktop.c where libvncserver's encoder cannot be reading the old one.
 */
#include <string.h>

#include "server/rfb_filter.h"

enum phase { PH_VERSION, PH_SECURITY, PH_INIT, PH_MESSAGES, PH_BAD };

void rfb_filter_init(struct rfb_filter *f)
{
	memset(f, 0, sizeof(*f));
	rfb_frame_init(&f->frame, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
}

long rfb_filter_pass(struct rfb_filter *f, const uint8_t *p, size_t len,
		     uint8_t *out)
{
	const char *why = "";
	size_t o = 0;
	long k;

	while (len && f->phase < PH_MESSAGES) {
		uint8_t b = *p++;

		len--;
		out[o++] = b;
		switch (f->phase) {
		case PH_VERSION:
			f->buf[f->have++] = b;
			if (f->have < sizeof(f->buf))
				break;
			if (memcmp(f->buf, "RFB 003.", 8) != 0) {
				f->phase = PH_BAD;
				break;
			}
			/* 3.7 and later choose a security type; 3.3 not */
			f->phase = (f->buf[9] - '0') * 10 + (f->buf[10] - '0')
				>= 7 || f->buf[8] != '0' ? PH_SECURITY : PH_INIT;
			break;
		case PH_SECURITY:      /* the one byte: None */
			f->phase = PH_INIT;
			break;
		default:               /* ClientInit: shared flag */
			f->phase = PH_MESSAGES;
			break;
		}
	}
	if (f->phase == PH_BAD)
		return -1;
	if (!len)
		return (long)o;
	k = rfb_frame_feed(&f->frame, p, len, out + o, &why);
	if (k < 0) {
		f->phase = PH_BAD;
		return -1;
	}
	return (long)o + k;
}
