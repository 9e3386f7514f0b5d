/*
 * register.c - keep every account registered.
 *
 * libre's sipreg does the protocol: digest challenges (through the
 * account's own credentials), 423 Interval Too Brief (it retries with the
 * registrar's Min-Expires), refresh at 90% of the granted expiry, retry
 * after failures (transport errors, timeouts, 4xx/5xx) with a randomised
 * backoff that doubles per failure (libre 1.1.0: from 30-60 s up to
 * 15-30 min), and the un-REGISTER when it is freed.  We log each change
 * of state once.
 *
 * Until an account's first success we retry sooner ourselves (2 s,
 * doubling to 60 s): a desk started before its network or registrar is
 * the common case, and waiting a minute there looks broken.  Replacing a
 * sipreg that never registered sends nothing (no un-REGISTER), so it is
 * safe; after a success libre's own schedule applies.
 */
#include <string.h>
#include "sip/sipua_int.h"

#define FIRST_RETRY_MS 2000
#define MAX_OWN_RETRY_MS 60000

static int register_account(struct sipua_account *account);

/* Credentials live as long as the sipreg or session that holds a
 * reference: an un-REGISTER or a BYE may be challenged after the user
 * agent is gone. */
struct sipua_creds {
	char user[128];
	char pass[128];
};

static void creds_destructor(void *arg)
{
	struct sipua_creds *creds = arg;

	memset(creds, 0, sizeof(*creds));
}

int sipua_creds_alloc(struct sipua_creds **credsp,
		      const struct sip_account *acc)
{
	struct sipua_creds *creds = mem_zalloc(sizeof(*creds),
					       creds_destructor);

	if (!creds)
		return ENOMEM;
	if (acc) {
		str_ncpy(creds->user, acc->auth_user, sizeof(creds->user));
		str_ncpy(creds->pass, acc->auth_pass, sizeof(creds->pass));
	}
	*credsp = creds;
	return 0;
}

int sipua_creds_auth_handler(char **user, char **pass, const char *realm,
			     void *arg)
{
	const struct sipua_creds *creds = arg;
	int err;

	(void)realm;
	if (!creds->pass[0])
		return EACCES;
	err = str_dup(user, creds->user);
	err |= str_dup(pass, creds->pass);
	return err;
}

static void retry_now(void *arg)
{
	struct sipua_account *account = arg;

	if (account->ever_registered)
		return;
	account->reg = mem_deref(account->reg);
	if (register_account(account)) {
		account->retry_ms = min(account->retry_ms * 2,
					MAX_OWN_RETRY_MS);
		tmr_start(&account->retry_tmr, account->retry_ms, retry_now,
			  account);
	}
}

static void reg_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct sipua_account *account = arg;
	unsigned status = msg ? msg->scode : 0;

	account->registered = !err && status >= 200 && status < 300;
	if (status != account->last_status || err != account->last_err) {
		if (err)
			sipua_log("registration of %s failed: %m (retrying)\n",
				  account->acc.aor, err);
		else if (account->registered)
			sipua_log("registration of %s: %u %r\n",
				  account->acc.aor, status, &msg->reason);
		else
			sipua_log("registration of %s: %u %r (retrying)\n",
				  account->acc.aor, status, &msg->reason);
		account->last_status = status;
		account->last_err = err;
	}
	if (account->registered) {
		account->ever_registered = true;
		account->retry_ms = 0;
		tmr_cancel(&account->retry_tmr);
	}
	else if (!account->ever_registered &&
		 !tmr_isrunning(&account->retry_tmr)) {
		account->retry_ms = account->retry_ms ?
			min(account->retry_ms * 2, MAX_OWN_RETRY_MS) :
			FIRST_RETRY_MS;
		/* not from inside libre's handler: the sipreg goes */
		tmr_start(&account->retry_tmr, account->retry_ms, retry_now,
			  account);
	}
	sipua_update_contact(account->ua);
}

static int register_account(struct sipua_account *account)
{
	const struct sip_account *acc = &account->acc;
	const char *routev[1] = {acc->outbound};
	struct sipua_creds *creds;
	int err;

	err = sipua_creds_alloc(&creds, acc);
	if (err)
		return err;
	err = sipreg_register(&account->reg, account->ua->sip, acc->registrar,
			      acc->aor, acc->display[0] ? acc->display : NULL,
			      acc->aor, acc->regint, acc->user, routev,
			      acc->outbound[0] ? 1 : 0, 0,
			      sipua_creds_auth_handler, creds, true,
			      reg_resp_handler, account, NULL, NULL);
	mem_deref(creds);
	if (err)
		sipua_log("cannot register %s (%m)\n", acc->aor, err);
	return err;
}

int sipua_register_start(struct sipua *ua)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < ua->n_accounts && !err; i++) {
		tmr_init(&ua->accounts[i].retry_tmr);
		if (ua->accounts[i].acc.regint)
			err = register_account(&ua->accounts[i]);
	}
	return err;
}

void sipua_register_stop(struct sipua *ua)
{
	unsigned i;

	/* libre un-REGISTERs (expires=0) when the last reference goes; the
	 * request needs the event loop for a moment after this returns */
	for (i = 0; i < ua->n_accounts; i++) {
		tmr_cancel(&ua->accounts[i].retry_tmr);
		ua->accounts[i].reg = mem_deref(ua->accounts[i].reg);
		ua->accounts[i].registered = false;
	}
}
