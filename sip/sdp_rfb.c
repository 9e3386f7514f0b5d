/*
 * sdp_rfb.c - parse offers/answers for RFB over MSRP and write ours.
 *
 * The input is untrusted bytes of a given length, never assumed to be
 * NUL-terminated; all output goes through a bounded writer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sip/sdp_rfb.h"
#include "sip/sdp_parse.h"

#define RFB_TYPE "application/x-rfb"

static bool is_msrp_proto(struct span proto, bool *tls, bool *rfb_proto)
{
	*tls = sip_sdp_span_starts(proto, "TCP/TLS/");
	if (sip_sdp_span_eq(proto, "TCP/MSRP") ||
	    sip_sdp_span_eq(proto, "TCP/TLS/MSRP")) {
		*rfb_proto = false;
		return true;
	}
	if (sip_sdp_span_eq(proto, "TCP/MSRP/RFB") ||
	    sip_sdp_span_eq(proto, "TCP/TLS/MSRP/RFB")) {
		*rfb_proto = true;
		return true;
	}
	return false;
}

/* Which dialect a media line speaks, false if it is not RFB over MSRP. */
static bool media_dialect(const struct media_desc *m,
			  enum sipua_dialect *dialect, bool *tls)
{
	bool rfb_proto;

	if (m->port == 0 || !is_msrp_proto(m->proto, tls, &rfb_proto))
		return false;
	if (rfb_proto)
		*dialect = SIPUA_DIALECT_RFB_PROTO;
	else if (m->accepts_rfb && sip_sdp_span_eq(m->name, "application"))
		*dialect = SIPUA_DIALECT_BLINK;
	else if (m->accepts_rfb && sip_sdp_span_eq(m->name, "message"))
		*dialect = SIPUA_DIALECT_MESSAGE;
	else
		return false;
	return true;
}

static bool path_is_tls(const char *path)
{
	return !strncasecmp(path, "msrps:", 6);
}

/* The peer's certificate fingerprint: the media's, else the session's
 * (RFC 8122).  0 or 488 with *why. */
static unsigned take_fingerprint(struct sipua_media *media,
				 const struct sdp_desc *d,
				 const struct media_desc *m, const char **why)
{
	struct span fp = m->fingerprint.n ? m->fingerprint : d->fingerprint;

	if (!fp.n)
		return 0;
	if (!sip_sdp_fingerprint_ok(fp)) {
		*why = "invalid a=fingerprint";
		return 488;
	}
	memcpy(media->fingerprint, fp.p, fp.n);
	media->fingerprint[fp.n] = '\0';
	return 0;
}

static const char *role_name(bool active)
{
	return active ? "active" : "passive";
}

/* The log's reason for our MSRP role (cut short if it must be); a macro
 * so that -Wformat sees the arguments. */
#define set_why(media, ...) ((void)snprintf((media)->role_why, \
	sizeof((media)->role_why), __VA_ARGS__))

bool sip_sdp_rfb_path_has_relay(const char *path)
{
	size_t first;

	if (!path)
		return false;
	path += strspn(path, " \t");
	first = strcspn(path, " \t");
	return path[first + strspn(path + first, " \t")] != '\0';
}

/* The offerer left the MSRP connection to us (RFC 6135 actpass).  What
 * works behind NAT, as Blink does: connecting out crosses our NAT, and a
 * caller's relay is reachable by construction; we listen only when we
 * look reachable and the caller gave no relay (a direct path of a caller
 * that may itself sit behind NAT). */
static void choose_actpass(struct sipua_media *media,
			   const struct sdp_rfb_local *local)
{
	const char *reach = local->reach_why && local->reach_why[0] ?
		local->reach_why : NULL;

	switch (local->actpass) {
	case SDP_RFB_ACTPASS_CONNECT:
		media->we_connect = true;
		set_why(media, "msrp_setup active");
		return;
	case SDP_RFB_ACTPASS_LISTEN:
		media->we_connect = false;
		if (local->unreachable && reach)
			set_why(media, "msrp_setup passive, although %s: the "
				"caller may not reach us", reach);
		else
			set_why(media, "msrp_setup passive");
		return;
	case SDP_RFB_ACTPASS_AUTO:
	default:
		break;
	}
	media->we_connect = true;
	if (local->unreachable)
		set_why(media, "%s%s", reach ? reach : "we may be unreachable",
			sip_sdp_rfb_path_has_relay(media->remote_path) ?
			", and the caller's path starts at a relay" : "");
	else if (sip_sdp_rfb_path_has_relay(media->remote_path))
		set_why(media, "the caller's path starts at a relay");
	else {
		media->we_connect = false;
		set_why(media, "%s%sthe caller's path is direct",
			reach ? reach : "", reach ? ", and " : "");
	}
}

