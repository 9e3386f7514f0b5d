/*
 * sipua_int.h - private to sip/: the user agent and call objects shared by
 * ua.c (transports, OPTIONS, shutdown), register.c and call.c.
 */
#ifndef SIPVNC_SIPUA_INT_H
#define SIPVNC_SIPUA_INT_H

#include <re.h>
#include "sip/sipua.h"
#include "sip/account.h"
#include "sip/policy.h"
#include "sip/caller.h"
#include "sip/sdp_rfb.h"
#include "sip/netaddr.h"

struct answer_cmd;
struct sipua_creds;
struct sipua_ratelimit;
struct sipua_tcpguard;

enum answermode {
	ANSWERMODE_AUTO,
	ANSWERMODE_MANUAL,   /* answer_command decides, we ring meanwhile */
	ANSWERMODE_REJECT,
};

#define SIPUA_ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"

#define SIPUA_MAX_ACCOUNTS 8
#define SIPUA_MAX_LISTEN 32        /* addresses with transports at once */

/* A sip_listen or sip_tls_listen value. */
struct sipua_listen {
	struct sa addr;            /* the port is shared by every address */
	bool set;                  /* a TLS listener is configured */
	bool any;                  /* 0.0.0.0 or [::]: each address we have */
	bool v6;                   /* any: the IPv6 ones too */
	bool port_fallback;        /* our default port: take any if busy */
};

/* One `account` line and its registration. */
struct sipua_account {
	struct sipua *ua;
	struct sip_account acc;    /* outbound: resolved by resolve.c */
	char configured_route[256];/* outbound as written (TLS names) */
	struct sipreg *reg;
	bool registered;
	bool ever_registered;
	struct tmr retry_tmr;      /* our retry until the first success */
	uint32_t retry_ms;
	bool flow_failed;          /* outbound: its flow died, the sipreg goes */
	unsigned last_status;      /* logged once per change */
	int last_err;
	char nat_seen[128];        /* the registrar saw our REGISTER come from
	                              another address than its Via says (NAT),
	                              "" if not or not known */
};

struct sipua {
	struct dnsc *dnsc;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *options_lsnr;
	struct list calls;

	struct sipua_handlers handlers;
	void *arg;

	/* the first is the primary one: our calls go out with it */
	struct sipua_account accounts[SIPUA_MAX_ACCOUNTS];
	unsigned n_accounts;
	struct policy policy;
	struct caller_trust trust;
	uint8_t nonce_key[CALLER_KEY_SIZE];
	enum answermode answermode;
	char answer_command[256];
	uint32_t answer_timeout_ms;
	uint32_t max_sessions;
	enum sdp_rfb_actpass msrp_setup;
	bool own_msrp_relay;       /* msrp_relay: callers reach us there */
	uint32_t options_interval_ms; /* sip_options_interval; 0: none */
	char user[64];

	char instance[40];         /* RFC 5626 UUID, "" without sipnat=outbound */
	char contact[320];
	struct sipua_creds *call_creds;   /* the primary account's */
	struct tls *tls;                  /* SIP over TLS, or NULL */
	/* sip_tls.c: the names a SIP server's certificate may carry (the
	 * hosts of our registrars and outbound proxies) */
	char tls_hosts[2 * SIPUA_MAX_ACCOUNTS][256];
	unsigned n_tls_hosts;
	struct sipua_ratelimit *ratelimit;/* ratelimit.c: sip_rate_limit */
	struct sipua_tcpguard *tcpguard;  /* tcpguard.c: sip_tcp_* */

	/* listen.c: where we listen; "any" means on each address we have,
	 * rebuilt when they change */
	struct sipua_listen listen_plain, listen_tls;
	struct sipua_netwatch *netwatch;  /* only when listening on any */
	char net_seen[1024];       /* our addresses at the last look */
	char net_primary[128];     /* and the ones our Contacts name */
	struct sa listening[SIPUA_MAX_LISTEN]; /* what has transports now */
	size_t n_listening;
	struct tmr listen_retry_tmr; /* addresses whose port is still held */
	unsigned listen_retries;
	struct tmr net_tmr;        /* the un-REGISTER's grace, then anew */
};

struct sipua_call {
	struct le le;
	struct sipua *ua;
	struct sipsess *sess;
	bool incoming;
	bool we_serve_rfb;         /* what an outgoing call asked for */
	bool answered;             /* outgoing: a valid SDP answer came */
	bool closing;              /* inside closed(): freed by us after */
	bool presented;            /* incoming(): our user knows the call */
	bool ringing;              /* 180 sent, no final response yet */
	bool late_offer;           /* incoming INVITE without SDP: our 200
	                              offers, the ACK answers */
	struct tmr end_tmr;        /* ends a call outside libre's handlers */
	struct tmr live_tmr;       /* liveness.c: the next OPTIONS */
	struct sip_request *live_req; /* liveness.c: the OPTIONS in flight */
	struct answer_cmd *asking; /* answermode manual: the command */
	enum sipua_rights rights;
	char *offer;               /* the INVITE's SDP, kept while ringing */
	size_t offer_len;
	struct sa sip_dst;         /* where the INVITE came to */
	struct sa sip_src;         /* and from: over TCP/TLS, the flow that
	                              tcpguard.c never cuts */
	enum sip_transp sip_tp;
	struct sipua_media media;
	char local_path[1024];
	char local_fingerprint[160];
	char local_ip[64];
	bool unreachable;          /* judged as the INVITE came: may callers */
	char reach_why[160];       /* not reach us (NAT)?  Kept for the call,
	                              so that every answer says the same */
	char peer[256];
	uint32_t sdp_id;           /* o= id and version, random: no address */
	uint32_t sdp_changes;      /* added to the o= version per new media */
	unsigned fail_status;      /* our own reason to end it, if any */
	const char *fail_reason;
	void *arg;
};

