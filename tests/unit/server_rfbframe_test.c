/*
 * server_rfbframe_test - the one RFB client-message framer (rfb_frame.h)
 * that both the desktop (rfb_filter) and the browser gateway (web_rfb)
 * use: a table of messages, each with what comes out with control
 * rights, with view rights, and checked only (the desktop's way), fed in
 * every split.  Refusals are refused the same way in all three.
 */
#include <stdbool.h>
#include <stdint.h>

#include "server/rfb_frame.h"
#include "tests/unit/check.h"

enum { MAX = 64 };
#define REFUSED (-1)

struct row {
	const char *what;
	uint8_t in[MAX];
	int len;
	int control;          /* bytes out with control: len, or REFUSED */
	int view;             /* with view rights: bytes out, or REFUSED */
	uint8_t view_out[MAX];   /* what view gives, when not all or none */
};

/* 32 bpp, depth 24, true colour, 8 bits a channel */
#define PF32 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0
#define IGN 0x53, 0x56, 0x4e, 0x43   /* the ignored encoding */

static const struct row rows[] = {
	{"SetPixelFormat", {0, 0, 0, 0, PF32}, 20, 20, 20, {0}},
	{"SetPixelFormat 0 bpp", {0, 0, 0, 0, 0, 24}, 20, REFUSED, REFUSED,
	 {0}},
	{"SetPixelFormat 24 bpp", {0, 0, 0, 0, 24, 24}, 20, REFUSED,
	 REFUSED, {0}},
	{"SetPixelFormat depth 0", {0, 0, 0, 0, 32, 0}, 20, REFUSED,
	 REFUSED, {0}},
	{"SetPixelFormat red shift 40", {0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0,
	 255, 0, 255, 40}, 20, REFUSED, REFUSED, {0}},
	{"SetEncodings tight, ZRLE, raw", {2, 0, 0, 3, 0, 0, 0, 7, 0, 0, 0,
	 16, 0, 0, 0, 0}, 16, 16, 16, {0}},
	{"SetEncodings hextile, RRE, Extended Clipboard, VMware cursor",
	 {2, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 2, 0xc0, 0xa1, 0xe5, 0xce, 0x57,
	  0x4d, 0x56, 0x64}, 20, 20, 20,
	 {2, 0, 0, 4, IGN, IGN, IGN, IGN}},
	{"SetEncodings quality 6, cursor, LastRect", {2, 0, 0, 3, 0xff, 0xff,
	 0xff, 0xe6, 0xff, 0xff, 0xff, 0x11, 0xff, 0xff, 0xff, 0x20}, 16,
	 16, 16, {0}},
	{"SetEncodings empty", {2, 0, 0, 0}, 4, 4, 4, {0}},
	{"FramebufferUpdateRequest", {3, 1, 0, 0, 0, 0, 1, 64, 0, 240}, 10,
	 10, 10, {0}},
	{"KeyEvent", {4, 1, 0, 0, 0, 0, 0, 0x61}, 8, 8, 0, {0}},
	{"PointerEvent", {5, 1, 0, 10, 0, 20}, 6, 6, 0, {0}},
	{"ClientCutText", {6, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}, 10, 10, 0,
	 {0}},
	{"ClientCutText extended", {6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfc, 1, 2,
	 3, 4}, 12, 12, 0, {0}},
	{"ClientCutText over 16 MiB", {6, 0, 0, 0, 1, 0, 0, 1}, 8, REFUSED,
	 REFUSED, {0}},
	{"ClientCutText extended over 16 MiB", {6, 0, 0, 0, 0x80, 0, 0, 0},
	 8, REFUSED, REFUSED, {0}},
	{"EnableContinuousUpdates", {150, 1, 0, 0, 0, 0, 1, 64, 0, 240}, 10,
	 10, 10, {0}},
	{"ClientFence", {248, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9}, 11, 11, 11,
	 {0}},
	{"ClientFence over 64", {248, 0, 0, 0, 0, 0, 0, 0, 65}, 9, REFUSED,
	 REFUSED, {0}},
	{"xvp", {250, 0, 1, 2}, 4, 4, 0, {0}},
	{"SetDesktopSize", {251, 0, 1, 64, 0, 240, 1, 0, 0, 0, 0, 1, 0, 0, 0,
	 0, 1, 64, 0, 240, 0, 0, 0, 0}, 24, 24, 0, {0}},
	{"QEMU extended key", {255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 30}, 12,
	 12, 0, {0}},
	{"QEMU other", {255, 1, 0, 0}, 4, REFUSED, REFUSED, {0}},
	{"unknown type 7", {7}, 1, REFUSED, REFUSED, {0}},
	{"unknown type 1", {1, 0, 0, 0}, 4, REFUSED, REFUSED, {0}},
};

