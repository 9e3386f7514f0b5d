/*
 * conf_keys.c - every configuration key, once (see conf_keys.h).
 *
 * Help texts are plain sentences; `backquotes` mark literal words (code
 * in Markdown, bold in the man page, dropped in the example file).  The
 * documents are printed by conf_keys_doc.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "server/conf_keys.h"

static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const answermodes[] = {"auto", "manual", "reject", NULL};
static const char *const clipboards[] = {"control", "all", "off", NULL};
static const char *const setups[] = {"auto", "active", "passive", NULL};
static const char *const levels[] = {"error", "warn", "info", "debug",
	NULL};

#define DESK   (CONF_SERVE | CONF_SHARE)   /* they share a screen */
#define CALLIN (CONF_SERVE | CONF_VIEW)    /* they answer calls */
#define U32    0, 4294967295UL

static const struct confkey keys[] = {
	/* ---- the shared screen (server/) ---- */
	{"display", CONF_SEC_SCREEN, CONF_WORD, "NAME", NULL, 0, 0,
	 "$DISPLAY", ":0", DESK, 0,
	 "The X display to share."},
	{"share_window", CONF_SEC_SCREEN, CONF_WORD, "ID|PATTERN", NULL, 0, 0,
	 NULL, "*Mozilla?Firefox", DESK, 0,
	 "Share one window instead of the screen: an X window id (`xwininfo`, "
	 "`xdotool`) or a title pattern (an fnmatch glob on the titles of "
	 "top-level windows; one word, so write blanks as ? or *). Windows "
	 "covering it never show, its moves and resizes are followed, and "
	 "input reaches only it. Not with `share_monitor`; `--share-window` "
	 "overrides it."},
	{"share_monitor", CONF_SEC_SCREEN, CONF_WORD, "NAME", NULL, 0, 0,
	 NULL, "HDMI-1", DESK, 0,
	 "Share one RandR 1.5 monitor instead of the screen: an output such "
	 "as HDMI-1, or one made with `xrandr --setmonitor`. Not with "
	 "`share_window`; `--share-monitor` overrides it."},
	{"clipboard", CONF_SEC_SCREEN, CONF_CHOICE, "control|all|off",
	 clipboards, 0, 0, "control", NULL, DESK, CONF_LIVE,
	 "Who exchanges the clipboard (CLIPBOARD and PRIMARY, up to 1 MiB, "
	 "UTF-8 with viewers that speak the Extended Clipboard): viewers with "
	 "control rights only, every viewer, or nobody. A clipboard can hold "
	 "passwords. A change by SIGHUP reaches connected viewers at once."},
	{"indicator", CONF_SEC_SCREEN, CONF_BOOL, "yes|no", yes_no, 0, 0,
	 "yes", NULL, DESK, 0,
	 "While anyone watches, a notice in the top right corner of the "
	 "shared screen names each viewer (caller, view or control) and has a "
	 "Stop sharing button that ends every call at once; it never takes "
	 "the keyboard focus or the pointer. Set it to `no` only for "
	 "unattended kiosks, where nobody sits at the screen."},
	{"encode_groups", CONF_SEC_SCREEN, CONF_BOOL, "yes|no", yes_no, 0, 0,
	 "yes", NULL, DESK, 0,
	 "Viewers that ask for the same pixel format and encodings, with "
	 "Tight first, share one encoding of each update instead of one "
	 "each: four such viewers cost about what one does. A viewer that "
	 "falls behind, asks for a whole frame or changes its settings goes "
	 "back to an encoder of its own (the log says when and why). `no`: "
	 "every viewer has its own."},

	/* ---- SIP (sip/) ---- */
	{"sip_listen", CONF_SEC_SIP, CONF_ADDR_PORT, "ADDRESS:PORT", NULL, 0,
	 0, "[::]:5060 with an account (another port if 5060 is taken), else "
	 "127.0.0.1:5060", "127.0.0.1:5060", CONF_ALL, 0,
	 "Where SIP listens, UDP and TCP; port 0 takes any free port. "
	 "`0.0.0.0:PORT` is every IPv4 address, `[::]:PORT` every IPv4 and "
	 "IPv6 address, followed as addresses come and go; sipvnc names the "
	 "one that routes to each peer."},
	{"sip_user", CONF_SEC_SIP, CONF_WORD, "NAME", NULL, 0, 0, "sipvnc",
	 NULL, CONF_ALL, 0,
	 "Our user part when there is no account: we are "
	 "sip:NAME@sip_listen."},
	{"account", CONF_SEC_SIP, CONF_ACCOUNT, "<URI>;PARAMS", NULL, 0, 0,
	 NULL, "<sip:desk@example.com>;auth_pass=secret;outbound=\"sip:proxy."
	 "example.com;transport=tcp\";regint=600", CONF_ALL,
	 CONF_REPEAT | CONF_SECRET,
	 "A SIP account in baresip's syntax; sipvnc registers (digest) and "
	 "keeps the registration fresh, and the first account places our "
	 "calls (through its `outbound` proxy). Add `;sipnat=outbound` behind "
	 "NAT (RFC 5626: reg-id, instance id, keepalives, a dead flow "
	 "replaced at once). Up to 8. With `auth_pass` it holds a password: "
	 "the file must not be readable by other users."},
	{"sip_instance", CONF_SEC_SIP, CONF_UUID, "UUID", NULL, 0, 0,
	 "made once, kept in ~/.config/sipvnc/instance-id",
	 "0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b10", CONF_ALL, 0,
	 "Our RFC 5626 instance id."},
	{"dns_server", CONF_SEC_SIP, CONF_IP_PORT, "ADDRESS[:PORT]", NULL, 0,
	 0, "/etc/resolv.conf", "192.0.2.53", CONF_ALL, CONF_REPEAT,
	 "A DNS server for SIP and MSRP names (RFC 3263: NAPTR, SRV, A/AAAA); "
	 "up to 4. Names in /etc/hosts are still found without DNS."},
	{"sip_tls_listen", CONF_SEC_SIP, CONF_ADDR_PORT, "ADDRESS:PORT", NULL,
	 0, 0, NULL, "127.0.0.1:5061", CONF_ALL, 0,
	 "Listen for SIP over TLS as well (`0.0.0.0:PORT` and `[::]:PORT` "
	 "too); needs `sip_tls_cert`."},
	{"sip_tls_cert", CONF_SEC_SIP, CONF_KEY_FILE, "FILE", NULL, 0, 0,
	 NULL, "/etc/sipvnc/sip.pem", CONF_ALL, 0,
	 "PEM file with our key and certificate for incoming SIP over TLS; "
	 "other users must not be able to read it."},
	{"sip_ca_file", CONF_SEC_SIP, CONF_FILE, "FILE", NULL, 0, 0,
	 "the system store", "/etc/sipvnc/ca.pem", CONF_ALL, 0,
	 "CAs (PEM) that registrars and proxies must be signed by. Their "
	 "certificates are always verified."},
	{"trusted_proxy", CONF_SEC_SIP, CONF_IP, "ADDRESS", NULL, 0, 0, NULL,
	 "192.0.2.10", CALLIN, CONF_REPEAT,
	 "Believe P-Asserted-Identity only from this proxy's address."},
	{"sip_rate_limit", CONF_SEC_SIP, CONF_UINT, "N", NULL, 0, 1000000,
	 "20", NULL, CONF_ALL, 0,
	 "SIP requests a second from one source address; more are dropped "
	 "unanswered, without transaction state, before they cost anything, "
	 "and logged with the address and a count (the first drop, each "
	 "minute, the end). Registrars, outbound proxies and `trusted_proxy` "
	 "addresses are never limited. 0: no limit."},
	{"sip_rate_burst", CONF_SEC_SIP, CONF_UINT, "N", NULL, 1, 1000000,
	 "100 (at least sip_rate_limit)", "100", CONF_ALL, 0,
	 "How many SIP requests from one source address may come at once "
	 "before `sip_rate_limit` applies."},
	{"sip_tcp_max_per_addr", CONF_SEC_SIP, CONF_UINT, "N", NULL, 0,
	 100000, "16", NULL, CONF_ALL, 0,
	 "SIP over TCP and TLS: connections one source address may hold to "
	 "our SIP listeners; past it its newest ones are closed (checked "
	 "each second). A call's own connection and registrars, outbound "
	 "proxies and `trusted_proxy` addresses are never closed. 0: no cap."},
	{"sip_tcp_max_conns", CONF_SEC_SIP, CONF_UINT, "N", NULL, 0, 1000000,
	 "1000 (at most 3/4 of the descriptor limit)", "1000", CONF_ALL, 0,
	 "SIP over TCP and TLS: connections callers may hold to our SIP "
	 "listeners in all; past it the longest idle ones are closed. 0: the "
	 "descriptor limit's 3/4."},
	{"sip_tcp_idle_timeout", CONF_SEC_SIP, CONF_UINT, "SECONDS", NULL, 0,
	 86400, "60", NULL, CONF_ALL, 0,
	 "SIP over TCP and TLS: a connection a caller opened that carried no "
	 "SIP request or response for this long is closed (CRLF keepalives "
	 "do not count), unless a live call came on it or it comes from a "
	 "registrar, outbound proxy or `trusted_proxy`. 0: never."},
	{"sip_tcp_defer_accept", CONF_SEC_SIP, CONF_UINT, "SECONDS", NULL, 0,
	 60, "5", NULL, CONF_ALL, 0,
	 "SIP over TCP and TLS: a connection that has sent nothing waits this "
	 "long in the kernel (TCP_DEFER_ACCEPT) before it costs sipvnc a "
	 "descriptor. 0: accept at once."},
	{"sip_options_interval", CONF_SEC_SIP, CONF_UINT, "SECONDS", NULL,
	 U32, "60", NULL, CONF_ALL, 0,
	 "An established call sends an in-dialog OPTIONS this often; no "
	 "answer, 408 or 481 ends it with BYE. 0 turns it off."},

	/* ---- who may call in (sip/policy*) ---- */
	{"allow", CONF_SEC_CALLERS, CONF_URI_RIGHTS, "URI [view|control]",
	 NULL, 0, 0, NULL, "sip:helpdesk@example.com control", CALLIN,
	 CONF_REPEAT | CONF_LIVE,
	 "Who may call in: an exact URI (`sip:user@host`) or a domain "
	 "(`sip:*@domain`), without port or parameters; `view` (the default) "
	 "shows the screen only, `control` also lets the caller use keyboard "
	 "and mouse. Without any allow line nobody may call in. Users are "
	 "compared unescaped and case-sensitive, hosts in any case (see "
	 "CALLER URIS). Only as good as your proxy's authentication of "
	 "callers."},
	{"deny", CONF_SEC_CALLERS, CONF_URI, "URI", NULL, 0, 0, NULL,
	 "sip:intern@example.com", CALLIN, CONF_REPEAT | CONF_LIVE,
	 "Refuse this caller even when an `allow` line matches (compared as "
	 "for `allow`)."},
	{"caller_secret", CONF_SEC_CALLERS, CONF_URI_SECRET, "URI SECRET",
	 NULL, 0, 0, NULL, "sip:helpdesk@example.com s3cret", CALLIN,
	 CONF_REPEAT | CONF_LIVE | CONF_SECRET,
	 "sipvnc itself challenges this caller (digest, realm sipvnc), for "
	 "proxies that do not authenticate callers; an exact URI or "
	 "`sip:*@domain`. The file must not be readable by other users."},
	{"answermode", CONF_SEC_CALLERS, CONF_CHOICE, "auto|manual|reject",
	 answermodes, 0, 0, "auto", NULL, CALLIN, CONF_LIVE,
	 "Answer allowed callers at once, ask first, or answer nobody. "
	 "`manual` asks while the call rings: without `answer_command`, "
	 "sipvnc's own dialog on the shared screen (only a click on Allow "
	 "answers; Escape or closing it refuses)."},
	{"answer_command", CONF_SEC_CALLERS, CONF_PROGRAM, "FILE", NULL, 0, 0,
	 NULL, "/usr/local/bin/ask-user", CALLIN, CONF_LIVE,
	 "Under `answermode manual`: a program run with the caller URI and "
	 "`view` or `control` as arguments; exit status 0 answers."},
	{"answer_timeout", CONF_SEC_CALLERS, CONF_UINT, "SECONDS", NULL, 1,
	 600, "30", NULL, CALLIN, CONF_LIVE,
	 "How long `answermode manual` waits for a decision before it "
	 "refuses the call."},
	{"max_sessions", CONF_SEC_CALLERS, CONF_UINT, "N", NULL, U32, "4",
	 NULL, CALLIN, CONF_LIVE,
	 "Calls at the same time; more get 486 Busy Here (0 turns every "
	 "call away)."},

	/* ---- MSRP (msrp/, read in server/main.c) ---- */
	{"msrp_listen", CONF_SEC_MSRP, CONF_ADDR_PORT, "ADDRESS:PORT", NULL,
	 0, 0, "the sip_listen address, any port ([::] with an account and no "
	 "sip_listen)", "127.0.0.1:0", CONF_ALL, 0,
	 "Where MSRP listens, plain and TLS on one port."},
	{"msrp_chunk_size", CONF_SEC_MSRP, CONF_UINT, "BYTES", NULL, 256,
	 1048576, "8192", NULL, CONF_ALL, 0,
	 "The largest SEND body: 8192 passes Kamailio's relay; direct paths "
	 "may use 65536."},
	{"msrp_txq_limit", CONF_SEC_MSRP, CONF_UINT, "BYTES", NULL, U32,
	 "262144", NULL, CONF_ALL, 0,
	 "Bytes queued for one call's MSRP socket before the screen waits "
	 "for the peer to take them (0 means the default)."},
	{"msrp_setup", CONF_SEC_MSRP, CONF_CHOICE, "auto|active|passive",
	 setups, 0, 0, "auto", NULL, CONF_ALL, 0,
	 "Our MSRP connection role when the caller leaves it to us "
	 "(a=setup:actpass). `auto` connects, as Blink does, when we may be "
	 "behind NAT (our address is private: RFC 1918, 100.64/10, fc00::/7, "
	 "link-local; or a registrar's Via received/rport shows our REGISTER "
	 "came from another address) or when the caller's path starts at a "
	 "relay; it listens only when we look reachable and the caller's "
	 "path is direct. `active` and `passive` force a role. The log says "
	 "which role each call got and why."},
	{"msrp_keepalive", CONF_SEC_MSRP, CONF_UINT, "SECONDS", NULL, U32,
	 "30", NULL, CONF_ALL, 0,
	 "Seconds of MSRP silence after which either side sends an empty "
	 "SEND to keep NAT bindings and relays open; a peer that does not "
	 "answer it within 30 s (or a quarter of `peer_timeout`) ends the "
	 "call. 0 turns it off."},
	{"peer_timeout", CONF_SEC_MSRP, CONF_UINT, "SECONDS", NULL, U32,
	 "60", NULL, CONF_ALL, 0,
	 "A peer whose network vanished (no FIN) loses its call and its "
	 "`max_sessions` slot within this many seconds: TCP keepalive and "
	 "TCP_USER_TIMEOUT on every MSRP connection, and the side that waited "
	 "for the connection sends its own keepalive after a quarter of it "
	 "idle and waits a quarter for the answer, so a frozen viewer goes "
	 "too. 0 turns it off."},
	{"stall_timeout", CONF_SEC_MSRP, CONF_UINT, "SECONDS", NULL, U32,
	 "60", NULL, CONF_ALL, 0,
	 "A far end that keeps its connection but takes nothing ends its "
	 "call after this long without progress. 0 turns it off."},
	{"msrp_relay", CONF_SEC_MSRP, CONF_RELAY, "URI|DOMAIN", NULL, 0, 0,
	 NULL, "msrps://relay.example.com:2855;tcp", CONF_ALL, 0,
	 "An RFC 4976 MSRP relay for calls from behind NAT: sipvnc "
	 "authenticates there and puts the relay in front of its a=path. A "
	 "bare domain (or a URI without a port) is looked up by DNS SRV; an "
	 "`msrps://` relay needs `msrp_tls` and `msrp_tls_ca`."},
	{"msrp_relay_user", CONF_SEC_MSRP, CONF_WORD, "NAME", NULL, 0, 0,
	 NULL, "desk", CONF_ALL, 0,
	 "Our user name at `msrp_relay`."},
	{"msrp_relay_pass", CONF_SEC_MSRP, CONF_WORD, "SECRET", NULL, 0, 0,
	 NULL, "secret", CONF_ALL, CONF_SECRET,
	 "Our password at `msrp_relay`; the file must not be readable by "
	 "other users."},
	{"msrp_tls", CONF_SEC_MSRP, CONF_BOOL, "yes|no", yes_no, 0, 0, "no",
	 "yes", CONF_ALL, 0,
	 "Offer MSRP over TLS (msrps, TCP/TLS/MSRP) in our own calls (`view "
	 "URI`, `share`); set it to reach Blink users, whose default refuses "
	 "plain MSRP. Incoming calls (serve, a waiting view) are answered in "
	 "the transport they offer, TLS or plain, whatever `msrp_tls` says, "
	 "and each call accepts only the transport it agreed on. A peer's "
	 "a=fingerprint is always checked when its SDP has one."},
	{"msrp_tls_cert", CONF_SEC_MSRP, CONF_FILE, "FILE", NULL, 0, 0,
	 "self-signed, made at first start", "/etc/sipvnc/msrp-cert.pem",
	 CONF_ALL, 0,
	 "Our MSRP TLS certificate (PEM); goes with `msrp_tls_key`."},
	{"msrp_tls_key", CONF_SEC_MSRP, CONF_KEY_FILE, "FILE", NULL, 0, 0,
	 "self-signed, made at first start", "/etc/sipvnc/msrp-key.pem",
	 CONF_ALL, 0,
	 "The key of `msrp_tls_cert` (PEM); other users must not be able to "
	 "read it."},
	{"msrp_tls_dir", CONF_SEC_MSRP, CONF_WORD, "DIRECTORY", NULL, 0, 0,
	 "~/.config/sipvnc", "/var/lib/sipvnc", CONF_ALL, 0,
	 "Where the self-signed certificate is made and kept when there is "
	 "no `msrp_tls_cert`."},
	{"msrp_tls_ca", CONF_SEC_MSRP, CONF_FILE, "FILE", NULL, 0, 0, NULL,
	 "/etc/ssl/certs/ca-certificates.crt", CONF_ALL, 0,
	 "CAs (PEM) for msrps peers that send no a=fingerprint, in either "
	 "MSRP role, and for an msrps relay, which needs it: a certificate "
	 "that chains to one of them must name the host name or IP address "
	 "of the peer's path, or the call fails."},
	{"msrp_tls_require_auth", CONF_SEC_MSRP, CONF_BOOL, "yes|no", yes_no,
	 0, 0, "no", NULL, CONF_ALL, 0,
	 "TLS MSRP peers nothing vouches for (no a=fingerprint, no certificate "
	 "from `msrp_tls_ca`: Blink). `no`: let in, encrypted, authorised by "
	 "the SIP side's checks and the session id only the SIP dialog "
	 "carries, and logged once per call; whoever can read or change the "
	 "SIP signalling can then sit in the middle of the MSRP stream. "
	 "`yes`: every TLS MSRP peer must be authenticated by fingerprint or "
	 "CA; the others get 488 (this shuts Blink out)."},

	/* ---- logs (server/log.c) ---- */
	{"log_level", CONF_SEC_LOGS, CONF_CHOICE, "error|warn|info|debug",
	 levels, 0, 0, "info", NULL, CONF_ALL, CONF_LIVE,
	 "What goes to the log (stderr; the journal under systemd). `-v` on "
	 "the command line means debug, whatever the file says."},

	/* ---- sipvnc web (server/web*) ---- */
	{"web_listen", CONF_SEC_WEB, CONF_ADDR_PORT, "ADDRESS:PORT", NULL, 0,
	 0, "127.0.0.1:8080", NULL, CONF_WEB, 0,
	 "Where the browser gateway's page listens. On loopback without "
	 "`web_user` lines anyone with the token printed at start may place "
	 "calls; any other address needs `web_cert` and a `web_user`."},
	{"web_cert", CONF_SEC_WEB, CONF_KEY_FILE, "FILE", NULL, 0, 0, NULL,
	 "/etc/sipvnc/web.pem", CONF_WEB, 0,
	 "PEM file with certificate and key: the page over HTTPS; other users "
	 "must not be able to read it."},
	{"web_name", CONF_SEC_WEB, CONF_HOST_PORT, "HOST[:PORT]", NULL, 0, 0,
	 NULL, "desk-gw.example.com", CONF_WEB, CONF_REPEAT,
	 "Another name the gateway is reached by (Host and Origin are "
	 "checked). The listen address, and localhost on loopback, are always "
	 "names."},
	{"web_user", CONF_SEC_WEB, CONF_WEB_USER, "NAME HA1", NULL, 0, 0,
	 NULL, "alice 0123456789abcdef0123456789abcdef", CONF_WEB,
	 CONF_REPEAT | CONF_SECRET,
	 "A web user (HTTP Digest, realm sipvnc): HA1 is MD5 of "
	 "NAME:sipvnc:PASSWORD, the line `sipvnc passwd NAME` prints. It "
	 "stands for the password: the file must not be readable by other "
	 "users."},
	{"web_allow", CONF_SEC_WEB, CONF_WEB_ALLOW, "NAME URI [view|control]",
	 NULL, 0, 0, NULL, "alice sip:kiosk@example.com control", CONF_WEB,
	 CONF_REPEAT,
	 "Whom web user NAME may call: a SIP URI or `*@domain` (compared as "
	 "`allow`), view unless control."},
	{"web_answer_timeout", CONF_SEC_WEB, CONF_UINT, "SECONDS", NULL, 1,
	 3600, "60", NULL, CONF_WEB, 0,
	 "How long a call from the page may ring before the page says "
	 "\"no answer\"."},
	{"web_root", CONF_SEC_WEB, CONF_DIR, "DIRECTORY", NULL, 0, 0,
	 "PREFIX/share/sipvnc/web next to an installed binary, else the "
	 "source tree's server/web", "/usr/local/share/sipvnc/web", CONF_WEB,
	 0,
	 "The page's own files."},
	{"web_novnc", CONF_SEC_WEB, CONF_DIR, "DIRECTORY", NULL, 0, 0,
	 "/usr/share/novnc", NULL, CONF_WEB, 0,
	 "Where noVNC is (Debian's novnc package)."},
};

