/*
 * cursor_convert.c - the XFixes cursor image (ARGB, premultiplied) in the
 * framebuffer's own pixel layout, with its alpha and the 1-bit masks that
 * viewers without alpha need.
 */
#include "capture/capture.h"

/* An 8-bit channel value into a channel of the given mask. */
static uint32_t channel(uint32_t v8, uint32_t mask, int shift)
{
	uint32_t max = mask >> shift;

	return (v8 * max + 127) / 255 << shift;
}

static void store_pixel(uint8_t *dst, uint32_t v, int bytes, bool big)
{
	int i;

	for (i = 0; i < bytes; i++)
		dst[i] = (uint8_t)(v >> (big ? (bytes - 1 - i) * 8 : i * 8));
}

/* Premultiplied back to straight colour, bounded (a hostile or broken
 * image may have colour above its alpha). */
static uint32_t unpremultiply(uint32_t c, uint32_t a)
{
	uint32_t v = a ? (c * 255 + a / 2) / a : 0;

	return v > 255 ? 255 : v;
}

void capture_cursor_convert(const struct capture_format *fmt,
			    const struct capture_cursor *cur, uint8_t *pixels,
			    uint8_t *alpha, uint8_t *opaque, uint8_t *dark)
{
	int bytes = fmt->bits_per_pixel / 8;
	size_t row_bytes = (size_t)(cur->width + 7) / 8;
	int x, y;

	for (y = 0; y < cur->height; y++) {
		for (x = 0; x < cur->width; x++) {
			size_t i = (size_t)y * cur->width + x;
			size_t bit_at = y * row_bytes + x / 8;
			uint8_t bit = (uint8_t)(0x80 >> (x % 8));
			uint32_t p = cur->argb[i], a = p >> 24;
			uint32_t r = unpremultiply((p >> 16) & 0xff, a);
			uint32_t g = unpremultiply((p >> 8) & 0xff, a);
			uint32_t b = unpremultiply(p & 0xff, a);

			if (pixels)
				store_pixel(pixels + i * bytes,
					    channel(r, fmt->red_mask,
						    fmt->red_shift) |
					    channel(g, fmt->green_mask,
						    fmt->green_shift) |
					    channel(b, fmt->blue_mask,
						    fmt->blue_shift),
					    bytes, fmt->big_endian);
			if (alpha)
				alpha[i] = (uint8_t)a;
			if (a < 128)
				continue;
			if (opaque)
				opaque[bit_at] |= bit;
			/* Luminance below mid grey (weights 3:6:1). */
			if (dark && r * 3 + g * 6 + b < 128 * 10)
				dark[bit_at] |= bit;
		}
	}
}
