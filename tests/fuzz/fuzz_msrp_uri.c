/*
 * fuzz_msrp_uri.c - libFuzzer harness for MSRP URI and path parsing.  A
 * URI that parses must equal itself, survive a second parse of the same
 * text, and yield an address or a clean error.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "msrp/msrp_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msrp_uri u, v, uriv[8];
	struct pl pl;
	struct sa sa;
	size_t n = 0;
	char *copy;

	/* a private copy: pl must never be read past its end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	pl.p = copy;
	pl.l = size;
	if (!msrp_uri_decode(&u, &pl)) {
		if (!msrp_uri_equal(&u, &u))
			abort();
		if (msrp_uri_decode(&v, &pl) || !msrp_uri_equal(&u, &v))
			abort();
		if (u.port_present && u.port == 0)
			abort();
		int err = msrp_uri_addr(&u, &sa);
		if (err && err != EAFNOSUPPORT && err != EINVAL)
			abort();
		if (!u.host.l || !u.transport.l)
			abort();
	}
	if (!msrp_path_decode(uriv, &n, 8, &pl)) {
		if (n < 1 || n > 8)
			abort();
		for (size_t i = 1; i < n; i++)
			(void)msrp_uri_equal(&uriv[0], &uriv[i]);
	}
	free(copy);
	return 0;
}
