/*
 * caller_uri.h - private to sip/: a caller's sip:/sips: URI reduced to the
 * identity it names (RFC 3261 19.1.4), and the one comparison of such an
 * identity with an allow, deny or caller_secret line.
 *
 * Escaped and unescaped characters in the user part are the same URI, so
 * the user is kept unescaped (compared byte for byte, case-sensitive); the
 * host is kept in one spelling (lower case, IP literals in one form, no
 * trailing dot); port, parameters and headers are not part of who calls.
 * Text that could be read in two ways is refused rather than guessed at.
 */
#ifndef SIPVNC_CALLER_URI_H
#define SIPVNC_CALLER_URI_H

#include <stdbool.h>
#include <stddef.h>

#define CALLER_URI_USER_SIZE 128   /* unescaped user + NUL */
#define CALLER_URI_HOST_SIZE 192
#define CALLER_URI_TEXT_SIZE 256   /* sip_caller_uri_print's longest + NUL */

struct caller_uri {
	bool sips;
	bool any_user;        /* a line's "*" (never a caller's) */
	size_t user_len;      /* bytes of user, no NUL or control inside */
	char user[CALLER_URI_USER_SIZE];
	char host[CALLER_URI_HOST_SIZE];
};

/*
 * Read a URI, bare or as name-addr (`"Name" <sip:user@host;params>`).
 * line: it is an allow/deny/caller_secret value, where a user "*" is the
 * wildcard and port, parameters, headers or a password are refused (they
 * name no identity and would only let a line mean less than it says).
 * 0; EBADMSG when it does not read cleanly (a '%' without two hex digits,
 * an escaped NUL or control character, characters the grammar forbids, a
 * host with two readings): a caller sending this gets 400; ENOTSUP when it
 * is no sip:/sips: user@host (tel:, no user, a password); E2BIG when a part
 * is too long; EINVAL for a line with more than user@host.
 */
int sip_caller_uri_parse(struct caller_uri *uri, const char *text, bool line);

/* The one spelling that logs, dialogs and notices show: scheme, the user
 * escaped only where the grammar demands (hex in upper case), '@', host.
 * 0 or E2BIG. */
int sip_caller_uri_print(char *buf, size_t size, const struct caller_uri *uri);

enum sip_caller_uri_match {
	CALLER_URI_OTHER,   /* another identity */
	CALLER_URI_SAME,    /* the line names this caller */
	/* only if the caller's user ends at its first ';' or '?' (a
	 * telephone-subscriber's parameters, or a parser that stops there),
	 * or read as a global number without visual separators ("+1-555"
	 * is "+1555"): a deny line counts it, an allow line does not */
	CALLER_URI_MAYBE,
};

/* Compare a caller with a line, both from sip_caller_uri_parse. */
enum sip_caller_uri_match
sip_caller_uri_match(const struct caller_uri *line,
		     const struct caller_uri *caller);

/* text as something safe to log when it could not be read: printable
 * ASCII kept, anything else '?', cut to size. */
void sip_caller_uri_sanitize(char *buf, size_t size, const char *text);

#endif
