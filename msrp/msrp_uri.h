/*
 * msrp_uri.h - MSRP URIs (RFC 4975 section 6, 9): parsing and the section
 * 6.1 comparison.  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_URI_H
#define SIPVNC_MSRP_URI_H

#include <re.h>

enum { MSRP_DEFAULT_PORT = 2855 }; /* RFC 4975 section 15.5 */

/* Every pl points into the decoded text. */
struct msrp_uri {
	struct pl userinfo;   /* may be empty */
	struct pl host;       /* without the brackets of an IPv6 literal */
	struct pl session_id; /* may be empty (relays have none) */
	struct pl transport;  /* "tcp", or another token */
	struct pl params;     /* ";name=value..." after the transport */
	uint16_t port;        /* valid when port_present */
	bool port_present;
	bool secure;          /* msrps */
	bool host_is_ip;      /* IPv4 or bracketed IPv6 literal */
};

/* EINVAL for NULL arguments, EBADMSG for text that is not an MSRP URI. */
int msrp_uri_decode(struct msrp_uri *uri, const struct pl *pl);
/* RFC 4975 section 6.1 equivalence. */
bool msrp_uri_equal(const struct msrp_uri *a, const struct msrp_uri *b);
/* Split a path (URIs separated by spaces) into uriv[0..*uric).  E2BIG when
 * it holds more than max URIs, EBADMSG when one is bad or none is there. */
int msrp_path_decode(struct msrp_uri *uriv, size_t *uric, size_t max,
		     const struct pl *path);
/* Where to connect for this URI when its host is an IP literal (host
 * names give EAFNOSUPPORT: msrp_resolve() handles them); the port
 * defaults to 2855. */
int msrp_uri_addr(const struct msrp_uri *uri, struct sa *sa);

#endif
