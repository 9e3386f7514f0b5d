/*
 * sdp_rfb.h - private to sip/: the SDP we speak, RFB over MSRP in three
 * dialects (see sipua.h), parsed and written by hand so that every dialect
 * quirk is explicit and the parser can be fuzzed on its own (no libre).
 */
#ifndef SIPVNC_SDP_RFB_H
#define SIPVNC_SDP_RFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sip/sipua.h"

/* Hostile input is refused above this size rather than parsed. */
#define SDP_RFB_MAX_SIZE   16384
#define SDP_RFB_MAX_MEDIA  16

/* Our MSRP role when an offer says a=setup:actpass (msrp_setup). */
enum sdp_rfb_actpass {
	SDP_RFB_ACTPASS_AUTO,    /* connect when we may be unreachable or the
	                            caller's path starts at a relay, else
	                            listen (the default) */
	SDP_RFB_ACTPASS_CONNECT, /* msrp_setup active */
	SDP_RFB_ACTPASS_LISTEN,  /* msrp_setup passive */
};

struct sdp_rfb_local {
	const char *path;       /* our MSRP a=path (one URI) */
	const char *ip;         /* address for c= and o= (IPv4 or IPv6) */
	enum sdp_rfb_actpass actpass; /* (false/true: auto/connect) */
	uint64_t sess_id;       /* o= session id and version */
	const char *fingerprint;/* our certificate's a=fingerprint value
	                           ("SHA-256 AB:.."), NULL or "" for none */
	uint32_t version_bump;  /* o= version = sess_id + this: one more per
	                           change of our description (RFC 3264 8) */
	bool unreachable;       /* AUTO: something says callers may not reach
	                           us (NAT): we connect */
	const char *reach_why;  /* why we think so, or why we look reachable:
	                           for the log (NULL: nothing known) */
};

/* Our transport follows our path's scheme: msrps: => TCP/TLS/MSRP. */
/* Read an offer and write the answer into answer (NUL-terminated).
 * Returns 0 with media filled in, or the SIP status to reject with
 * (400 malformed, 488 no usable RFB-over-MSRP media, 500 our side);
 * *why then says why in a few words (for a Warning header or the log). */
unsigned sip_sdp_rfb_answer(struct sipua_media *media, char *answer,
			    size_t answer_size, const char *offer,
			    size_t offer_len, const struct sdp_rfb_local *local,
			    const char **why);

/* Write our offer (Blink dialect, a=setup:actpass).  0 or an errno. */
int sip_sdp_rfb_offer(char *out, size_t size, const struct sdp_rfb_local *local,
		      bool we_serve_rfb);

/* Read the answer to our offer.  0 with media filled in, or EPROTO /
 * EBADMSG with *why set. */
int sip_sdp_rfb_parse_answer(struct sipua_media *media, const char *answer,
			     size_t answer_len, bool we_serve_rfb,
			     const char **why);

/* Whether an a=path starts at a relay: more than one URI. */
bool sip_sdp_rfb_path_has_relay(const char *path);

/* The port of an msrp:// or msrps:// URI (0 if there is none). */
unsigned sip_sdp_rfb_path_port(const char *path);

#endif
