/*
 * web_desk_test - the desktop's stream toward a view-only browser: every
 * rectangle kind the gateway lets through is framed whatever the split,
 * the clipboard (plain and Extended) is dropped and nothing else, and
 * what cannot be framed ends the session instead of passing.
 */
#include <stdint.h>

#include "server/web_desk.h"
#include "tests/unit/check.h"

/* A stream to build: bytes, and which of them the browser may see. */
struct build {
	uint8_t in[2048], want[2048];
	size_t len, want_len;
	bool drop;
	size_t edges[8];   /* where updates begin and end, in turn */
	unsigned n_edges;
};

#define EDGE(b) ((b)->edges[(b)->n_edges++] = (b)->len)

static void put(struct build *b, const uint8_t *p, size_t n)
{
	memcpy(b->in + b->len, p, n);
	b->len += n;
	if (!b->drop) {
		memcpy(b->want + b->want_len, p, n);
		b->want_len += n;
	}
}

#define PUT(b, ...) do { static const uint8_t m_[] = {__VA_ARGS__}; \
	put((b), m_, sizeof(m_)); } while (0)

static void put_fill(struct build *b, size_t n, uint8_t v)
{
	uint8_t x[512];

	memset(x, v, n);
	put(b, x, n);
}

/* A rectangle's header: w x h at 0,0 in encoding enc. */
static void rect(struct build *b, uint16_t w, uint16_t h, int32_t enc)
{
	uint8_t r[12] = {0, 0, 0, 0, (uint8_t)(w >> 8), (uint8_t)w,
			 (uint8_t)(h >> 8), (uint8_t)h,
			 (uint8_t)((uint32_t)enc >> 24),
			 (uint8_t)((uint32_t)enc >> 16),
			 (uint8_t)((uint32_t)enc >> 8), (uint8_t)enc};

	put(b, r, sizeof(r));
}

static void stream(struct build *b)
{
	memset(b, 0, sizeof(*b));
	/* ServerInit: 320x240, 32 bpp depth 24 true colour, "desk" */
	PUT(b, 1, 64, 0, 240, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0,
	    0, 0, 0, 0, 0, 0, 4, 'd', 'e', 's', 'k');
	/* an update of every kind, ended by LastRect */
	EDGE(b);
	PUT(b, 0, 0, 0xff, 0xff);
	rect(b, 2, 2, 0);                  /* raw: 2 x 2 x 4 */
	put_fill(b, 16, 3);               /* a 3 would be a cut text */
	rect(b, 5, 5, 1);                  /* copyrect */
	PUT(b, 0, 1, 0, 2);
	rect(b, 64, 64, 16);               /* ZRLE: length 5 */
	PUT(b, 0, 0, 0, 5, 3, 3, 3, 3, 3);
	rect(b, 64, 64, 6);                /* zlib: length 0 */
	PUT(b, 0, 0, 0, 0);
	rect(b, 64, 64, 7);                /* tight fill: TPIXEL of 3 */
	PUT(b, 0x80, 1, 2, 3);
	rect(b, 64, 64, 7);                /* tight JPEG: 200 = c8 01 */
	PUT(b, 0x90, 0xc8, 0x01);
	put_fill(b, 200, 3);
	rect(b, 10, 2, 7);                 /* palette, 2 colours: 4 raw */
	PUT(b, 0x40, 1, 1, 1, 2, 3, 4, 5, 6, 0xa, 0xb, 0xc, 0xd);
	rect(b, 4, 4, 7);                  /* copy filter implied: 48, zlib 3 */
	PUT(b, 0x00, 3, 7, 7, 7);
	rect(b, 20, 20, 7);                /* palette of 3: 400, zlib 2 */
	PUT(b, 0x50, 1, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 2, 9, 9);
	rect(b, 4, 1, 7);                  /* gradient: 12 bytes, zlib 1 */
	PUT(b, 0x60, 2, 1, 3);
	rect(b, 64, 64, -260);             /* tightPNG: PNG, length 3 */
	PUT(b, 0xa0, 3, 1, 2, 3);
	rect(b, 2, 2, -239);               /* rich cursor: 16 + 2 */
	put_fill(b, 18, 3);
	rect(b, 9, 1, -240);               /* X cursor: 6 + 2 x 2 */
	put_fill(b, 10, 3);
	rect(b, 320, 240, -308);           /* extended desktop size */
	PUT(b, 1, 0, 0, 0);
	put_fill(b, 16, 3);
	rect(b, 0, 0, -307);               /* desktop name */
	PUT(b, 0, 0, 0, 3, 'a', 'b', 'c');
	rect(b, 320, 240, -223);           /* desktop size */
	rect(b, 0, 0, -224);               /* LastRect */
	EDGE(b);
	/* the clipboard: gone */
	b->drop = true;
	PUT(b, 3, 0, 0, 0, 0, 0, 0, 6, 's', 'e', 'c', 'r', 'e', 't');
	b->drop = false;
	PUT(b, 2);                         /* bell */
	b->drop = true;                    /* extended: provide, 4 bytes */
	PUT(b, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xf8, 0x08, 0, 0, 1, 0, 0, 0, 0);
	b->drop = false;
	PUT(b, 248, 0, 0, 0, 0, 0, 0, 3, 2, 0xaa, 0xbb);   /* fence */
	PUT(b, 1, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 3);       /* colour map */
	PUT(b, 250, 0, 1, 1);                              /* xvp */
	PUT(b, 150);                                       /* end of CU */
	EDGE(b);
	PUT(b, 0, 0, 0, 1);                /* a counted update: one raw */
	rect(b, 1, 1, 0);
	PUT(b, 3, 3, 3, 3);
	EDGE(b);
	EDGE(b);
	PUT(b, 0, 0, 0, 0);                /* an empty update */
	EDGE(b);
	b->drop = true;                    /* a cut text last, split */
	PUT(b, 3, 0, 0, 0, 0, 0, 0, 2, 'x', 'y');
	b->drop = false;
}

