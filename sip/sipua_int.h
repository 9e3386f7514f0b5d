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

#define SIPUA_ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"

struct sipua {
	struct dnsc *dnsc;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *options_lsnr;
	struct sipreg *reg;
	struct list calls;

	struct sipua_handlers handlers;
	void *arg;

	struct sip_account account;
	bool has_account;
	struct policy policy;
	bool auto_answer;
	uint32_t max_sessions;
	bool connect_on_actpass;
	char user[64];
	struct sa listen_addr;

	unsigned last_reg_status;  /* logged once per change */
	int last_reg_err;
	bool registered;
	char contact[320];
};

struct sipua_call {
	struct le le;
	struct sipua *ua;
	struct sipsess *sess;
	bool incoming;
	bool we_serve_rfb;         /* what an outgoing call asked for */
	bool answered;             /* outgoing: a valid SDP answer came */
	bool closing;              /* inside closed(): freed by us after */
	struct sipua_media media;
	char local_path[1024];
	char local_ip[64];
	char peer[256];
	uint32_t sdp_id;           /* o= id and version, random: no address */
	unsigned fail_status;      /* our own reason to end it, if any */
	const char *fail_reason;
	void *arg;
};

#define sipua_log(...) ((void)re_fprintf(stderr, "sip: " __VA_ARGS__))

/* call.c */
void sipua_call_incoming(const struct sip_msg *msg, void *arg);
/* register.c */
int sipua_register_start(struct sipua *ua);
/* ua.c */
int sipua_auth_handler(char **user, char **pass, const char *realm,
		       void *arg);
void sipua_update_contact(struct sipua *ua);
const char *sipua_contact_user(const struct sipua *ua);

#endif
