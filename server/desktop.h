/*
 * desktop.h - the screen being shared: the X capture mirrored into one
 * libvncserver framebuffer, and the RFB clients attached to it.
 *
 * Threads: libvncserver runs one input and one output thread per RFB client
 * (its "backgroundLoop" mode, without its listener).  They exist because
 * libvncserver writes to a client with blocking select()/write() loops: run
 * on the event loop, one slow viewer would stall SIP and every other call.
 * They own only their client's RFB socket end and read the framebuffer;
 * input reaches X through capture_key/capture_pointer, which serialise
 * themselves.  A short-lived thread per new client runs rfbNewClient(),
 * whose WebSocket probe would otherwise hold the event loop for 100 ms.
 * Everything else, capture included, is on re_main's thread.
 */
#ifndef SIPVNC_DESKTOP_H
#define SIPVNC_DESKTOP_H

#include <stdbool.h>
#include <stdint.h>

struct desktop;
struct desktop_client;
struct capture_area;
struct capture_settings;

/* The RFB client is gone (viewer closed, protocol error, socket closed).
 * Called on the event loop thread. */
typedef void (desktop_client_gone_h)(void *arg);

/* A libre object: mem_deref disconnects every client and closes.  area:
 * the window or monitor to share (copied), NULL for the whole screen;
 * cs: capture/'s settings (its log hook; copied, NULL: none). */
int desktop_open(struct desktop **dtp, const char *display,
		 const struct capture_area *area,
		 const struct capture_settings *cs);
void desktop_size(const struct desktop *dt, int *width, int *height);

/* Attach a new RFB client through an in-process stream socket pair: the
 * client speaks RFB on one end, *viewer_fd (the caller's to close) carries
 * the viewer's side.  control: the client's input reaches X; otherwise it
 * is dropped.  The client is a libre object: mem_deref disconnects it, and
 * goneh is not called after that. */
int desktop_attach(struct desktop_client **dcp, struct desktop *dt,
		   bool control, desktop_client_gone_h *goneh, void *arg,
		   int *viewer_fd);

/* The client's viewer's incremental update requests wait in filter (the
 * desktop's end of its bridge) until there is something to send
 * (desktop_keep.c says why); the client holds a reference on it. */
struct rfb_filter;
int desktop_client_keep_requests(struct desktop_client *dc,
				 struct rfb_filter *filter);

/* Where a client's RFB stream stands, taken under its send lock. */
struct desktop_sync {
	uint64_t offset;        /* of its next message in the stream read
	                           from fd */
	uint8_t pf[16];         /* its pixel format there */
	uint32_t width, height; /* the framebuffer's */
};
/* Between two of the client's messages (under its send lock, never
 * waited for: EAGAIN while it is sending): restart ends its Tight zlib
 * streams and has it send the whole frame; otherwise its outstanding
 * update request is taken back (its viewer is served by a group,
 * rfb_group.h).  fd: the caller's end of its socket, of which read_pos
 * bytes were read.  want_pf (16 bytes, or NULL): the pixel format the
 * viewer's last SetPixelFormat asked for; until the client's input thread
 * has applied it (desktop_settings.c) nothing is done and the answer is
 * EINPROGRESS, as a stream framed or restarted in the format it is about
 * to leave would be misread (try again). */
int desktop_client_sync(struct desktop_client *dc, bool restart, int fd,
			uint64_t read_pos, const uint8_t *want_pf,
			struct desktop_sync *out);

/* Capture has stopped for good: the X display went away, or (ENODEV) the
 * shared window was destroyed; the owner should end the calls and stop.
 * Without a handler the event loop is stopped (re_cancel). */
typedef void (desktop_lost_h)(int err, void *arg);
void desktop_set_lost_handler(struct desktop *dt, desktop_lost_h *losth,
			      void *arg);

#endif
