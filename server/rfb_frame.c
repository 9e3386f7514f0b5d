/*
 * rfb_frame.c - RFB client messages cut at their boundaries, checked, and
 * passed, dropped or rewritten by the viewer's rights (rfb_frame.h).
 */
#include <string.h>

#include "server/rfb_frame.h"
#include "server/web_desk.h"

enum { S_TYPE, S_HEADER, S_BODY };

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
	FENCE_MAX = 64,                 /* RFC 6143's bound on its payload */
	/* tight's JPEG quality pseudo-encodings */
	ENC_QUALITY_FIRST = -32,
	ENC_QUALITY_LAST = -23,
	/* what a hidden encoding is replaced with: a pseudo-encoding nobody
	 * defines, which servers ignore (so the list keeps its length) */
	ENC_IGNORED = 0x53564e43,
};

void rfb_frame_init(struct rfb_frame *f, unsigned flags)
{
	memset(f, 0, sizeof(*f));
	f->flags = flags;
	f->state = S_TYPE;
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

/* What libvncserver can translate to, and RFC 6143 allows: whole bytes a
 * pixel (0 bits reached its encoders as a division by zero, found by
 * tests/fuzz/fuzz_server_rfb.c), a depth within them, and true-colour
 * shifts inside the pixel. */
static bool pixel_format_ok(const uint8_t *pf)
{
	uint8_t bpp = pf[0], depth = pf[1];

	if (bpp != 8 && bpp != 16 && bpp != 32)
		return false;
	if (depth == 0 || depth > bpp)
		return false;
	if (pf[3] && (pf[10] >= bpp || pf[11] >= bpp || pf[12] >= bpp))
		return false;
	return true;
}

/* The fixed part is in hdr: how long is the rest?  -1: unframable. */
static int body_len(struct rfb_frame *f, const char **why)
{
	const uint8_t *h = f->hdr;
	uint32_t n;

	switch (f->type) {
	case MSG_SET_ENCODINGS:
		f->left = 4u * ((unsigned)h[2] << 8 | h[3]);
		return 0;
	case MSG_CUT_TEXT:
		n = be32(h + 4);
		/* negative: the extended clipboard, its length is -n */
		if (n & 0x80000000u)
			n = 0u - n;
		if (n > RFB_FRAME_CUT_MAX) {
			*why = "clipboard text over 16 MiB";
			return -1;
		}
		f->left = n;
		return 0;
	case MSG_FENCE:
		if (h[8] > FENCE_MAX) {
			*why = "fence payload over 64 bytes";
			return -1;
		}
		f->left = h[8];
		return 0;
	case MSG_SET_DESKTOP_SIZE:
		f->left = 16u * h[6];
		return 0;
	case MSG_QEMU:
		if (h[1] != 0) {   /* only the extended key event frames */
			*why = "unknown QEMU client message";
			return -1;
		}
		f->left = 10;
		return 0;
	default:
		f->left = 0;
		return 0;
	}
}

/* A whole fixed part: what it tells beyond its length.  Without control
 * rights the desktop's stream is framed (web_desk.h), which needs the
 * pixel format of every update: one changed while updates flow (RFC 6143
 * 7.5.1 forbids it with one outstanding) could hide the desktop's
 * clipboard inside what looks like pixels. */
static int on_header(struct rfb_frame *f, const char **why)
{
	if (f->type == MSG_UPDATE_REQUEST ||
	    f->type == MSG_CONTINUOUS_UPDATES)
		f->asked = true;
	/* the gateway asks ahead in the browser's name (web_session.c) */
	if (f->type == MSG_UPDATE_REQUEST) {
		memcpy(f->request, f->hdr, sizeof(f->request));
		f->requests++;
	}
	if (f->type == MSG_CONTINUOUS_UPDATES)
		f->continuous = true;
	if (f->type != MSG_SET_PIXEL_FORMAT)
		return 0;
	if (!pixel_format_ok(f->hdr + 4)) {
		*why = "a pixel format nobody can serve";
		return -1;
	}
	if (!(f->flags & RFB_FRAME_CONTROL) && f->asked) {
		*why = "the pixel format changed after updates were asked for";
		return -1;
	}
	memcpy(f->pf, f->hdr + 4, sizeof(f->pf));
	f->pf_new = true;
	f->pf_set = true;
	return 0;
}

/* A SetPixelFormat the desktop applies itself (RFB_FRAME_PF_PRIVATE):
 * held until whole, as its type depends on its true-colour flag. */
static bool held_whole(const struct rfb_frame *f)
{
	return (f->type == MSG_SET_PIXEL_FORMAT &&
		(f->flags & RFB_FRAME_PF_PRIVATE)) ||
		(f->type == MSG_UPDATE_REQUEST && (f->hold_msg || f->keep_h));
}

/* The kept request, if any, into out ahead of what follows. */
static size_t let_out_kept(struct rfb_frame *f, uint8_t *out)
{
	if (!f->kept)
		return 0;
	f->kept = false;
	memcpy(out, f->kept_req, sizeof(f->kept_req));
	return sizeof(f->kept_req);
}

/* A whole update request, not held: an incremental one may be kept
 * (keep_h); one that is not goes after a kept one. */
static long request_pass(struct rfb_frame *f, uint8_t *out)
{
	size_t o = 0;

	if (f->hdr[1] && f->keep_h && !f->keep_after_settings &&
	    !f->hold && !f->pf_hold && f->keep_h(f->keep_arg)) {
		/* the same area again is one request; another area lets
		 * the older one out (libvncserver joins them anyway) */
		if (f->kept && memcmp(f->kept_req, f->hdr, 10) != 0)
			o = let_out_kept(f, out);
		memcpy(f->kept_req, f->hdr, 10);
		f->kept = true;
		return (long)o;
	}
	o = let_out_kept(f, out);
	memcpy(out + o, f->hdr, 10);
	f->keep_after_settings = false;
	return (long)o + 10;
}

/* A whole update request while held (rfb_group.h): an incremental one
 * is counted, a whole-frame one ends the holding and passes. */
static long request_out(struct rfb_frame *f, uint8_t *out)
{
	if (!f->hold_msg)
		return request_pass(f, out);
	if (f->hdr[1] || f->hold_whole) {
		f->held++;
		return 0;
	}
	f->hold = false;
	f->left_why = "it asked for a whole frame";
	memcpy(out, f->hdr, 10);
	return 10;
}

/* A true-colour format under the private type (rfb_frame.h).  A colour
 * map makes libvncserver send the map itself, under the lock the private
 * type would hold, so it keeps the RFB type, which is safe only while no
 * update can be on its way: before the first request. */
static long pixel_format_out(struct rfb_frame *f, uint8_t *out,
			     const char **why)
{
	bool true_colour = f->hdr[4 + 3] != 0;

	if (!true_colour && f->asked) {
		*why = "a colour-map pixel format after updates were asked for";
		return -1;
	}
	memcpy(out, f->hdr, 20);
	if (true_colour) {
		out[0] = RFB_FRAME_MSG_PRIVATE_PF;
		/* its padding is ours: the viewer's never reaches it */
		out[1] = f->pf_mark ? RFB_FRAME_PF_MARK : 0;
		out[2] = out[3] = 0;
		if (f->pf_mark)
			f->pf_marks_asked++;
	}
	return 20;
}

/* One byte of a SetEncodings list; writes whole encodings only. */
static size_t encoding_byte(struct rfb_frame *f, uint8_t b, uint8_t *out)
{
	int32_t enc;

	f->enc[f->enc_have++] = b;
	if (f->enc_have < 4)
		return 0;
	f->enc_have = 0;
	enc = (int32_t)be32(f->enc);
	if ((f->flags & RFB_FRAME_LOSSLESS) && enc >= ENC_QUALITY_FIRST &&
	    enc <= ENC_QUALITY_LAST)
		enc = ENC_IGNORED;
	/* view: the desktop's stream must stay framable (web_desk.h) */
	if (!(f->flags & RFB_FRAME_CONTROL) && !web_desk_encoding_ok(enc))
		enc = ENC_IGNORED;
	out[0] = (uint8_t)((uint32_t)enc >> 24);
	out[1] = (uint8_t)((uint32_t)enc >> 16);
	out[2] = (uint8_t)((uint32_t)enc >> 8);
	out[3] = (uint8_t)enc;
	return 4;
}

bool rfb_frame_idle(const struct rfb_frame *f)
{
	return f->state == S_TYPE;
}

long rfb_frame_feed(struct rfb_frame *f, const uint8_t *in, size_t len,
		    uint8_t *out, const char **why)
{
	size_t i = 0, o = 0, n;

	while (i < len) {
		switch (f->state) {
		case S_TYPE:
			f->type = in[i];
			f->want = fixed_len(f->type);
			if (!f->want) {
				*why = "unknown RFB client message";
				return -1;
			}
			f->dropping = !(f->flags & RFB_FRAME_CONTROL) &&
				needs_control(f->type);
			if (f->pf_hold && f->type == MSG_SET_PIXEL_FORMAT) {
				f->hold = f->hold_whole = true;
				f->left_why = "it changed its pixel format or "
					"encodings";
			}
			else if (f->hold && !f->hold_whole &&
				 (f->type == MSG_SET_PIXEL_FORMAT ||
				  f->type == MSG_SET_ENCODINGS)) {
				f->hold = false;
				f->left_why = "it changed its pixel format or "
					"encodings";
			}
			/* holding starts and ends between messages */
			f->hold_msg = f->hold;
			if (f->type == MSG_SET_ENCODINGS) {
				f->encs_len = 0;
				f->encs_over = false;
			}
			if (f->type == MSG_SET_PIXEL_FORMAT ||
			    f->type == MSG_SET_ENCODINGS)
				f->settings_seq++;
			if (f->dropping)
				f->dropped++;
			if (f->type == MSG_SET_PIXEL_FORMAT ||
			    f->type == MSG_SET_ENCODINGS)
				f->keep_after_settings = true;
			/* a kept request goes before whatever its answer
			 * could depend on */
			if (f->kept && out && f->type != MSG_UPDATE_REQUEST &&
			    f->type != MSG_KEY && f->type != MSG_POINTER)
				o += let_out_kept(f, out + o);
			if (out && !f->dropping &&
			    f->type == MSG_SET_ENCODINGS &&
			    (f->flags & RFB_FRAME_PF_PRIVATE))
				out[o++] = RFB_FRAME_MSG_PRIVATE_LOCKED;
			f->have = 0;
			f->state = S_HEADER;
			/* the type is the header's first byte */
			/* FALLTHROUGH */
		case S_HEADER:
			n = f->want - f->have;
			n = n < len - i ? n : len - i;
			memcpy(f->hdr + f->have, in + i, n);
			if (out && !f->dropping && !held_whole(f)) {
				memcpy(out + o, in + i, n);
				o += n;
			}
			f->have += n;
			i += n;
			if (f->have < f->want)
				break;
			if (body_len(f, why) || on_header(f, why))
				return -1;
			if (out && held_whole(f)) {
				long k = f->type == MSG_UPDATE_REQUEST ?
					request_out(f, out + o) :
					pixel_format_out(f, out + o, why);

				if (k < 0)
					return -1;
				o += (size_t)k;
			}
			f->enc_have = 0;
			f->state = f->left ? S_BODY : S_TYPE;
			break;

		default:   /* S_BODY */
			n = len - i < f->left ? len - i : (size_t)f->left;
			if (!out || f->dropping) {
				/* checked only, or skipped */
			}
			else if (f->type == MSG_SET_ENCODINGS) {
				size_t k;

				for (k = 0; k < n; k++) {
					size_t w = encoding_byte(f, in[i + k],
								 out + o);

					if (w && f->encs_len < sizeof(f->encs)) {
						memcpy(f->encs + f->encs_len,
						       out + o, 4);
						f->encs_len += 4;
					}
					else if (w)
						f->encs_over = true;
					o += w;
				}
			}
			else {
				memcpy(out + o, in + i, n);
				o += n;
			}
			i += n;
			f->left -= n;
			if (!f->left)
				f->state = S_TYPE;
			break;
		}
	}
	return out ? (long)o : (long)len;
}
