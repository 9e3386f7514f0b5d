/*
 * call.c - incoming and outgoing calls: caller policy, limits, the SDP
 * offer/answer through sdp_rfb.c, and the call's life until it closes.
 */
#include <string.h>
#include <strings.h>
#include "sip/sipua_int.h"
#include "sip/sdp_rfb.h"


void sipua_call_destructor(void *arg)
{
	struct sipua_call *call = arg;

	list_unlink(&call->le);
	tmr_cancel(&call->end_tmr);
	sipua_liveness_stop(call);
	call->asking = mem_deref(call->asking);   /* kills the command */
	/* a ringing call gets a final answer, not silence */
	if (call->ringing && call->sess)
		(void)sipsess_reject(call->sess, 480, "Temporarily Unavailable",
				     "Content-Length: 0\r\n\r\n");
	/* libre sends BYE (or CANCEL) without calling sipua_close_handler */
	call->sess = mem_deref(call->sess);
	call->offer = mem_deref(call->offer);
}

const char *sipua_reason_phrase(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 415: return "Unsupported Media Type";
	case 480: return "Temporarily Unavailable";
	case 486: return "Busy Here";
	case 488: return "Not Acceptable Here";
	case 500: return "Server Internal Error";
	case 503: return "Service Unavailable";
	case 603: return "Decline";
	default:  return "Rejected";
	}
}

/* The address for our c= line: the MSRP path's host if it is an IP
 * literal (that is where the media goes), else the address the SIP
 * request came to. */
void sipua_choose_local_ip(char *ip, size_t size, const char *path,
			   const struct sa *fallback)
{
	const char *host = strstr(path, "://");
	struct sa sa;
	struct pl pl;
	size_t len;

	if (host) {
		host += 3;
		len = strcspn(host, "/;");
		pl.p = host;
		pl.l = len;
		if (!sa_decode(&sa, pl.p, pl.l) && sa_is_any(&sa) == false &&
		    sa_ntop(&sa, ip, (int)size) == 0)
			return;
	}
	if (!fallback || !sa_isset(fallback, SA_ADDR) ||
	    sa_ntop(fallback, ip, (int)size))
		str_ncpy(ip, "127.0.0.1", size);
}

struct mbuf *sipua_sdp_mbuf(const char *sdp)
{
	struct mbuf *mb = mbuf_alloc(strlen(sdp) + 1);

	if (!mb)
		return NULL;
	if (mbuf_write_str(mb, sdp)) {
		mem_deref(mb);
		return NULL;
	}
	mb->pos = 0;
	return mb;
}

unsigned sipua_make_answer(struct sipua_call *call, struct sipua_media *media,
			   char *answer, const char *offer, size_t offer_len,
			   const char **why)
{
	struct sdp_rfb_local local;

	sipua_local_of(call, &local);
	return sip_sdp_rfb_answer(media, answer, SIPUA_SDP_BUF_SIZE, offer,
				  offer_len, &local, why);
}

void sipua_local_of(const struct sipua_call *call,
		    struct sdp_rfb_local *local)
{
	local->path = call->local_path;
	local->ip = call->local_ip;
	local->actpass = call->ua->msrp_setup;
	local->unreachable = call->unreachable;
	local->reach_why = call->reach_why;
	local->sess_id = call->sdp_id;
	local->fingerprint = call->local_fingerprint;
	local->version_bump = call->sdp_changes;
}

int sipua_make_offer(const struct sipua_call *call, char *offer)
{
	struct sdp_rfb_local local;

	sipua_local_of(call, &local);
	return sip_sdp_rfb_offer(offer, SIPUA_SDP_BUF_SIZE, &local,
				 call->media.we_serve_rfb);
}

/* The answer to our late offer, from the ACK.  Always 0: a bad answer
 * ends the call in sipua_estab_handler, the same way whatever libre does
 * with an error here. */
