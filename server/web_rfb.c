/*
 * web_rfb.c - our greeting to the browser and the filter over what it
 * sends (RFC 6143 section 7.5, plus the extensions noVNC may use).
 */
#include <string.h>

#include "server/web_desk.h"
#include "server/web_rfb.h"

const uint8_t web_rfb_version[WEB_RFB_VERSION_LEN] = {
	'R', 'F', 'B', ' ', '0', '0', '3', '.', '0', '0', '8', '\n',
};
const uint8_t web_rfb_types[WEB_RFB_TYPES_LEN] = {
	1,   /* one security type */
	1,   /* None: the call is the far end's authorisation, the login or
	        the token ours */
};

enum { S_VERSION, S_SECTYPE, S_CLIENTINIT, S_TYPE, S_HEADER, S_BODY };

enum {
	MSG_SET_PIXEL_FORMAT = 0,
	MSG_SET_ENCODINGS = 2,
	MSG_UPDATE_REQUEST = 3,
	MSG_KEY = 4,
	MSG_POINTER = 5,
	MSG_CUT_TEXT = 6,
	MSG_CONTINUOUS_UPDATES = 150,
	MSG_FENCE = 248,
	MSG_XVP = 250,
	MSG_SET_DESKTOP_SIZE = 251,
	MSG_QEMU = 255,
	/* a paste larger than this is refused rather than passed on: the
	 * desktop would have to hold it whole */
	CUT_TEXT_MAX = 16 * 1024 * 1024,
	FENCE_MAX = 64,
	/* tight's JPEG quality pseudo-encodings */
	ENC_QUALITY_FIRST = -32,
	ENC_QUALITY_LAST = -23,
	/* what a quality level is replaced with: a pseudo-encoding nobody
	 * defines, which servers ignore (so the list keeps its length) */
	ENC_IGNORED = 0x53564e43,
};

void web_rfb_init(struct web_rfb *wr, bool control, bool lossless)
{
	memset(wr, 0, sizeof(*wr));
	wr->control = control;
	wr->lossless = lossless;
	wr->state = S_VERSION;
	wr->want = 12;
}

enum web_rfb_step web_rfb_step(const struct web_rfb *wr)
{
	return wr->state == S_VERSION ? WEB_RFB_WANT_VERSION :
		wr->state == S_SECTYPE ? WEB_RFB_WANT_TYPE :
		WEB_RFB_PAST_SECURITY;
}

/* Length of a message's fixed part, 0 for an unknown type. */
static size_t fixed_len(uint8_t type)
{
	switch (type) {
	case MSG_SET_PIXEL_FORMAT:   return 20;
	case MSG_SET_ENCODINGS:      return 4;
	case MSG_UPDATE_REQUEST:     return 10;
	case MSG_KEY:                return 8;
	case MSG_POINTER:            return 6;
	case MSG_CUT_TEXT:           return 8;
	case MSG_CONTINUOUS_UPDATES: return 10;
	case MSG_FENCE:              return 9;
	case MSG_XVP:                return 4;
	case MSG_SET_DESKTOP_SIZE:   return 8;
	case MSG_QEMU:               return 2;
	default:                     return 0;
	}
}

