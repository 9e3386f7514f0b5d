/*
 * conf_keys_doc.c - the key table as the documents print it: README.md's
 * key table (--md), the example file's keys (--conf), sipvnc.conf(5)'s
 * key sections (--man), or one line a key.  `make docs` puts the first
 * three between the markers of those files; conf_docs_test.sh checks
 * they are what this prints.
 */
#include <stdio.h>
#include <string.h>

#include "server/conf_keys.h"

static const char *const section_title[CONF_SEC_COUNT] = {
	[CONF_SEC_SCREEN] = "The shared screen",
	[CONF_SEC_SIP] = "SIP",
	[CONF_SEC_CALLERS] = "Callers",
	[CONF_SEC_MSRP] = "MSRP",
	[CONF_SEC_LOGS] = "Logs",
	[CONF_SEC_WEB] = "The browser gateway (sipvnc web)",
};

static void print_modes(FILE *f, unsigned modes)
{
	static const char *const names[] = {"serve", "view", "share", "web"};
	const char *sep = "";
	unsigned i;

	if (modes == CONF_ALL) {
		fputs("all", f);
		return;
	}
	for (i = 0; i < 4; i++) {
		if (modes & (1u << i)) {
			fprintf(f, "%s%s", sep, names[i]);
			sep = ", ";
		}
	}
}

/* ---- README.md: | key | value | default | read by | meaning | ---- */

/* | ends a cell even in code; a * outside code may start emphasis */
static void md_text(FILE *f, const char *s)
{
	bool code = false;

	for (; *s; s++) {
		if (*s == '`')
			code = !code;
		if (*s == '|' || (*s == '*' && !code))
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void print_md(FILE *f, const struct confkey *k, size_t n)
{
	size_t i;

	fputs("| key | value | default | read by | meaning |\n"
	      "| --- | --- | --- | --- | --- |\n", f);
	for (i = 0; i < n; i++, k++) {
		fprintf(f, "| `%s` | `", k->name);
		md_text(f, k->value);
		fputs("` | ", f);
		md_text(f, k->def ? k->def : "none");
		fputs(" | ", f);
		print_modes(f, k->modes);
		fputs(" | ", f);
		md_text(f, k->help);
		if (k->flags & CONF_REPEAT)
			fputs(" Repeatable.", f);
		if (k->flags & CONF_LIVE)
			fputs(" SIGHUP applies it.", f);
		fputs(" |\n", f);
	}
}

/* ---- the example file: comments at most 72 wide, then #key value ---- */

/* s without backquotes, as # lines of at most 72 columns */
static void conf_comment(FILE *f, const char *s)
{
	char line[80];
	size_t len = 0;

	while (*s) {
		size_t w = strcspn(s, " "), i, out = 0;
		char word[256];

		for (i = 0; i < w && out < sizeof(word) - 1; i++)
			if (s[i] != '`')
				word[out++] = s[i];
		word[out] = '\0';
		s += w;
		while (*s == ' ')
			s++;
		if (len && len + 1 + out > 70) {
			fprintf(f, "# %.*s\n", (int)len, line);
			len = 0;
		}
		if (out > sizeof(line) - 1 - len - 1) {   /* a very long word */
			if (len)
				fprintf(f, "# %.*s\n", (int)len, line);
			fprintf(f, "# %s\n", word);
			len = 0;
			continue;
		}
		if (len)
			line[len++] = ' ';
		memcpy(line + len, word, out);
		len += out;
	}
	if (len)
		fprintf(f, "# %.*s\n", (int)len, line);
}

static void print_conf(FILE *f, const struct confkey *k, size_t n)
{
	char more[512];
	int sec = -1;
	size_t i;

	for (i = 0; i < n; i++, k++) {
		if ((int)k->section != sec) {
			sec = (int)k->section;
			fprintf(f, "%s# ---- %s ----\n", i ? "\n" : "",
				section_title[sec]);
		}
		fputc('\n', f);
		conf_comment(f, k->help);
		(void)snprintf(more, sizeof(more), "%s%s%s%s%s",
			       k->def ? "Default: " : "", k->def ? k->def : "",
			       k->def ? "." : "",
			       k->flags & CONF_REPEAT ? " Repeatable." : "",
			       k->flags & CONF_LIVE ? " SIGHUP applies it." :
			       "");
		if (more[0])
			conf_comment(f, more[0] == ' ' ? more + 1 : more);
		fprintf(f, "#%-15s %s\n", k->name,
			k->example ? k->example : k->def);
	}
}

/* ---- sipvnc.conf(5): a .SH per section, a .TP per key ---- */

/* s for roff: backquotes become bold, - a minus, \ an escaped one; a
 * line never starts with a control character. */
static void man_text(FILE *f, const char *s)
{
	bool bold = false;

	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '`') {
			fputs(bold ? "\\fR" : "\\fB", f);
			bold = !bold;
		}
		else if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		/* a sentence a line, as roff wants (its spacing) */
		else if (*s == '.' && s[1] == ' ' &&
			 ((s[2] >= 'A' && s[2] <= 'Z') || s[2] == '`')) {
			fputs(".\n", f);
			s++;
		}
		else
			fputc(*s, f);
	}
	if (bold)
		fputs("\\fR", f);
}

static void print_man(FILE *f, const struct confkey *k, size_t n)
{
	const char *p;
	int sec = -1;
	size_t i;

	for (i = 0; i < n; i++, k++) {
		if ((int)k->section != sec) {
			sec = (int)k->section;
			fputs(".SH ", f);
			for (p = section_title[sec]; *p; p++)
				fputc(*p >= 'a' && *p <= 'z' ? *p - 32 : *p, f);
			fputc('\n', f);
		}
		fprintf(f, ".TP\n.BI %s \" ", k->name);
		man_text(f, k->value);
		fputs("\"\n", f);
		man_text(f, k->help);
		fputs("\n.br\n", f);
		if (k->def) {
			fputs("Default: ", f);
			man_text(f, k->def);
			fputs(".\n", f);
		}
		if (k->flags & CONF_REPEAT)
			fputs("Repeatable.\n", f);
		if (k->flags & CONF_LIVE)
			fputs("SIGHUP applies it.\n", f);
		fputs("Read by: ", f);
		print_modes(f, k->modes);
		fputs(".\n", f);
	}
}

static void print_plain(FILE *f, const struct confkey *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, k++) {
		fprintf(f, "%-22s %-24s default: %s; read by: ", k->name,
			k->value, k->def ? k->def : "none");
		print_modes(f, k->modes);
		fprintf(f, "%s%s\n", k->flags & CONF_REPEAT ? "; repeatable" :
			"", k->flags & CONF_LIVE ? "; SIGHUP applies it" : "");
	}
}

void confkeys_print(FILE *f, const char *format)
{
	size_t n;
	const struct confkey *k = confkeys_table(&n);

	if (!strcmp(format, "md"))
		print_md(f, k, n);
	else if (!strcmp(format, "conf"))
		print_conf(f, k, n);
	else if (!strcmp(format, "man"))
		print_man(f, k, n);
	else
		print_plain(f, k, n);
}

int confkeys_main(int argc, char *argv[])
{
	if (argc == 1) {
		confkeys_print(stdout, "");
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--md") ||
			  !strcmp(argv[1], "--conf") ||
			  !strcmp(argv[1], "--man"))) {
		confkeys_print(stdout, argv[1] + 2);
		return 0;
	}
	fprintf(stderr, "usage: sipvnc keys [--md|--conf|--man]\n");
	return 2;
}
