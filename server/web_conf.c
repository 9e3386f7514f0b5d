/*
 * web_conf.c - the gateway's keys, its web users and what they may call,
 * and `sipvnc passwd NAME`, which makes a user's line.
 *
 *   web_listen  ADDR:PORT          (127.0.0.1:8080)
 *   web_cert    FILE               PEM, certificate and key: HTTPS
 *   web_name    HOST[:PORT]        a name the gateway is reached by
 *   web_user    NAME HA1           HA1 = MD5(NAME:sipvnc:password)
 *   web_allow   NAME URI [view|control]   URI may be *@domain
 *   web_root    DIR                the page (server/web/)
 *   web_novnc   DIR                noVNC (/usr/share/novnc)
 *   web_answer_timeout SECONDS     a call ringing longer ends (60)
 *
 * libre's conf_apply() hands over one word per line, so the two-word
 * lines are read from the file itself.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"
#include "server/web.h"

#ifndef SIPVNC_WEB_DIR
#define SIPVNC_WEB_DIR "server/web"
#endif

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < WEB_USER_SIZE &&
		name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] == '\0';
}

static struct web_user *user_find(struct web *web, const char *name)
{
	unsigned i;

	for (i = 0; i < web->n_users; i++)
		if (!strcmp(web->users[i].name, name))
			return &web->users[i];
	return NULL;
}

static int hex_ha1(uint8_t ha1[16], const char *hex)
{
	unsigned i;

	if (strlen(hex) != 32)
		return EINVAL;
	for (i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]))
			return EINVAL;
		ha1[i] = (uint8_t)(ch_hex(hex[2 * i]) << 4 |
				   ch_hex(hex[2 * i + 1]));
	}
	return 0;
}

/* One web_user or web_allow line's words after the key. */
static int user_line(struct web *web, char *rest, unsigned lineno)
{
	char *name = strtok(rest, " \t"), *ha1 = strtok(NULL, " \t");
	struct web_user *u;

	if (!name || !ha1 || strtok(NULL, " \t") || !name_ok(name)) {
		log_warn("sipvnc: line %u: web_user NAME HA1 (from "
			   "`sipvnc passwd NAME`)\n", lineno);
		return EINVAL;
	}
	if (user_find(web, name) || web->n_users == WEB_USERS_MAX) {
		log_warn("sipvnc: line %u: web user %s twice, or "
			   "more than %d users\n", lineno, name,
			   WEB_USERS_MAX);
		return EINVAL;
	}
	u = &web->users[web->n_users];
	str_ncpy(u->name, name, sizeof(u->name));
	if (hex_ha1(u->ha1, ha1)) {
		log_warn("sipvnc: line %u: web_user %s: the HA1 is "
			   "32 hex digits (sipvnc passwd %s)\n", lineno, name,
			   name);
		return EINVAL;
	}
	if (sipua_targets_alloc(&u->targets))
		return ENOMEM;
	web->n_users++;
	return 0;
}

static int allow_line(struct web *web, char *rest, unsigned lineno)
{
	char *name = strtok(rest, " \t"), *value = strtok(NULL, "");
	struct web_user *u = name ? user_find(web, name) : NULL;

	if (!u || !value) {
		log_warn("sipvnc: line %u: web_allow NAME URI "
			   "[view|control] needs a web_user NAME line "
			   "before it\n", lineno);
		return EINVAL;
	}
	while (*value == ' ' || *value == '\t')
		value++;
	/* "*@domain" is sip's "sip:*@domain" */
	if (value[0] == '*') {
		char full[400];

		if (re_snprintf(full, sizeof(full), "sip:%s", value) < 0)
			return E2BIG;
		if (!sipua_targets_add(u->targets, full))
			return 0;
	}
	else if (!sipua_targets_add(u->targets, value))
		return 0;
	log_warn("sipvnc: line %u: web_allow %s: '%s' is no "
		   "URI [view|control] (sip:user@host or *@domain)\n",
		   lineno, name, value);
	return EINVAL;
}