/* The filter over the whole stream in pieces of step bytes. */
static long run(struct web_desk *d, uint8_t *p, size_t len, size_t step,
		uint8_t *out, const char **why)
{
	size_t i, o = 0;

	for (i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;
		long k;

		memcpy(out + o, p + i, n);   /* in place, as the session does */
		k = web_desk_filter(d, out + o, n, why);
		if (k < 0)
			return -1;
		o += (size_t)k;
	}
	return (long)o;
}

/* Scanned with stop set, in pieces of step bytes, with out (view) or
 * without (control): every edge found where the stream has one, the
 * output as the plain filter's. */
static bool edges_found(const struct build *b, size_t step, bool control)
{
	struct web_desk d;
	uint8_t out[2048];
	const char *why = NULL;
	size_t i = 0, o = 0;
	unsigned e = 0;

	web_desk_init(&d);
	d.stop = true;
	d.keep_cut = control;
	while (i < b->len) {
		size_t n = b->len - i < step ? b->len - i : step, used = 0;
		long k = web_desk_scan(&d, b->in + i, n,
				       control ? NULL : out + o, &used, &why);

		if (k < 0 || used > n || (control && (size_t)k != used))
			return false;
		i += used;
		o += (size_t)k;
		if (d.at == WEB_DESK_AT_BEGIN || d.at == WEB_DESK_AT_END) {
			if (e >= b->n_edges || b->edges[e] != i ||
			    (d.at == WEB_DESK_AT_BEGIN) != !(e % 2))
				return false;
			e++;
		}
	}
	if (control)
		return e == b->n_edges && o == b->len && !d.dropped &&
			d.continuous;
	return e == b->n_edges && o == b->want_len &&
		!memcmp(out, b->want, o) && d.dropped == 3 && d.continuous;
}

/* A stream that must be refused after the ServerInit. */
static bool refused(const uint8_t *tail, size_t n)
{
	struct build b;
	struct web_desk d;
	uint8_t out[2048];
	const char *why = NULL;

	stream(&b);
	memcpy(b.in + 28, tail, n);   /* after the ServerInit */
	web_desk_init(&d);
	return run(&d, b.in, 28 + n, 28 + n, out, &why) < 0 && why;
}

static void count_done(struct web_desk *d, void *arg)
{
	if (d->msg_type == 0)
		(*(int *)arg)++;
}

/* rfb_group.h's use: a stream joined at a boundary, its updates dropped
 * before an offset, Tight's reset bits set on the first Tight rectangle
 * from another, an update's covered area, and each message's end. */