const struct confkey *confkeys_table(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

const struct confkey *confkeys_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == len &&
		    !strncmp(keys[i].name, name, len))
			return &keys[i];
	return NULL;
}

/* Optimal string alignment distance (a swap of two letters counts one):
 * `dney` is one step from `deny`. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[34][34];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const struct confkey *confkeys_nearest(const char *name)
{
	const struct confkey *best = NULL;
	size_t i, dist, best_dist = (size_t)-1;
	/* at most two edits, and fewer than half the name: `ab` is no typo
	 * of `web_cert` */
	size_t limit = strlen(name) < 6 ? 1 : 2;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		dist = distance(name, keys[i].name);
		if (dist <= limit && dist < best_dist) {
			best = &keys[i];
			best_dist = dist;
		}
	}
	return best;
}

/* A default that is a value, not a description: what the modules take
 * when the key is absent, so writing it in is the same as leaving it out
 * (server_conf_test keeps them in step where sip/ says them in a header). */
static bool default_is_value(const struct confkey *k)
{
	const char *const *c;
	struct sa sa;

	/* one word: "[::]:5060 with an account, ..." is a description */
	if (!k->def || strcspn(k->def, " \t") != strlen(k->def))
		return false;
	switch (k->kind) {
	case CONF_UINT:
		return k->def[0] && strspn(k->def, "0123456789") ==
			strlen(k->def);
	case CONF_CHOICE:
	case CONF_BOOL:
		for (c = k->choices; c && *c; c++)
			if (!strcmp(*c, k->def))
				return true;
		return false;
	case CONF_ADDR_PORT:
		return !sa_decode(&sa, k->def, strlen(k->def));
	default:
		return false;
	}
}

