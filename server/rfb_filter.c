/*
 * rfb_filter.c - the viewer's RFB stream checked on its way to
 * libvncserver, which trusts a client's SetPixelFormat: bits per pixel of
 * 0 reach its encoders (a division by zero that takes down the whole
 * process, found by tests/fuzz/fuzz_server_rfb.c) before it rejects them.
 * Message boundaries are followed (RFB 3.3-3.8, security None, then the
 * client messages libvncserver knows); a pixel format libvncserver cannot
 * serve, or a message it would not know anyway, ends the call here.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "server/rfb_filter.h"

enum phase { PH_VERSION, PH_SECURITY, PH_INIT, PH_MESSAGES, PH_BAD };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* How long the message starting in m (have bytes of it) is: 0 when more
 * bytes are needed to tell, -1 for a type we refuse. */
static long msg_len(const uint8_t *m, size_t have)
{
	uint32_t n;

	switch (m[0]) {
	case 0:   return 20;                  /* SetPixelFormat */
	case 2:   return have < 4 ? 0 : 4 + 4L * (m[2] << 8 | m[3]);
	case 3:   return 10;                  /* FramebufferUpdateRequest */
	case 4:   return 8;                   /* KeyEvent */
	case 5:   return 6;                   /* PointerEvent */
	case 6:                               /* ClientCutText */
		if (have < 8)
			return 0;
		n = be32(m + 4);
		/* negative: Extended Clipboard, its size is the magnitude */
		if (n & 0x80000000u)
			n = (uint32_t)-(int32_t)n;
		return n > RFB_FILTER_CUT_MAX ? -1 : 8 + (long)n;
	case 150: return 10;                  /* EnableContinuousUpdates */
	case 248: return have < 9 ? 0 : 9 + (long)m[8];   /* ClientFence */
	case 250: return 4;                   /* xvp */
	case 251: return have < 8 ? 0 : 8 + 16L * m[6];   /* SetDesktopSize */
	default:  return -1;
	}
}

/* What libvncserver can translate to. */
static bool pixel_format_ok(const uint8_t *pf)
{
	uint8_t bpp = pf[0], depth = pf[1];

	if (bpp != 8 && bpp != 16 && bpp != 32)
		return false;
	if (depth == 0 || depth > bpp)
		return false;
	/* true colour: the shifts must stay inside the pixel */
	if (pf[3] && (pf[10] >= bpp || pf[11] >= bpp || pf[12] >= bpp))
		return false;
	return true;
}

void rfb_filter_init(struct rfb_filter *f)
{
	memset(f, 0, sizeof(*f));
}

int rfb_filter_feed(struct rfb_filter *f, const uint8_t *p, size_t len)
{
	while (len && f->phase != PH_BAD) {
		size_t take;

		if (f->skip) {   /* the rest of a message already checked */
			take = len < f->skip ? len : (size_t)f->skip;
			f->skip -= take;
			p += take;
			len -= take;
			continue;
		}
		f->buf[f->have++] = *p++;
		len--;
		switch (f->phase) {
		case PH_VERSION:
			if (f->have < 12)
				break;
			if (memcmp(f->buf, "RFB 003.", 8) != 0) {
				f->phase = PH_BAD;
				break;
			}
			f->phase = (f->buf[9] - '0') * 10 + (f->buf[10] - '0')
				>= 7 || f->buf[8] != '0' ? PH_SECURITY : PH_INIT;
			f->have = 0;
			break;
		case PH_SECURITY:      /* the one byte: None */
		case PH_INIT:          /* ClientInit: shared flag */
			f->phase = f->phase == PH_SECURITY ? PH_INIT
							   : PH_MESSAGES;
			f->have = 0;
			break;
		case PH_MESSAGES: {
			long need = msg_len(f->buf, f->have);

			if (need < 0) {
				f->phase = PH_BAD;
				break;
			}
			/* the part kept: all of a SetPixelFormat, else the
			 * head that gives the length */
			if (!need || (f->buf[0] == 0 && f->have < 20))
				break;
			if (f->buf[0] == 0 && !pixel_format_ok(f->buf + 4)) {
				f->phase = PH_BAD;
				break;
			}
			f->skip = (uint32_t)need - f->have;
			f->have = 0;
			break;
		}
		default:
			break;
		}
	}
	return f->phase == PH_BAD ? EPROTO : 0;
}
