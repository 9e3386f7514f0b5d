/*
 * conf_check.c - known configuration keys, checked line by line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "server/conf_check.h"

static const char *const known_keys[] = {
	/* server/ */
	"display", "share_window", "share_monitor", "clipboard",
	"web_listen", "web_cert", "web_name", "web_user", "web_allow",
	"web_root", "web_novnc", "web_answer_timeout",
	/* sip/ */
	"sip_listen", "sip_user", "account", "allow", "deny", "answermode",
	"max_sessions", "caller_secret", "trusted_proxy", "answer_command",
	"answer_timeout", "sip_tls_listen", "sip_tls_cert", "sip_ca_file",
	"dns_server", "sip_instance",
	"sip_rate_limit", "sip_rate_burst",
	/* msrp/ (msrp_setup is read by sip/: it decides the answer) */
	"msrp_listen", "msrp_chunk_size", "msrp_txq_limit", "msrp_setup",
	"msrp_relay", "msrp_relay_user", "msrp_relay_pass", "msrp_tls",
	"msrp_tls_dir", "msrp_tls_cert", "msrp_tls_key", "msrp_keepalive",
	"msrp_tls_ca",
};

static int key_known(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (strlen(known_keys[i]) == len &&
		    !strncmp(known_keys[i], key, len))
			return 1;
	return 0;
}

int conf_check_file(const char *path)
{
	char line[2048];
	unsigned lineno = 0;
	int err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line, *key;
		size_t len;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "sipvnc: %s:%u: line too long\n", path,
				lineno);
			err = EINVAL;
			break;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		key = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		len = (size_t)(p - key);
		while (*p == ' ' || *p == '\t')
			p++;
		if (!key_known(key, len)) {
			fprintf(stderr, "sipvnc: %s:%u: unknown key '%.*s'\n",
				path, lineno, (int)len, key);
			err = EINVAL;
		}
		else if (!*p || *p == '\n' || *p == '\r' || *p == '#') {
			fprintf(stderr, "sipvnc: %s:%u: '%.*s' needs a value\n",
				path, lineno, (int)len, key);
			err = EINVAL;
		}
	}
	fclose(f);
	return err;
}
