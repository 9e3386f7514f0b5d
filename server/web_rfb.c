/*
 * web_rfb.c - our greeting to the browser, then its messages through the
 * one client-message framer (rfb_frame.h) with the web user's rights.
 */
#include <string.h>

#include "server/web_rfb.h"

const uint8_t web_rfb_version[WEB_RFB_VERSION_LEN] = {
	'R', 'F', 'B', ' ', '0', '0', '3', '.', '0', '0', '8', '\n',
};
const uint8_t web_rfb_types[WEB_RFB_TYPES_LEN] = {
	1,   /* one security type */
	1,   /* None: the call is the far end's authorisation, the login or
	        the token ours */
};

enum { S_VERSION, S_SECTYPE, S_CLIENTINIT, S_MESSAGES };

void web_rfb_init(struct web_rfb *wr, bool control, bool lossless)
{
	memset(wr, 0, sizeof(*wr));
	wr->state = S_VERSION;
	rfb_frame_init(&wr->frame, (control ? RFB_FRAME_CONTROL : 0) |
		       (lossless ? RFB_FRAME_LOSSLESS : 0));
}

enum web_rfb_step web_rfb_step(const struct web_rfb *wr)
{
	return wr->state == S_VERSION ? WEB_RFB_WANT_VERSION :
		wr->state == S_SECTYPE ? WEB_RFB_WANT_TYPE :
		WEB_RFB_PAST_SECURITY;
}

long web_rfb_filter(struct web_rfb *wr, const uint8_t *in, size_t len,
		    uint8_t *out, const char **why)
{
	size_t i = 0, o = 0, n;
	long k;

	while (i < len && wr->state != S_MESSAGES) {
		switch (wr->state) {
		case S_VERSION:
			n = WEB_RFB_VERSION_LEN - wr->have;
			n = n < len - i ? n : len - i;
			/* only "RFB 003.008\n" answers our 3.8 */
			if (memcmp(in + i, web_rfb_version + wr->have, n) != 0) {
				*why = "the browser did not answer RFB 3.8";
				return -1;
			}
			wr->have += n;
			i += n;
			if (wr->have == WEB_RFB_VERSION_LEN)
				wr->state = S_SECTYPE;
			break;
		case S_SECTYPE:
			if (in[i++] != 1) {
				*why = "the browser picked a security type we "
					"did not offer";
				return -1;
			}
			wr->state = S_CLIENTINIT;
			break;
		default:   /* S_CLIENTINIT */
			/* shared-flag: the far end decides what it means */
			out[o++] = in[i++];
			wr->state = S_MESSAGES;
			break;
		}
	}
	if (i == len)
		return (long)o;
	k = rfb_frame_feed(&wr->frame, in + i, len - i, out + o, why);
	return k < 0 ? -1 : (long)o + k;
}