static int late_answer(struct sipua_call *call, const struct sip_msg *msg)
{
	struct sipua_media media;
	const char *why = "";

	if (!call->late_offer || call->answered)
		return 0;
	if (!mbuf_get_left(msg->mb))
		why = "ACK without the SDP answer";
	else if (!msg_ctype_cmp(&msg->ctyp, "application", "sdp"))
		why = "ACK body is not application/sdp";
	else if (sip_sdp_rfb_parse_answer(&media,
					  (const char *)mbuf_buf(msg->mb),
					  mbuf_get_left(msg->mb), true, &why))
		;   /* why is set */
	else if (media.tls != !strncasecmp(call->local_path, "msrps:", 6))
		why = "answer changes the offered MSRP transport";
	else {
		call->media = media;
		call->answered = true;
		return 0;
	}
	call->fail_reason = why;
	return 0;
}

int sipua_answer_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;
	const char *why = "";
	int err;

	if (call->incoming)
		return late_answer(call, msg);
	err = sip_sdp_rfb_parse_answer(&call->media,
				       (const char *)mbuf_buf(msg->mb),
				       mbuf_get_left(msg->mb),
				       call->we_serve_rfb, &why);
	if (err) {
		sipua_warn(call->ua, "call to %s: unusable answer: %s\n",
			   call->peer, why);
		call->fail_status = 488;
		call->fail_reason = why;
		return err;
	}
	call->answered = true;
	return 0;
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;

	sipua_log(call->ua,
		  "call to %s: %u %r\n", call->peer, msg->scode, &msg->reason);
	if (call->ua->handlers.progress)
		call->ua->handlers.progress(call, msg->scode, call->ua->arg);
}

/* A late offer's ACK brought no usable answer: BYE, and our user lets go
 * of the media it prepared in incoming(). */
static void end_unanswered(void *arg)
{
	struct sipua_call *call = arg;
	struct sipua *ua = call->ua;
	const char *why = call->fail_reason ? call->fail_reason
					    : "no SDP answer in the ACK";

	sipua_log(ua, "call from %s ended: %s\n", call->peer, why);
	(void)sipsess_set_close_headers(call->sess,
		"Reason: SIP;cause=488;text=\"%s\"\r\n", why);
	call->closing = true;
	ua->handlers.closed(call, EPROTO, 0, why, ua->arg);
	mem_deref(call);
}

void sipua_estab_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;
	struct sipua *ua = call->ua;

	if (call->incoming && call->late_offer && !call->answered) {
		/* not inside libre's ACK handler: the session goes */
		tmr_start(&call->end_tmr, 0, end_unanswered, call);
		return;
	}

	sipua_log(ua, "call %s %s established (MSRP %s: %s)\n",
		  call->incoming ? "from" : "to", call->peer,
		  call->media.we_connect ? "active" : "passive",
		  call->media.role_why);
	/* first: the handler may end the call, and the timer with it */
	sipua_liveness_start(call);
	ua->handlers.established(call, &call->media, ua->arg);
}

void sipua_close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;
	struct sipua *ua = call->ua;
	unsigned status = 0;
	char reason[128] = "";

	if (msg && !msg->req && msg->scode >= 300) {
		status = msg->scode;
		(void)pl_strcpy(&msg->reason, reason, sizeof(reason));
	}
	else if (call->fail_status) {
		status = call->fail_status;
		str_ncpy(reason, call->fail_reason ? call->fail_reason : "",
			 sizeof(reason));
	}
	else if (err == ECONNRESET) {
		str_ncpy(reason, "peer hung up", sizeof(reason));
	}
	else if (err) {
		(void)re_snprintf(reason, sizeof(reason), "%m", err);
	}
	else {
		str_ncpy(reason, "hung up", sizeof(reason));
	}
	if (call->incoming)
		status = 0;
	call->ringing = false;   /* CANCEL answered it (487) */
	sipua_log(ua,
		  "call %s %s closed: %u %s\n", call->incoming ? "from" : "to",
		  call->peer, status, reason);
	call->closing = true;
	/* a call still ringing was never our user's business */
	if (call->presented || !call->incoming)
		ua->handlers.closed(call, err, status, reason, ua->arg);
	mem_deref(call);
}

