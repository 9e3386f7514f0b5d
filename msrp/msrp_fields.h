/*
 * msrp_fields.h - what msrp_parse.c (framing) uses from msrp_fields.c
 * (the fields of a frame).  Private to msrp/.
 */
#ifndef SIPVNC_MSRP_FIELDS_H
#define SIPVNC_MSRP_FIELDS_H

#include "msrp/msrp_frame.h"

/* '$', '+' or '#': the continuation flag of an end-line. */
bool msrp_is_flag(uint8_t c);
/* The next CRLF in s[0..n), or NULL. */
const uint8_t *msrp_find_crlf(const uint8_t *s, size_t n);
/* "MSRP" SP tid SP (METHOD | 3DIGIT [SP comment]) into msg; it reads no
 * field of msg it has not written first. */
enum msrp_perr msrp_parse_start_line(const uint8_t *s, size_t n,
				     struct msrp_msg *msg);
/* One "Name: value" line into msg->hdrv and the typed fields. */
enum msrp_perr msrp_parse_header_line(const uint8_t *s, size_t n,
				      struct msrp_msg *msg);

#endif
