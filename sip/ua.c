/*
 * ua.c - the SIP user agent: configuration, transports, OPTIONS, digest
 * credentials, our Contact, shutdown.
 */
#include <string.h>
#include <unistd.h>
#include "sip/sipua_int.h"
#include "sip/resolve.h"
#include "sip/ratelimit.h"
#include "sip/tcpguard.h"
#include "sip/sreply.h"

#define DEFAULT_USER   "sipvnc"
#define DEFAULT_MAX_SESSIONS 4
#define DEFAULT_ANSWER_TIMEOUT 30   /* seconds */

static void ua_destructor(void *arg)
{
	struct sipua *ua = arg;

	list_flush(&ua->calls);
	sipua_register_stop(ua);
	sipua_listen_close(ua);
	ua->options_lsnr = mem_deref(ua->options_lsnr);
	ua->ratelimit = mem_deref(ua->ratelimit);
	ua->tcpguard = mem_deref(ua->tcpguard);
	ua->sock = mem_deref(ua->sock);
	if (ua->sip)
		sip_close(ua->sip, true);
	ua->sip = mem_deref(ua->sip);
	ua->tls = mem_deref(ua->tls);
	ua->dnsc = mem_deref(ua->dnsc);
	ua->call_creds = mem_deref(ua->call_creds);
	/* the passwords do not outlive us in freed memory */
	memset(ua->accounts, 0, sizeof(ua->accounts));
	sip_policy_clear_secrets(&ua->policy);
	memset(ua->nonce_key, 0, sizeof(ua->nonce_key));
}

const struct sip_account *sipua_primary(const struct sipua *ua)
{
	return ua->n_accounts ? &ua->accounts[0].acc : NULL;
}

const char *sipua_contact_user(const struct sipua *ua)
{
	const struct sip_account *acc = sipua_primary(ua);

	return acc ? acc->user : ua->user;
}

void sipua_update_contact(struct sipua *ua)
{
	struct sa laddr;
	unsigned i;

	for (i = 0; i < ua->n_accounts; i++) {
		if (ua->accounts[i].registered) {
			str_ncpy(ua->contact, ua->accounts[i].acc.aor,
				 sizeof(ua->contact));
			return;
		}
	}
	if (sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, NULL))
		laddr = ua->listen_plain.addr;
	(void)re_snprintf(ua->contact, sizeof(ua->contact), "sip:%s@%J",
			  ua->user, &laddr);
}

const char *sipua_contact_uri(const struct sipua *ua)
{
	return ua ? ua->contact : NULL;
}

static bool options_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua *ua = arg;

	if (pl_strcmp(&msg->met, "OPTIONS"))
		return false;
	/* stateless (sreply.h): a retransmission is answered again, and no
	 * transaction waits out Timer J per OPTIONS */
	(void)sipua_sreplyf(ua->sip, msg, ua->nonce_key, sizeof(ua->nonce_key),
			    200, "OK", SIPUA_ALLOW_HDR
			    "Accept: application/sdp\r\n"
			    "Content-Length: 0\r\n\r\n");
	return true;
}

int sipua_read_answermode(struct sipua *ua, const struct conf *conf)
{
	char buf[64];
	uint32_t secs = DEFAULT_ANSWER_TIMEOUT;

	ua->answermode = ANSWERMODE_AUTO;
	if (!conf_get_str(conf, "answermode", buf, sizeof(buf))) {
		if (!str_casecmp(buf, "reject"))
			ua->answermode = ANSWERMODE_REJECT;
		else if (!str_casecmp(buf, "manual"))
			ua->answermode = ANSWERMODE_MANUAL;
		else if (str_casecmp(buf, "auto")) {
			sipua_warn(ua,
				   "bad answermode '%s' (auto|manual|reject)\n",
				   buf);
			return EINVAL;
		}
	}
	if (conf_get_str(conf, "answer_command", ua->answer_command,
			 sizeof(ua->answer_command)))
		ua->answer_command[0] = '\0';
	if (ua->answermode == ANSWERMODE_MANUAL && !ua->answer_command[0] &&
	    !ua->handlers.ask_argv) {
		sipua_warn(ua, "answermode manual needs an answer_command\n");
		return EINVAL;
	}
	if (ua->answer_command[0] && access(ua->answer_command, X_OK) < 0) {
		int err = errno;

		sipua_warn(ua, "answer_command %s cannot run (%m)\n",
			   ua->answer_command, err);
		return err;
	}
	(void)conf_get_u32(conf, "answer_timeout", &secs);
	if (secs == 0 || secs > 600) {
		sipua_warn(ua,
			   "bad answer_timeout %u (1..600 seconds)\n", secs);
		return EINVAL;
	}
	ua->answer_timeout_ms = secs * 1000;
	return 0;
}

