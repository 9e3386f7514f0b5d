/*
 * conf_check.c - the configuration file, checked line by line before
 * anything starts (and by `sipvnc check`): unknown keys, missing values,
 * keys given twice, bad addresses, ports, URIs and choices, files that
 * are not there, and secrets in a file other users can read.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "server/conf_check.h"
#include "server/log.h"

static const char *const known_keys[] = {
	/* server/ */
	"display", "share_window", "share_monitor", "clipboard", "log_level",
	"indicator",
	"web_listen", "web_cert", "web_name", "web_user", "web_allow",
	"web_root", "web_novnc", "web_answer_timeout",
	/* sip/ */
	"sip_listen", "sip_user", "account", "allow", "deny", "answermode",
	"max_sessions", "caller_secret", "trusted_proxy", "answer_command",
	"answer_timeout", "sip_tls_listen", "sip_tls_cert", "sip_ca_file",
	"dns_server", "sip_instance", "sip_options_interval",
	"sip_rate_limit", "sip_rate_burst",
	/* msrp/ (msrp_setup is read by sip/: it decides the answer) */
	"msrp_listen", "msrp_chunk_size", "msrp_txq_limit", "msrp_setup",
	"msrp_relay", "msrp_relay_user", "msrp_relay_pass", "msrp_tls",
	"msrp_tls_dir", "msrp_tls_cert", "msrp_tls_key", "msrp_keepalive",
	"msrp_tls_ca", "msrp_tls_require_auth",
	/* dead and stalled peers (msrp/ and server/bridge.c) */
	"peer_timeout", "stall_timeout",
};

struct check_ctx {
	const char *path;
	unsigned lineno;
	bool plain;              /* `sipvnc check`: bare FILE:LINE: lines */
	bool file_public;        /* the file itself is readable by others */
	unsigned problems;
};

static void report(struct check_ctx *cx, const char *msg)
{
	cx->problems++;
	if (cx->plain)
		fprintf(stderr, "%s:%u: %s\n", cx->path, cx->lineno, msg);
	else
		log_err("sipvnc: %s:%u: %s\n", cx->path, cx->lineno, msg);
}

/* A macro, not a varargs function: the message is formatted where the
 * arguments are plainly known (clang's analyzer loses track otherwise). */
#define problem(cx, ...) do { \
	char msg_[600]; \
	if (snprintf(msg_, sizeof(msg_), __VA_ARGS__) < 0) \
		msg_[0] = '\0'; \
	report((cx), msg_);  /* a long value is cut: fine for a message */ \
} while (0)

/* ---- what a value must look like ---- */

/* ADDRESS:PORT (IPv6 in brackets), port 0 allowed: any free port. */
static bool is_addr_port(const char *v)
{
	struct sa sa;

	return !sa_decode(&sa, v, strlen(v));
}

static bool is_ip(const char *v)
{
	struct sa sa;

	return !sa_set_str(&sa, v, 0);
}

/* sip:user@host or sips:, user may be *, host a name or an address; an
 * optional <> and ;params. */
static bool is_sip_uri(const char *v)
{
	const char *p = v, *at, *h;
	size_t n;

	if (*p == '<')
		p++;
	if (!strncasecmp(p, "sip:", 4))
		p += 4;
	else if (!strncasecmp(p, "sips:", 5))
		p += 5;
	else
		return false;
	at = strchr(p, '@');
	if (!at || at == p)
		return false;
	for (h = p; h < at; h++)
		if (isspace((unsigned char)*h) || *h == ':' || *h == '<' ||
		    *h == '>')
			return false;
	h = at + 1;
	n = strcspn(h, ":;>?");
	if (!n)
		return false;
	for (; n; n--, h++)
		if (!isalnum((unsigned char)*h) && !strchr(".-_[]", *h))
			return false;
	return true;
}

static bool is_uint(const char *v, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)*v))
		return false;
	errno = 0;
	n = strtoul(v, &end, 10);
	return !errno && !*end && n >= min && n <= max;
}

