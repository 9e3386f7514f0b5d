/*
 * account.h - private to sip/: the `account` configuration line, in
 * baresip's syntax:
 *   ["Name"] <sip:user@domain>;auth_user=u;auth_pass=p;outbound="sip:..";regint=600
 *   ;sipnat=outbound asks for RFC 5626 outbound on the registration.
 */
#ifndef SIPVNC_ACCOUNT_H
#define SIPVNC_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#define ACCOUNT_DEFAULT_REGINT 3600

struct sip_account {
	char display[64];
	char aor[256];       /* sip:user@domain, without < > */
	char user[64];       /* user part of the AOR (our Contact user) */
	char registrar[260]; /* sip:domain[:port] */
	char auth_user[128];
	char auth_pass[128]; /* never logged */
	char outbound[256];  /* route for REGISTER and calls, or "" */
	uint32_t regint;     /* 0: do not register */
	bool sip_outbound;   /* sipnat=outbound: RFC 5626 reg-id,
	                        +sip.instance and flow keepalives */
};

/* 0, or EINVAL for a malformed line / E2BIG for a field too long. */
int sip_account_parse(struct sip_account *acc, const char *line);

#endif