static int trusted_proxy_handler(const struct pl *val, void *arg)
{
	struct sipua *ua = arg;
	char addr[64];

	if (pl_strcpy(val, addr, sizeof(addr)) ||
	    sip_caller_trust_add(&ua->trust, addr)) {
		sipua_warn(ua, "bad trusted_proxy '%r' (an IP address)\n", val);
		return EINVAL;
	}
	return 0;
}

static int account_handler(const struct pl *val, void *arg)
{
	struct sipua *ua = arg;
	char line[1024];
	int err;

	if (ua->n_accounts == SIPUA_MAX_ACCOUNTS) {
		sipua_warn(ua,
			   "more than %u account lines\n", SIPUA_MAX_ACCOUNTS);
		return E2BIG;
	}
	err = pl_strcpy(val, line, sizeof(line));
	if (!err)
		err = sip_account_parse(&ua->accounts[ua->n_accounts].acc,
					line);
	memset(line, 0, sizeof(line));  /* held the password */
	if (err) {
		/* the line number, not the line: it holds a password */
		sipua_warn(ua,
			   "bad account line #%u (%m)\n", ua->n_accounts + 1,
			   err);
		return err;
	}
	ua->accounts[ua->n_accounts].ua = ua;
	ua->n_accounts++;
	return 0;
}

static int read_config(struct sipua *ua, const struct conf *conf)
{
	char buf[1024];
	int err;

	if (conf_get_str(conf, "sip_user", ua->user, sizeof(ua->user)))
		str_ncpy(ua->user, DEFAULT_USER, sizeof(ua->user));

	err = conf_apply(conf, "account", account_handler, ua);
	if (err)
		return err;
	/* without sip_listen: every address with an account, else only
	 * loopback (no registrar to tell anyone where we are) */
	if (conf_get_str(conf, "sip_listen", buf, sizeof(buf)))
		buf[0] = '\0';
	err = sipua_listen_parse(&ua->listen_plain, buf, ua->n_accounts > 0);
	if (err) {
		sipua_log(ua, "bad sip_listen '%s' (want address:port, "
			  "0.0.0.0:port or [::]:port)\n", buf);
		return err;
	}

	err = sipua_instance_setup(ua, conf);
	if (err)
		return err;
	err = sip_policy_read_conf(ua, &ua->policy, conf);
	if (err)
		return err;

	err = sipua_read_answermode(ua, conf);
	if (err)
		return err;
	err = conf_apply(conf, "trusted_proxy", trusted_proxy_handler,
			 ua);
	if (err)
		return err;
	ua->max_sessions = DEFAULT_MAX_SESSIONS;
	(void)conf_get_u32(conf, "max_sessions", &ua->max_sessions);
	/* a dead SIP peer ends its call (liveness.c); 0 turns it off */
	{
		uint32_t secs = 60;

		(void)conf_get_u32(conf, "sip_options_interval", &secs);
		ua->options_interval_ms = (secs > 86400 ? 86400 : secs) * 1000;
	}

	ua->msrp_setup = SDP_RFB_ACTPASS_AUTO;
	if (!conf_get_str(conf, "msrp_setup", buf, sizeof(buf))) {
		if (!str_casecmp(buf, "active"))
			ua->msrp_setup = SDP_RFB_ACTPASS_CONNECT;
		else if (!str_casecmp(buf, "passive"))
			ua->msrp_setup = SDP_RFB_ACTPASS_LISTEN;
		else if (str_casecmp(buf, "auto")) {
			sipua_warn(ua,
				   "bad msrp_setup '%s' (auto|active|passive)\n",
				   buf);
			return EINVAL;
		}
	}
	/* only whether there is one: with our own relay callers reach us
	 * there, whatever NAT we sit behind */
	ua->own_msrp_relay = !conf_get_str(conf, "msrp_relay", buf,
					   sizeof(buf)) && buf[0];
	if (!ua->policy.n_rules && !ua->handlers.calls_out_only)
		sipua_warn(ua, "no allow line: every call will be refused\n");
	return 0;
}

