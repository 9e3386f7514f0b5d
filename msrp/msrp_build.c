/*
 * msrp_build.c - serialise the MSRP frames we send (RFC 4975 section 7).
 */
#include <string.h>
#include <re.h>
#include "msrp/msrp_frame.h"

const char *msrp_reason(uint16_t code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 408: return "Request Timeout";
	case 413: return "Message Too Large";
	case 415: return "Unsupported Media Type";
	case 423: return "Interval Out-of-Bounds";
	case 481: return "No Such Session";
	case 500: return "Internal Error";
	case 501: return "Not Implemented";
	case 506: return "Wrong Connection";
	default:  return "Error";
	}
}

int msrp_build_send(struct mbuf *mb, const struct msrp_send_desc *d)
{
	int err;

	if (!mb || !d || !d->tid || !d->to_path || !d->from_path ||
	    !d->message_id || (d->body_len && !d->body))
		return EINVAL;
	err = mbuf_printf(mb, "MSRP %s SEND\r\nTo-Path: %s\r\n"
			  "From-Path: %s\r\nMessage-ID: %s\r\n",
			  d->tid, d->to_path, d->from_path, d->message_id);
	if (d->success_report)
		err |= mbuf_printf(mb, "Success-Report: %s\r\n",
				   d->success_report);
	if (d->failure_report)
		err |= mbuf_printf(mb, "Failure-Report: %s\r\n",
				   d->failure_report);
	err |= mbuf_printf(mb, "Byte-Range: %llu-%llu/%llu\r\n",
			   (unsigned long long)d->range_start,
			   (unsigned long long)(d->range_start + d->body_len
						- 1),
			   (unsigned long long)d->total);
	if (d->body_len) {
		err |= mbuf_printf(mb, "Content-Type: %s\r\n\r\n",
				   d->content_type ? d->content_type :
				   "application/octet-stream");
		err |= mbuf_write_mem(mb, d->body, d->body_len);
		err |= mbuf_write_str(mb, "\r\n");
	}
	/* Without a body the end-line follows the headers directly. */
	err |= mbuf_printf(mb, "-------%s%c\r\n", d->tid,
			   d->flag ? d->flag : '$');
	return err ? ENOMEM : 0;
}

int msrp_build_response(struct mbuf *mb, const char *tid, uint16_t code,
			const char *reason, const struct pl *to_path,
			const char *from_path)
{
	int err;

	if (!mb || !tid || !to_path || !from_path)
		return EINVAL;
	err = mbuf_printf(mb, "MSRP %s %u %s\r\nTo-Path: %r\r\n"
			  "From-Path: %s\r\n-------%s$\r\n", tid, code,
			  reason ? reason : msrp_reason(code), to_path,
			  from_path, tid);
	return err ? ENOMEM : 0;
}

int msrp_build_report(struct mbuf *mb, const char *tid,
		      const struct pl *to_path, const char *from_path,
		      const struct pl *message_id,
		      const struct msrp_range *range, uint16_t status)
{
	int err;

	if (!mb || !tid || !to_path || !from_path || !message_id || !range)
		return EINVAL;
	err = mbuf_printf(mb, "MSRP %s REPORT\r\nTo-Path: %r\r\n"
			  "From-Path: %s\r\nMessage-ID: %r\r\n"
			  "Byte-Range: %llu-%llu/", tid, to_path, from_path,
			  message_id, (unsigned long long)range->start,
			  (unsigned long long)(range->end_known ? range->end :
					       range->start));
	if (range->total_known)
		err |= mbuf_printf(mb, "%llu\r\n",
				   (unsigned long long)range->total);
	else
		err |= mbuf_printf(mb, "*\r\n");
	err |= mbuf_printf(mb, "Status: 000 %u %s\r\n-------%s$\r\n", status,
			   msrp_reason(status), tid);
	return err ? ENOMEM : 0;
}
