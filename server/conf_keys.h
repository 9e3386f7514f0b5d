/*
 * conf_keys.h - the one table of configuration keys.
 *
 * Every key sipvnc reads is one entry in conf_keys.c: its name, the form
 * of its value (which conf_check.c checks), its default, the modes that
 * read it, whether SIGHUP applies it, and its help text.  The key list of
 * `sipvnc check`, the reload's live keys, README.md's key table, the
 * example conf/sipvnc.conf and sipvnc.conf(5) all come from it (`sipvnc
 * keys --md|--conf|--man`, `make docs`), and its defaults that are values
 * are those in force (confkeys_load()), so a new key is one entry here
 * and one read where its module reads its other keys.
 *
 * Its names are confkeys_* and struct confkey, out of libre's conf_
 * namespace, as confcheck_* (conf_check.h).
 */
#ifndef SIPVNC_CONF_KEYS_H
#define SIPVNC_CONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the value must look like (conf_check.c: check_value()). */
enum conf_kind {
	CONF_WORD,       /* any one word */
	CONF_ADDR_PORT,  /* ADDRESS:PORT, IPv6 in brackets */
	CONF_IP,         /* an IP address */
	CONF_IP_PORT,    /* ADDRESS or ADDRESS:PORT */
	CONF_HOST_PORT,  /* HOST or HOST:PORT */
	CONF_URI,        /* sip:user@host, sip:*@domain */
	CONF_URI_RIGHTS, /* URI [view|control] */
	CONF_URI_SECRET, /* URI SECRET */
	CONF_ACCOUNT,    /* <sip:...>;params (baresip) */
	CONF_RELAY,      /* msrp://, msrps:// or a domain */
	CONF_CHOICE,     /* one of .choices */
	CONF_BOOL,       /* yes or no */
	CONF_UINT,       /* .min to .max */
	CONF_UUID,       /* 8-4-4-4-12 hex digits */
	CONF_FILE,       /* a file we can read */
	CONF_KEY_FILE,   /* the same, and nobody else may read it */
	CONF_PROGRAM,    /* a file we can run */
	CONF_DIR,        /* a folder that exists */
	CONF_WEB_USER,   /* NAME HA1 (32 hex digits) */
	CONF_WEB_ALLOW,  /* NAME URI [view|control]; URI may be *@domain */
};

/* The parts of the documents, in this order. */
enum conf_section {
	CONF_SEC_SCREEN, CONF_SEC_SIP, CONF_SEC_CALLERS, CONF_SEC_MSRP,
	CONF_SEC_LOGS, CONF_SEC_WEB, CONF_SEC_COUNT
};

/* Who reads a key: sipvnc serve, view, share, web. */
enum {
	CONF_SERVE = 1, CONF_VIEW = 2, CONF_SHARE = 4, CONF_WEB = 8,
	CONF_ALL = 15,
};

enum {
	CONF_REPEAT = 1,  /* may be on several lines (else once) */
	CONF_LIVE   = 2,  /* SIGHUP applies it; any other needs a restart */
	CONF_SECRET = 4,  /* the value is a secret: the file must be private */
};

struct confkey {
	const char *name;
	enum conf_section section;
	enum conf_kind kind;
	const char *value;      /* the value's form, for people: "ADDRESS:PORT" */
	const char *const *choices;   /* CONF_CHOICE: NULL-terminated */
	unsigned long min, max;       /* CONF_UINT */
	const char *def;        /* default, for people; NULL: none */
	const char *example;    /* the example file's value; NULL: def */
	unsigned modes;         /* CONF_SERVE | ... */
	unsigned flags;         /* CONF_REPEAT | ... */
	const char *help;       /* `code` in backquotes */
};

/* The table, *n entries, in document order. */
const struct confkey *confkeys_table(size_t *n);
/* The entry of the key name[0..len), or NULL. */
const struct confkey *confkeys_find(const char *name, size_t len);
/* The known key closest to an unknown one (a typo), or NULL. */
const struct confkey *confkeys_nearest(const char *name);

/* The configuration of the file at path (or of buf), with the table's
 * defaults that are values (numbers, choices, yes/no, an address) added
 * for the keys it leaves out: what every module reads, so the table's
 * default is the one in force.  0 or an errno. */
struct conf;
int confkeys_load(struct conf **confp, const char *path);
int confkeys_load_buf(struct conf **confp, const uint8_t *buf, size_t len);

/* `sipvnc keys [--md|--conf|--man]`: the table as README.md's key table,
 * the example file's keys, sipvnc.conf(5)'s key sections, or one line a
 * key.  0, or 2 for usage. */
int confkeys_main(int argc, char *argv[]);
void confkeys_print(FILE *f, const char *format);

#endif
