/*
 * server_conf_test.c - the configuration key check: the shipped examples
 * pass, misspelt or empty keys are refused with their line; the key table
 * is whole (every entry has its form, help and a default its own check
 * accepts) and typos find the key they meant.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <re.h>

#include "server/conf_check.h"
#include "server/conf_keys.h"
#include "sip/ratelimit.h"
#include "tests/unit/check.h"

static int check_text(const char *text)
{
	char path[] = "/tmp/sipvnc-conf-XXXXXX";
	int fd = mkstemp(path), err;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	err = confcheck_file(path);
	unlink(path);
	return err;
}

/* Every entry complete; a default that is a plain value is one its own
 * check takes (a number in range, one of the choices). */
static void check_table(void)
{
	size_t n, i, j;
	const struct confkey *k = confkeys_table(&n);

	CHECK(n > 40);
	for (i = 0; i < n; i++) {
		const char *const *c;
		bool found = false;

		CHECK(k[i].name && k[i].value && k[i].help && k[i].help[0]);
		CHECK(k[i].example || k[i].def);
		CHECK(k[i].modes && !(k[i].modes & ~(unsigned)CONF_ALL));
		CHECK(confkeys_find(k[i].name, strlen(k[i].name)) == &k[i]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(k[i].name, k[j].name) != 0);
		if (k[i].kind == CONF_UINT && k[i].def) {
			unsigned long d = strtoul(k[i].def, NULL, 10);

			CHECK(d >= k[i].min && d <= k[i].max);
		}
		if (k[i].kind != CONF_CHOICE && k[i].kind != CONF_BOOL)
			continue;
		CHECK(k[i].choices != NULL);
		for (c = k[i].choices; c && *c; c++)
			found = found || !strcmp(*c, k[i].def);
		if (!found)
			fprintf(stderr, "%s: default %s is no choice\n",
				k[i].name, k[i].def);
		CHECK(found);
	}
	/* the defaults sip/ uses where its header tells them */
	CHECK_EQ_INT(strtoul(confkeys_find("sip_rate_limit", 14)->def, NULL,
			     10), SIPUA_RL_DEFAULT_RATE);
	CHECK_EQ_INT(strtoul(confkeys_find("sip_rate_burst", 14)->def, NULL,
			     10), SIPUA_RL_DEFAULT_BURST);

	CHECK_EQ_STR(confkeys_nearest("dney")->name, "deny");
	CHECK_EQ_STR(confkeys_nearest("alow")->name, "allow");
	CHECK_EQ_STR(confkeys_nearest("answer_timout")->name,
		     "answer_timeout");
	CHECK_EQ_STR(confkeys_nearest("msrp_tls_requre_auth")->name,
		     "msrp_tls_require_auth");
	CHECK(confkeys_nearest("xyz") == NULL);
	CHECK(confkeys_nearest("ab") == NULL);
	CHECK(confkeys_find("allo", 4) == NULL);
}

/* The table's value defaults are in force for keys a file leaves out;
 * a file's own value wins; described defaults are not written in. */
static void check_defaults(void)
{
	static const char text[] = "max_sessions 7\nallow sip:a@b\n";
	struct conf *conf = NULL;
	uint32_t u = 0;
	char buf[64];

	CHECK_EQ_INT(confkeys_load_buf(&conf, (const uint8_t *)text,
					sizeof(text) - 1), 0);
	CHECK_EQ_INT(conf_get_u32(conf, "max_sessions", &u), 0);
	CHECK_EQ_INT(u, 7);
	CHECK_EQ_INT(conf_get_u32(conf, "stall_timeout", &u), 0);
	CHECK_EQ_INT(u, 60);
	CHECK_EQ_INT(conf_get_u32(conf, "msrp_chunk_size", &u), 0);
	CHECK_EQ_INT(u, 8192);
	CHECK_EQ_INT(conf_get_str(conf, "answermode", buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "auto");
	CHECK_EQ_INT(conf_get_str(conf, "web_listen", buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "127.0.0.1:8080");
	CHECK_EQ_INT(conf_get_str(conf, "allow", buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "sip:a@b");
	/* descriptions ("$DISPLAY", "100 (at least ...)") stay out */
	CHECK_EQ_INT(conf_get_str(conf, "display", buf, sizeof(buf)), ENOENT);
	CHECK_EQ_INT(conf_get_str(conf, "sip_rate_burst", buf, sizeof(buf)),
		     ENOENT);
	CHECK_EQ_INT(conf_get_str(conf, "sip_listen", buf, sizeof(buf)),
		     ENOENT);
	conf = mem_deref(conf);
	CHECK_EQ_INT(confkeys_load(&conf, "/nonexistent/sipvnc.conf"),
		     ENOENT);
	CHECK_EQ_INT(confkeys_load(&conf, "conf/demo.conf"), 0);
	CHECK_EQ_INT(conf_get_str(conf, "log_level", buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "info");
	mem_deref(conf);
}

int main(void)
{
	check_table();
	check_defaults();
	CHECK_EQ_INT(confcheck_file("conf/sipvnc.conf"), 0);
	CHECK_EQ_INT(confcheck_file("conf/demo.conf"), 0);
	CHECK_EQ_INT(check_text(""), 0);
	CHECK_EQ_INT(check_text("# only a comment\n\n   \n"), 0);
	CHECK_EQ_INT(check_text("allow sip:a@b control\ndeny sip:*@c\n"), 0);
	CHECK_EQ_INT(check_text("  sip_listen\t127.0.0.1:5060"), 0);
	CHECK_EQ_INT(check_text("alow sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(check_text("dney sip:*@evil\n"), EINVAL);
	CHECK_EQ_INT(check_text("allow\n"), EINVAL);
	CHECK_EQ_INT(check_text("allow   # nobody\n"), EINVAL);
	CHECK_EQ_INT(check_text("allowx sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(check_text("allo sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(confcheck_file("/nonexistent/sipvnc.conf"), ENOENT);
	CHECK_DONE("server_conf");
}
