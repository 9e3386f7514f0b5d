/*
 * view_rfb.c - the far desktop's RFB greeting, up to its SecurityResult
 * (RFC 6143 7.1), answered as a viewer that wants security type None.
 */
#include <stdio.h>
#include <string.h>

#include "server/view_rfb.h"

enum {
	ST_VERSION,     /* "RFB 003.008\n" */
	ST_TYPE33,      /* 3.3: the server's one security type, u32 */
	ST_COUNT,       /* 3.7+: number of security types */
	ST_LIST,        /* 3.7+: the types, one byte each */
	ST_RESULT,      /* 3.8: SecurityResult after None */
	ST_REASON_LEN,  /* a failure's reason: u32 length ... */
	ST_REASON,      /* ... and its text */
	ST_DONE,
	ST_FAILED,
};

enum { SEC_INVALID = 0, SEC_NONE = 1 };

void view_rfb_init(struct view_rfb *vr)
{
	memset(vr, 0, sizeof(*vr));
	vr->state = ST_VERSION;
	vr->want = 12;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void expect(struct view_rfb *vr, int state, size_t want)
{
	vr->state = state;
	vr->want = want;
	vr->have = 0;
}

/* A whole field is in buf: act on it.  Returns the next result. */
static enum view_rfb_result field(struct view_rfb *vr, uint8_t *reply,
				  size_t *reply_len, char *why,
				  size_t why_size)
{
	unsigned major, minor;
	uint32_t v;

	switch (vr->state) {

	case ST_VERSION:
		if (memcmp(vr->buf, "RFB ", 4) != 0 || vr->buf[7] != '.' ||
		    vr->buf[11] != '\n' ||
		    sscanf((const char *)vr->buf + 4, "%3u.%3u", &major,
			   &minor) != 2 || major < 3) {
			snprintf(why, why_size, "the far end does not speak "
				 "RFB 3.3 or later");
			return VIEW_RFB_FAILED;
		}
		/* 3.4-3.6 are 3.3 to everyone; anything newer speaks 3.8 */
		vr->minor = major > 3 || minor >= 8 ? 8 : minor == 7 ? 7 : 3;
		snprintf((char *)reply + *reply_len, 13, "RFB 003.00%d\n",
			 vr->minor);
		*reply_len += 12;
		if (vr->minor == 3)
			expect(vr, ST_TYPE33, 4);
		else
			expect(vr, ST_COUNT, 1);
		return VIEW_RFB_MORE;

	case ST_TYPE33:
		v = get_u32(vr->buf);
		if (v == SEC_INVALID) {
			expect(vr, ST_REASON_LEN, 4);
			return VIEW_RFB_MORE;
		}
		if (v == SEC_NONE)
			return VIEW_RFB_DONE;
		snprintf(why, why_size, "the far end asks for its own "
			 "password (security type %u)", v);
		return VIEW_RFB_FAILED;

	case ST_COUNT:
		if (!vr->buf[0]) {
			expect(vr, ST_REASON_LEN, 4);
			return VIEW_RFB_MORE;
		}
		vr->types_left = vr->buf[0];
		vr->none_offered = 0;
		expect(vr, ST_LIST, 1);
		return VIEW_RFB_MORE;

	case ST_LIST:
		if (vr->buf[0] == SEC_NONE)
			vr->none_offered = 1;
		if (--vr->types_left) {
			expect(vr, ST_LIST, 1);
			return VIEW_RFB_MORE;
		}
		if (!vr->none_offered) {
			snprintf(why, why_size, "the far end asks for its own "
				 "password (no security type None)");
			return VIEW_RFB_FAILED;
		}
		reply[(*reply_len)++] = SEC_NONE;
		if (vr->minor == 7)
			return VIEW_RFB_DONE;
		expect(vr, ST_RESULT, 4);
		return VIEW_RFB_MORE;

	case ST_RESULT:
		if (!get_u32(vr->buf))
			return VIEW_RFB_DONE;
		expect(vr, ST_REASON_LEN, 4);
		return VIEW_RFB_MORE;

	case ST_REASON_LEN:
		vr->reason_left = get_u32(vr->buf);
		vr->reason_len = 0;
		if (vr->reason_left) {
			expect(vr, ST_REASON, 0);
			return VIEW_RFB_MORE;
		}
		snprintf(why, why_size, "the far end refused the connection");
		return VIEW_RFB_FAILED;
	}
	snprintf(why, why_size, "RFB greeting out of order");
	return VIEW_RFB_FAILED;
}

static void keep_reason(struct view_rfb *vr, uint8_t c)
{
	/* for a log line and a viewer's dialog: printable ASCII only */
	if (vr->reason_len < VIEW_RFB_REASON_MAX)
		vr->reason[vr->reason_len++] = c >= 0x20 && c < 0x7f ?
			(char)c : '?';
}

enum view_rfb_result view_rfb_input(struct view_rfb *vr, const uint8_t *data,
				    size_t len, size_t *used, uint8_t *reply,
				    size_t *reply_len, char *why,
				    size_t why_size)
{
	enum view_rfb_result res = VIEW_RFB_MORE;
	size_t i = 0;

	*reply_len = 0;
	if (vr->state == ST_DONE || vr->state == ST_FAILED) {
		*used = 0;
		snprintf(why, why_size, "RFB greeting already over");
		return vr->state == ST_DONE ? VIEW_RFB_DONE : VIEW_RFB_FAILED;
	}
	while (i < len && res == VIEW_RFB_MORE) {
		if (vr->state == ST_REASON) {
			keep_reason(vr, data[i++]);
			if (--vr->reason_left)
				continue;
			vr->reason[vr->reason_len] = '\0';
			snprintf(why, why_size, "the far end refused: %s",
				 vr->reason);
			res = VIEW_RFB_FAILED;
			break;
		}
		vr->buf[vr->have++] = data[i++];
		if (vr->have == vr->want)
			res = field(vr, reply, reply_len, why, why_size);
	}
	*used = i;
	if (res == VIEW_RFB_DONE)
		vr->state = ST_DONE;
	else if (res == VIEW_RFB_FAILED)
		vr->state = ST_FAILED;
	return res;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

size_t view_rfb_security_result(uint8_t *out, size_t size, int minor,
				const char *reason)
{
	size_t n;

	if (size < 8)
		return 0;
	put_u32(out, reason ? 1 : 0);
	if (!reason || minor < 8)
		return 4;
	n = strlen(reason);
	if (n > size - 8)
		n = size - 8;
	put_u32(out + 4, (uint32_t)n);
	memcpy(out + 8, reason, n);
	return 8 + n;
}
