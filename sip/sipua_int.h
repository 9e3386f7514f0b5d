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

struct answer_cmd;
struct sipua_creds;
struct sdp_rfb_local;

enum answermode {
	ANSWERMODE_AUTO,
	ANSWERMODE_MANUAL,   /* answer_command decides, we ring meanwhile */
	ANSWERMODE_REJECT,
};

#define SIPUA_ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"

#define SIPUA_MAX_ACCOUNTS 8

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
	uint32_t options_interval_ms; /* sip_options_interval; 0: none */
	bool connect_on_actpass;
	char user[64];
	struct sa listen_addr;

	char instance[40];         /* RFC 5626 UUID, "" without sipnat=outbound */
	char contact[320];
	struct sipua_creds *call_creds;   /* the primary account's */
	struct tls *tls;                  /* SIP over TLS, or NULL */
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
	struct sipua_media media;
	char local_path[1024];
	char local_fingerprint[160];
	char local_ip[64];
	char peer[256];
	uint32_t sdp_id;           /* o= id and version, random: no address */
	uint32_t sdp_changes;      /* added to the o= version per new media */
	unsigned fail_status;      /* our own reason to end it, if any */
	const char *fail_reason;
	void *arg;
};

/* backlog.c: every listening TCP socket of ours takes SOMAXCONN
 * connections before accept(); call after adding a transport. */
void sipua_raise_backlogs(void);

/* liveness.c: in-dialog OPTIONS while a call is established. */
void sipua_liveness_start(struct sipua_call *call);
void sipua_liveness_stop(struct sipua_call *call);

#define sipua_log(...) ((void)re_fprintf(stderr, "sip: " __VA_ARGS__))

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
/* Digest credentials of an account (or none) as a libre object, for an
 * auth handler with aref=true. */
int sipua_creds_alloc(struct sipua_creds **credsp,
		      const struct sip_account *acc);
int sipua_creds_auth_handler(char **user, char **pass, const char *realm,
			     void *arg);
/* ua.c */
void sipua_update_contact(struct sipua *ua);
const char *sipua_contact_user(const struct sipua *ua);
/* The primary account, or NULL without any. */
const struct sip_account *sipua_primary(const struct sipua *ua);

#endif
