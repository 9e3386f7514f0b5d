/*
 * msrp_parse_int.h - the parser's state, shared by msrp_parse.c (scanning
 * and parsing a buffered frame) and msrp_parse_feed.c (what is buffered,
 * and how).  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_PARSE_INT_H
#define SIPVNC_MSRP_PARSE_INT_H

#include "msrp/msrp_frame.h"

enum phase { PH_START, PH_HEADERS, PH_BODY };

enum { MSRP_SEGS_MAX = MSRP_BODY_PIECES - 1 };

struct msrp_parser {
	struct msrp_limits lim;
	uint8_t *mem;     /* allocation */
	size_t size;      /* allocated */
	uint8_t *buf;     /* the current frame's start, inside mem: frames
			     done are skipped, not moved, until room is
			     needed */
	size_t len;       /* bytes held from buf on */
	enum phase phase;
	size_t line_pos;  /* start of the next unscanned line */
	size_t hdr_lines;
	size_t body_start;
	size_t search_pos;
	size_t body_hint; /* body length Byte-Range promises, or SIZE_MAX */
	char tid[MSRP_TID_MAX + 1];
	bool dead;
	struct msrp_msg *msg; /* reused for every frame */

	/* Segment mode (msrp_parser_feed_mbuf): the frame's start line and
	 * headers are in mem[0..len), everything after them stays in the
	 * receive buffers it arrived in, referenced, until the end-line
	 * where Byte-Range puts it completes the frame. */
	bool segmented;
	struct mbuf *segv[MSRP_SEGS_MAX];
	size_t seg_off[MSRP_SEGS_MAX];
	size_t seg_len[MSRP_SEGS_MAX];
	size_t segc;
	size_t seg_bytes; /* sum of seg_len */
};

/* Fill *msg from the buffered frame (headers up to hdr_end, body up to
 * body_end). */
enum msrp_perr msrp_parse_frame(const struct msrp_parser *p, size_t hdr_end,
				size_t body_end, char flag,
				struct msrp_msg *msg);
/* Returns 1 when a frame is complete (*hdr_end, *body_end, *flag,
 * *frame_end set), 0 when more bytes are needed, or -perr. */
int msrp_parse_scan(struct msrp_parser *p, size_t *hdr_end,
		    size_t *body_end, char *flag, size_t *frame_end);
void msrp_parse_release_segments(struct msrp_parser *p);

#endif
