/*
 * msrp_frame.h - MSRP frames (RFC 4975 section 7, 8): an incremental parser
 * that survives any split of the TCP byte stream, and the serialisers for the
 * frames we send.  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_FRAME_H
#define SIPVNC_MSRP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

enum {
	MSRP_TID_MAX      = 32, /* RFC 4975 ident: 4..32 characters */
	MSRP_HDR_MAX      = 64, /* headers kept per frame */
	MSRP_BODY_PIECES  = 9,  /* reads one body may span without a copy */
};

/* Why a stream was rejected; msrp_perr_status() gives the MSRP status. */
enum msrp_perr {
	MSRP_PERR_NONE = 0,
	MSRP_PERR_START_LINE,    /* 400: not "MSRP tid METHOD|code" */
	MSRP_PERR_HEADER,        /* 400: header line without a colon */
	MSRP_PERR_BAD_VALUE,     /* 400: Byte-Range, Expires... malformed */
	MSRP_PERR_TOO_MANY_HDRS, /* 400 */
	MSRP_PERR_LINE_TOO_LONG, /* 400 */
	MSRP_PERR_BODY_TOO_LARGE,/* 413 */
	MSRP_PERR_NOMEM,         /* 500 */
};

struct msrp_limits {
	size_t max_line;    /* bytes per start/header line, without CRLF */
	size_t max_headers; /* <= MSRP_HDR_MAX */
	size_t max_body;    /* body bytes of one chunk */
};

struct msrp_hdr {
	struct pl name;
	struct pl value;
};

/* Byte-Range: start-end/total; end and total may be "*" (unknown). */
struct msrp_range {
	bool present;
	uint64_t start;
	bool end_known;
	uint64_t end;
	bool total_known;
	uint64_t total;
};

/* One parsed frame; every pl points into the parser's buffer and is valid
 * only during the frame handler. */
struct msrp_msg {
	bool is_request;
	char tid[MSRP_TID_MAX + 1];
	struct pl method;      /* requests */
	uint16_t code;         /* responses */
	struct pl reason;      /* responses, may be empty */
	char flag;             /* '$' complete, '+' more chunks, '#' aborted */

	struct msrp_hdr hdrv[MSRP_HDR_MAX]; /* all headers, in order */
	size_t hdrc;

	struct pl to_path, from_path, message_id, content_type;
	struct pl success_report, failure_report, use_path;
	struct pl www_authenticate, authorization;
	struct pl status;      /* raw Status header value */
	uint16_t status_code;  /* its code (after the namespace), 0 if absent */
	bool expires_present;
	uint32_t expires;
	struct msrp_range range;

	const uint8_t *body;   /* the whole body when in one piece (bodyc
				  <= 1), else NULL: use bodyv */
	size_t body_len;       /* always the whole body's length */
	bool has_body;         /* a blank line started a body (maybe empty) */
	/* The body as it lies in the receive buffers, in order: a body that
	 * spans several reads is not copied together. */
	struct msrp_piece {
		const uint8_t *p;
		size_t l;
	} bodyv[MSRP_BODY_PIECES];
	size_t bodyc;
};

/* Return true when the parser must stop at once (e.g. the owner of the
 * parser was destroyed inside the handler). */
typedef bool (msrp_frame_h)(const struct msrp_msg *msg, void *arg);

struct msrp_parser;

/* Filled when feeding fails, so the caller can still answer the
 * transaction (RFC 4975 wants a response with the right status). */
struct msrp_perr_info {
	enum msrp_perr err;
	bool is_request;       /* whether the start line was a request */
	char tid[MSRP_TID_MAX + 1]; /* empty if the start line was not read */
};

void msrp_limits_default(struct msrp_limits *lim);
int  msrp_parser_alloc(struct msrp_parser **pp, const struct msrp_limits *lim);
/* Consume bytes, calling frameh for every complete frame.  Returns 0, or
 * EBADMSG with *info filled; the parser is then dead and the connection
 * should be answered and closed.  Returns ECANCELED when frameh asked to
 * stop (the parser may not exist anymore, and
 * must not be fed again). */
int  msrp_parser_feed(struct msrp_parser *p, const uint8_t *data, size_t len,
		      msrp_frame_h *frameh, void *arg,
		      struct msrp_perr_info *info);
/* The same for bytes that arrived in mb (from mb->pos to mb->end), which
 * the parser may keep a reference to instead of copying: a body spanning
 * reads is then handed over in pieces (msg->bodyv).  Do not mix with
 * msrp_parser_feed() on one parser. */
int  msrp_parser_feed_mbuf(struct msrp_parser *p, struct mbuf *mb,
			   msrp_frame_h *frameh, void *arg,
			   struct msrp_perr_info *info);
uint16_t msrp_perr_status(enum msrp_perr err);
const char *msrp_perr_str(enum msrp_perr err);
const struct msrp_hdr *msrp_msg_hdr(const struct msrp_msg *msg,
				    const char *name);

/* Serialisers.  Path values are written as given (space separated URIs). */
struct msrp_send_desc {
	const char *tid;
	const char *to_path;
	const char *from_path;
	const char *message_id;
	const char *success_report;  /* NULL: header left out */
	const char *failure_report;  /* NULL: header left out */
	const char *content_type;    /* only used when body_len > 0 */
	uint64_t range_start;        /* 1-based */
	uint64_t total;
	const uint8_t *body;
	size_t body_len;
	char flag;
};

int msrp_build_send(struct mbuf *mb, const struct msrp_send_desc *d);
int msrp_build_response(struct mbuf *mb, const char *tid, uint16_t code,
			const char *reason, const struct pl *to_path,
			const char *from_path);
int msrp_build_report(struct mbuf *mb, const char *tid,
		      const struct pl *to_path, const char *from_path,
		      const struct pl *message_id,
		      const struct msrp_range *range, uint16_t status);
const char *msrp_reason(uint16_t code);

#endif
