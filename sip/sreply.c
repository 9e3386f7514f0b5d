/*
 * sreply.c - final responses without a server transaction (sreply.h).
 */
#include <stdarg.h>
#include <string.h>
#include "sip/sreply.h"

uint64_t sipua_sreply_tag(const struct sip_msg *msg, const uint8_t *key,
			  size_t key_len)
{
	uint8_t md[MD5_SIZE];
	struct pl branch = PL_INIT;
	uint64_t tag;

	(void)msg_param_decode(&msg->via.params, "branch", &branch);
	if (md5_printf(md, "%b\n%r\n%r\n%r\n%u %r", key, key_len,
		       &msg->callid, &msg->from.tag, &branch,
		       msg->cseq.num, &msg->cseq.met))
		return rand_u64();   /* cannot happen: md5 of a string */
	memcpy(&tag, md, sizeof(tag));
	return tag;
}

int sipua_sreplyf(struct sip *sip, const struct sip_msg *msg,
		  const uint8_t *key, size_t key_len, uint16_t scode,
		  const char *reason, const char *fmt, ...)
{
	struct sip_msg copy;
	char *rest = NULL;
	va_list ap;
	int err;

	if (!sip || !msg || !key || !reason)
		return EINVAL;
	if (fmt) {
		va_start(ap, fmt);
		err = re_vsdprintf(&rest, fmt, ap);
		va_end(ap);
		if (err)
			return err;
	}
	/* libre writes msg->tag into the To header; a copy of the message
	 * (its headers are only read) carries ours */
	copy = *msg;
	copy.tag = sipua_sreply_tag(msg, key, key_len);
	err = rest ? sip_replyf(sip, &copy, scode, reason, "%s", rest)
		   : sip_replyf(sip, &copy, scode, reason, NULL);
	mem_deref(rest);
	return err;
}