#include "sip/sip_log.h"

/* backlog.c: every listening TCP socket of ours takes SOMAXCONN
 * connections before accept(); call after adding a transport. */
void sipua_raise_backlogs(void);

/* liveness.c: in-dialog OPTIONS while a call is established. */
void sipua_liveness_start(struct sipua_call *call);
void sipua_liveness_stop(struct sipua_call *call);

/* call.c: the session handlers, shared with incoming.c */
#define SIPUA_SDP_BUF_SIZE 8192
int sipua_offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			void *arg);
int sipua_answer_handler(const struct sip_msg *msg, void *arg);
void sipua_estab_handler(const struct sip_msg *msg, void *arg);
void sipua_close_handler(int err, const struct sip_msg *msg, void *arg);
void sipua_choose_local_ip(char *ip, size_t size, const char *path,
			   const struct sa *fallback);
struct mbuf *sipua_sdp_mbuf(const char *sdp);
unsigned sipua_make_answer(struct sipua_call *call, struct sipua_media *media,
			   char *answer, const char *offer, size_t offer_len,
			   const char **why);
/* What our SDP is written from: the call's path, address, o= line. */
void sipua_local_of(const struct sipua_call *call,
		    struct sdp_rfb_local *local);
/* Our offer (Blink dialect, actpass) into offer[SIPUA_SDP_BUF_SIZE]. */
int sipua_make_offer(const struct sipua_call *call, char *offer);
const char *sipua_reason_phrase(unsigned status);
void sipua_call_destructor(void *arg);
/* dns.c: libre's DNS client, from dns_server lines or the system's */
int sipua_dns_open(struct sipua *ua, const struct conf *conf,
		   bool *no_nameservers);
/* sip_tls.c: SIP over TLS if configured (sip_tls_listen ...) */
int sipua_tls_open(struct sipua *ua, const struct conf *conf);
/* incoming.c */
void sipua_call_incoming(const struct sip_msg *msg, void *arg);
/* register.c */
/* Our +sip.instance when an account asks for outbound (sip_instance, or
 * the kept instance-id file). */
int sipua_instance_setup(struct sipua *ua, const struct conf *conf);
int sipua_register_start(struct sipua *ua);
void sipua_register_stop(struct sipua *ua);
/* Our addresses changed: un-REGISTER every account (while the old
 * transports still exist), then, on the new ones, register again; an
 * account that cannot register yet keeps retrying. */
void sipua_register_withdraw(struct sipua *ua);
void sipua_register_again(struct sipua *ua);
/* Digest credentials of an account (or none) as a libre object, for an
 * auth handler with aref=true. */
int sipua_creds_alloc(struct sipua_creds **credsp,
		      const struct sip_account *acc);
int sipua_creds_auth_handler(char **user, char **pass, const char *realm,
			     void *arg);
/* reach.c: may callers reach us, or are we behind NAT? */
/* Whether the Internet would not route an address to us: RFC 1918,
 * RFC 6598 (carrier-grade NAT), IPv6 unique local and link-local.
 * Loopback is not: it reaches what runs here. */
bool sipua_addr_private(const struct sa *sa);
/* Fill call->unreachable and reach_why from local (the address the call
 * came to) and what the registrars told us. */
void sipua_reach_judge(struct sipua_call *call, const struct sa *local);
/* A REGISTER's 2xx: its Via shows where the registrar saw us from. */
void sipua_reach_note_registrar(struct sipua_account *account,
				const struct sip_msg *msg);
/* Whether a Via's received/rport differ from its sent-by: "" or a
 * description into seen.  Over TCP and TLS the source port is the
 * connection's own, so only the address counts. */
void sipua_via_nat(const struct sip_via *via, char *seen, size_t size);
/* listen.c */
/* Take a sip_listen-style value ("" for the default). */
int sipua_listen_parse(struct sipua_listen *lsn, const char *value,
		       bool has_account);
/* Open every transport (at start), and watch our addresses if any
 * listener is on "any". */
int sipua_listen_open(struct sipua *ua);
void sipua_listen_close(struct sipua *ua);
/* The text of our address that routes to where uri (or an a=path)
 * points when its host is an IP literal, else fallback (the address a
 * request came to), else our first transport's; "" if none. */
void sipua_route_addr(const struct sipua *ua, const char *uri,
		      const struct sa *fallback, char *ip, size_t size);
/* ua.c */
void sipua_update_contact(struct sipua *ua);
/* answermode, answer_command, answer_timeout into ua; EINVAL (logged). */
int sipua_read_answermode(struct sipua *ua, const struct conf *conf);
const char *sipua_contact_user(const struct sipua *ua);
/* The primary account, or NULL without any. */
const struct sip_account *sipua_primary(const struct sipua *ua);

#endif
