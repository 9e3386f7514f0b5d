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
 *
 * RFC 5626 outbound (account parameter sipnat=outbound): the Contact gets
 * reg-id=1 and our +sip.instance, libre adds "Supported: outbound, path"
 * for a reg-id, and it answers a registrar's
 * "Require: outbound" with keepalives on the flow (CRLF ping/pong on TCP
 * and TLS, STUN binding requests on UDP, every Flow-Timer seconds).  When
 * that flow dies libre would wait 30-60 s; RFC 5626 4.4 wants a new flow
 * at once, so we register again after a moment.
 */
#include <string.h>
#include "sip/sipua_int.h"
#include "sip/instance.h"
#include "sip/ratelimit.h"

#define FIRST_RETRY_MS 2000
#define MAX_OWN_RETRY_MS 60000
/* the dead flow's sipreg un-REGISTERs as it goes: let that finish before
 * the new registration, or the registrar may drop the new binding */
#define FLOW_UNREGISTER_GRACE_MS 500
#define OUTBOUND_REG_ID 1

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

int sipua_instance_setup(struct sipua *ua, const struct conf *conf)
{
	char file[512];
	bool wanted = false;
	unsigned i;
	int err;

	for (i = 0; i < ua->n_accounts; i++)
		wanted = wanted || ua->accounts[i].acc.sip_outbound;
	if (!conf_get_str(conf, "sip_instance", ua->instance,
			  sizeof(ua->instance))) {
		if (!sip_instance_uuid_ok(ua->instance)) {
			sipua_warn(ua, "bad sip_instance '%s' (a UUID: "
				   "8-4-4-4-12 hex digits)\n", ua->instance);
			return EINVAL;
		}
		return 0;
	}
	ua->instance[0] = '\0';
	if (!wanted)
		return 0;
	err = ua->handlers.config_dir ? 0 : ENOENT;
	if (!err && re_snprintf(file, sizeof(file), "%s/instance-id",
				ua->handlers.config_dir) < 0)
		err = ENAMETOOLONG;
	if (!err)
		err = sip_instance_load_file(ua->instance, sizeof(ua->instance),
					     file);
	if (err) {
		/* the registrar will see a new device at each start: worse
		 * than a stable id, better than no outbound at all */
		sipua_warn(ua, "cannot keep the instance id in %s (%m): set "
			   "sip_instance\n", ua->handlers.config_dir ? file :
			   "$HOME", err);
		return err;
	}
	return 0;
}

static void retry_now(void *arg)
{
	struct sipua_account *account = arg;

	if (account->ever_registered)
		return;
	if (account->flow_failed) {
		account->flow_failed = false;
		account->reg = mem_deref(account->reg);
		tmr_start(&account->retry_tmr, FLOW_UNREGISTER_GRACE_MS,
			  retry_now, account);
		return;
	}
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

	/* a failure without a response after a success: the flow's
	 * keepalive (or a refresh) met a dead flow */
	if (err && !msg && account->acc.sip_outbound &&
	    account->ever_registered) {
		sipua_warn(account->ua,
			   "outbound flow of %s failed (%m): registering on a "
			   "new flow\n", account->acc.aor, err);
		account->ever_registered = false;
		account->flow_failed = true;
		/* doubled before use: our 2 s, 4 s .. if the new flow fails */
		account->retry_ms = FIRST_RETRY_MS / 2;
		account->registered = false;
		account->last_status = 0;   /* the next 200 is news */
		account->last_err = err;
		tmr_start(&account->retry_tmr, 0, retry_now, account);
		sipua_update_contact(account->ua);
		return;
	}
	if (msg)   /* our first hop: its requests are never rate limited */
		sipua_ratelimit_learn(account->ua, &msg->src);
	account->registered = !err && status >= 200 && status < 300;
	if (status != account->last_status || err != account->last_err) {
		if (err)
			sipua_warn(account->ua,
				   "registration of %s failed: %m (retrying)\n",
				   account->acc.aor, err);
		else if (account->registered)
			sipua_log(account->ua, "registration of %s: %u %r\n",
				  account->acc.aor, status, &msg->reason);
		else
			sipua_log(account->ua,
				  "registration of %s: %u %r (retrying)\n",
				  account->acc.aor, status, &msg->reason);
		account->last_status = status;
		account->last_err = err;
	}
	if (account->registered) {
		sipua_reach_note_registrar(account, msg);
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
	char params[80] = "";
	int err;

	if (acc->sip_outbound)
		(void)re_snprintf(params, sizeof(params),
				  "+sip.instance=\"<urn:uuid:%s>\"",
				  account->ua->instance);
	err = sipua_creds_alloc(&creds, acc);
	if (err)
		return err;
	err = sipreg_register(&account->reg, account->ua->sip, acc->registrar,
			      acc->aor, acc->display[0] ? acc->display : NULL,
			      acc->aor, acc->regint, acc->user, routev,
			      acc->outbound[0] ? 1 : 0,
			      acc->sip_outbound ? OUTBOUND_REG_ID : 0,
			      sipua_creds_auth_handler, creds, true,
			      reg_resp_handler, account,
			      params[0] ? params : NULL, NULL);
	mem_deref(creds);
	if (err)
		sipua_warn(account->ua,
			   "cannot register %s (%m)\n", acc->aor, err);
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

void sipua_register_withdraw(struct sipua *ua)
{
	unsigned i;

	/* each sipreg un-REGISTERs its Contact as it goes */
	sipua_register_stop(ua);
	for (i = 0; i < ua->n_accounts; i++) {
		struct sipua_account *a = &ua->accounts[i];

		/* the next registration is a first one: our quick retries */
		a->ever_registered = false;
		a->flow_failed = false;
		a->retry_ms = 0;
		a->last_status = 0;
		a->last_err = 0;
	}
}

void sipua_register_again(struct sipua *ua)
{
	unsigned i;

	for (i = 0; i < ua->n_accounts; i++) {
		struct sipua_account *a = &ua->accounts[i];

		if (!a->acc.regint)
			continue;
		/* no route to this registrar yet (its family is gone for
		 * now): our retries go on until there is */
		if (register_account(a)) {
			a->retry_ms = FIRST_RETRY_MS;
			tmr_start(&a->retry_tmr, a->retry_ms, retry_now, a);
		}
	}
}