/* The row through a fresh framer in pieces of step bytes. */
static long run(const struct row *r, unsigned flags, bool check_only,
		size_t step, uint8_t *out, unsigned long *dropped)
{
	struct rfb_frame f;
	const char *why = NULL;
	size_t i, o = 0;

	rfb_frame_init(&f, flags);
	for (i = 0; i < (size_t)r->len; i += step) {
		size_t n = (size_t)r->len - i < step ? (size_t)r->len - i : step;
		long k = rfb_frame_feed(&f, r->in + i, n,
					check_only ? NULL : out + o, &why);

		if (k < 0)
			return why ? REFUSED : -2;
		o += (size_t)k;
	}
	*dropped = f.dropped;
	return (long)o;
}

static void test_rows(void)
{
	size_t k, step;

	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		const struct row *r = &rows[k];
		const uint8_t *want = r->view_out[0] ? r->view_out : r->in;

		for (step = 1; step <= (size_t)r->len; step++) {
			uint8_t out[MAX + 4];
			unsigned long dropped = 0;
			long n;

			n = run(r, RFB_FRAME_CONTROL, false, step, out,
				&dropped);
			if (n != r->control)
				fprintf(stderr, "%s (control, step %zu)\n",
					r->what, step);
			CHECK_EQ_INT(n, r->control);
			if (n > 0)
				CHECK(!memcmp(out, r->in, (size_t)n));
			n = run(r, RFB_FRAME_CONTROL, true, step, out,
				&dropped);
			CHECK_EQ_INT(n, r->control);
			n = run(r, 0, false, step, out, &dropped);
			if (n != r->view)
				fprintf(stderr, "%s (view, step %zu)\n",
					r->what, step);
			CHECK_EQ_INT(n, r->view);
			if (n > 0)
				CHECK(!memcmp(out, want, (size_t)n));
			if (!n)
				CHECK_EQ_INT(dropped, 1);
		}
	}
}

