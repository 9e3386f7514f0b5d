/*
 * web_rfb_test - the gateway's filter over the browser's RFB: our
 * greeting's steps, then a whole stream through the shared framer with
 * each right (every message kind, any split; each kind on its own is in
 * server_rfbframe_test), and clean failure on what cannot be framed.
 */
#include <stdio.h>
#include <string.h>

#include "server/web_rfb.h"

static int failures;

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, \
	__LINE__, #c); failures++; } } while (0)

/* version, security None, ClientInit (shared) */
static const uint8_t hello[14] = "RFB 003.008\n\x01\x01";

/* The filter over the whole input, fed in pieces of step bytes. */
static long run(struct web_rfb *wr, const uint8_t *in, size_t len,
		size_t step, uint8_t *out, const char **why)
{
	size_t i, o = 0;

	for (i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;
		long k = web_rfb_filter(wr, in + i, n, out + o, why);

		if (k < 0)
			return -1;
		o += (size_t)k;
	}
	return (long)o;
}

static size_t stream(uint8_t *buf)
{
	static const uint8_t msgs[] = {
		0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, /* format */
		16, 8, 0, 0, 0, 0,
		3, 1, 0, 0, 0, 0, 1, 0x40, 0, 0xf0,          /* update req */
		4, 1, 0, 0, 0, 0, 0, 0x61,                    /* key 'a' */
		5, 1, 0, 10, 0, 20,                           /* pointer */
		6, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c',        /* cut text */
		6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfc, 1, 2, 3, 4, /* extended */
		2, 0, 0, 2, 0xff, 0xff, 0xff, 0xe6, 0, 0, 0, 7, /* q=6, tight */
		250, 0, 1, 2,                                 /* xvp */
		248, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9,            /* fence */
		251, 0, 1, 0, 1, 0, 1, 0,                     /* desktop size */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 30,     /* qemu key */
		3, 0, 0, 0, 0, 0, 0, 1, 0, 1,
	};

	memcpy(buf, hello, 14);
	memcpy(buf + 14, msgs, sizeof(msgs));
	return 14 + sizeof(msgs);
}

int main(void)
{
	uint8_t in[512], full[520], out[520];
	const char *why = NULL;
	struct web_rfb wr;
	size_t len = stream(in), step;
	long n0, n;

	/* control: everything after the handshake passes unchanged */
	web_rfb_init(&wr, true, false);
	n0 = run(&wr, in, len, len, full, &why);
	CHECK(n0 == (long)len - 13);
	CHECK(!memcmp(full, in + 13, len - 13));
	CHECK(web_rfb_step(&wr) == WEB_RFB_PAST_SECURITY);
	for (step = 1; step < 20; step++) {
		web_rfb_init(&wr, true, false);
		n = run(&wr, in, len, step, out, &why);
		CHECK(n == n0 && !memcmp(out, full, (size_t)n));
	}

	/* view: only ClientInit, update requests, encodings, fence and the
	 * pixel format are left, whatever the split */
	for (step = 1; step < 20; step++) {
		web_rfb_init(&wr, false, false);
		n = run(&wr, in, len, step, out, &why);
		CHECK(n == 1 + 20 + 10 + 12 + 11 + 10);
		CHECK(out[0] == 1 && out[1] == 0 && out[21] == 3 &&
		      out[31] == 2 && out[43] == 248 && out[54] == 3);
		CHECK(wr.frame.dropped == 7);
		/* the desktop framer learns the format */
		CHECK(wr.frame.pf_new && wr.frame.pf[0] == 32 && wr.frame.pf[1] == 24);
	}

	/* lossless: the JPEG quality level becomes an ignored encoding */
	web_rfb_init(&wr, true, true);
	n = run(&wr, in, len, 3, out, &why);
	CHECK(n == n0);
	{
		size_t at = 1 + 20 + 10 + 8 + 6 + 11 + 12;   /* SetEncodings */

		CHECK(full[at] == 2 && full[at + 4] == 0xff && out[at + 4] == 0x53);
		CHECK(!memcmp(out + at + 8, full + at + 8, 4));   /* tight kept */
	}

	/* refusals */
	web_rfb_init(&wr, true, false);
	CHECK(web_rfb_filter(&wr, (const uint8_t *)"RFB 003.003\n", 12, out,
			     &why) < 0);
	web_rfb_init(&wr, true, false);
	CHECK(run(&wr, hello, 12, 12, out, &why) == 0);
	CHECK(web_rfb_filter(&wr, (const uint8_t *)"\x02", 1, out, &why) < 0);
	{
		uint8_t bad[] = {7};   /* an unknown type */
		uint8_t big[] = {6, 0, 0, 0, 0x10, 0, 0, 1};   /* > 16 MiB */
		uint8_t qemu[] = {255, 1, 0, 0};

		web_rfb_init(&wr, true, false);
		(void)run(&wr, hello, 14, 14, out, &why);
		CHECK(web_rfb_filter(&wr, bad, 1, out, &why) < 0);
		web_rfb_init(&wr, true, false);
		(void)run(&wr, hello, 14, 14, out, &why);
		CHECK(web_rfb_filter(&wr, big, 8, out, &why) < 0);
		web_rfb_init(&wr, false, false);
		(void)run(&wr, hello, 14, 14, out, &why);
		CHECK(web_rfb_filter(&wr, qemu, 4, out, &why) < 0);
	}
	/* random streams after the handshake: every piece is either
	 * refused or passed with at most 4 bytes more than it had */
	{
		unsigned seed = 12345, round, i;

		for (round = 0; round < 20000; round++) {
			uint8_t rnd[64];
			size_t rl = 1 + (seed = seed * 1103515245u + 12345u) % 64;

			for (i = 0; i < rl; i++) {
				seed = seed * 1103515245u + 12345u;
				rnd[i] = (uint8_t)(seed >> 16);
			}
			web_rfb_init(&wr, round & 1, round & 2);
			(void)run(&wr, hello, 14, 14, out, &why);
			for (i = 0; i < 4; i++) {
				n = web_rfb_filter(&wr, rnd, rl, out, &why);
				if (n < 0)
					break;
				CHECK((size_t)n <= rl + 4);
			}
		}
	}
	printf("web_rfb_test: %s\n", failures ? "FAILED" : "passed");
	return failures != 0;
}
