/*
 * fuzz_capture_text.c - the clipboard's text conversions on hostile bytes
 * (any X client and any viewer can hand us clipboard text).  Besides the
 * sanitizers, checks the promises of capture.h: the valid prefix is valid
 * and never longer than asked, Latin-1 fits in twice its length, and text
 * that converts to Latin-1 exactly converts back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t max = size ? data[0] : 0;
	size_t prefix, back;
	char *latin1, *utf8;
	long n;

	prefix = capture_utf8_valid_prefix(in, size, max * 64);
	if (prefix > size || prefix > max * 64)
		abort();
	/* a valid prefix is its own valid prefix */
	if (capture_utf8_valid_prefix(in, prefix, prefix) != prefix)
		abort();

	latin1 = malloc(size + 1);   /* len bytes suffice, says capture.h */
	utf8 = malloc(2 * prefix + 2);
	if (!latin1 || !utf8)
		abort();
	n = capture_utf8_to_latin1(in, prefix, latin1, -1);
	if (n > (long)prefix)
		abort();
	if (n >= 0) {
		back = capture_latin1_to_utf8(latin1, (size_t)n, utf8,
					      2 * prefix + 2);
		if (back != prefix || memcmp(utf8, in, prefix) != 0)
			abort();
	}
	(void)capture_utf8_to_latin1(in, size, latin1, '?');
	/* raw bytes as Latin-1 always fit in twice their length */
	back = capture_latin1_to_utf8(in, size > prefix ? prefix : size, utf8,
				      2 * prefix + 2);
	if (back > 2 * prefix)
		abort();
	free(latin1);
	free(utf8);
	return 0;
}