static void test_group(void)
{
	static const uint8_t pf[16] = {32, 24, 0, 1, 0, 255, 0, 255, 0, 255,
				       16, 8, 0};
	static const uint8_t s0[] = {
		0, 0, 0, 1,                                 /* update 1 */
		0, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 7, 0x80, 1, 2, 3,
		2,                                          /* bell */
		0, 0, 0, 2,                                 /* update 2 */
		0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, /* copy */
		0, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 7, 0x80, 1, 2, 3,
	};
	uint8_t p[sizeof(s0)];
	const char *why = NULL;
	struct web_desk d;
	int done = 0;
	long n;

	/* update 1 dropped, the bell passes, update 2 gets reset bits */
	memcpy(p, s0, sizeof(p));
	web_desk_init_at(&d, pf, 4, 4, 1000);
	d.keep_cut = true;
	d.doneh = count_done;
	d.done_arg = &done;
	d.drop_updates_before = 1000 + 21;
	d.reset_at = 1000 + 21;
	CHECK(web_desk_at_boundary(&d));
	n = web_desk_filter(&d, p, 30, &why);
	CHECK_EQ_INT(n, 1 + 9);
	CHECK(!web_desk_at_boundary(&d));
	CHECK_EQ_INT(web_desk_filter(&d, p + 30, sizeof(p) - 30, &why),
		     sizeof(p) - 30);
	CHECK_EQ_INT(done, 2);
	CHECK(web_desk_at_boundary(&d));
	CHECK_EQ_INT(d.pos, 1000 + sizeof(s0));
	CHECK(d.reset_done);
	CHECK(d.copyrect);
	CHECK_EQ_INT(d.area, 16);
	CHECK_EQ_INT(d.reset_at, UINT64_MAX);
	/* the copy went as it was, the fill with its streams reset */
	CHECK_EQ_INT(p[21 + 4 + 16 + 12], 0x8f);
	CHECK_EQ_INT(s0[21 + 4 + 16 + 12], 0x80);
}

/* A framed member's own stream (rfb_group.h): the desktop's mark changes
 * the format between two updates and is dropped, whatever the split; a
 * framer not told of marks refuses one. */
static void test_pf_mark(void)
{
	static const uint8_t pf32[16] = {32, 24, 0, 1, 0, 255, 0, 255,
					 0, 255, 16, 8, 0};
	static const uint8_t s0[] = {
		0, 0, 0, 1,                             /* raw 2x1 at 4 */
		0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
		WEB_DESK_MSG_PF_MARK, 0, 0, 0,          /* RGB565 from here */
		16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0,
		0, 0, 0, 1,                             /* raw 2x1 at 2 */
		0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4,
		2,                                      /* bell */
	};
	enum { MARK_AT = 4 + 12 + 8 };
	uint8_t out[sizeof(s0)];
	const char *why = NULL;
	struct web_desk d;
	size_t step, at, used;
	long n, o;

	for (step = 1; step <= sizeof(s0); step++) {
		web_desk_init_at(&d, pf32, 2, 1, 0);
		d.keep_cut = true;
		d.pf_marks = true;
		for (at = 0, o = 0; at < sizeof(s0); at += used) {
			size_t len = sizeof(s0) - at < step ?
				sizeof(s0) - at : step;

			n = web_desk_scan(&d, s0 + at, len, out + o, &used,
					  &why);
			CHECK(n >= 0);
			if (n < 0)
				return;
			o += n;
		}
		CHECK_EQ_INT(o, sizeof(s0) - WEB_DESK_PF_MARK_LEN);
		CHECK(!memcmp(out, s0, MARK_AT));
		CHECK(!memcmp(out + MARK_AT, s0 + MARK_AT + WEB_DESK_PF_MARK_LEN,
			      sizeof(s0) - MARK_AT - WEB_DESK_PF_MARK_LEN));
		CHECK_EQ_INT(d.bpp, 2);
		CHECK(web_desk_at_boundary(&d));
		CHECK_EQ_INT(d.pos, sizeof(s0));
	}
	web_desk_init_at(&d, pf32, 2, 1, 0);
	d.keep_cut = true;
	CHECK(web_desk_scan(&d, s0, sizeof(s0), out, &used, &why) < 0);
	CHECK_EQ_INT(d.pos, MARK_AT + 1);
}