/* What the desktop framer (web_desk) must learn, and when it may. */
static void test_pixel_format(void)
{
	static const uint8_t pf_then_ask[] = {0, 0, 0, 0, PF32,
					      3, 0, 0, 0, 0, 0, 0, 1, 0, 1};
	static const uint8_t ask_then_pf[] = {3, 0, 0, 0, 0, 0, 0, 1, 0, 1,
					      0, 0, 0, 0, PF32};
	static const uint8_t cu_then_pf[] = {150, 1, 0, 0, 0, 0, 0, 1, 0, 1,
					     0, 0, 0, 0, PF32};
	struct rfb_frame f;
	uint8_t out[64];
	const char *why = NULL;

	rfb_frame_init(&f, 0);
	CHECK_EQ_INT(rfb_frame_feed(&f, pf_then_ask, sizeof(pf_then_ask), out,
				    &why), sizeof(pf_then_ask));
	CHECK(f.pf_new && f.pf[0] == 32 && f.pf[1] == 24 && f.pf[3] == 1);
	/* view: once updates flow the format may not change */
	rfb_frame_init(&f, 0);
	CHECK(rfb_frame_feed(&f, ask_then_pf, sizeof(ask_then_pf), out,
			     &why) < 0);
	rfb_frame_init(&f, 0);
	CHECK(rfb_frame_feed(&f, cu_then_pf, sizeof(cu_then_pf), out,
			     &why) < 0);
	/* control: the desktop's stream is not framed, RFC 6143 is the
	 * viewer's business */
	rfb_frame_init(&f, RFB_FRAME_CONTROL);
	CHECK_EQ_INT(rfb_frame_feed(&f, ask_then_pf, sizeof(ask_then_pf), out,
				    &why), sizeof(ask_then_pf));
	/* the private type's padding is ours: the viewer's is cleared, a
	 * framed stream asks for the desktop's mark (web_desk.h) */
	static const uint8_t padded_pf[] = {0, 1, 1, 1, PF32};

	rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
	CHECK_EQ_INT(rfb_frame_feed(&f, padded_pf, sizeof(padded_pf), out,
				    &why), 20);
	CHECK(out[0] == RFB_FRAME_MSG_PRIVATE_PF && !out[1] && !out[2] &&
	      !out[3] && !memcmp(out + 4, padded_pf + 4, 16));
	f.pf_mark = true;
	CHECK_EQ_INT(rfb_frame_feed(&f, padded_pf, sizeof(padded_pf), out,
				    &why), 20);
	CHECK(out[0] == RFB_FRAME_MSG_PRIVATE_PF &&
	      out[1] == RFB_FRAME_PF_MARK && !out[2] && !out[3]);
}

/* Lossless: tight's quality levels hidden, with either right. */
static void test_lossless(void)
{
	static const uint8_t enc[] = {2, 0, 0, 2, 0xff, 0xff, 0xff, 0xe6,
				      0, 0, 0, 7};
	unsigned flags[] = {RFB_FRAME_LOSSLESS,
			    RFB_FRAME_LOSSLESS | RFB_FRAME_CONTROL};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct rfb_frame f;
		uint8_t out[16];
		const char *why = NULL;

		rfb_frame_init(&f, flags[k]);
		CHECK_EQ_INT(rfb_frame_feed(&f, enc, sizeof(enc), out, &why),
			     12);
		CHECK(out[4] == 0x53 && out[11] == 7);
	}
}

/* Random bytes: refused, or passed with at most 4 bytes more than came
 * in (an encoding completed from the call before), RFB_FRAME_OUT_MAX
 * with the private types (a byte ahead of each SetEncodings). */
static void test_random(void)
{
	unsigned seed = 777, round, i;

	for (round = 0; round < 20000; round++) {
		struct rfb_frame f;
		uint8_t rnd[64], out[RFB_FRAME_OUT_MAX(64)];
		size_t rl = 1 + (seed = seed * 1103515245u + 12345u) % 64;
		const char *why = NULL;

		for (i = 0; i < rl; i++) {
			seed = seed * 1103515245u + 12345u;
			rnd[i] = (uint8_t)(seed >> 16);
		}
		rfb_frame_init(&f, round & 7);
		for (i = 0; i < 4; i++) {
			long n = rfb_frame_feed(&f, rnd, rl, out, &why);

			if (n < 0)
				break;
			size_t room = (round & RFB_FRAME_PF_PRIVATE) ?
				RFB_FRAME_OUT_MAX(rl) : rl + 4;

			if ((size_t)n > room)
				CHECK((size_t)n <= room);
		}
	}
}

/* What the gateway needs to ask ahead in the browser's name: each
 * request counted and kept whole, split or not, and where a message
 * ends. */
