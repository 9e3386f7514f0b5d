/*
 * web_desk.c - the desktop's RFB messages framed (RFC 6143 section 7.6
 * and the rfbproto extensions noVNC asks for), its clipboard dropped:
 * web_desk.h says why.
 *
 * Bytes pass as they come; only the fixed parts that give a length are
 * looked at.  Each step collects `want` bytes into hdr, then its handler
 * says what follows: more header, a run of bytes to pass or drop, or the
 * next message.
 */
#include <string.h>

#include "server/web_desk.h"

enum step {
	ST_INIT,       /* ServerInit: size, pixel format, name length */
	ST_TYPE,       /* a message's type */
	ST_UPDATE,     /* FramebufferUpdate: padding, rectangle count */
	ST_COLOURMAP,  /* SetColourMapEntries: first, count */
	ST_CUT,        /* ServerCutText: padding, length */
	ST_FENCE,      /* ServerFence: flags, length */
	ST_XVP,        /* xvp: version, code */
	ST_RECT,       /* a rectangle's header */
	ST_LEN32,      /* zlib, ZRLE, DesktopName: a 4-byte length */
	ST_SCREENS,    /* ExtendedDesktopSize: screen count, padding */
	ST_TIGHT,      /* tight's compression control */
	ST_TFILTER,    /* tight basic: filter id */
	ST_TPALETTE,   /* tight palette: colours - 1 */
	ST_COMPACT,    /* tight: a 1-3 byte length */
	ST_PF_MARK,    /* WEB_DESK_MSG_PF_MARK: padding, pixel format */
};

/* What follows a run of skipped bytes. */
enum then { K_TYPE, K_RECT_DONE, K_TIGHT_DATA };

enum {
	MSG_UPDATE = 0, MSG_COLOURMAP = 1, MSG_BELL = 2, MSG_CUT = 3,
	MSG_END_CU = 150, MSG_FENCE = 248, MSG_XVP = 250,

	ENC_RAW = 0, ENC_COPYRECT = 1, ENC_ZLIB = 6, ENC_TIGHT = 7,
	ENC_ZRLE = 16, ENC_TIGHTPNG = -260,
	ENC_CURSOR = -239, ENC_XCURSOR = -240, ENC_DESKTOPSIZE = -223,
	ENC_LASTRECT = -224, ENC_POINTERPOS = -232, ENC_QEMU_KEY = -258,
	ENC_EXT_DESKTOPSIZE = -308, ENC_DESKTOPNAME = -307,
	ENC_XVP = -309, ENC_FENCE = -312, ENC_CONTINUOUS = -313,
	/* libvncserver's own, which a browser is never let ask for; a
	 * grouped viewer's own client may send them (rfb_group.h) */
	ENC_LED_STATE = (int32_t)0xFFFE0000, ENC_SUPP_MESSAGES,
	ENC_SUPP_ENCODINGS, ENC_SERVER_IDENTITY,
	ENC_COMPRESS_FIRST = -256, ENC_COMPRESS_LAST = -247,
	ENC_QUALITY_FIRST = -32, ENC_QUALITY_LAST = -23,

	TIGHT_FILL = 8, TIGHT_JPEG = 9, TIGHT_PNG = 10,
	TIGHT_COPY = 0, TIGHT_PALETTE = 1, TIGHT_GRADIENT = 2,
	TIGHT_MIN_TO_COMPRESS = 12,
};