int confkeys_load_buf(struct conf **confp, const uint8_t *buf, size_t len)
{
	struct conf *file = NULL;
	struct mbuf *mb;
	struct pl pl;
	size_t i;
	int err;

	mb = mbuf_alloc(len + 1024);
	if (!mb)
		return ENOMEM;
	err = conf_alloc_buf(&file, buf, len);
	if (!err)
		err = mbuf_write_mem(mb, buf, len);
	if (!err)
		err = mbuf_write_u8(mb, '\n');
	for (i = 0; !err && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!default_is_value(&keys[i]) ||
		    !conf_get(file, keys[i].name, &pl))
			continue;
		err = mbuf_printf(mb, "%s %s\n", keys[i].name, keys[i].def);
	}
	if (!err)
		err = conf_alloc_buf(confp, mb->buf, mb->end);
	mem_deref(file);
	mem_deref(mb);
	return err;
}

int confkeys_load(struct conf **confp, const char *path)
{
	/* far more than any real file; conf_check allows 2047 a line */
	enum { MAX_FILE = 1024 * 1024 };
	struct mbuf *mb = mbuf_alloc(4096);
	FILE *f = fopen(path, "r");
	uint8_t chunk[4096];
	size_t n;
	int err = 0;

	if (!f || !mb) {
		err = f ? ENOMEM : errno;
		goto out;
	}
	while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		err = mb->end + n > MAX_FILE ? EFBIG :
			mbuf_write_mem(mb, chunk, n);
	if (!err && ferror(f))
		err = EIO;
	if (!err)
		err = confkeys_load_buf(confp, mb->buf, mb->end);
 out:
	if (f)
		fclose(f);
	mem_deref(mb);
	return err;
}
