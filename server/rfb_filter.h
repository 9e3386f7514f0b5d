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

void rfb_filter_init(struct rfb_filter *f);
/* The next bytes from the viewer: 0 while they may go on to
 * libvncserver, EPROTO (for good) once they may not. */
int  rfb_filter_feed(struct rfb_filter *f, const uint8_t *p, size_t len);

#endif