/* Input, clipboard, and requests that change the desktop itself. */
static bool needs_control(uint8_t type)
{
	return type == MSG_KEY || type == MSG_POINTER || type == MSG_CUT_TEXT ||
		type == MSG_XVP || type == MSG_SET_DESKTOP_SIZE ||
		type == MSG_QEMU;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* The fixed part is in hdr: how long is the rest?  -1: unframable. */
static int body_len(struct web_rfb *wr, const char **why)
{
	const uint8_t *h = wr->hdr;
	uint32_t n;

	switch (wr->type) {
	case MSG_SET_ENCODINGS:
		wr->left = 4u * ((unsigned)h[2] << 8 | h[3]);
		return 0;
	case MSG_CUT_TEXT:
		n = be32(h + 4);
		/* negative: the extended clipboard, its length is -n */
		if (n & 0x80000000u)
			n = 0u - n;
		if (n > CUT_TEXT_MAX) {
			*why = "clipboard text over 16 MiB";
			return -1;
		}
		wr->left = n;
		return 0;
	case MSG_FENCE:
		if (h[8] > FENCE_MAX) {
			*why = "fence payload over 64 bytes";
			return -1;
		}
		wr->left = h[8];
		return 0;
	case MSG_SET_DESKTOP_SIZE:
		wr->left = 16u * h[6];
		return 0;
	case MSG_QEMU:
		if (h[1] != 0) {   /* only the extended key event frames */
			*why = "unknown QEMU client message";
			return -1;
		}
		wr->left = 10;
		return 0;
	default:
		wr->left = fixed_len(wr->type) - wr->have;
		return 0;
	}
}

/* A whole message's head is in hdr: what the desktop framer must know.
 * Without control rights, the desktop's stream is framed (web_desk.h),
 * which needs the pixel format of every update: a format changed while
 * updates flow (RFC 6143 7.5.1 forbids it with one outstanding) could
 * hide the desktop's clipboard inside what looks like pixels. */
static int pixel_format(struct web_rfb *wr, const char **why)
{
	if (wr->type == MSG_UPDATE_REQUEST ||
	    wr->type == MSG_CONTINUOUS_UPDATES)
		wr->asked = true;
	if (wr->type != MSG_SET_PIXEL_FORMAT)
		return 0;
	if (!wr->control && wr->asked) {
		*why = "the pixel format changed after updates were asked for";
		return -1;
	}
	if (wr->hdr[4] != 8 && wr->hdr[4] != 16 && wr->hdr[4] != 32) {
		*why = "a pixel format without whole bytes a pixel";
		return -1;
	}
	memcpy(wr->pf, wr->hdr + 4, sizeof(wr->pf));
	wr->pf_new = true;
	return 0;
}

/* One byte of a SetEncodings list; writes whole encodings only. */
static size_t encoding_byte(struct web_rfb *wr, uint8_t b, uint8_t *out)
{
	int32_t enc;

	wr->enc[wr->enc_have++] = b;
	if (wr->enc_have < 4)
		return 0;
	wr->enc_have = 0;
	enc = (int32_t)be32(wr->enc);
	if (wr->lossless && enc >= ENC_QUALITY_FIRST &&
	    enc <= ENC_QUALITY_LAST)
		enc = ENC_IGNORED;
	/* view: the desktop's stream must stay framable (web_desk.h) */
	if (!wr->control && !web_desk_encoding_ok(enc))
		enc = ENC_IGNORED;
	out[0] = (uint8_t)((uint32_t)enc >> 24);
	out[1] = (uint8_t)((uint32_t)enc >> 16);
	out[2] = (uint8_t)((uint32_t)enc >> 8);
	out[3] = (uint8_t)enc;
	return 4;
}

long web_rfb_filter(struct web_rfb *wr, const uint8_t *in, size_t len,
		    uint8_t *out, const char **why)
{
	size_t i = 0, o = 0, n;

	while (i < len) {
		switch (wr->state) {

		case S_VERSION:
			n = wr->want - wr->have;
			n = n < len - i ? n : len - i;
			/* only "RFB 003.008\n" answers our 3.8 */
			if (memcmp(in + i, &"RFB 003.008\n"[wr->have], n) != 0) {
				*why = "the browser did not answer RFB 3.8";
				return -1;
			}
			wr->have += n;
			i += n;
			if (wr->have == wr->want) {
				wr->state = S_SECTYPE;
				wr->have = 0;
			}
			break;

		case S_SECTYPE:
			if (in[i++] != 1) {
				*why = "the browser picked a security type we "
					"did not offer";
				return -1;
			}
			wr->state = S_CLIENTINIT;
			break;

		case S_CLIENTINIT:
			/* shared-flag: the far end decides what it means */
			out[o++] = in[i++];
			wr->state = S_TYPE;
			break;

		case S_TYPE:
			wr->type = in[i++];
			if (!fixed_len(wr->type)) {
				*why = "unknown RFB client message";
				return -1;
			}
			wr->dropping = !wr->control && needs_control(wr->type);
			if (wr->dropping)
				wr->dropped++;
			wr->hdr[0] = wr->type;
			wr->have = 1;
			wr->want = fixed_len(wr->type);
			if (!wr->dropping)
				out[o++] = wr->type;
			wr->state = S_HEADER;
			if (wr->have < wr->want)
				break;
			/* fall through: a one-byte fixed part */
			/* FALLTHROUGH */
		case S_HEADER:
			while (i < len && wr->have < wr->want) {
				uint8_t b = in[i++];

				/* what body_len() reads: up to byte 8 */
				if (wr->have < sizeof(wr->hdr))
					wr->hdr[wr->have] = b;
				wr->have++;
				if (!wr->dropping)
					out[o++] = b;
			}
			if (wr->have < wr->want)
				break;
			if (body_len(wr, why) || pixel_format(wr, why))
				return -1;
			wr->enc_have = 0;
			wr->state = wr->left ? S_BODY : S_TYPE;
			break;

		case S_BODY:
			n = len - i < wr->left ? len - i : (size_t)wr->left;
			if (wr->dropping) {
				/* skipped */
			}
			else if (wr->type == MSG_SET_ENCODINGS) {
				size_t k;

				for (k = 0; k < n; k++)
					o += encoding_byte(wr, in[i + k],
							   out + o);
			}
			else {
				memcpy(out + o, in + i, n);
				o += n;
			}
			i += n;
			wr->left -= n;
			if (!wr->left)
				wr->state = S_TYPE;
			break;
		}
	}
	return (long)o;
}
