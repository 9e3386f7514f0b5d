/*
 * capture_scroll_test.c - the motion finder on synthetic frames: vertical
 * and horizontal scrolls both ways, the hint, flat and unchanged content,
 * areas at the screen's edges, and a two-tone terminal's text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/scroll.h"
#include "tests/unit/check.h"

#define W 640
#define H 400
#define BPP 4

static uint32_t old_px[H][W], new_px[H][W];

static uint32_t picture(int x, int y)
{
	/* detailed, nowhere periodic within the search range */
	uint32_t v = (uint32_t)x * 2654435761u ^ (uint32_t)y * 40503u;

	return (v ^ (v >> 13)) & 0xffffff;
}

static void draw(uint32_t (*px)[W], int sx, int sy)
{
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			px[y][x] = picture(x + sx, y + sy);
}

static struct scroll_frame old_frame(void)
{
	struct scroll_frame f = { (const uint8_t *)old_px, W * BPP, W, H, BPP,
				  0, 0, 0, 0 };

	return f;
}

static struct scroll_area area(int x, int y, int w, int h)
{
	struct scroll_area a = { (const uint8_t *)&new_px[y][x], W * BPP,
				 x, y, w, h };

	return a;
}

/* The whole area, tile by tile, under (dx, dy): how many 32x32 tiles
 * match. */
static int matching_tiles(const struct scroll_area *a, int dx, int dy)
{
	struct scroll_frame f = old_frame();
	int x, y, n = 0;

	for (y = a->y; y + 32 <= a->y + a->h; y += 32)
		for (x = a->x; x + 32 <= a->x + a->w; x += 32)
			n += capture_scroll_matches(&f, a, x, y, 32, 32, dx,
						    dy);
	return n;
}

/* tiles: how many of the 16x8 tiles have their source on the screen */
static void test_shift(int sx, int sy, int tiles)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(64, 64, 512, 256);
	int dx = 99, dy = 99;

	draw(old_px, 0, 0);
	draw(new_px, sx, sy);   /* content moved by (-sx, -sy) */
	CHECK(capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	CHECK_EQ_INT(dx, -sx);
	CHECK_EQ_INT(dy, -sy);
	CHECK_EQ_INT(matching_tiles(&a, dx, dy), tiles);
	CHECK_EQ_INT(matching_tiles(&a, dx + 1, dy), 0);
}

static void test_hint(void)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(0, 0, W, H);
	int hint[2] = { 0, -3 }, dx = 0, dy = 0;

	draw(old_px, 0, 0);
	draw(new_px, 0, 3);
	CHECK(capture_scroll_guess(&f, &a, hint, &dx, &dy));
	CHECK_EQ_INT(dx, 0);
	CHECK_EQ_INT(dy, -3);
	/* a stale hint is not believed */
	hint[1] = -5;
	CHECK(capture_scroll_guess(&f, &a, hint, &dx, &dy));
	CHECK_EQ_INT(dy, -3);
}

/* The search looks for the source only where the frame says moved
 * content may come from: inside, the motion is found as before; outside,
 * not at all (and the search no longer costs a pass over the screen). */
static void test_source_bounds(void)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(64, 128, 512, 64);
	int dx = 99, dy = 99;

	draw(old_px, 0, 0);
	draw(new_px, 0, 100);   /* content up by 100 rows */
	f.src_x = 64;
	f.src_y = 128;
	f.src_w = 512;
	f.src_h = 64 + 100;     /* the area and where it came from */
	CHECK(capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	CHECK_EQ_INT(dx, 0);
	CHECK_EQ_INT(dy, -100);
	f.src_h = 64;           /* the source rows left out */
	CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	/* a stretch is looked for whole inside the bounds: columns too */
	draw(new_px, 30, 0);    /* content left by 30 */
	f.src_x = 64;
	f.src_y = 128;
	f.src_w = 512 + 30;
	f.src_h = 64;
	CHECK(capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	CHECK_EQ_INT(dx, -30);
	CHECK_EQ_INT(dy, 0);
	f.src_x = 64 + 300;     /* far right of where the probe came from */
	f.src_w = 100;
	CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
}

static void test_no_motion(void)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(0, 0, W, H);
	int dx, dy, x, y;

	/* unchanged */
	draw(old_px, 0, 0);
	draw(new_px, 0, 0);
	CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	/* new content that was nowhere before */
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			new_px[y][x] = picture(x + 5000, y + 7000) | 0x1000000;
	CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	/* flat fills prove nothing, whatever the old frame holds */
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			new_px[y][x] = (x / 100) & 1 ? 0xffffff : 0x000000;
	CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
}

static void test_edges(void)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(0, 0, W, H);

	draw(old_px, 0, 0);
	draw(new_px, 0, 10);
	/* the source must be on the screen: the bottom rows have none */
	CHECK(capture_scroll_matches(&f, &a, 0, 0, 32, 32, 0, -10));
	CHECK(!capture_scroll_matches(&f, &a, 0, H - 32, 32, 32, 0, -10));
	CHECK(capture_scroll_matches(&f, &a, 0, H - 42, 32, 32, 0, -10));
	/* outside the area or empty */
	CHECK(!capture_scroll_matches(&f, &a, W - 16, 0, 32, 32, 0, -10));
	CHECK(!capture_scroll_matches(&f, &a, 0, 0, 0, 32, 0, -10));
	/* a tiny area is too small to guess from */
	a = area(0, 0, 4, 4);
	{
		int dx, dy;

		CHECK(!capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	}
}

/* A terminal's bitmap font: black on white, 6x13 cells of random glyph
 * bits, every line of text full. */
static uint32_t terminal(int x, int y)
{
	uint32_t cell = (uint32_t)(x / 6) * 2654435761u ^
			(uint32_t)(y / 13) * 40503u;
	uint32_t bit = (cell ^ (cell >> 11)) >> ((x % 6) * 3 + y % 13) & 1;

	return x % 6 == 5 || y % 13 == 12 || !bit ? 0xffffff : 0x000000;
}

/* Two-tone text scrolled up by one line is found, and only under its
 * true motion do the tiles match. */
static void test_two_tone_text(void)
{
	struct scroll_frame f = old_frame();
	struct scroll_area a = area(60, 26, 360, 325);
	int x, y, dx = 99, dy = 99;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			old_px[y][x] = terminal(x, y);
			new_px[y][x] = terminal(x, y + 13);
		}
	CHECK(capture_scroll_guess(&f, &a, NULL, &dx, &dy));
	CHECK_EQ_INT(dx, 0);
	CHECK_EQ_INT(dy, -13);
	CHECK(matching_tiles(&a, 0, -13) > 80);
	CHECK_EQ_INT(matching_tiles(&a, 0, -12), 0);
}

int main(void)
{
	test_shift(0, 7, 128);   /* content up: text scrolled down the page */
	test_shift(0, -40, 128);
	test_shift(7, 0, 128);   /* content left */
	test_shift(-200, 0, 88);  /* columns left of 200 have no source */
	test_shift(0, 200, 64);  /* only rows 64..160 have a source above 400 */
	test_hint();
	test_source_bounds();
	test_no_motion();
	test_edges();
	test_two_tone_text();
	CHECK_DONE("capture_scroll");
}