/* Fill media from the offer's RFB line; 0 or 488 with *why. */
static unsigned negotiate(struct sipua_media *media,
			  const struct media_desc *m,
			  const struct sdp_rfb_local *local, const char **why)
{
	if (!m->has_path || !sip_sdp_path_ok(m->path)) {
		*why = "missing or invalid a=path";
		return 488;
	}
	memcpy(media->remote_path, m->path.p, m->path.n);
	media->remote_path[m->path.n] = '\0';

	if (m->setup == ROLE_OTHER) {
		*why = "unsupported a=setup";
		return 488;
	}
	if (media->dialect != SIPUA_DIALECT_BLINK) {
		/* legacy: a=setup is the offerer's RFB role, and the MSRP
		 * role goes with it (the viewer connects) */
		media->we_serve_rfb = m->setup != ROLE_PASSIVE;
		media->we_connect = !media->we_serve_rfb;
		set_why(media, "older dialect: the viewer connects");
		return 0;
	}
	/* Blink: a=setup is the MSRP role alone (RFC 6135), and the offerer
	 * connects when it says nothing (RFC 4975) */
	if (m->setup == ROLE_PASSIVE) {
		media->we_connect = true;
		set_why(media, "the offer says a=setup:passive");
	}
	else if (m->setup == ROLE_ACTPASS)
		choose_actpass(media, local);
	else {
		media->we_connect = false;
		set_why(media, m->setup == ROLE_ACTIVE ?
			"the offer says a=setup:active" :
			"the offerer connects (no a=setup)");
	}

	if (m->rfbsetup == ROLE_OTHER || m->rfbsetup == ROLE_ACTPASS) {
		*why = "unsupported a=rfbsetup";
		return 488;
	}
	media->we_serve_rfb = m->rfbsetup != ROLE_PASSIVE;
	return 0;
}

struct writer {
	char *buf;
	size_t size, len;
	bool overflow;
};

/* Record what snprintf did; the first overflow sticks. */
static void put_result(struct writer *w, int n)
{
	if (w->overflow)
		return;
	if (n < 0 || (size_t)n >= w->size - w->len)
		w->overflow = true;
	else
		w->len += (size_t)n;
}

/* Append to the writer (a macro so that -Wformat sees the arguments). */
#define put(w, ...) put_result((w), snprintf((w)->buf + (w)->len, \
	(w)->size - (w)->len, __VA_ARGS__))

static void put_session(struct writer *w, const struct sdp_rfb_local *local)
{
	const char *family = strchr(local->ip, ':') ? "IP6" : "IP4";

	put(w, "v=0\r\no=sipvnc %llu %llu IN %s %s\r\ns=sipvnc\r\n"
	    "c=IN %s %s\r\nt=0 0\r\n",
	    (unsigned long long)local->sess_id,
	    (unsigned long long)(local->sess_id + local->version_bump),
	    family, local->ip,
	    family, local->ip);
}

static void put_fingerprint(struct writer *w,
			    const struct sdp_rfb_local *local)
{
	if (local->fingerprint && local->fingerprint[0])
		put(w, "a=fingerprint:%s\r\n", local->fingerprint);
}

static bool local_ok(const struct sdp_rfb_local *local)
{
	return local && local->path && local->ip && *local->ip &&
		!strpbrk(local->ip, " \r\n") &&
		!strpbrk(local->path, "\r\n") &&
		(!local->fingerprint ||
		 !strpbrk(local->fingerprint, "\r\n")) &&
		sip_sdp_rfb_path_port(local->path) != 0;
}

unsigned sip_sdp_rfb_path_port(const char *path)
{
	const char *auth, *end, *colon;
	unsigned port = 0;

	if (!path)
		return 0;
	if (!strncasecmp(path, "msrp://", 7))
		auth = path + 7;
	else if (!strncasecmp(path, "msrps://", 8))
		auth = path + 8;
	else
		return 0;
	end = auth + strcspn(auth, "/; ");
	colon = NULL;
	for (const char *p = auth; p < end; p++) {
		if (*p == ':')
			colon = p;
		else if (*p == ']')
			colon = NULL;   /* colons inside [v6] are not the port */
	}
	if (!colon || colon + 1 == end || end - colon > 6)
		return 0;
	for (const char *p = colon + 1; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		port = port * 10 + (unsigned)(*p - '0');
	}
	return port <= 65535 ? port : 0;
}

