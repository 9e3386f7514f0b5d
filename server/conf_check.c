/*
 * conf_check.c - the configuration file, checked line by line before
 * anything starts, on SIGHUP and by `sipvnc check`: unknown keys (with
 * the key a typo meant), missing values, words libre would drop, keys
 * given twice, values of the wrong form for their table entry
 * (conf_keys.c: addresses, ports, URIs, choices, numbers in range, files
 * and folders that are not there), keys that go in pairs, and secrets in
 * a file other users can read.
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
#include "server/conf_keys.h"
#include "server/log.h"

struct check_ctx {
	const char *path;
	unsigned lineno;
	bool plain;              /* `sipvnc check`: bare FILE:LINE: lines */
	bool file_public;        /* the file itself is readable by others */
	unsigned problems;
	/* web_user names so far: web_allow must name one (web_conf.c) */
	char web_users[64][64];
	unsigned n_web_users;
};

static bool web_user_known(const struct check_ctx *cx, const char *name)
{
	unsigned i;

	for (i = 0; i < cx->n_web_users; i++)
		if (!strcmp(cx->web_users[i], name))
			return true;
	return false;
}

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
	const char *port = strrchr(v, ':');
	struct sa sa;

	/* sa_decode() takes 99999 and keeps its low 16 bits */
	if (!port || port[1] == '\0' || strlen(port + 1) > 5 ||
	    strspn(port + 1, "0123456789") != strlen(port + 1) ||
	    atoi(port + 1) > 65535)
		return false;
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

/* ---- each kind of value (conf_keys.h) ---- */

/* what libre's conf_get_bool() takes */
static const char *const yes_no[] = {"yes", "no", "true", "false", "1",
	"0", NULL};
static const char *const rights[] = {"view", "control", NULL};

