/*
 * fuzz_sdp.c - libFuzzer harness for what sip/ reads from outside: any
 * bytes as an SDP offer and as an answer to our offer, and (as a string)
 * as a caller URI, an account line, an allow line and a caller_secret
 * line.  Beyond the
 * sanitizers it checks that a success yields a complete answer and a
 * terminated path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sip/account.h"
#include "sip/policy.h"
#include "sip/sdp_rfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_media(const struct sipua_media *m)
{
	if (!memchr(m->remote_path, '\0', sizeof(m->remote_path)) ||
	    !memchr(m->fingerprint, '\0', sizeof(m->fingerprint)))
		abort();
}

/* The configuration and From header side, on a NUL-terminated copy. */
static void fuzz_strings(const uint8_t *data, size_t size)
{
	static struct policy policy;
	static struct sip_account acc;
	enum sipua_rights rights;
	char *text = malloc(size + 1);

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (policy.n_rules == 0) {
		(void)sip_policy_add(&policy, false, "sip:*@example.com control");
		(void)sip_policy_add(&policy, true, "sip:eve@example.com");
	}
	(void)sip_policy_check(&policy, text, &rights);
	(void)sip_policy_secret(&policy, text);
	if (policy.n_secrets < POLICY_MAX_SECRETS)
		(void)sip_policy_add_secret(&policy, text);
	(void)sip_account_parse(&acc, text);
	if (policy.n_rules < POLICY_MAX_RULES)
		(void)sip_policy_add(&policy, size & 1, text);
	else
		memset(&policy, 0, sizeof(policy));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sdp_rfb_local local = {
		"msrp://127.0.0.1:2855/fuzz;tcp", "127.0.0.1", false, 1, NULL,
	};
	/* exact-size copy so that ASan sees any read past the input */
	char *offer = malloc(size ? size : 1);
	char answer[8192];
	struct sipua_media media;
	const char *why = NULL;
	unsigned status;

	if (!offer)
		return 0;
	memcpy(offer, data, size);

	static const struct sdp_rfb_local tls_local = {
		"msrps://127.0.0.1:2856/fuzz;tcp", "127.0.0.1", true, 1,
		"SHA-256 AB:CD",
	};
	status = sip_sdp_rfb_answer(&media, answer, sizeof(answer), offer, size,
				    size & 2 ? &tls_local : &local, &why);
	if (status == 0) {
		check_media(&media);
		if (strncmp(answer, "v=0\r\n", 5) != 0 ||
		    !strstr(answer, "a=path:"))
			abort();
	}
	else if (status != 400 && status != 488 && status != 500) {
		abort();
	}
	else if (!why || answer[0] != '\0') {
		abort();
	}

	if (sip_sdp_rfb_parse_answer(&media, offer, size, size & 1, &why) == 0)
		check_media(&media);

	free(offer);
	fuzz_strings(data, size);
	return 0;
}
