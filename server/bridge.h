/*
 * bridge.h - carry a byte stream between a local stream socket and an MSRP
 * session, in both directions, with bounded memory.
 *
 * socket -> MSRP: read only while the session can take more, so a slow far
 * end holds back whoever writes into the socket (libvncserver), instead of
 * growing a queue.  MSRP -> socket: written as it arrives; what the socket
 * cannot take at once waits in a buffer bounded by BRIDGE_BACKLOG_MAX, and
 * the bridge fails rather than grow past it.
 */
#ifndef SIPVNC_BRIDGE_H
#define SIPVNC_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bridge;
struct msrp_session;

enum { BRIDGE_BACKLOG_MAX = 32 * 1024 * 1024 };

/* The local socket closed (err 0) or failed; the bridge is idle now. */
typedef void (bridge_closed_h)(int err, void *arg);

/* Takes fd, also when it fails (non-blocking from now on; closed with the
 * bridge).  Nothing flows until bridge_start(). */
int bridge_alloc(struct bridge **brp, int fd, bridge_closed_h *closedh,
		 void *arg);
/* What comes from MSRP is a viewer's RFB stream for libvncserver: check
 * it (rfb_filter.h); a message it must not see ends the bridge (closedh
 * with EPROTO).  What goes to MSRP is then libvncserver's: an update's
 * header that comes alone waits a moment for its first rectangle, so
 * the two go in one SEND. */
int bridge_check_rfb(struct bridge *br);
/* End the bridge (closedh with ETIMEDOUT) when the session has taken
 * nothing for ms while we had data for it; 0: never. */
void bridge_set_stall_timeout(struct bridge *br, unsigned ms);
/* What comes from MSRP goes to sinkh instead of the socket (the browser
 * gateway: a socket pair's write, wake-up, read and copy saved on every
 * update).  The sink takes all of it, bounding its own memory, or returns
 * an error that ends the bridge; the socket still carries the other way
 * and its close.  NULL: the socket again. */
typedef int (bridge_sink_h)(const uint8_t *data, size_t len, void *arg);
void bridge_set_sink(struct bridge *br, bridge_sink_h *sinkh, void *arg);
/* What goes to MSRP comes from srch instead of the socket (the browser
 * gateway: its filtered messages without a socket pair's write, wake-up
 * and read).  srch fills up to size bytes of buf and says how many, 0 for
 * none now; the bridge asks only while the session takes more, so the
 * source keeps what waits, bounding its own memory, and calls
 * bridge_source_ready() when it has more.  The socket then carries only
 * its close.  NULL: the socket again. */
typedef size_t (bridge_source_h)(uint8_t *buf, size_t size, void *arg);
void bridge_set_source(struct bridge *br, bridge_source_h *srch, void *arg);
void bridge_source_ready(struct bridge *br);
/* The MSRP session is bound: start reading the socket into it. */
int bridge_start(struct bridge *br, struct msrp_session *sess);
/* Hand-offs from the session's handlers. */
void bridge_from_msrp(struct bridge *br, const uint8_t *data, size_t len);
void bridge_msrp_writable(struct bridge *br);
/* Bytes handed to the session so far (0 for NULL). */
uint64_t bridge_sent(const struct bridge *br);

/* For rfb_group.c: the bridge of a grouped viewer.  The member (owned
 * by the bridge from now on) hears of the viewer's messages and of the
 * moments a group update could go in (bridge_inject: 0, or EAGAIN when
 * not at a message boundary of the own client's stream or the session
 * is full).  bridge_frame_from() frames the own client's stream from
 * stream offset pos on (pixel format pf, framebuffer w x h). */
struct rfb_member;
struct rfb_frame;
struct web_desk;
void bridge_set_member(struct bridge *br, struct rfb_member *m);
struct rfb_frame *bridge_rfb_frame(struct bridge *br);
/* The filter itself (a libre object), NULL without bridge_check_rfb. */
struct rfb_filter;
struct rfb_filter *bridge_rfb_filter(struct bridge *br);
int bridge_fd(const struct bridge *br);
uint64_t bridge_read_pos(const struct bridge *br);
struct web_desk *bridge_frame_from(struct bridge *br, const uint8_t *pf,
				   uint32_t w, uint32_t h, uint64_t pos);
struct web_desk *bridge_desk(struct bridge *br);
/* A new format that passed while framed has yet to be marked in the
 * stream (web_desk.h): unframed now, its mark would reach the viewer. */
bool bridge_marks_due(const struct bridge *br);
void bridge_unframe(struct bridge *br);
int bridge_inject(struct bridge *br, const uint8_t *data, size_t len);
bool bridge_closed(const struct bridge *br);

#endif