static void test_requests(void)
{
	static const uint8_t in[] = {
		4, 1, 0, 0, 0, 0, 0, 0x41,            /* key */
		3, 0, 0, 0, 0, 0, 1, 64, 0, 240,      /* full request */
		3, 1, 0, 1, 0, 2, 0, 3, 0, 4,         /* incremental */
	};
	static const uint8_t last[10] = {3, 1, 0, 1, 0, 2, 0, 3, 0, 4};
	uint8_t out[sizeof(in) + 4];
	const char *why = NULL;
	struct rfb_frame f;
	size_t step, i;

	for (step = 1; step <= sizeof(in); step++) {
		rfb_frame_init(&f, RFB_FRAME_CONTROL);
		CHECK(rfb_frame_idle(&f));
		for (i = 0; i < sizeof(in); i += step) {
			size_t n = sizeof(in) - i < step ? sizeof(in) - i :
				step;

			CHECK(rfb_frame_feed(&f, in + i, n, out, &why) >= 0);
			/* between messages exactly at their edges */
			CHECK(rfb_frame_idle(&f) == (i + n == 8 ||
						    i + n == 18 ||
						    i + n == sizeof(in)));
		}
		CHECK_EQ_INT(f.requests, 2);
		CHECK(!memcmp(f.request, last, sizeof(last)));
		CHECK(!f.continuous);
	}
	/* EnableContinuousUpdates: nobody may ask ahead any more */
	rfb_frame_init(&f, RFB_FRAME_CONTROL);
	CHECK(rfb_frame_feed(&f, (const uint8_t *)"\x96\x01\0\0\0\0\x01"
			     "\x40\0\xf0", 10, out, &why) == 10);
	CHECK(f.continuous && f.requests == 0);
}

/* rfb_group.h: incremental requests held and counted, a whole-frame
 * request or new settings end the holding and pass. */
static void test_hold(void)
{
	static const uint8_t in[] = {
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* incremental */
		4, 1, 0, 0, 0, 0, 0, 0x41,              /* key */
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* incremental */
		3, 0, 0, 0, 0, 0, 0, 9, 0, 9,           /* whole frame */
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* passes again */
	};
	uint8_t out[sizeof(in) + RFB_FRAME_OUT_EXTRA];
	const char *why = NULL;
	struct rfb_frame f;
	size_t i;
	long n = 0;

	rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
	f.hold = true;
	for (i = 0; i < sizeof(in); i++) {   /* byte by byte */
		long k = rfb_frame_feed(&f, in + i, 1, out + n, &why);

		CHECK(k >= 0);
		n += k;
	}
	CHECK_EQ_INT(f.held, 2);
	CHECK(!f.hold);
	CHECK(f.left_why != NULL);
	CHECK_EQ_INT(n, 8 + 10 + 10);
	CHECK(!memcmp(out, in + 10, 8));
	CHECK(!memcmp(out + 8, in + 28, 20));

	/* new settings end it too, and the list is kept for grouping */
	{
		static const uint8_t enc[] = {2, 0, 0, 2, 0, 0, 0, 7,
					      0xff, 0xff, 0xff, 0x11};

		rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
		f.hold = true;
		n = rfb_frame_feed(&f, enc, sizeof(enc), out, &why);
		/* behind the byte that has it applied under the send lock */
		CHECK_EQ_INT(n, 1 + sizeof(enc));
		CHECK_EQ_INT(out[0], RFB_FRAME_MSG_PRIVATE_LOCKED);
		CHECK(!memcmp(out + 1, enc, sizeof(enc)));
		CHECK(!f.hold && f.left_why != NULL);
		CHECK_EQ_INT(f.encs_len, 8);
		CHECK(!memcmp(f.encs, enc + 4, 8));
	}

	/* a framed stream (pf_hold): a new pixel format passes but holds
	 * every request after it, whole-frame ones too, and encodings do
	 * not end that holding (rfb_group.c restarts first) */
	{
		static const uint8_t seq[] = {
			0, 0, 0, 0, 16, 16, 0, 1, 0, 31, 0, 63, 0, 31,
			11, 5, 0, 0, 0, 0,              /* RGB565 */
			2, 0, 0, 1, 0, 0, 0, 7,         /* tight */
			3, 0, 0, 0, 0, 0, 0, 9, 0, 9,   /* whole frame */
			3, 1, 0, 0, 0, 0, 0, 9, 0, 9,   /* incremental */
		};

		rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
		f.pf_hold = true;
		n = rfb_frame_feed(&f, seq, sizeof(seq), out, &why);
		CHECK_EQ_INT(n, 20 + 1 + 8);
		CHECK_EQ_INT(out[0], RFB_FRAME_MSG_PRIVATE_PF);
		CHECK_EQ_INT(out[20], RFB_FRAME_MSG_PRIVATE_LOCKED);
		CHECK(!memcmp(out + 21, seq + 20, 8));
		CHECK(f.hold && f.hold_whole && f.left_why != NULL);
		CHECK_EQ_INT(f.held, 2);
	}
}

