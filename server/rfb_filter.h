/*
 * rfb_filter.h - a viewer's RFB messages checked before libvncserver
 * sees them (rfb_filter.c says why).
 */
#ifndef SIPVNC_RFB_FILTER_H
#define SIPVNC_RFB_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* Clipboard text longer than this is refused (libvncserver's own limit is
 * about as large; ours, CAPTURE_CLIPBOARD_MAX, is 1 MiB). */
#define RFB_FILTER_CUT_MAX (16u * 1024 * 1024)

struct rfb_filter {
	int phase;
	uint8_t buf[24];     /* the head of the message being read */
	size_t have;
	uint32_t skip;       /* bytes of a checked message still to pass */
};

void rfb_filter_init(struct rfb_filter *f);
/* The next bytes from the viewer: 0 while they may go on to
 * libvncserver, EPROTO (for good) once they may not. */
int  rfb_filter_feed(struct rfb_filter *f, const uint8_t *p, size_t len);

#endif