/* Each account's first hop (outbound proxy, else registrar) through
 * /etc/hosts, or the system resolver when DNS is out of reach: libre's
 * DNS client knows neither. */
static void resolve_accounts(struct sipua *ua, bool no_nameservers)
{
	unsigned i;

	for (i = 0; i < ua->n_accounts; i++) {
		struct sipua_account *a = &ua->accounts[i];
		struct sip_account *acc = &a->acc;
		const char *hop = acc->outbound[0] ? acc->outbound
						   : acc->registrar;
		char route[sizeof(acc->outbound)];

		str_ncpy(a->configured_route, acc->outbound,
			 sizeof(a->configured_route));
		if (sip_resolve_route(route, sizeof(route), hop, "/etc/hosts",
				      no_nameservers))
			continue;   /* an address, or for libre's DNS */
		sipua_log(ua, "%s: %s goes to %s (system resolver)\n", acc->aor,
			  hop, route);
		str_ncpy(acc->outbound, route, sizeof(acc->outbound));
	}
}

int sipua_alloc(struct sipua **uap, const struct conf *conf,
		const struct sipua_handlers *handlers, void *arg)
{
	struct sipua *ua;
	bool no_nameservers = true;
	int err;

	if (!uap || !conf || !handlers || !handlers->incoming ||
	    !handlers->established || !handlers->closed)
		return EINVAL;
	ua = mem_zalloc(sizeof(*ua), ua_destructor);
	if (!ua)
		return ENOMEM;
	ua->handlers = *handlers;
	ua->arg = arg;
	rand_bytes(ua->nonce_key, sizeof(ua->nonce_key));

	err = read_config(ua, conf);
	if (!err)
		err = sipua_creds_alloc(&ua->call_creds, sipua_primary(ua));
	if (!err)
		err = sipua_dns_open(ua, conf, &no_nameservers);
	if (!err)
		resolve_accounts(ua, no_nameservers);
	if (!err)
		err = sip_alloc(&ua->sip, ua->dnsc, 32, 32, 32, "sipvnc",
				NULL, ua);   /* ua: the trace handler's arg */
	if (!err)
		err = sipua_tls_open(ua, conf);
	/* before every other listener: it sees each request first */
	if (!err)
		err = sipua_ratelimit_open(ua, conf);
	/* before the transports: their listeners defer accept */
	if (!err)
		err = sipua_tcpguard_open(ua, conf);
	if (!err)
		err = sipua_listen_open(ua);
	if (!err)
		err = sipsess_listen(&ua->sock, ua->sip, 32, sipua_call_incoming,
				     ua);
	if (!err)
		err = sip_listen(&ua->options_lsnr, ua->sip, true,
				 options_handler, ua);
	if (err)
		goto out;
	sipua_update_contact(ua);
	err = sipua_register_start(ua);
	sipua_log(ua, "call me at %s\n", ua->contact);
 out:
	if (err)
		mem_deref(ua);
	else
		*uap = ua;
	return err;
}

void sipua_shutdown(struct sipua *ua)
{
	if (!ua)
		return;
	/* libre un-REGISTERs (expires=0) when the last reference goes; the
	 * request needs the event loop for a moment after this returns */
	sipua_register_stop(ua);
	list_flush(&ua->calls);   /* BYE / CANCEL, no closed() */
}
