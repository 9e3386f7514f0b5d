/*
 * sipua.h - sipvnc's SIP user agent: accounts and registration, the caller
 * policy, and calls whose media is RFB over MSRP.
 *
 * It negotiates the media (SDP, in Blink's dialect and in the original
 * design's dialects) but carries none of it: for each call it hands the
 * negotiated MSRP parameters to its user and takes back our MSRP path.
 * Runs on libre's event loop.
 */
#ifndef SIPVNC_SIPUA_H
#define SIPVNC_SIPUA_H

#include <stdbool.h>
#include <stddef.h>

struct conf;
struct dnsc;
struct sipua;
struct sipua_call;

enum sipua_rights {
	SIPUA_RIGHTS_VIEW,    /* sees the screen, input is dropped */
	SIPUA_RIGHTS_CONTROL, /* sees the screen and may use keyboard/mouse */
};

/* How the offer spelled RFB over MSRP; the answer uses the same one. */
enum sipua_dialect {
	SIPUA_DIALECT_BLINK,       /* m=application TCP/MSRP *, a=rfbsetup */
	SIPUA_DIALECT_RFB_PROTO,   /* transport TCP/TLS/MSRP/RFB, RFB role in
	                              a=setup */
	SIPUA_DIALECT_MESSAGE,     /* m=message ... accept-types x-rfb, RFB
	                              role in a=setup */
};

/* The negotiated media of a call, from our point of view. */
struct sipua_media {
	enum sipua_dialect dialect;
	bool tls;                  /* TCP/TLS/MSRP: msrps */
	bool we_connect;           /* MSRP connection role (RFC 6135) */
	bool we_serve_rfb;         /* we are the RFB server */
	char remote_path[1024];    /* the peer's a=path, URIs space-separated */
	char fingerprint[160];     /* the peer's a=fingerprint ("SHA-256 AB:..")
	                              or empty */
	char role_why[192];        /* why we_connect is what it is, for the
	                              log (msrp_setup, NAT, a relay ...) */
	char local_addr[64];       /* our address that routes to the peer's
	                              a=path (else the one the INVITE came
	                              to): the host for our a=path when MSRP
	                              listens on every address; "" if none */
	bool late_offer;           /* incoming(): the INVITE had no SDP, our
	                              200 carries the offer (Blink dialect,
	                              a=setup:actpass, we serve RFB) and the
	                              answer comes with the ACK: remote_path is
	                              empty, tls and we_connect unknown until
	                              established() hands over the ACK's
	                              media */
};

/* What our SDP says of our media. */
struct sipua_local {
	char path[1024];           /* our a=path: relays first, then us; an
	                              msrps: path makes the transport
	                              TCP/TLS/MSRP */
	char fingerprint[160];     /* our certificate's, "SHA-256 AB:..", or
	                              empty (no TLS) */
	const char *why;           /* incoming()/modified() refusing: why, in
	                              a few words for the Warning header (a
	                              string that outlives the call); NULL:
	                              "refused by the desktop" */
};

/* Where sip/'s log lines go: line is one whole line of any length,
 * level a DBG_ level.  Called on the thread that calls into sip/ (the
 * event loop); levels, long lines and journal prefixes are its business. */
typedef void (sipua_log_h)(int level, const char *line, void *arg);