int sipua_connect(struct sipua_call **callp, struct sipua *ua,
		  const char *uri, bool we_serve_rfb,
		  const struct sipua_local *ours, void *call_arg)
{
	const char *local_path = ours ? ours->path : NULL;
	const struct sip_account *acc = ua ? sipua_primary(ua) : NULL;
	const char *routev[1];
	struct sipua_call *call;
	struct sdp_rfb_local local;
	char offer[SIPUA_SDP_BUF_SIZE];
	char from[320];
	struct mbuf *mb;
	struct sa laddr, towards;
	int err;

	if (!callp || !ua || !uri || !local_path ||
	    (strncasecmp(uri, "sip:", 4) != 0 &&
	     strncasecmp(uri, "sips:", 5) != 0))
		return EINVAL;
	if (strlen(local_path) >= sizeof(call->local_path) ||
	    strlen(uri) >= sizeof(call->peer))
		return E2BIG;
	call = mem_zalloc(sizeof(*call), sipua_call_destructor);
	if (!call)
		return ENOMEM;
	call->ua = ua;
	tmr_init(&call->end_tmr);
	call->sdp_id = rand_u32();
	call->we_serve_rfb = we_serve_rfb;
	call->arg = call_arg;
	str_ncpy(call->local_path, local_path, sizeof(call->local_path));
	str_ncpy(call->local_fingerprint, ours->fingerprint,
		 sizeof(call->local_fingerprint));
	str_ncpy(call->peer, uri, sizeof(call->peer));
	/* our From without an account: the transport libre will send from,
	 * the first of the callee's family when its host is an address */
	if ((sipua_net_route_src_uri(&towards, uri) ||
	     sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, &towards)) &&
	    sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, NULL))
		laddr = ua->listen_plain.addr;
	sipua_choose_local_ip(call->local_ip, sizeof(call->local_ip), local_path,
			&laddr);

	sipua_local_of(call, &local);
	err = sip_sdp_rfb_offer(offer, sizeof(offer), &local, we_serve_rfb);
	if (err)
		goto out;

	if (acc)
		str_ncpy(from, acc->aor, sizeof(from));
	else
		(void)re_snprintf(from, sizeof(from), "sip:%s@%J", ua->user,
				  &laddr);
	routev[0] = acc ? acc->outbound : "";

	mb = sipua_sdp_mbuf(offer);
	err = mb ? sipsess_connect(&call->sess, ua->sock, uri,
				   acc && acc->display[0] ? acc->display : NULL,
				   from, sipua_contact_user(ua), routev,
				   acc && acc->outbound[0]
				   ? 1 : 0, "application/sdp", mb,
				   sipua_creds_auth_handler,
				   ua->call_creds, true,
				   sipua_offer_handler, sipua_answer_handler,
				   progress_handler, sipua_estab_handler, NULL, NULL,
				   sipua_close_handler, call, SIPUA_ALLOW_HDR)
		 : ENOMEM;
	mem_deref(mb);
 out:
	if (err) {
		sipua_warn(ua, "cannot call %s (%m)\n", uri, err);
		mem_deref(call);
		return err;
	}
	list_append(&ua->calls, &call->le, call);
	*callp = call;
	return 0;
}

void sipua_hangup(struct sipua_call *call, unsigned status,
		  const char *reason)
{
	char text[96];
	size_t i;

	if (!call || call->closing)
		return;   /* a hangup from inside closed(): freed after it */
	if (status && call->sess) {
		/* the reason goes into a quoted header value */
		str_ncpy(text, reason ? reason : "", sizeof(text));
		for (i = 0; text[i]; i++) {
			if (text[i] == '"' || text[i] == '\\' ||
			    (unsigned char)text[i] < 0x20)
				text[i] = ' ';
		}
		(void)sipsess_set_close_headers(call->sess,
			"Reason: SIP;cause=%u;text=\"%s\"\r\n", status, text);
	}
	mem_deref(call);
}

void sipua_call_set_arg(struct sipua_call *call, void *call_arg)
{
	if (call)
		call->arg = call_arg;
}

void *sipua_call_arg(const struct sipua_call *call)
{
	return call ? call->arg : NULL;
}

const char *sipua_call_peer(const struct sipua_call *call)
{
	return call ? call->peer : NULL;
}
