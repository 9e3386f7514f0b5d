/*
 * server_rfbfilter_test.c - what rfb_filter lets through to libvncserver:
 * the handshakes of 3.3 and 3.8, every client message a real viewer sends
 * (cut in pieces anywhere), and where it stops: a pixel format of 0 (or
 * 24) bits per pixel, shifts outside the pixel, an unknown message type,
 * clipboard text beyond the bound, a colour map once updates flow, the
 * private type sent by a viewer.  What passes is what libvncserver gets:
 * the same bytes but for a true-colour pixel format's type.
 */
#include <errno.h>
#include <string.h>

#include "server/rfb_filter.h"
#include "tests/unit/check.h"

static const uint8_t hello38[] = "RFB 003.008\n\x01\x01";
static const uint8_t hello33[] = "RFB 003.003\n\x01";
/* SetPixelFormat 32 bpp depth 24 true colour, SetEncodings (2), an
 * update request, a key, the pointer, cut text "hi", SetDesktopSize with
 * one screen, a fence with 2 bytes of payload */
static const uint8_t msgs[] = {
	0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
	2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7,
	3, 1, 0, 0, 0, 0, 1, 64, 0, 240,
	4, 1, 0, 0, 0, 0, 0, 0x61,
	5, 1, 0, 10, 0, 20,
	6, 0, 0, 0, 0, 0, 0, 2, 'h', 'i',
	251, 0, 1, 64, 0, 240, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 64, 0, 240,
	0, 0, 0, 0,
	248, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9,
};

/* What libvncserver got, in order (the filter's output). */
static uint8_t got[4096];
static size_t got_len;

static int feed_in_pieces(const uint8_t *hello, size_t hlen,
			  const uint8_t *m, size_t len, size_t piece)
{
	uint8_t out[RFB_FILTER_OUT_MAX(sizeof(got))];
	struct rfb_filter f;
	size_t i, k;
	long n;

	got_len = 0;
	rfb_filter_init(&f);
	for (i = 0; i < hlen + len; i += k) {
		const uint8_t *p = i < hlen ? hello + i : m + (i - hlen);

		k = i < hlen ? hlen - i : hlen + len - i;
		if (k > piece)
			k = piece;
		n = rfb_filter_pass(&f, p, k, out);
		if (n < 0)
			return EPROTO;
		if ((size_t)n > RFB_FILTER_OUT_MAX(k) ||
		    got_len + (size_t)n > sizeof(got))
			return ERANGE;
		memcpy(got + got_len, out, (size_t)n);
		got_len += (size_t)n;
	}
	return 0;
}

/* Everything passes unchanged but for the pixel format's type and a
 * byte ahead of the encodings (rfb_frame.h: applied by
 * desktop_settings.c under the send lock). */
static void test_passes(void)
{
	size_t piece, hl = sizeof(hello38) - 1, enc_at = hl + 20;

	for (piece = 1; piece <= sizeof(msgs); piece++) {
		CHECK_EQ_INT(feed_in_pieces(hello38, hl, msgs, sizeof(msgs),
					    piece), 0);
		CHECK_EQ_INT((int)got_len, (int)(hl + sizeof(msgs) + 1));
		CHECK(memcmp(got, hello38, hl) == 0);
		CHECK_EQ_INT(got[hl], RFB_FRAME_MSG_PRIVATE_PF);
		CHECK(memcmp(got + hl + 1, msgs + 1, 19) == 0);
		CHECK_EQ_INT(got[enc_at], RFB_FRAME_MSG_PRIVATE_LOCKED);
		CHECK(memcmp(got + enc_at + 1, msgs + 20,
			     sizeof(msgs) - 20) == 0);
	}
	CHECK_EQ_INT(feed_in_pieces(hello33, sizeof(hello33) - 1, msgs,
				    sizeof(msgs), 7), 0);
}

static void test_stops(void)
{
	uint8_t m[20];

	memcpy(m, msgs, 20);
	m[4] = 0;      /* 0 bits per pixel: libvncserver's SIGFPE */
	CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, m, 20, 3),
		     EPROTO);
	m[4] = 24;     /* not a size libvncserver translates to */
	CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, m, 20, 20),
		     EPROTO);
	m[4] = 32;
	m[14] = 40;    /* red shift outside the pixel */
	CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, m, 20, 20),
		     EPROTO);
	m[0] = 99;     /* unknown type */
	CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, m, 1, 1),
		     EPROTO);
	/* cut text of 2 GiB announced */
	{
		static const uint8_t big[] = {6, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff};

		CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, big,
					    sizeof(big), 8), EPROTO);
	}
	CHECK_EQ_INT(feed_in_pieces((const uint8_t *)"HTTP/1.1 200", 12, msgs,
				    4, 4), EPROTO);
	/* a viewer may not send the private type itself */
	m[0] = RFB_FRAME_MSG_PRIVATE_PF;
	CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, m, 20, 20),
		     EPROTO);
}

/* A colour map makes libvncserver send the map under the send lock, so
 * it keeps type 0: allowed before the first update request, when no
 * update can be on its way, refused after. */
static void test_colour_map(void)
{
	static const uint8_t req[] = {3, 0, 0, 0, 0, 0, 1, 64, 0, 240};
	uint8_t m[30];
	size_t hl = sizeof(hello38) - 1;

	memcpy(m, msgs, 20);
	m[4] = 8;
	m[5] = 8;
	m[7] = 0;      /* not true colour */
	CHECK_EQ_INT(feed_in_pieces(hello38, hl, m, 20, 5), 0);
	CHECK_EQ_INT(got[hl], 0);
	CHECK(memcmp(got + hl, m, 20) == 0);
	memmove(m + 10, m, 20);
	memcpy(m, req, 10);
	CHECK_EQ_INT(feed_in_pieces(hello38, hl, m, 30, 7), EPROTO);
}

int main(void)
{
	test_passes();
	test_stops();
	test_colour_map();
	CHECK_DONE("server_rfbfilter");
}