/* desktop_keep.c: an incremental request the desktop may keep is not
 * passed; keys and the pointer pass beside it; anything else lets it out
 * first, in order; a request right after new settings passes. */
static bool keep_yes(void *arg)
{
	(void)arg;
	return true;
}

static bool keep_no(void *arg)
{
	(void)arg;
	return false;
}

static void test_keep(void)
{
	static const uint8_t in[] = {
		2, 0, 0, 1, 0, 0, 0, 7,                 /* tight */
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* passes: settings */
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* kept */
		4, 1, 0, 0, 0, 0, 0, 0x41,              /* key: passes */
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,           /* the same: one */
		6, 0, 0, 0, 0, 0, 0, 1, 'x',            /* cut: kept first */
		3, 1, 0, 0, 0, 0, 0, 8, 0, 8,           /* kept */
		3, 0, 0, 0, 0, 0, 0, 9, 0, 9,           /* whole: after it */
	};
	static const uint8_t want[] = {
		RFB_FRAME_MSG_PRIVATE_LOCKED, 2, 0, 0, 1, 0, 0, 0, 7,
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,
		4, 1, 0, 0, 0, 0, 0, 0x41,
		3, 1, 0, 0, 0, 0, 0, 9, 0, 9,
		6, 0, 0, 0, 0, 0, 0, 1, 'x',
		3, 1, 0, 0, 0, 0, 0, 8, 0, 8,
		3, 0, 0, 0, 0, 0, 0, 9, 0, 9,
	};
	uint8_t out[RFB_FRAME_OUT_MAX(sizeof(in))];
	const char *why = NULL;
	struct rfb_frame f;
	size_t step, i;
	long n, k;

	for (step = 1; step <= sizeof(in); step++) {
		rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
		f.keep_h = keep_yes;
		n = 0;
		for (i = 0; i < sizeof(in); i += step) {
			size_t len = sizeof(in) - i < step ? sizeof(in) - i :
				step;

			k = rfb_frame_feed(&f, in + i, len, out + n, &why);
			CHECK(k >= 0 && k <= (long)RFB_FRAME_OUT_MAX(len));
			n += k;
		}
		CHECK_EQ_INT(n, sizeof(want));
		CHECK(!memcmp(out, want, sizeof(want)));
		CHECK(!f.kept);
	}
	/* kept until the desktop takes it; refused: it passes */
	rfb_frame_init(&f, RFB_FRAME_CONTROL | RFB_FRAME_PF_PRIVATE);
	f.keep_h = keep_yes;
	CHECK(rfb_frame_feed(&f, in + 18, 10, out, &why) == 0);
	CHECK(f.kept && !memcmp(f.kept_req, in + 18, 10));
	f.kept = false;
	f.keep_h = keep_no;
	CHECK(rfb_frame_feed(&f, in + 18, 10, out, &why) == 10);
	CHECK(!f.kept);
	/* never while a group holds */
	f.keep_h = keep_yes;
	f.hold = true;
	CHECK(rfb_frame_feed(&f, in + 18, 10, out, &why) == 0);
	CHECK(!f.kept && f.held == 1);
}

int main(void)
{
	test_keep();
	test_hold();
	test_rows();
	test_requests();
	test_pixel_format();
	test_lossless();
	test_random();
	CHECK_DONE("server_rfbframe");
}
