/*
 * clipboard_text.c - the text encodings a clipboard meets: UTF-8 (X's
 * UTF8_STRING, RFB's extended clipboard) and Latin-1 (X's STRING, RFB's
 * classic cut text).  Pure functions, no X.
 */
#include "capture/capture.h"

/* Length of the valid UTF-8 sequence starting at s (at most left bytes),
 * or 0: overlong forms, surrogates and code points past U+10FFFF are as
 * invalid as truncated sequences. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	}
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	}
	else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	}
	else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t capture_utf8_valid_prefix(const char *utf8, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t at = 0;

	if (!utf8)
		return 0;
	if (len > max)
		len = max;
	while (at < len && s[at]) {
		size_t n = utf8_sequence(s + at, len - at);

		if (!n)
			break;
		at += n;
	}
	return at;
}

size_t capture_latin1_to_utf8(const char *latin1, size_t len, char *out,
			      size_t out_size)
{
	const unsigned char *s = (const unsigned char *)latin1;
	size_t i, at = 0;

	if (!latin1 || !out)
		return 0;
	for (i = 0; i < len && s[i]; i++) {
		if (s[i] < 0x80) {
			if (at + 1 > out_size)
				break;
			out[at++] = (char)s[i];
		}
		else {
			if (at + 2 > out_size)
				break;
			out[at++] = (char)(0xc0 | s[i] >> 6);
			out[at++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	return at;
}

long capture_utf8_to_latin1(const char *utf8, size_t len, char *out,
			    int replacement)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t at = 0, o = 0;

	if (!utf8 || !out)
		return -1;
	while (at < len && s[at]) {
		size_t n = utf8_sequence(s + at, len - at);
		uint32_t cp;

		if (!n)
			break;
		cp = n == 1 ? s[at] : n == 2 ?
			(uint32_t)(s[at] & 0x1f) << 6 | (s[at + 1] & 0x3f) :
			0x100;
		if (cp > 0xff) {
			if (replacement < 0)
				return -1;
			cp = (uint32_t)replacement & 0xff;
		}
		out[o++] = (char)cp;
		at += n;
	}
	return (long)o;
}
