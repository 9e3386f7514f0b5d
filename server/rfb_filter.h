/*
 * rfb_filter.h - a viewer's RFB messages checked before libvncserver
 * sees them (rfb_filter.c says why).
 */
#ifndef SIPVNC_RFB_FILTER_H
#define SIPVNC_RFB_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "server/rfb_frame.h"

struct rfb_filter {
	int phase;
	uint8_t buf[12];         /* the viewer's version */
	size_t have;
	struct rfb_frame frame;  /* its messages, once past ClientInit */
};

/* What libvncserver gets for len bytes needs room for this many. */
#define RFB_FILTER_OUT_MAX(len) RFB_FRAME_OUT_MAX(len)

void rfb_filter_init(struct rfb_filter *f);
/* The next bytes from the viewer into out (room RFB_FILTER_OUT_MAX(len)):
 * the bytes libvncserver gets for them, the same but for the type of a
 * SetPixelFormat and a byte ahead of a SetEncodings (rfb_frame.h says
 * why), or -1 (for good) once they may not go on. */
long rfb_filter_pass(struct rfb_filter *f, const uint8_t *p, size_t len,
		     uint8_t *out);

#endif