static bool is_one_of(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(v, *words))
			return true;
	return false;
}

/* Readable by a user other than the owner: the file's mode, and the
 * folders on its way open to them (a file inside a 0700 folder is not),
 * counting the group only when it is not the owner's own. */
static bool readable_by_others(const char *path)
{
	char dir[PATH_MAX], *slash;
	struct stat st;
	struct passwd *pw;
	bool grp_others, oth, grp;

	if (!realpath(path, dir) || stat(dir, &st) < 0)
		return false;
	pw = getpwuid(st.st_uid);
	grp_others = !pw || pw->pw_gid != st.st_gid;
	oth = st.st_mode & S_IROTH;
	grp = grp_others && (st.st_mode & S_IRGRP);
	while ((oth || grp) && (slash = strrchr(dir, '/')) != NULL) {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &st) < 0)
			return false;
		oth = oth && (st.st_mode & S_IXOTH);
		grp = grp && (st.st_mode & S_IXGRP);
		if (slash == dir)
			break;
	}
	return oth || grp;
}

static void check_file(struct check_ctx *cx, const char *key, const char *v,
		       bool exec, bool secret)
{
	struct stat st;

	if (stat(v, &st) < 0) {
		problem(cx, "%s: %s: %s", key, v, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode))
		problem(cx, "%s: %s is not a file", key, v);
	else if (access(v, exec ? X_OK : R_OK) < 0)
		problem(cx, "%s: %s cannot be %s: %s", key, v,
			exec ? "run" : "read", strerror(errno));
	else if (secret && readable_by_others(v))
		problem(cx, "%s: %s holds a private key and other users can "
			"read it (chmod 600 it)", key, v);
}

static void secret_here(struct check_ctx *cx, const char *key)
{
	if (cx->file_public)
		problem(cx, "%s holds a secret, and other users can read %s "
			"(chmod 600 it)", key, cx->path);
}

/* ---- the keys that need more than a value ---- */

static const char *const yes_no[] = {"yes", "no", "true", "false", "1",
	"0", NULL};

