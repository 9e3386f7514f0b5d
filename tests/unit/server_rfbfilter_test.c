/*
 * server_rfbfilter_test.c - what rfb_filter lets through to libvncserver:
 * the handshakes of 3.3 and 3.8, every client message a real viewer sends
 * (cut in pieces anywhere), and where it stops: a pixel format of 0 (or
 * 24) bits per pixel, shifts outside the pixel, an unknown message type,
 * clipboard text beyond the bound.
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

static int feed_in_pieces(const uint8_t *hello, size_t hlen,
			  const uint8_t *m, size_t len, size_t piece)
{
	struct rfb_filter f;
	size_t i;
	int err;

	rfb_filter_init(&f);
	err = rfb_filter_feed(&f, hello, hlen);
	for (i = 0; !err && i < len; i += piece)
		err = rfb_filter_feed(&f, m + i, len - i < piece ? len - i
								 : piece);
	return err;
}

static void test_passes(void)
{
	size_t piece;

	for (piece = 1; piece <= sizeof(msgs); piece++)
		CHECK_EQ_INT(feed_in_pieces(hello38, sizeof(hello38) - 1, msgs,
					    sizeof(msgs), piece), 0);
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
}

int main(void)
{
	test_passes();
	test_stops();
	CHECK_DONE("server_rfbfilter");
}
