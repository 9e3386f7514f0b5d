/*
 * sreply.h - private to sip/: final responses sent without a server
 * transaction (refusals of calls, the digest challenge, OPTIONS).
 *
 * libre's sip_treplyf() keeps a server transaction per request (over UDP
 * the response's retransmissions and, for an INVITE, Timer H's 32 s wait
 * for the ACK), so a flood of refused INVITEs would hold memory in step
 * with the sender's rate.  RFC 3261 8.2.7 lets a UAS answer statelessly:
 * if the refusal is lost the caller retransmits its request and gets the
 * same answer again, and the ACK to a non-2xx response matches nothing
 * here (libre's session socket drops it after one hash lookup).  The one
 * thing a stateless UAS owes is a To tag that is the same for the same
 * request: ours is a hash of the request's Call-ID, From tag, Via branch
 * and CSeq under a per-process key.
 */
#ifndef SIPVNC_SREPLY_H
#define SIPVNC_SREPLY_H

#include <stddef.h>
#include <stdint.h>
#include <re.h>

/* Reply scode/reason to msg statelessly; fmt gives the extra headers and
 * the end of the message (as sip_treplyf's), NULL for no body. */
int sipua_sreplyf(struct sip *sip, const struct sip_msg *msg,
		  const uint8_t *key, size_t key_len, uint16_t scode,
		  const char *reason, const char *fmt, ...);

/* The To tag sipua_sreplyf() gives msg's responses. */
uint64_t sipua_sreply_tag(const struct sip_msg *msg, const uint8_t *key,
			  size_t key_len);

#endif