static int read_lines(struct web *web, const char *path)
{
	char line[2048];
	unsigned lineno = 0;
	int err = 0;
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return errno;
	while (!err && fgets(line, sizeof(line), f)) {
		char *p = line;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "web_user", 8) && (p[8] == ' ' ||
						    p[8] == '\t'))
			err = user_line(web, p + 9, lineno);
		else if (!strncmp(p, "web_allow", 9) && (p[9] == ' ' ||
							  p[9] == '\t'))
			err = allow_line(web, p + 10, lineno);
	}
	fclose(f);
	return err;
}

static bool has_file(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return re_snprintf(path, sizeof(path), "%s/%s", dir, file) > 0 &&
		access(path, R_OK) == 0;
}

/* The page: web_root, else next to an installed binary
 * (PREFIX/bin/sipvnc -> PREFIX/share/sipvnc/web), else the source tree
 * it was built from. */
static int find_root(struct web *web)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (!conf_get_str(web->app->conf, "web_root", web->root,
			  sizeof(web->root))) {
		if (has_file(web->root, "index.html"))
			return 0;
		log_warn("sipvnc: web_root %s has no index.html\n",
			   web->root);
		return ENOENT;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			(void)re_snprintf(web->root, sizeof(web->root),
					  "%s/../share/sipvnc/web", self);
			if (has_file(web->root, "index.html"))
				return 0;
		}
	}
	str_ncpy(web->root, SIPVNC_WEB_DIR, sizeof(web->root));
	if (has_file(web->root, "index.html"))
		return 0;
	log_warn("sipvnc: the web page is not installed (no "
		   "PREFIX/share/sipvnc/web, no %s): set web_root\n",
		   SIPVNC_WEB_DIR);
	return ENOENT;
}

static int find_novnc(struct web *web)
{
	if (conf_get_str(web->app->conf, "web_novnc", web->novnc,
			 sizeof(web->novnc)))
		str_ncpy(web->novnc, "/usr/share/novnc", sizeof(web->novnc));
	if (has_file(web->novnc, "core/rfb.js"))
		return 0;
	log_warn("sipvnc: no noVNC in %s (apt install novnc, or "
		   "set web_novnc to a noVNC 1.3 or later)\n", web->novnc);
	return ENOENT;
}

static int name_handler(const struct pl *val, void *arg)
{
	struct web *web = arg;
	char *name;

	if (web->n_names == WEB_NAMES_MAX)
		return E2BIG;
	name = web->names[web->n_names];
	/* without a port the name means the port we listen on */
	if (pl_strchr(val, ':') && val->p[val->l - 1] != ']')
		(void)re_snprintf(name, WEB_NAME_SIZE, "%r", val);
	else
		(void)re_snprintf(name, WEB_NAME_SIZE, "%r:%u", val,
				  sa_port(&web->laddr));
	web->n_names++;
	/* browsers leave out the scheme's own port */
	if (sa_port(&web->laddr) == (web->tls ? 443 : 80) &&
	    web->n_names < WEB_NAMES_MAX && !pl_strchr(val, ':'))
		(void)re_snprintf(web->names[web->n_names++], WEB_NAME_SIZE,
				  "%r", val);
	return 0;
}

int web_conf_names(struct web *web)
{
	struct pl pl;
	char buf[WEB_NAME_SIZE];
	int err;

	web->n_names = 0;
	/* the address itself, then its usual names */
	(void)re_snprintf(buf, sizeof(buf), "%j", &web->laddr);
	if (sa_af(&web->laddr) == AF_INET6)
		(void)re_snprintf(buf, sizeof(buf), "[%j]", &web->laddr);
	pl_set_str(&pl, buf);
	err = name_handler(&pl, web);
	if (!err && sa_is_loopback(&web->laddr)) {
		pl_set_str(&pl, "localhost");
		err = name_handler(&pl, web);
	}
	if (!err)
		err = conf_apply(web->app->conf, "web_name", name_handler,
				 web);
	if (err)
		log_warn("sipvnc: at most %d web_name lines\n",
			   WEB_NAMES_MAX - 3);
	return err;
}

