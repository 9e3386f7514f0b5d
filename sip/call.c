/*
 * call.c - incoming and outgoing calls: caller policy, limits, the SDP
 * offer/answer through sdp_rfb.c, and the call's life until it closes.
 */
#include <string.h>
#include <strings.h>
#include "sip/sipua_int.h"
#include "sip/sdp_rfb.h"

#define SDP_BUF_SIZE 8192

static void call_destructor(void *arg)
{
	struct sipua_call *call = arg;

	list_unlink(&call->le);
	/* libre sends BYE (or CANCEL) without calling close_handler */
	call->sess = mem_deref(call->sess);
}

static const char *reason_phrase(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
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

static void reject(struct sipua *ua, const struct sip_msg *msg,
		   unsigned status, const char *why)
{
	if (status < 300 || status > 699)
		status = 500;
	sipua_log("INVITE from %r refused: %u %s (%s)\n", &msg->from.auri,
		  status, reason_phrase(status), why);
	(void)sip_treplyf(NULL, NULL, ua->sip, msg, false, (uint16_t)status,
			  reason_phrase(status),
			  "Warning: 399 sipvnc \"%s\"\r\n"
			  "Content-Length: 0\r\n\r\n", why);
}

/* The address for our c= line: the MSRP path's host if it is an IP
 * literal (that is where the media goes), else the address the SIP
 * request came to. */
static void choose_local_ip(char *ip, size_t size, const char *path,
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

static struct mbuf *sdp_mbuf(const char *sdp)
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

static unsigned make_answer(struct sipua_call *call, struct sipua_media *media,
			    char *answer, const struct sip_msg *msg,
			    const char **why)
{
	struct sdp_rfb_local local = {
		.path = call->local_path,
		.ip = call->local_ip,
		.connect_on_actpass = call->ua->connect_on_actpass,
		.sess_id = call->sdp_id,
	};

	return sdp_rfb_answer(media, answer, SDP_BUF_SIZE,
			      (const char *)mbuf_buf(msg->mb),
			      mbuf_get_left(msg->mb), &local, why);
}

/* A re-INVITE: answer with the media already running (it is not moved),
 * or repeat our description when it carries no offer. */
static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct sipua_call *call = arg;
	struct sipua_media media;
	char sdp[SDP_BUF_SIZE];
	const char *why = "";
	int err;

	if (!mbuf_get_left(msg->mb)) {
		struct sdp_rfb_local local = {call->local_path, call->local_ip,
			call->ua->connect_on_actpass,
			call->sdp_id};

		err = sdp_rfb_offer(sdp, sizeof(sdp), &local,
				    call->media.we_serve_rfb);
		if (err)
			return err;
	}
	else if (make_answer(call, &media, sdp, msg, &why)) {
		sipua_log("re-INVITE refused: %s\n", why);
		return EPROTO;
	}
	*descp = sdp_mbuf(sdp);
	return *descp ? 0 : ENOMEM;
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;
	const char *why = "";
	int err;

	if (call->incoming)
		return 0;   /* we never send offer-less 200s */
	err = sdp_rfb_parse_answer(&call->media, (const char *)mbuf_buf(msg->mb),
				   mbuf_get_left(msg->mb), call->we_serve_rfb,
				   &why);
	if (err) {
		sipua_log("call to %s: unusable answer: %s\n", call->peer, why);
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

	sipua_log("call to %s: %u %r\n", call->peer, msg->scode, &msg->reason);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct sipua_call *call = arg;
	struct sipua *ua = call->ua;

	sipua_log("call %s %s established\n", call->incoming ? "from" : "to",
		  call->peer);
	ua->handlers.established(call, &call->media, ua->arg);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
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
	sipua_log("call %s %s closed: %u %s\n", call->incoming ? "from" : "to",
		  call->peer, status, reason);
	call->closing = true;
	ua->handlers.closed(call, err, status, reason, ua->arg);
	mem_deref(call);
}

static bool admit(struct sipua *ua, const struct sip_msg *msg,
		  enum sipua_rights *rights, char *from, size_t from_size)
{
	enum policy_verdict verdict;

	if (msg->from.auri.l >= from_size) {
		reject(ua, msg, 403, "caller URI too long");
		return false;
	}
	(void)pl_strcpy(&msg->from.auri, from, from_size);
	verdict = policy_check(&ua->policy, from, rights);
	if (verdict != POLICY_ALLOWED) {
		reject(ua, msg, 403, verdict == POLICY_DENIED ?
		       "caller denied" : "caller not allowed");
		return false;
	}
	if (!ua->auto_answer) {
		reject(ua, msg, 603, "answermode reject");
		return false;
	}
	if (list_count(&ua->calls) >= ua->max_sessions) {
		reject(ua, msg, 486, "max_sessions reached");
		return false;
	}
	if (!mbuf_get_left(msg->mb)) {
		reject(ua, msg, 488, "INVITE without SDP offer");
		return false;
	}
	if (!msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
		reject(ua, msg, 415, "body is not application/sdp");
		return false;
	}
	return true;
}

void sipua_call_incoming(const struct sip_msg *msg, void *arg)
{
	struct sipua *ua = arg;
	struct sipua_call *call;
	enum sipua_rights rights = SIPUA_RIGHTS_VIEW;
	struct sipua_local local;
	char answer[SDP_BUF_SIZE];
	const char *why = "";
	struct mbuf *mb;
	unsigned status;
	int err;

	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call) {
		(void)sip_treply(NULL, ua->sip, msg, 500, "Out of memory");
		return;
	}
	call->ua = ua;
	call->incoming = true;
	call->sdp_id = rand_u32();
	if (!admit(ua, msg, &rights, call->peer, sizeof(call->peer)))
		goto fail;

	/* learn the media before our user chooses its path: a stand-in path
	 * gives the same verdict as the real one will */
	str_ncpy(call->local_path, "msrp://127.0.0.1:9/standin;tcp",
		 sizeof(call->local_path));
	choose_local_ip(call->local_ip, sizeof(call->local_ip),
			call->local_path, &msg->dst);
	status = make_answer(call, &call->media, answer, msg, &why);
	if (status) {
		reject(ua, msg, status, why);
		goto fail;
	}

	memset(&local, 0, sizeof(local));
	status = (unsigned)ua->handlers.incoming(call, &call->media, rights,
						 &local, ua->arg);
	str_ncpy(call->local_path, local.path, sizeof(call->local_path));
	if (status) {
		reject(ua, msg, status, "refused by the desktop");
		goto fail;
	}
	choose_local_ip(call->local_ip, sizeof(call->local_ip),
			call->local_path, &msg->dst);
	status = make_answer(call, &call->media, answer, msg, &why);
	if (status) {
		reject(ua, msg, 500, "bad local MSRP path");
		err = EINVAL;
		goto fail_accepted;
	}

	mb = sdp_mbuf(answer);
	err = mb ? sipsess_accept(&call->sess, ua->sock, msg, 200, "OK",
				  sipua_contact_user(ua), "application/sdp",
				  mb, sipua_auth_handler, ua, false,
				  offer_handler, answer_handler,
				  estab_handler, NULL, NULL, close_handler,
				  call, SIPUA_ALLOW_HDR) : ENOMEM;
	mem_deref(mb);
	if (err) {
		reject(ua, msg, 500, "cannot accept");
		goto fail_accepted;
	}
	list_append(&ua->calls, &call->le, call);
	sipua_log("call from %s answered (%s rights)\n", call->peer,
		  rights == SIPUA_RIGHTS_CONTROL ? "control" : "view");
	return;
 fail_accepted:
	/* our user took the call in incoming(): let it let go */
	call->closing = true;
	ua->handlers.closed(call, err, 0, "could not answer", ua->arg);
 fail:
	mem_deref(call);
}

int sipua_connect(struct sipua_call **callp, struct sipua *ua,
		  const char *uri, bool we_serve_rfb,
		  const struct sipua_local *ours, void *call_arg)
{
	const char *local_path = ours ? ours->path : NULL;
	const char *routev[1];
	struct sipua_call *call;
	struct sdp_rfb_local local;
	char offer[SDP_BUF_SIZE];
	char from[320];
	struct mbuf *mb;
	struct sa laddr;
	int err;

	if (!callp || !ua || !uri || !local_path ||
	    (strncasecmp(uri, "sip:", 4) != 0 &&
	     strncasecmp(uri, "sips:", 5) != 0))
		return EINVAL;
	if (strlen(local_path) >= sizeof(call->local_path) ||
	    strlen(uri) >= sizeof(call->peer))
		return E2BIG;
	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call)
		return ENOMEM;
	call->ua = ua;
	call->sdp_id = rand_u32();
	call->we_serve_rfb = we_serve_rfb;
	call->arg = call_arg;
	str_ncpy(call->local_path, local_path, sizeof(call->local_path));
	str_ncpy(call->peer, uri, sizeof(call->peer));
	if (sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, NULL))
		laddr = ua->listen_addr;
	choose_local_ip(call->local_ip, sizeof(call->local_ip), local_path,
			&laddr);

	local.path = call->local_path;
	local.ip = call->local_ip;
	local.connect_on_actpass = ua->connect_on_actpass;
	local.sess_id = call->sdp_id;
	err = sdp_rfb_offer(offer, sizeof(offer), &local, we_serve_rfb);
	if (err)
		goto out;

	if (ua->has_account)
		str_ncpy(from, ua->account.aor, sizeof(from));
	else
		(void)re_snprintf(from, sizeof(from), "sip:%s@%J", ua->user,
				  &laddr);
	routev[0] = ua->account.outbound;

	mb = sdp_mbuf(offer);
	err = mb ? sipsess_connect(&call->sess, ua->sock, uri,
				   ua->account.display[0] ?
				   ua->account.display : NULL,
				   from, sipua_contact_user(ua), routev,
				   ua->has_account && ua->account.outbound[0]
				   ? 1 : 0, "application/sdp", mb,
				   sipua_auth_handler, ua, false,
				   offer_handler, answer_handler,
				   progress_handler, estab_handler, NULL, NULL,
				   close_handler, call, SIPUA_ALLOW_HDR)
		 : ENOMEM;
	mem_deref(mb);
 out:
	if (err) {
		sipua_log("cannot call %s (%m)\n", uri, err);
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