int main(void)
{
	struct build b;
	struct web_desk d;
	uint8_t out[2048];
	const char *why = NULL;
	size_t step;
	long n;

	test_group();
	test_pf_mark();
	stream(&b);
	for (step = 1; step <= 64; step++) {
		web_desk_init(&d);
		n = run(&d, b.in, b.len, step, out, &why);
		CHECK_EQ_INT(n, b.want_len);
		CHECK(n > 0 && !memcmp(out, b.want, b.want_len));
		CHECK_EQ_INT(d.dropped, 3);
	}

	/* asking ahead: each update's edges, whatever the split, with and
	 * without the clipboard */
	for (step = 1; step <= 64; step++) {
		CHECK(edges_found(&b, step, false));
		CHECK(edges_found(&b, step, true));
	}
	CHECK(edges_found(&b, sizeof(b.in), false));
	CHECK(edges_found(&b, sizeof(b.in), true));

	/* the browser's own pixel format: 16 bits, tight's pixel 2 bytes */
	{
		static const uint8_t pf16[16] = {16, 16, 0, 1, 0, 31, 0, 63,
						 0, 31, 11, 5, 0};
		static const uint8_t upd[] = {
			0, 0, 0, 2,
			0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0,  /* raw 2x1: 4 */
			3, 3, 3, 3,
			0, 0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 7,  /* tight fill */
			0x80, 3, 3,
			2,
		};
		uint8_t p[sizeof(upd)];

		web_desk_init(&d);
		n = run(&d, b.in, 28, 28, out, &why);
		CHECK_EQ_INT(n, 28);
		CHECK(web_desk_pixel_format(&d, pf16) == 0);
		memcpy(p, upd, sizeof(p));
		CHECK_EQ_INT(web_desk_filter(&d, p, sizeof(p), &why),
			     sizeof(upd));
		CHECK(web_desk_pixel_format(&d, (const uint8_t *)"\x18\x18")
		      < 0);
	}

	/* what cannot be framed is refused, never passed */
	CHECK(refused((const uint8_t *)"\x07", 1));          /* unknown type */
	CHECK(refused((const uint8_t *)"\x00\x00\x00\x01"    /* hextile */
		      "\0\0\0\0\0\1\0\1\0\0\0\5", 16));
	CHECK(refused((const uint8_t *)"\x00\x00\x00\x01"    /* tight 0xb0 */
		      "\0\0\0\0\0\1\0\1\0\0\0\7\xb0", 17));
	CHECK(refused((const uint8_t *)"\x00\x00\x00\x01"    /* filter 3 */
		      "\0\0\0\0\0\1\0\1\0\0\0\7\x40\x03", 18));
	{
		uint8_t init[28];

		memcpy(init, b.in, 28);
		init[4] = 24;   /* 24 bits a pixel: no such RFB format */
		web_desk_init(&d);
		CHECK(web_desk_filter(&d, init, 28, &why) < 0);
	}

	/* the encodings a view-only browser may ask for */
	CHECK(web_desk_encoding_ok(7) && web_desk_encoding_ok(16) &&
	      web_desk_encoding_ok(-28) && web_desk_encoding_ok(-250));
	CHECK(!web_desk_encoding_ok(5) && !web_desk_encoding_ok(2) &&
	      !web_desk_encoding_ok((int32_t)0xc0a1e5ce) &&
	      !web_desk_encoding_ok(0x574d5664));

	/* random bytes after the ServerInit: refused or passed, never more
	 * than came in */
	{
		unsigned seed = 4242, round, i;

		for (round = 0; round < 20000; round++) {
			uint8_t rnd[96];
			size_t rl = 1 + (seed = seed * 1103515245u + 12345u) % 96;

			for (i = 0; i < rl; i++) {
				seed = seed * 1103515245u + 12345u;
				rnd[i] = (uint8_t)(seed >> 16);
			}
			web_desk_init(&d);
			(void)run(&d, b.in, 28, 28, out, &why);
			for (i = 0; i < 3; i++) {
				n = web_desk_filter(&d, rnd, rl, &why);
				if (n < 0)
					break;
				if ((size_t)n > rl)
					CHECK((size_t)n <= rl);
			}
		}
	}
	CHECK_DONE("web_desk_test");
}