static void check_value(struct check_ctx *cx, const char *key,
			const char *v, const char *rest)
{
	static const char *const answermodes[] = {"auto", "manual", "reject",
		NULL};
	static const char *const clipboards[] = {"control", "all", "off",
		NULL};
	static const char *const setups[] = {"auto", "active", "passive",
		NULL};
	static const char *const levels[] = {"error", "warn", "info",
		"debug", NULL};
	static const char *const rights[] = {"view", "control", NULL};

	if (!strcmp(key, "sip_listen") || !strcmp(key, "msrp_listen") ||
	    !strcmp(key, "sip_tls_listen")) {
		if (!is_addr_port(v))
			problem(cx, "%s wants ADDRESS:PORT, not '%s'", key, v);
	}
	else if (!strcmp(key, "trusted_proxy")) {
		if (!is_ip(v))
			problem(cx, "trusted_proxy wants an IP address, not "
				"'%s'", v);
	}
	else if (!strcmp(key, "dns_server")) {
		if (!is_ip(v) && !is_addr_port(v))
			problem(cx, "dns_server wants ADDRESS or ADDRESS:PORT, "
				"not '%s'", v);
	}
	else if (!strcmp(key, "allow") || !strcmp(key, "deny")) {
		if (!is_sip_uri(v))
			problem(cx, "%s: bad URI '%s' (sip:user@host or "
				"sip:*@domain)", key, v);
		else if (!strcmp(key, "allow") && *rest &&
			 !is_one_of(rest, rights))
			problem(cx, "allow: '%s' is neither view nor control",
				rest);
		else if (!strcmp(key, "deny") && *rest)
			problem(cx, "deny takes only a URI, not '%s'", rest);
	}
	else if (!strcmp(key, "caller_secret")) {
		if (!is_sip_uri(v))
			problem(cx, "caller_secret: bad URI '%s'", v);
		else if (!*rest)
			problem(cx, "caller_secret %s needs a secret after "
				"the URI", v);
		secret_here(cx, key);
	}
	else if (!strcmp(key, "account")) {
		char uri[512];
		const char *end = strchr(v, '>');

		if (*v != '<' || !end || (size_t)(end - v) >= sizeof(uri) ||
		    (memcpy(uri, v + 1, (size_t)(end - v - 1)),
		     uri[end - v - 1] = '\0', !is_sip_uri(uri)))
			problem(cx, "account: want <sip:user@domain>;"
				"params..., not '%.40s'", v);
		if (strstr(v, "auth_pass="))
			secret_here(cx, key);
	}
	else if (!strcmp(key, "msrp_relay_pass")) {
		secret_here(cx, key);
	}
	else if (!strcmp(key, "msrp_relay")) {
		if (strchr(v, ':') && strncasecmp(v, "msrp://", 7) != 0 &&
		    strncasecmp(v, "msrps://", 8) != 0)
			problem(cx, "msrp_relay wants msrp://, msrps:// or a "
				"domain, not '%s'", v);
	}
	else if (!strcmp(key, "answermode")) {
		if (!is_one_of(v, answermodes))
			problem(cx, "answermode is auto, manual or reject, "
				"not '%s'", v);
	}
	else if (!strcmp(key, "clipboard")) {
		if (!is_one_of(v, clipboards))
			problem(cx, "clipboard is control, all or off, not "
				"'%s'", v);
	}
	else if (!strcmp(key, "msrp_setup")) {
		if (!is_one_of(v, setups))
			problem(cx, "msrp_setup is auto, active or passive, "
				"not '%s'", v);
	}
	else if (!strcmp(key, "log_level")) {
		if (!is_one_of(v, levels))
			problem(cx, "log_level is error, warn, info or debug, "
				"not '%s'", v);
	}
	else if (!strcmp(key, "msrp_tls") || !strcmp(key, "indicator") ||
		 !strcmp(key, "msrp_tls_require_auth")) {
		if (!is_one_of(v, yes_no))
			problem(cx, "%s is yes or no, not '%s'", key, v);
	}
	else if (!strcmp(key, "max_sessions")) {
		/* 0 is meaningful: every call gets 486 for now */
		if (!is_uint(v, 0, UINT32_MAX))
			problem(cx, "max_sessions wants a number, not '%s'", v);
	}
	else if (!strcmp(key, "answer_timeout")) {
		if (!is_uint(v, 1, 600))
			problem(cx, "answer_timeout wants 1..600 seconds, not "
				"'%s'", v);
	}
	else if (!strcmp(key, "msrp_chunk_size")) {
		if (!is_uint(v, 256, 1048576))
			problem(cx, "msrp_chunk_size wants 256..1048576, not "
				"'%s'", v);
	}
	else if (!strcmp(key, "msrp_keepalive") ||
		 !strcmp(key, "msrp_txq_limit") ||
		 !strcmp(key, "sip_rate_limit") ||
		 !strcmp(key, "peer_timeout") ||
		 !strcmp(key, "stall_timeout") ||
		 !strcmp(key, "sip_options_interval")) {
		if (!is_uint(v, 0, UINT32_MAX))
			problem(cx, "%s wants a number, not '%s'", key, v);
	}
	else if (!strcmp(key, "sip_rate_burst")) {
		if (!is_uint(v, 1, UINT32_MAX))
			problem(cx, "sip_rate_burst wants 1 or more, not '%s'",
				v);
	}
	else if (!strcmp(key, "answer_command")) {
		check_file(cx, key, v, true, false);
	}
	else if (!strcmp(key, "sip_ca_file") || !strcmp(key, "msrp_tls_ca") ||
		 !strcmp(key, "msrp_tls_cert")) {
		check_file(cx, key, v, false, false);
	}
	else if (!strcmp(key, "sip_tls_cert") ||
		 !strcmp(key, "msrp_tls_key")) {
		check_file(cx, key, v, false, true);
	}
}

