/*
 * server_zlib_test - a client's Tight streams for two-colour and palette
 * data (desktop_zlib.c): made with the small window, used as tight.c uses
 * a stream (deflateParams() to the viewer's level on first use, then one
 * Z_SYNC_FLUSH per rectangle), read back by inflate() with the usual
 * 32 kB window, and made anew (the old one ended) for a group restart.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "server/desktop_int.h"
#include "tests/unit/check.h"

enum { RECTS = 40, RECT_BYTES = 462, OUT_MAX = 64 * 1024 };

/* a bitmap-like rectangle: runs and repeats, as text's rows have */
static void rect_bytes(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (seed >> 16) & 1 ? 0 : (uint8_t)(seed >> 24);
	}
}

/* tight.c's CompressData() for RECTS rectangles at zlib level 3; true
 * when all of it inflates back, *cinfo the window the header says. */
static bool round_trip(z_stream *zs, int *cinfo)
{
	static uint8_t in[RECTS * RECT_BYTES], out[OUT_MAX],
		back[RECTS * RECT_BYTES];
	size_t out_len = 0;
	z_stream inf;
	int i, err;

	if (deflateParams(zs, 3, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	for (i = 0; i < RECTS; i++) {
		uint8_t *r = in + (size_t)i * RECT_BYTES;

		rect_bytes(r, RECT_BYTES, (unsigned)i % 7);
		zs->next_in = r;
		zs->avail_in = RECT_BYTES;
		zs->next_out = out + out_len;
		zs->avail_out = (uInt)(sizeof(out) - out_len);
		if (deflate(zs, Z_SYNC_FLUSH) != Z_OK || zs->avail_in)
			return false;
		out_len = sizeof(out) - zs->avail_out;
	}
	*cinfo = out[0] >> 4;
	memset(&inf, 0, sizeof(inf));
	if (inflateInit(&inf) != Z_OK)
		return false;
	inf.next_in = out;
	inf.avail_in = (uInt)out_len;
	inf.next_out = back;
	inf.avail_out = sizeof(back);
	err = inflate(&inf, Z_SYNC_FLUSH);
	inflateEnd(&inf);
	return err == Z_OK && inf.avail_out == 0 &&
		!memcmp(in, back, sizeof(in));
}

int main(void)
{
	static rfbClientRec cl;
	int i, cinfo = -1;

	CHECK_EQ_INT(desktop_zlib_prepare(NULL), EINVAL);
	CHECK_EQ_INT(desktop_zlib_prepare(&cl), 0);
	/* full colour and the fourth are left to tight.c */
	CHECK(!cl.zsActive[0]);
	CHECK(!cl.zsActive[3]);
	for (i = 1; i <= 2; i++) {
		CHECK(cl.zsActive[i]);
		/* tight.c sets the level on first use */
		CHECK_EQ_INT(cl.zsLevel[i], -1);
	}
	CHECK(round_trip(&cl.zsStruct[1], &cinfo));
	CHECK_EQ_INT(cinfo, 11 - 8);      /* a 2 kB window */
	CHECK(round_trip(&cl.zsStruct[2], &cinfo));
	CHECK_EQ_INT(cinfo, 12 - 8);      /* 4 kB */

	/* a restart: the used streams ended (ASan and valgrind see a
	 * leak otherwise), new ones start with a new header; full colour,
	 * made by tight.c meanwhile, ended too */
	CHECK_EQ_INT(deflateInit(&cl.zsStruct[0], 6), Z_OK);
	cl.zsActive[0] = TRUE;
	CHECK_EQ_INT(desktop_zlib_prepare(&cl), 0);
	CHECK(!cl.zsActive[0]);
	CHECK(cl.zsActive[1] && cl.zsActive[2]);
	CHECK_EQ_INT(cl.zsLevel[1], -1);
	CHECK_EQ_INT(cl.zsStruct[1].total_in, 0);
	CHECK(round_trip(&cl.zsStruct[1], &cinfo));
	CHECK_EQ_INT(cinfo, 3);

	/* what rfbClientConnectionGone() does */
	for (i = 0; i < 4; i++)
		if (cl.zsActive[i])
			deflateEnd(&cl.zsStruct[i]);
	CHECK_DONE("server_zlib");
}