unsigned sip_sdp_rfb_answer(struct sipua_media *media, char *answer,
			    size_t answer_size, const char *offer,
			    size_t offer_len, const struct sdp_rfb_local *local,
			    const char **why)
{
	struct sdp_desc d;
	struct writer w = {answer, answer_size, 0, false};
	const char *dummy;
	unsigned status, i, chosen = SDP_RFB_MAX_MEDIA;

	if (!why)
		why = &dummy;
	if (!media || !answer || answer_size == 0 || !local_ok(local)) {
		*why = "internal error";
		return 500;
	}
	answer[0] = '\0';
	memset(media, 0, sizeof(*media));
	status = sip_sdp_parse(&d, offer, offer_len, why);
	if (status)
		return status;

	for (i = 0; i < d.n_media; i++) {
		if (media_dialect(&d.media[i], &media->dialect, &media->tls)) {
			chosen = i;
			break;
		}
	}
	if (chosen == SDP_RFB_MAX_MEDIA) {
		*why = "no RFB over MSRP media offered";
		return 488;
	}
	status = negotiate(media, &d.media[chosen], local, why);
	if (!status)
		status = take_fingerprint(media, &d, &d.media[chosen], why);
	if (status)
		return status;

	put_session(&w, local);
	for (i = 0; i < d.n_media; i++) {
		const struct media_desc *m = &d.media[i];

		if (i != chosen) {
			put(&w, "m=%.*s 0 %.*s %.*s\r\n", (int)m->name.n,
			    m->name.p, (int)m->proto.n, m->proto.p,
			    (int)m->fmts.n, m->fmts.p);
			continue;
		}
		/* the offer's protocol, but TLS as our path says: that is
		 * what the peer will meet */
		put(&w, "m=%.*s %u TCP/%sMSRP%s %.*s\r\n", (int)m->name.n,
		    m->name.p, sip_sdp_rfb_path_port(local->path),
		    path_is_tls(local->path) ? "TLS/" : "",
		    media->dialect == SIPUA_DIALECT_RFB_PROTO ? "/RFB" : "",
		    (int)m->fmts.n, m->fmts.p);
		put(&w, "a=path:%s\r\na=accept-types:" RFB_TYPE "\r\n",
		    local->path);
		put_fingerprint(&w, local);
		if (media->dialect == SIPUA_DIALECT_BLINK) {
			put(&w, "a=setup:%s\r\na=rfbsetup:%s\r\n",
			    role_name(media->we_connect),
			    media->we_serve_rfb ? "passive" : "active");
		}
		else {
			/* legacy: our RFB role, the server being passive */
			put(&w, "a=setup:%s\r\n",
			    role_name(!media->we_serve_rfb));
		}
	}
	if (w.overflow) {
		answer[0] = '\0';
		*why = "answer too large";
		return 500;
	}
	return 0;
}

int sip_sdp_rfb_offer(char *out, size_t size, const struct sdp_rfb_local *local,
		      bool we_serve_rfb)
{
	struct writer w = {out, size, 0, false};

	if (!out || size == 0 || !local_ok(local))
		return EINVAL;
	put_session(&w, local);
	put(&w, "m=application %u %s *\r\n", sip_sdp_rfb_path_port(local->path),
	    path_is_tls(local->path) ? "TCP/TLS/MSRP" : "TCP/MSRP");
	put(&w, "a=path:%s\r\na=accept-types:" RFB_TYPE "\r\n"
	    "a=setup:actpass\r\na=rfbsetup:%s\r\n", local->path,
	    we_serve_rfb ? "passive" : "active");
	put_fingerprint(&w, local);
	if (w.overflow) {
		out[0] = '\0';
		return ENOMEM;
	}
	return 0;
}

int sip_sdp_rfb_parse_answer(struct sipua_media *media, const char *answer,
			     size_t answer_len, bool we_serve_rfb,
			     const char **why)
{
	struct sdp_desc d;
	const struct media_desc *m = NULL;
	const char *dummy;
	unsigned i;

	if (!why)
		why = &dummy;
	if (!media)
		return EINVAL;
	memset(media, 0, sizeof(*media));
	if (sip_sdp_parse(&d, answer, answer_len, why))
		return EBADMSG;
	/* we offered one media line, so the answer has it first */
	for (i = 0; i < d.n_media && !m; i++) {
		if (media_dialect(&d.media[i], &media->dialect, &media->tls))
			m = &d.media[i];
	}
	if (!m || media->dialect != SIPUA_DIALECT_BLINK) {
		*why = "answer refused the RFB media";
		return EPROTO;
	}
	if (!m->has_path || !sip_sdp_path_ok(m->path)) {
		*why = "answer without a valid a=path";
		return EPROTO;
	}
	memcpy(media->remote_path, m->path.p, m->path.n);
	media->remote_path[m->path.n] = '\0';
	if (take_fingerprint(media, &d, m, why))
		return EPROTO;

	/* we said actpass: the answerer picks; RFC 4975 default is that the
	 * offerer (we) connects */
	if (m->setup == ROLE_ACTIVE) {
		media->we_connect = false;
		set_why(media, "the answer says a=setup:active");
	}
	else if (m->setup == ROLE_PASSIVE || m->setup == ROLE_ABSENT) {
		media->we_connect = true;
		set_why(media, m->setup == ROLE_PASSIVE ?
			"the answer says a=setup:passive" :
			"we offered, the answer has no a=setup");
	}
	else {
		*why = "answer with an invalid a=setup";
		return EPROTO;
	}
	/* the answerer must take the other RFB role, if it says any */
	if ((m->rfbsetup == ROLE_PASSIVE && we_serve_rfb) ||
	    (m->rfbsetup == ROLE_ACTIVE && !we_serve_rfb) ||
	    m->rfbsetup == ROLE_ACTPASS || m->rfbsetup == ROLE_OTHER) {
		*why = "answer with a conflicting a=rfbsetup";
		return EPROTO;
	}
	media->we_serve_rfb = we_serve_rfb;
	return 0;
}