/* Keys that may appear on several lines; any other key given twice is a
 * mistake (libre would quietly use the first). */
static bool repeatable(const char *key)
{
	static const char *const keys[] = {"allow", "deny", "caller_secret",
		"account", "dns_server", "trusted_proxy",
		"web_user", "web_allow", "web_name", NULL};

	return is_one_of(key, keys);
}

static int key_known(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (strlen(known_keys[i]) == len &&
		    !strncmp(known_keys[i], key, len))
			return 1;
	return 0;
}

/* The first lines of each key seen, to name the earlier one. */
struct seen {
	char key[32];
	unsigned line;
};

static void check_line(struct check_ctx *cx, char *line, struct seen *seen,
		       size_t *n_seen, size_t max_seen)
{
	char *p = line, *key, *v, *rest;
	size_t len, i;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return;
	key = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	len = (size_t)(p - key);
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (!key_known(key, len)) {
		problem(cx, "unknown key '%s'", key);
		return;
	}
	if (!*p || *p == '\n' || *p == '\r' || *p == '#') {
		problem(cx, "'%s' needs a value", key);
		return;
	}
	/* libre reads the first word; a second one matters for a few keys */
	v = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	rest = p;
	p += strcspn(p, " \t\r\n#");
	*p = '\0';

	if (!repeatable(key)) {
		for (i = 0; i < *n_seen; i++) {
			if (!strcmp(seen[i].key, key)) {
				problem(cx, "'%s' again (line %u has it; only "
					"one counts)", key, seen[i].line);
				break;
			}
		}
		if (i == *n_seen && *n_seen < max_seen &&
		    len < sizeof(seen[0].key)) {
			str_ncpy(seen[*n_seen].key, key, sizeof(seen[0].key));
			seen[(*n_seen)++].line = cx->lineno;
		}
	}
	check_value(cx, key, v, rest);
}

int conf_check_report(const char *path, bool plain, unsigned *problems)
{
	struct seen seen[sizeof(known_keys) / sizeof(known_keys[0])];
	struct check_ctx cx = {path, 0, plain, false, 0};
	size_t n_seen = 0;
	char line[2048];
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		int err = errno;

		cx.problems++;
		if (plain)
			fprintf(stderr, "%s: %s\n", path, strerror(err));
		if (problems)
			*problems = cx.problems;
		return err;
	}
	cx.file_public = readable_by_others(path);
	while (fgets(line, sizeof(line), f)) {
		cx.lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			problem(&cx, "line too long");
			break;
		}
		check_line(&cx, line, seen, &n_seen,
			   sizeof(seen) / sizeof(seen[0]));
	}
	fclose(f);
	if (problems)
		*problems = cx.problems;
	return cx.problems ? EINVAL : 0;
}

const char *const *conf_check_keys(size_t *n)
{
	*n = sizeof(known_keys) / sizeof(known_keys[0]);
	return known_keys;
}

int conf_check_file(const char *path)
{
	return conf_check_report(path, false, NULL);
}

int conf_check_main(int argc, char *argv[])
{
	const char *path = NULL;
	unsigned problems = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) &&
		    i + 1 < argc && !path)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9) && !path)
			path = argv[i] + 9;
		else
			path = NULL, i = argc;   /* anything else: usage */
	}
	if (!path) {
		fprintf(stderr, "usage: sipvnc check -c FILE\n");
		return 2;
	}
	(void)conf_check_report(path, true, &problems);
	if (problems) {
		fprintf(stderr, "%s: %u problem%s\n", path, problems,
			problems == 1 ? "" : "s");
		return 3;   /* SIPVNC_EXIT_CONFIG */
	}
	printf("%s: no problems\n", path);
	return 0;
}
