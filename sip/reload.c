/*
 * reload.c - the caller policy replaced while calls go on (SIGHUP).
 *
 * Only what decides about new calls changes: who may call (allow, deny,
 * caller_secret), how they are answered (answermode, answer_command,
 * answer_timeout) and how many at once (max_sessions).  Calls in progress
 * were admitted under the old rules and keep going.
 */
#include <string.h>
#include "sip/sipua_int.h"

#define DEFAULT_MAX_SESSIONS 4

int sipua_reload(struct sipua *ua, const struct conf *conf)
{
	struct policy *policy;
	enum answermode mode;
	char command[sizeof(ua->answer_command)];
	uint32_t timeout_ms, max_sessions = DEFAULT_MAX_SESSIONS;
	int err;

	if (!ua || !conf)
		return EINVAL;
	mode = ua->answermode;
	timeout_ms = ua->answer_timeout_ms;
	policy = mem_zalloc(sizeof(*policy), NULL);
	if (!policy)
		return ENOMEM;
	err = sip_policy_read_conf(ua, policy, conf);
	if (err)
		goto out;

	/* read into ua, put back if the file is wrong */
	str_ncpy(command, ua->answer_command, sizeof(command));
	err = sipua_read_answermode(ua, conf);
	if (err) {
		ua->answermode = mode;
		str_ncpy(ua->answer_command, command,
			 sizeof(ua->answer_command));
		ua->answer_timeout_ms = timeout_ms;
		goto out;
	}
	(void)conf_get_u32(conf, "max_sessions", &max_sessions);
	ua->max_sessions = max_sessions;

	sip_policy_clear_secrets(&ua->policy);
	ua->policy = *policy;
	sipua_log(ua, "caller policy reloaded: %u allow/deny rule(s), %u "
		  "caller secret(s), answermode %s, max_sessions %u\n",
		  policy->n_rules, policy->n_secrets,
		  ua->answermode == ANSWERMODE_AUTO ? "auto" :
		  ua->answermode == ANSWERMODE_MANUAL ? "manual" : "reject",
		  ua->max_sessions);
	if (!policy->n_rules)
		sipua_log(ua, "no allow line: every call will be refused\n");
 out:
	sip_policy_clear_secrets(policy);
	mem_deref(policy);
	return err;
}
