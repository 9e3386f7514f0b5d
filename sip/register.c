/*
 * register.c - keep the account registered (libre's sipreg refreshes it
 * and answers digest challenges through sipua_auth_handler).
 */
#include <string.h>
#include "sip/sipua_int.h"

static void reg_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct sipua *ua = arg;
	unsigned status = msg ? msg->scode : 0;

	ua->registered = !err && status >= 200 && status < 300;
	if (status != ua->last_reg_status || err != ua->last_reg_err) {
		if (err)
			sipua_log("registration of %s failed: %m\n",
				  ua->account.aor, err);
		else
			sipua_log("registration of %s: %u %r\n",
				  ua->account.aor, status, &msg->reason);
		ua->last_reg_status = status;
		ua->last_reg_err = err;
	}
	sipua_update_contact(ua);
}

int sipua_register_start(struct sipua *ua)
{
	const char *routev[1] = {ua->account.outbound};
	const struct sip_account *acc = &ua->account;
	int err;

	err = sipreg_register(&ua->reg, ua->sip, acc->registrar, acc->aor,
			      acc->display[0] ? acc->display : NULL, acc->aor,
			      acc->regint, acc->user, routev,
			      acc->outbound[0] ? 1 : 0, 0, sipua_auth_handler,
			      ua, false, reg_resp_handler, ua, NULL, NULL);
	if (err)
		sipua_log("cannot register %s (%m)\n", acc->aor, err);
	return err;
}