int web_conf_read(struct web *web, const struct conf *conf,
		  const char *path)
{
	char buf[256];
	int err;

	if (conf_get_str(conf, "web_listen", buf, sizeof(buf)))
		str_ncpy(buf, "127.0.0.1:8080", sizeof(buf));
	if (sa_decode(&web->laddr, buf, strlen(buf))) {
		log_warn("sipvnc: web_listen wants ADDRESS:PORT, "
			   "not '%s'\n", buf);
		return EINVAL;
	}
	web->tls = !conf_get_str(conf, "web_cert", web->cert,
				 sizeof(web->cert));
	if (web->tls && access(web->cert, R_OK)) {
		log_warn("sipvnc: web_cert %s: %m\n", web->cert,
			   errno);
		return errno;
	}
	web->answer_timeout_s = 60;
	if (!conf_get_u32(conf, "web_answer_timeout",
			  &web->answer_timeout_s) &&
	    (web->answer_timeout_s < 1 || web->answer_timeout_s > 3600)) {
		log_warn("sipvnc: web_answer_timeout is 1 to 3600 "
			   "seconds\n");
		return EINVAL;
	}
	err = read_lines(web, path);
	if (err)
		return err;
	if (!sa_is_loopback(&web->laddr) && (!web->tls || !web->n_users)) {
		log_warn("sipvnc: web_listen %J is not loopback: "
			   "refusing to start without %s (anyone who reaches "
			   "it could place calls as us%s)\n", &web->laddr,
			   !web->tls ? "web_cert (TLS)" : "a web_user",
			   !web->tls ? ", and read the screens" : "");
		return EACCES;
	}
	web->open = web->n_users == 0;
	err = find_root(web);
	if (!err)
		err = find_novnc(web);
	return err;
}

void web_conf_clear(struct web *web)
{
	unsigned i;

	for (i = 0; i < web->n_users; i++) {
		web->users[i].targets = mem_deref(web->users[i].targets);
		memset(web->users[i].ha1, 0, sizeof(web->users[i].ha1));
	}
	web->n_users = 0;
}

/* ---- sipvnc passwd NAME ---- */

static int read_password(char *pw, size_t size, const char *prompt)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) &&
		tcgetattr(STDIN_FILENO, &old) == 0;
	char *ok;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(pw, (int)size, stdin);
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return EIO;
	pw[strcspn(pw, "\r\n")] = '\0';
	return 0;
}

int web_passwd_main(int argc, char *argv[])
{
	char pw[256], again[256];
	uint8_t ha1[16];
	int err;

	if (argc != 2 || !name_ok(argv[1])) {
		fprintf(stderr, "usage: sipvnc passwd NAME   (NAME: letters, "
			"digits, . _ -; the password is read from stdin)\n");
		return 2;
	}
	err = read_password(pw, sizeof(pw), "password: ");
	if (!err && isatty(STDIN_FILENO)) {
		err = read_password(again, sizeof(again), "again: ");
		if (!err && strcmp(pw, again) != 0) {
			fprintf(stderr, "sipvnc: the passwords differ\n");
			err = EINVAL;
		}
		memset(again, 0, sizeof(again));
	}
	if (!err && strlen(pw) < 8) {
		fprintf(stderr, "sipvnc: a web password has at least 8 "
			"characters\n");
		err = EINVAL;
	}
	if (!err)
		err = md5_printf(ha1, "%s:sipvnc:%s", argv[1], pw);
	memset(pw, 0, sizeof(pw));
	if (err)
		return 1;
	(void)re_printf("web_user %s %w\n", argv[1], ha1, sizeof(ha1));
	return 0;
}