struct sipua_handlers {
	/* An INVITE passed the policy and carries an RFB-over-MSRP offer we
	 * can serve (media filled in).  Fill local and return 0 to answer 200,
	 * or a SIP status (486, 503 ...) to reject.  The call's user argument
	 * may be set here.  A refusal for a media reason is 488 with
	 * local->why saying which. */
	int (*incoming)(struct sipua_call *call, const struct sipua_media *media,
			enum sipua_rights rights, struct sipua_local *local,
			void *arg);
	/* The call is up (ACK received, or our INVITE answered 200): start the
	 * media described by media.  After a late offer media is the ACK's
	 * answer; a missing or unusable answer ends the call with BYE (closed()
	 * is called) instead. */
	void (*established)(struct sipua_call *call,
			    const struct sipua_media *media, void *arg);
	/* The call ended (BYE, CANCEL, failure).  status is the SIP status of a
	 * failed outgoing call, 0 otherwise.  The call object is freed right
	 * after this returns. */
	void (*closed)(struct sipua_call *call, int err, unsigned status,
		       const char *reason, void *arg);
	/* Optional.  A re-INVITE offers new media (another a=path, MSRP
	 * role, transport or certificate; the RFB roles stay): drop the old
	 * MSRP session, start one for media, fill local with its end and
	 * return 0; our answer describes it.  Or return a SIP status: the
	 * offer is refused (488) and the old media is meant to run on.
	 * Without this handler such offers are refused. */
	int (*modified)(struct sipua_call *call,
			const struct sipua_media *media,
			struct sipua_local *local, void *arg);
	/* Optional: answermode manual without an answer_command runs this
	 * program (argv[0] the path, NULL-terminated, at most 6 entries)
	 * with the caller URI and view|control appended; exit 0 answers.
	 * Must stay valid while the ua lives. */
	const char *const *ask_argv;
	/* Optional.  Our INVITE got a provisional answer (180 Ringing, 183
	 * ...), for a user who shows the progress. */
	void (*progress)(struct sipua_call *call, unsigned scode, void *arg);
	/* This process only places calls (view URI, share): no word about
	 * a missing allow line, which only matters to calls coming in. */
	bool calls_out_only;
	/* Optional: the folder, made already, where the instance id is kept
	 * when an outbound account has no sip_instance; NULL: nowhere, so
	 * such an account is refused.  Must stay valid while the ua lives. */
	const char *config_dir;
	/* Optional: the log hook (and its arg) of this ua's lines; NULL:
	 * they go to standard error as they are. */
	sipua_log_h *logh;
	void *log_arg;
};

/* Read the SIP part of the configuration (sip_listen, account, allow,
 * answermode, max_sessions ...), open the transports and start
 * registering. */
int sipua_alloc(struct sipua **uap, const struct conf *conf,
		const struct sipua_handlers *handlers, void *arg);
/* Take the caller policy of conf (allow, deny, caller_secret, answermode,
 * answer_command, answer_timeout, max_sessions) for calls from now on;
 * calls in progress keep going.  On any error (logged) nothing changes. */
int sipua_reload(struct sipua *ua, const struct conf *conf);

/* Un-REGISTER and close (libre objects: mem_deref(ua) afterwards). */
void sipua_shutdown(struct sipua *ua);

/* The DNS client our SIP servers are resolved with (dns_server lines, or
 * the system's nameservers); MSRP may share it.  Owned by ua. */
struct dnsc *sipua_dnsc(const struct sipua *ua);

/* The URI at which this instance can be called, for the log and make run. */
const char *sipua_contact_uri(const struct sipua *ua);

/* Our address (text) that routes to the first hop of a call to uri (the
 * primary account's outbound proxy, or uri's host when it is an address;
 * else the one our requests go out from): the host of our a=path when
 * MSRP listens on every address.  "" if there is none. */
void sipua_local_addr_for(const struct sipua *ua, const char *uri,
			  char *ip, size_t size);

/* Place a call to uri.  we_serve_rfb: true for `share`, false for `view`.
 * local describes our MSRP end. */
int sipua_connect(struct sipua_call **callp, struct sipua *ua,
		  const char *uri, bool we_serve_rfb,
		  const struct sipua_local *local, void *call_arg);
/* End a call (BYE, or CANCEL while it rings) and free it; closed() is not
 * called for a call ended this way. */
void sipua_hangup(struct sipua_call *call, unsigned status,
		  const char *reason);

void sipua_call_set_arg(struct sipua_call *call, void *call_arg);
void *sipua_call_arg(const struct sipua_call *call);
const char *sipua_call_peer(const struct sipua_call *call);

/* Whom a user of ours may call out to (the browser gateway's web_allow
 * lines): `URI [view|control]` values read and compared exactly as the
 * `allow` key is (sip:user@host, sip:*@domain; view by default), so one
 * identity is one identity on both sides of sipvnc.  mem_deref frees. */
struct sipua_targets;
int  sipua_targets_alloc(struct sipua_targets **tp);
/* 0, EINVAL (no URI [view|control]) or E2BIG (too many lines). */
int  sipua_targets_add(struct sipua_targets *t, const char *value);
/* true with the rights of the line that allows uri; false when none
 * does or uri does not read cleanly. */
bool sipua_targets_check(const struct sipua_targets *t, const char *uri,
			 enum sipua_rights *rights);
/* Is text a sip:/sips: URI of a user@host that a call may be placed to? */
bool sipua_uri_dialable(const char *text);

#endif