/* "a, b or c" */
static void choice_list(char *buf, size_t size, const char *const *w)
{
	size_t len = 0;

	buf[0] = '\0';
	for (; *w && len < size; w++) {
		int n = snprintf(buf + len, size - len, "%s%s",
				 len ? (w[1] ? ", " : " or ") : "", *w);

		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static bool is_hex(const char *v, size_t n)
{
	return strlen(v) == n && strspn(v, "0123456789abcdefABCDEF") == n;
}

/* 8-4-4-4-12 hex digits, as sip/instance.c wants them */
static bool is_uuid(const char *v)
{
	size_t i;

	if (strlen(v) != 36)
		return false;
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? v[i] != '-' :
		    !isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* HOST or HOST:PORT, HOST a name or an address */
static bool is_host_port(const char *v)
{
	size_t n = strcspn(v, ":");

	if (*v == '[')
		return is_addr_port(v) || (v[strlen(v) - 1] == ']');
	if (!n || strspn(v, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n)
		return false;
	return !v[n] || is_uint(v + n + 1, 1, 65535);
}

static void check_dir(struct check_ctx *cx, const char *key, const char *v)
{
	struct stat st;

	if (stat(v, &st) < 0)
		problem(cx, "%s: %s: %s", key, v, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		problem(cx, "%s: %s is not a directory", key, v);
}

/* v: the first word; rest: the words after it (may be ""). */
static void check_value(struct check_ctx *cx, const struct confkey *k,
			const char *v, const char *rest)
{
	const char *key = k->name;
	char words[128], second[512];

	switch (k->kind) {

	case CONF_WORD:
		break;
	case CONF_ADDR_PORT:
		if (!is_addr_port(v))
			problem(cx, "%s wants ADDRESS:PORT, not '%s'", key, v);
		break;
	case CONF_IP:
		if (!is_ip(v))
			problem(cx, "%s wants an IP address, not '%s'", key, v);
		break;
	case CONF_IP_PORT:
		if (!is_ip(v) && !is_addr_port(v))
			problem(cx, "%s wants ADDRESS or ADDRESS:PORT, not "
				"'%s'", key, v);
		break;
	case CONF_HOST_PORT:
		if (!is_host_port(v))
			problem(cx, "%s wants HOST or HOST:PORT, not '%s'",
				key, v);
		break;
	case CONF_URI:
	case CONF_URI_RIGHTS:
		if (!is_sip_uri(v))
			problem(cx, "%s: bad URI '%s' (sip:user@host or "
				"sip:*@domain)", key, v);
		else if (k->kind == CONF_URI_RIGHTS && *rest &&
			 !is_one_of(rest, rights))
			problem(cx, "%s: '%s' is neither view nor control",
				key, rest);
		break;
	case CONF_URI_SECRET:
		if (!is_sip_uri(v))
			problem(cx, "%s: bad URI '%s'", key, v);
		else if (!*rest)
			problem(cx, "%s %s needs a secret after the URI", key,
				v);
		break;
	case CONF_ACCOUNT: {
		char uri[512];
		const char *end = strchr(v, '>');

		if (*v != '<' || !end || (size_t)(end - v) >= sizeof(uri) ||
		    (memcpy(uri, v + 1, (size_t)(end - v - 1)),
		     uri[end - v - 1] = '\0', !is_sip_uri(uri)))
			problem(cx, "%s: want <sip:user@domain>;params..., "
				"not '%.40s'", key, v);
		break;
	}
	case CONF_RELAY:
		if (strchr(v, ':') && strncasecmp(v, "msrp://", 7) != 0 &&
		    strncasecmp(v, "msrps://", 8) != 0)
			problem(cx, "%s wants msrp://, msrps:// or a domain, "
				"not '%s'", key, v);
		break;
	case CONF_CHOICE:
	case CONF_BOOL:
		if (!is_one_of(v, k->kind == CONF_BOOL ? yes_no :
			       k->choices)) {
			choice_list(words, sizeof(words), k->choices);
			problem(cx, "%s is %s, not '%s'", key, words, v);
		}
		break;
	case CONF_UINT:
		if (is_uint(v, k->min, k->max))
			break;
		if (k->min == 0 && k->max == 4294967295UL)
			problem(cx, "%s wants a number, not '%s'", key, v);
		else
			problem(cx, "%s wants a number, %lu..%lu, not '%s'",
				key, k->min, k->max, v);
		break;
	case CONF_UUID:
		if (!is_uuid(v))
			problem(cx, "bad %s '%s': want a UUID (8-4-4-4-12 "
				"hex digits)", key, v);
		break;
	case CONF_FILE:
	case CONF_KEY_FILE:
		check_file(cx, key, v, false, k->kind == CONF_KEY_FILE);
		break;
	case CONF_PROGRAM:
		check_file(cx, key, v, true, false);
		break;
	case CONF_DIR:
		check_dir(cx, key, v);
		break;
	case CONF_WEB_USER:
		/* a bad HA1 still names the user: no errors that follow
		 * from this one on its web_allow lines */
		if (!is_hex(rest, 32))
			problem(cx, "%s %s: the HA1 is 32 hex digits (sipvnc "
				"passwd %s prints the line)", key, v, v);
		if (web_user_known(cx, v))
			problem(cx, "%s %s again: one line a user", key, v);
		else if (cx->n_web_users < sizeof(cx->web_users) /
			 sizeof(cx->web_users[0]) &&
			 strlen(v) < sizeof(cx->web_users[0]))
			strcpy(cx->web_users[cx->n_web_users++], v);
		else
			problem(cx, "%s %s: at most %zu users of at most %zu "
				"characters", key, v, sizeof(cx->web_users) /
				sizeof(cx->web_users[0]),
				sizeof(cx->web_users[0]) - 1);
		break;
	case CONF_WEB_ALLOW:
		/* URI [view|control]; *@domain means sip:*@domain */
		(void)snprintf(second, sizeof(second), "%s%s",
			       *rest == '*' ? "sip:" : "", rest);
		second[strcspn(second, " \t")] = '\0';
		rest += strcspn(rest, " \t");
		rest += strspn(rest, " \t");
		if (!web_user_known(cx, v))
			problem(cx, "%s %s: needs a web_user %s line before "
				"it", key, v, v);
		else if (!is_sip_uri(second))
			problem(cx, "%s %s: want URI [view|control] "
				"(sip:user@host or *@domain)", key, v);
		else if (*rest && !is_one_of(rest, rights))
			problem(cx, "%s %s: '%s' is neither view nor control",
				key, v, rest);
		break;
	}
	/* words libre would quietly drop */
	if (*rest && (k->kind != CONF_URI_RIGHTS &&
		      k->kind != CONF_URI_SECRET &&
		      k->kind != CONF_WEB_USER && k->kind != CONF_WEB_ALLOW))
		problem(cx, "%s takes one value; '%s' after it would be "
			"ignored", key, rest);
	if (k->flags & CONF_SECRET &&
	    (k->kind != CONF_ACCOUNT || strstr(v, "auth_pass=")))
		secret_here(cx, key);
}

/* A pair of keys that only work together, or only one at a time: said
 * once the whole file is read, at the line of the later (or only) one. */
static void check_pairs(struct check_ctx *cx, const unsigned *first)
{
	static const struct {
		const char *a, *b;
		bool both;      /* true: both or neither; false: not both */
	} pairs[] = {
		{"msrp_tls_cert", "msrp_tls_key", true},
		{"share_window", "share_monitor", false},
	};
	size_t i, n;
	const struct confkey *keys = confkeys_table(&n);

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct confkey *a, *b;
		unsigned la, lb;

		a = confkeys_find(pairs[i].a, strlen(pairs[i].a));
		b = confkeys_find(pairs[i].b, strlen(pairs[i].b));
		if (!a || !b)
			continue;
		la = first[a - keys];
		lb = first[b - keys];
		if (pairs[i].both && !la != !lb) {
			cx->lineno = la ? la : lb;
			problem(cx, "%s needs %s as well", la ? a->name :
				b->name, la ? b->name : a->name);
		}
		else if (!pairs[i].both && la && lb) {
			cx->lineno = la > lb ? la : lb;
			problem(cx, "%s and %s (line %u) exclude each other: "
				"one or the other", la > lb ? a->name : b->name,
				la > lb ? b->name : a->name, la > lb ? lb : la);
		}
	}
}

/* first[i]: the line where table key i first was, 0 for none. */
static void check_line(struct check_ctx *cx, char *line, unsigned *first)
{
	char *p = line, *key, *v, *rest, *end;
	const struct confkey *k, *near;
	size_t len, n;

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
	k = confkeys_find(key, len);
	if (!k) {
		near = confkeys_nearest(key);
		if (near)
			problem(cx, "unknown key '%s' (did you mean '%s'?)",
				key, near->name);
		else
			problem(cx, "unknown key '%s' (sipvnc keys lists "
				"them)", key);
		return;
	}
	if (!*p || *p == '\n' || *p == '\r' || *p == '#') {
		problem(cx, "'%s' needs a value", key);
		return;
	}
	/* libre reads the first word; the rest matters for a few keys */
	v = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	rest = p;
	end = p + strcspn(p, "#\r\n");
	while (end > rest && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';

	n = (size_t)(k - confkeys_table(&len));
	if (first[n] && !(k->flags & CONF_REPEAT))
		problem(cx, "'%s' again (line %u has it; only one counts)",
			key, first[n]);
	if (!first[n])
		first[n] = cx->lineno;
	check_value(cx, k, v, rest);
}

int confcheck_report(const char *path, bool plain, unsigned *problems)
{
	struct check_ctx cx = {.path = path, .plain = plain};
	unsigned *first;
	char line[2048];
	size_t n;
	FILE *f;
	int err = 0;

	(void)confkeys_table(&n);
	first = calloc(n, sizeof(*first));
	f = first ? fopen(path, "r") : NULL;
	if (!f) {
		err = first ? errno : ENOMEM;
		cx.problems++;
		if (plain)
			fprintf(stderr, "%s: %s\n", path, strerror(err));
		goto out;
	}
	cx.file_public = readable_by_others(path);
	while (fgets(line, sizeof(line), f)) {
		cx.lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			problem(&cx, "line too long");
			break;
		}
		check_line(&cx, line, first);
	}
	fclose(f);
	check_pairs(&cx, first);
	err = cx.problems ? EINVAL : 0;
 out:
	free(first);
	if (problems)
		*problems = cx.problems;
	return err;
}

int confcheck_file(const char *path)
{
	return confcheck_report(path, false, NULL);
}

int confcheck_main(int argc, char *argv[])
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
	(void)confcheck_report(path, true, &problems);
	if (problems) {
		fprintf(stderr, "%s: %u problem%s\n", path, problems,
			problems == 1 ? "" : "s");
		return 3;   /* SIPVNC_EXIT_CONFIG */
	}
	printf("%s: no problems\n", path);
	return 0;
}
