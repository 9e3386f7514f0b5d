/*
 * sdp_parse.h - private to sip/: a bounded SDP reader that keeps only
 * what RFB over MSRP needs (media lines and their MSRP attributes).  The
 * input is untrusted bytes of a given length, never NUL-terminated.
 */
#ifndef SIPVNC_SDP_PARSE_H
#define SIPVNC_SDP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include "sip/sdp_rfb.h"

struct span {
	const char *p;
	size_t n;
};

enum setup_role {
	ROLE_ABSENT,
	ROLE_ACTIVE,
	ROLE_PASSIVE,
	ROLE_ACTPASS,
	ROLE_OTHER,       /* holdconn or garbage: nothing we can agree to */
};

struct media_desc {
	struct span name, proto, fmts;
	unsigned port;
	struct span path;
	bool has_path;
	bool accepts_rfb;
	enum setup_role setup, rfbsetup;
	struct span fingerprint;   /* a=fingerprint value, trimmed, or n=0 */
};

/* a description of at most SDP_RFB_MAX_MEDIA media */
struct sdp_desc {
	struct span fingerprint;   /* session-level a=fingerprint, or n=0 */
	unsigned n_media;
	struct media_desc media[SDP_RFB_MAX_MEDIA];
};

bool sip_sdp_span_eq(struct span s, const char *lit);
bool sip_sdp_span_starts(struct span s, const char *lit);
/* An a=path value: 1+ msrp(s):// URIs that fit sipua_media.remote_path. */
bool sip_sdp_path_ok(struct span path);
/* An a=fingerprint value (RFC 8122: hash-func SP hex:hex:..) that fits
 * sipua_media.fingerprint. */
bool sip_sdp_fingerprint_ok(struct span fp);
/* 0, or the SIP status of what is wrong with the description (400
 * malformed, 488 too many media), *why saying what. */
unsigned sip_sdp_parse(struct sdp_desc *d, const char *buf, size_t len,
		       const char **why);

#endif
