/*
 * ua.c - the SIP user agent: configuration, transports, OPTIONS, digest
 * credentials, our Contact, shutdown.
 */
#include <string.h>
#include "sip/sipua_int.h"

#define DEFAULT_LISTEN "127.0.0.1:5060"
#define DEFAULT_USER   "sipvnc"
#define DEFAULT_MAX_SESSIONS 4
#define MAX_NAMESERVERS 4

static void ua_destructor(void *arg)
{
	struct sipua *ua = arg;

	list_flush(&ua->calls);
	ua->reg = mem_deref(ua->reg);
	ua->options_lsnr = mem_deref(ua->options_lsnr);
	ua->sock = mem_deref(ua->sock);
	if (ua->sip)
		sip_close(ua->sip, true);
	ua->sip = mem_deref(ua->sip);
	ua->dnsc = mem_deref(ua->dnsc);
	/* the password does not outlive us in freed memory */
	memset(ua->account.auth_pass, 0, sizeof(ua->account.auth_pass));
}

int sipua_auth_handler(char **user, char **pass, const char *realm,
		       void *arg)
{
	struct sipua *ua = arg;
	int err;

	if (!ua->has_account || !ua->account.auth_pass[0])
		return EACCES;
	err = str_dup(user, ua->account.auth_user);
	err |= str_dup(pass, ua->account.auth_pass);
	return err;
}

const char *sipua_contact_user(const struct sipua *ua)
{
	return ua->has_account ? ua->account.user : ua->user;
}

void sipua_update_contact(struct sipua *ua)
{
	struct sa laddr;

	if (ua->registered) {
		str_ncpy(ua->contact, ua->account.aor, sizeof(ua->contact));
		return;
	}
	if (sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, NULL))
		laddr = ua->listen_addr;
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
	(void)sip_treplyf(NULL, NULL, ua->sip, msg, false, 200, "OK",
			  SIPUA_ALLOW_HDR
			  "Accept: application/sdp\r\n"
			  "Content-Length: 0\r\n\r\n");
	return true;
}

static int read_config(struct sipua *ua, const struct conf *conf)
{
	char buf[1024];
	int err;

	if (conf_get_str(conf, "sip_listen", buf, sizeof(buf)))
		str_ncpy(buf, DEFAULT_LISTEN, sizeof(buf));
	err = sa_decode(&ua->listen_addr, buf, strlen(buf));
	if (err) {
		sipua_log("bad sip_listen '%s' (want address:port)\n", buf);
		return err;
	}
	if (conf_get_str(conf, "sip_user", ua->user, sizeof(ua->user)))
		str_ncpy(ua->user, DEFAULT_USER, sizeof(ua->user));

	if (!conf_get_str(conf, "account", buf, sizeof(buf))) {
		err = account_parse(&ua->account, buf);
		memset(buf, 0, sizeof(buf));  /* held the password */
		if (err) {
			sipua_log("bad account line (%m)\n", err);
			return err;
		}
		ua->has_account = true;
	}

	err = policy_read_conf(&ua->policy, conf);
	if (err)
		return err;

	ua->auto_answer = true;
	if (!conf_get_str(conf, "answermode", buf, sizeof(buf))) {
		if (!str_casecmp(buf, "reject"))
			ua->auto_answer = false;
		else if (str_casecmp(buf, "auto")) {
			sipua_log("bad answermode '%s' (auto|reject)\n", buf);
			return EINVAL;
		}
	}
	ua->max_sessions = DEFAULT_MAX_SESSIONS;
	(void)conf_get_u32(conf, "max_sessions", &ua->max_sessions);

	if (!conf_get_str(conf, "msrp_setup", buf, sizeof(buf))) {
		if (!str_casecmp(buf, "active"))
			ua->connect_on_actpass = true;
		else if (str_casecmp(buf, "passive")) {
			sipua_log("bad msrp_setup '%s' (active|passive)\n",
				  buf);
			return EINVAL;
		}
	}
	if (!ua->policy.n_rules)
		sipua_log("no allow line: every call will be refused\n");
	return 0;
}

/* Nameservers from the system; without any, IP-literal URIs still work. */
static int open_dns(struct sipua *ua)
{
	struct sa servers[MAX_NAMESERVERS];
	uint32_t n = MAX_NAMESERVERS;
	char domain[64];

	if (dns_srv_get(domain, sizeof(domain), servers, &n))
		n = 0;
	return dnsc_alloc(&ua->dnsc, NULL, n ? servers : NULL, n);
}

static int open_transports(struct sipua *ua)
{
	int err;

	err = sip_transp_add(ua->sip, SIP_TRANSP_UDP, &ua->listen_addr);
	if (!err)
		err = sip_transp_add(ua->sip, SIP_TRANSP_TCP,
				     &ua->listen_addr);
	if (err)
		sipua_log("cannot listen on %J (%m)\n", &ua->listen_addr, err);
	return err;
}

int sipua_alloc(struct sipua **uap, const struct conf *conf,
		const struct sipua_handlers *handlers, void *arg)
{
	struct sipua *ua;
	int err;

	if (!uap || !conf || !handlers || !handlers->incoming ||
	    !handlers->established || !handlers->closed)
		return EINVAL;
	ua = mem_zalloc(sizeof(*ua), ua_destructor);
	if (!ua)
		return ENOMEM;
	ua->handlers = *handlers;
	ua->arg = arg;

	err = read_config(ua, conf);
	if (!err)
		err = open_dns(ua);
	if (!err)
		err = sip_alloc(&ua->sip, ua->dnsc, 32, 32, 32, "sipvnc",
				NULL, NULL);
	if (!err)
		err = open_transports(ua);
	if (!err)
		err = sipsess_listen(&ua->sock, ua->sip, 32, sipua_call_incoming,
				     ua);
	if (!err)
		err = sip_listen(&ua->options_lsnr, ua->sip, true,
				 options_handler, ua);
	if (err)
		goto out;
	sipua_update_contact(ua);
	if (ua->has_account && ua->account.regint)
		err = sipua_register_start(ua);
	sipua_log("listening on %J, call me at %s\n", &ua->listen_addr,
		  ua->contact);
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
	ua->reg = mem_deref(ua->reg);
	ua->registered = false;
	list_flush(&ua->calls);   /* BYE / CANCEL, no closed() */
}
