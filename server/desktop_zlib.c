/*
 * desktop_zlib.c - a client's Tight zlib streams for two-colour and
 * palette rectangles, made with a small window before libvncserver
 * makes them with the largest.
 *
 * LibVNCServer 0.9.14's tight.c starts each stream it finds inactive
 * with deflateInit2(MAX_WBITS, MAX_MEM_LEVEL): a 32 kB window, a 128 kB
 * hash table and a 128 kB pending buffer, touched at random.  A small
 * change (a line of text, tests/bench/run.sh (h)) compresses a few
 * hundred bytes of a two-colour bitmap an update, and in the serve
 * process, whose caches the X server, the viewer's side and the terminal
 * empty between updates, those few hundred bytes cost 122 us with the
 * large stream and 49 us with a 2 kB window and a 4096-entry hash table
 * (timed inside deflate() there, 300 calls each), at the same size
 * (390 and 385 bytes an update).  The window is the compressor's own
 * choice: the zlib header says it, and a viewer's inflate() with the
 * usual 32 kB window reads any smaller one.
 *
 * Streams 1 (two-colour bitmaps, an eighth of a byte a pixel) and 2
 * (palette indices, a byte a pixel) get it; a window of 2 kB and 4 kB
 * still holds the row above in any rectangle Tight sends (2048 pixels
 * wide at most).  Stream 0, full colour at three or four bytes a pixel,
 * keeps libvncserver's.
 *
 * The level is left to tight.c: zsLevel -1 makes its first use call
 * deflateParams() with the level the viewer's compression level maps to,
 * which on a stream that has taken no input changes nothing else.
 * rfbClientConnectionGone() ends active streams as it ends its own.  A
 * restart (a group's join or leave, rfb_group.c) ends all four and makes
 * these two anew here.
 */
#include <errno.h>
#include <string.h>

#include "server/desktop_int.h"

static const struct {
	int stream, window_bits, mem_level;
} small_streams[] = {
	{ 1, 11, 5 },   /* two-colour */
	{ 2, 12, 6 },   /* palette */
};

int desktop_zlib_prepare(rfbClientPtr cl)
{
	size_t i;

	if (!cl)
		return EINVAL;
	/* tight.c starts a stream it finds inactive afresh */
	for (i = 0; i < ARRAY_SIZE(cl->zsActive); i++) {
		if (cl->zsActive[i])
			deflateEnd(&cl->zsStruct[i]);
		cl->zsActive[i] = FALSE;
	}
	for (i = 0; i < ARRAY_SIZE(small_streams); i++) {
		int id = small_streams[i].stream;
		z_stream *zs = &cl->zsStruct[id];

		memset(zs, 0, sizeof(*zs));
		/* Not made: tight.c makes its own as before. */
		if (deflateInit2(zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
				 small_streams[i].window_bits,
				 small_streams[i].mem_level,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return ENOMEM;
		cl->zsActive[id] = TRUE;
		cl->zsLevel[id] = -1;
	}
	return 0;
}