bool web_desk_encoding_ok(int32_t enc)
{
	switch (enc) {
	case ENC_RAW: case ENC_COPYRECT: case ENC_ZLIB: case ENC_TIGHT:
	case ENC_ZRLE: case ENC_TIGHTPNG: case ENC_CURSOR: case ENC_XCURSOR:
	case ENC_DESKTOPSIZE: case ENC_LASTRECT: case ENC_POINTERPOS:
	case ENC_QEMU_KEY: case ENC_EXT_DESKTOPSIZE: case ENC_DESKTOPNAME:
	case ENC_XVP: case ENC_FENCE: case ENC_CONTINUOUS:
		return true;
	default:
		/* levels only steer the encoder; no rectangle carries them */
		return (enc >= ENC_COMPRESS_FIRST && enc <= ENC_COMPRESS_LAST) ||
			(enc >= ENC_QUALITY_FIRST && enc <= ENC_QUALITY_LAST);
	}
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

void web_desk_init(struct web_desk *d)
{
	memset(d, 0, sizeof(*d));
	d->step = ST_INIT;
	d->want = 24;
	d->msg_type = 0xff;
	d->reset_at = UINT64_MAX;
}

void web_desk_init_at(struct web_desk *d, const uint8_t *pf, uint32_t w,
		      uint32_t h, uint64_t pos)
{
	web_desk_init(d);
	(void)web_desk_pixel_format(d, pf);
	d->fb_w = w;
	d->fb_h = h;
	d->pos = pos;
	d->step = ST_TYPE;
	d->want = 1;
}

bool web_desk_at_boundary(const struct web_desk *d)
{
	return d->step == ST_TYPE && !d->have && !d->skip;
}

int web_desk_pixel_format(struct web_desk *d, const uint8_t *pf)
{
	if (pf[0] != 8 && pf[0] != 16 && pf[0] != 32)
		return -1;
	d->bpp = pf[0] / 8;
	/* rfbproto: TPIXEL is 3 bytes for 32 bpp, depth 24, true colour
	 * with 8 bits a channel */
	d->tpixel = pf[0] == 32 && pf[1] == 24 && pf[3] &&
		be16(pf + 4) == 255 && be16(pf + 6) == 255 &&
		be16(pf + 8) == 255 ? 3 : d->bpp;
	return 0;
}

/* Collect hdr up to total bytes (keeping what it has) for step. */
static int more(struct web_desk *d, int step, size_t total)
{
	d->step = step;
	d->want = total;
	return 0;
}

/* Collect n fresh bytes for step. */
static int collect(struct web_desk *d, int step, size_t n)
{
	d->have = 0;
	return more(d, step, n);
}

static int go_on(struct web_desk *d, int then, const char **why);

static int skip_then(struct web_desk *d, uint64_t n, int then,
		     const char **why)
{
	if (!n)
		return go_on(d, then, why);
	d->skip = n;
	d->then = then;
	return 0;
}

/* An update's last byte is in. */
static void update_done(struct web_desk *d)
{
	if (d->stop)
		d->at = WEB_DESK_AT_END;
}

static int go_on(struct web_desk *d, int then, const char **why)
{
	switch (then) {
	case K_RECT_DONE:
		if (--d->rects)
			return collect(d, ST_RECT, 12);
		update_done(d);
		/* fall through: the update is done */
		/* FALLTHROUGH */
	case K_TYPE:
		d->dropping = false;
		d->started = false;
		if (d->doneh)
			d->doneh(d, d->done_arg);
		return collect(d, ST_TYPE, 1);
	default:   /* K_TIGHT_DATA: short data goes uncompressed */
		if (d->data < TIGHT_MIN_TO_COMPRESS)
			return skip_then(d, d->data, K_RECT_DONE, why);
		return collect(d, ST_COMPACT, 1);
	}
}

static int on_type(struct web_desk *d, const char **why)
{
	switch (d->hdr[0]) {
	case MSG_UPDATE:    return more(d, ST_UPDATE, 4);
	case MSG_COLOURMAP: return more(d, ST_COLOURMAP, 6);
	case MSG_CUT:       return more(d, ST_CUT, 8);
	case MSG_FENCE:
		d->continuous = true;
		return more(d, ST_FENCE, 9);
	case MSG_XVP:       return more(d, ST_XVP, 4);
	case MSG_BELL:      return go_on(d, K_TYPE, why);
	case WEB_DESK_MSG_PF_MARK:
		if (!d->pf_marks)
			break;
		return more(d, ST_PF_MARK, WEB_DESK_PF_MARK_LEN);
	case MSG_END_CU:
		/* updates come unasked from now on: nobody may ask ahead */
		d->continuous = true;
		return go_on(d, K_TYPE, why);
	default:
		break;
	}
	*why = "the desktop sent a message the gateway cannot frame";
	return -1;
}

static int on_rect(struct web_desk *d, const char **why)
{
	uint64_t w = be16(d->hdr + 4), h = be16(d->hdr + 6);

	d->w = (uint16_t)w;
	d->h = (uint16_t)h;
	switch ((int32_t)be32(d->hdr + 8)) {
	case ENC_RAW: case ENC_ZLIB: case ENC_TIGHT: case ENC_ZRLE:
	case ENC_TIGHTPNG:
		d->area += w * h;
		break;
	case ENC_COPYRECT:
		d->copyrect = true;
		break;
	case ENC_DESKTOPSIZE: case ENC_EXT_DESKTOPSIZE:
		d->fb_w = (uint32_t)w;
		d->fb_h = (uint32_t)h;
		break;
	default:
		break;
	}
	switch ((int32_t)be32(d->hdr + 8)) {
	case ENC_RAW:
		return skip_then(d, w * h * d->bpp, K_RECT_DONE, why);
	case ENC_COPYRECT:
		return skip_then(d, 4, K_RECT_DONE, why);
	case ENC_ZLIB: case ENC_ZRLE: case ENC_DESKTOPNAME:
		return collect(d, ST_LEN32, 4);
	case ENC_TIGHT: case ENC_TIGHTPNG:
		return collect(d, ST_TIGHT, 1);
	case ENC_CURSOR:
		return skip_then(d, w * h * d->bpp + (w + 7) / 8 * h,
				 K_RECT_DONE, why);
	case ENC_XCURSOR:
		return skip_then(d, w && h ? 6 + 2 * ((w + 7) / 8 * h) : 0,
				 K_RECT_DONE, why);
	case ENC_EXT_DESKTOPSIZE:
		return collect(d, ST_SCREENS, 4);
	case ENC_LASTRECT:
		d->rects = 1;   /* the update ends here */
		return go_on(d, K_RECT_DONE, why);
	case ENC_DESKTOPSIZE: case ENC_POINTERPOS: case ENC_QEMU_KEY:
	case ENC_LED_STATE:
		return go_on(d, K_RECT_DONE, why);
	case ENC_SUPP_MESSAGES: case ENC_SUPP_ENCODINGS:
	case ENC_SERVER_IDENTITY:   /* their length in the width */
		return skip_then(d, w, K_RECT_DONE, why);
	default:
		*why = "the desktop sent an encoding the gateway did not "
			"ask for";
		return -1;
	}
}

static int on_tight(struct web_desk *d, const char **why)
{
	uint8_t ctl = d->hdr[0] >> 4;
	uint32_t pixels = (uint32_t)d->w * d->h;

	if (ctl == TIGHT_FILL)
		return skip_then(d, d->tpixel, K_RECT_DONE, why);
	if (ctl == TIGHT_JPEG || ctl == TIGHT_PNG)
		return collect(d, ST_COMPACT, 1);
	if (ctl & 8) {
		*why = "the desktop sent a tight rectangle the gateway "
			"cannot frame";
		return -1;
	}
	if (ctl & 4)   /* an explicit filter */
		return collect(d, ST_TFILTER, 1);
	d->data = pixels * d->tpixel;
	return go_on(d, K_TIGHT_DATA, why);
}

static int on_tfilter(struct web_desk *d, const char **why)
{
	switch (d->hdr[0]) {
	case TIGHT_COPY:
	case TIGHT_GRADIENT:
		d->data = (uint32_t)d->w * d->h * d->tpixel;
		return go_on(d, K_TIGHT_DATA, why);
	case TIGHT_PALETTE:
		return collect(d, ST_TPALETTE, 1);
	default:
		*why = "the desktop sent an unknown tight filter";
		return -1;
	}
}

static int on_tpalette(struct web_desk *d, const char **why)
{
	uint32_t colours = d->hdr[0] + 1u;

	/* two colours: a bit a pixel, rows padded to bytes */
	d->data = colours == 2 ? (d->w + 7u) / 8 * d->h :
		(uint32_t)d->w * d->h;
	return skip_then(d, (uint64_t)colours * d->tpixel, K_TIGHT_DATA, why);
}

/* Tight's compact length: 7 bits a byte while the top bit is set, the
 * third byte whole. */
static int on_compact(struct web_desk *d, const char **why)
{
	uint32_t n = 0;
	size_t i;

	if (d->have < 3 && (d->hdr[d->have - 1] & 0x80))
		return more(d, ST_COMPACT, d->have + 1);
	for (i = 0; i < d->have; i++)
		n |= (uint32_t)(i < 2 ? d->hdr[i] & 0x7f : d->hdr[i])
			<< (7 * i);
	return skip_then(d, n, K_RECT_DONE, why);
}

/* hdr holds what step wanted: what follows? */
static int on_header(struct web_desk *d, const char **why)
{
	const uint8_t *h = d->hdr;

	switch (d->step) {
	case ST_INIT:
		d->fb_w = be16(h);
		d->fb_h = be16(h + 2);
		if (web_desk_pixel_format(d, h + 4)) {
			*why = "the desktop's pixel format has no whole bytes";
			return -1;
		}
		return skip_then(d, be32(h + 20), K_TYPE, why);
	case ST_TYPE:
		return on_type(d, why);
	case ST_UPDATE:
		d->area = 0;
		d->copyrect = false;
		d->reset_done = false;
		d->rects = (uint16_t)be16(h + 2);
		if (!d->rects) {
			update_done(d);
			return go_on(d, K_TYPE, why);
		}
		return collect(d, ST_RECT, 12);
	case ST_COLOURMAP:
		return skip_then(d, 6ull * be16(h + 4), K_TYPE, why);
	case ST_CUT: {
		uint32_t n = be32(h + 4);

		/* negative: Extended Clipboard, its size is the magnitude */
		if (n & 0x80000000u)
			n = 0u - n;
		if (d->dropping)
			d->dropped++;
		return skip_then(d, n, K_TYPE, why);
	}
	case ST_FENCE:
		return skip_then(d, h[8], K_TYPE, why);
	case ST_XVP:
		return go_on(d, K_TYPE, why);
	case ST_PF_MARK:
		if (web_desk_pixel_format(d, h + 4)) {
			*why = "the desktop's pixel format has no whole bytes";
			return -1;
		}
		d->pf_marks_seen++;
		return go_on(d, K_TYPE, why);
	case ST_RECT:
		return on_rect(d, why);
	case ST_LEN32:
		return skip_then(d, be32(h), K_RECT_DONE, why);
	case ST_SCREENS:
		return skip_then(d, 16ull * h[0], K_RECT_DONE, why);
	case ST_TIGHT:
		return on_tight(d, why);
	case ST_TFILTER:
		return on_tfilter(d, why);
	case ST_TPALETTE:
		return on_tpalette(d, why);
	default:
		return on_compact(d, why);
	}
}

long web_desk_scan(struct web_desk *d, const uint8_t *in, size_t len,
		   uint8_t *out, size_t *used, const char **why)
{
	size_t i = 0, o = 0;
	uint8_t c;

	d->at = WEB_DESK_AT_NONE;
	*used = 0;
	if (!in)
		return 0;
	while (i < len && d->at == WEB_DESK_AT_NONE) {
		if (d->skip) {
			size_t n = len - i < d->skip ? len - i :
				(size_t)d->skip;

			if (!d->dropping && out) {
				if (out + o != in + i)
					memmove(out + o, in + i, n);
				o += n;
			}
			i += n;
			d->pos += n;
			d->skip -= n;
			if (!d->skip && go_on(d, d->then, why))
				return -1;
			continue;
		}
		if (d->step == ST_TYPE && !d->have) {
			if (d->stop && !d->begun && in[i] == MSG_UPDATE) {
				d->begun = true;
				d->at = WEB_DESK_AT_BEGIN;
				break;
			}
			d->begun = false;
			d->started = true;
			d->msg_start = d->pos;
			d->msg_type = in[i];
			d->dropping = (in[i] == MSG_CUT && !d->keep_cut) ||
				(in[i] == WEB_DESK_MSG_PF_MARK &&
				 d->pf_marks) ||
				(in[i] == MSG_UPDATE &&
				 d->pos < d->drop_updates_before);
		}
		c = in[i];
		/* a joiner's or leaver's decoder holds other zlib state */
		if (d->step == ST_TIGHT && d->pos >= d->reset_at) {
			c |= 0x0f;
			d->reset_at = UINT64_MAX;
			d->reset_done = true;
		}
		d->hdr[d->have++] = c;
		if (!d->dropping && out)
			out[o++] = c;
		i++;
		d->pos++;
		if (d->have == d->want && on_header(d, why))
			return -1;
	}
	*used = i;
	return out ? (long)o : (long)i;
}

long web_desk_filter(struct web_desk *d, uint8_t *p, size_t len,
		     const char **why)
{
	size_t used;

	/* out may be in: it never runs ahead of what was read */
	return web_desk_scan(d, p, len, p, &used, why);
}
