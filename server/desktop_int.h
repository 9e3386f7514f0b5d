/*
 * desktop_int.h - what desktop.c shares with its cursor and resize parts.
 * Threads as in desktop.h: everything here runs on the event loop unless
 * a comment says a client thread reads it.
 */
#ifndef SIPVNC_DESKTOP_INT_H
#define SIPVNC_DESKTOP_INT_H

#include <stdbool.h>

/* rfb.h brings zlib.h, whose crc32() libre would otherwise declare again
 * with another type. */
#define USE_ZLIB 1
#include <re.h>
#include <rfb/rfb.h>
#include <rfb/rfbregion.h>

#include "capture/capture.h"
#include "server/desktop.h"

#define RETIRED_CURSORS 32

struct desktop {
	struct capture *cap;
	rfbScreenInfoPtr screen;
	struct mqueue *gone_mq;   /* client-gone notices from RFB threads */
	struct list clients;      /* struct desktop_client, attached ones */
	struct tmr capture_tmr;   /* work the X descriptor will not announce */
	struct tmr resize_tmr;    /* retrying a framebuffer swap */
	struct tmr wake_tmr;      /* released clients not gone yet */
	bool swap_pending, format_pending;
	sraRegionPtr changed;     /* during a capture pass (on_changed) */
	struct desktop_copies *copies;  /* moved content (desktop_copy.c) */
	int next_id;
	int starting;             /* rfbNewClient() threads still running */
	/* Replaced cursor shapes, freed only RETIRED_CURSORS changes later:
	 * a client thread may still be sending one (libvncserver reads
	 * screen->cursor without a lock). */
	rfbCursorPtr cursor;      /* ours, as last set */
	rfbCursorPtr retired[RETIRED_CURSORS];
	unsigned retired_next;
	struct desktop_clipboard *clipboard;  /* desktop_clipboard.c */
	desktop_lost_h *losth;    /* the X display went away */
	void *lost_arg;
	struct desktop_fds *fds;  /* low descriptors (desktop_fds.c) */
};

/* Carried in rfbClient.clientData; owned by the RFB threads, so it holds
 * no pointer into event-loop state, only the id to look it up by. */
struct rfb_client_tag {
	struct desktop *dt;
	int id;
	bool own_thread;          /* gone on libvncserver's client thread */
};

struct rfb_filter;

struct desktop_client {
	struct le le;
	struct desktop *dt;
	int id;
	int rfb_fd;               /* our dup of the RFB end: shutdown() on it
	                             ends the client's threads without racing
	                             libvncserver's own close() of its copy */
	bool gone;
	desktop_client_gone_h *goneh;
	void *arg;
	struct rfb_filter *keep;  /* its viewer's requests kept from
	                             libvncserver (desktop_keep.c) */
	bool send_here_ok;        /* its socket can take a small update
	                             written by the loop (desktop_keep.c) */
};

/* desktop_keep.c: changes marked for every client, each with its kept
 * update request (region NULL: only kept requests, where something is
 * pending); the requests of clients let go where something is pending. */
void desktop_mark(struct desktop *dt, sraRegionPtr region);
void desktop_kept_release(struct desktop *dt);
void desktop_client_keep_forget(struct desktop_client *dc);
/* desktop_copy.c: a copy of the screen's content by dx, dy to region
 * copy, into cl's regions as libvncserver's rfbScheduleCopyRegion() puts
 * it; under cl's update lock. */
void desktop_copy_client(rfbClientPtr cl, const sraRegion *copy, int dx,
			 int dy);
/* A restart's whole frame answers the request kept for dc, if any. */
void desktop_client_kept_answered(struct desktop_client *dc);

/* desktop_zlib.c: cl's four Tight streams afresh: each one active is
 * ended, those for two-colour and palette data are made anew with a
 * small window, the others left for tight.c to make; before its threads
 * run or under its send lock (a restart, whose reset the framer tells
 * the viewer's decoder).  0, or ENOMEM (then inactive: tight.c makes
 * them as it would). */
int desktop_zlib_prepare(rfbClientPtr cl);

/* desktop_settings.c: a viewer's pixel format and encodings under the
 * send lock */
void desktop_settings_register(void);
void desktop_settings_forget(rfbClientPtr cl);

/* desktop.c */
void desktop_set_pixel_format(rfbScreenInfoPtr screen,
			      const struct capture_format *fmt);

/* desktop_cursor.c: the capture's cursor reports, onto the screen. */
void desktop_on_cursor_shape(const struct capture_cursor *cur, void *arg);
void desktop_on_pointer_moved(int x, int y, void *arg);
void desktop_free_cursors(struct desktop *dt);

/* desktop_copy.c: moved content, onto the screen as CopyRect. */
struct desktop_copies;
int desktop_copies_alloc(struct desktop_copies **dcp, struct desktop *dt);
/* The framebuffer was replaced: drop what referred to the old one. */
void desktop_copies_forget(struct desktop_copies *dc);
/* Hand this pass's copies to libvncserver: before its changed areas. */
void desktop_copies_flush(struct desktop_copies *dc);
void desktop_on_copied(int x, int y, int w, int h, int dx, int dy, void *arg);

/* desktop_resize.c: the capture's resize report, onto the screen. */
void desktop_on_resized(void *arg);

/* desktop_fds.c: descriptors below FD_SETSIZE for libvncserver's
 * select().  take: fd moved onto a reserved one (returned, fd closed), -1
 * when the reserve is short; start_client (starter thread): start cl's
 * thread with its pipe below FD_SETSIZE, false (not started) when that
 * cannot be; serve: the event loop's side of it, also to be called
 * while waiting for starters to finish. */
struct desktop_fds;
int  desktop_fds_alloc(struct desktop_fds **fp);
int  desktop_fds_take(struct desktop_fds *f, int fd);
bool desktop_fds_start_client(struct desktop_fds *f, rfbClientPtr cl);
void desktop_fds_serve(struct desktop_fds *f);
void desktop_fds_refill(struct desktop_fds *f);

/* desktop_clipboard.c: the X clipboard to and from allowed viewers;
 * close after the clients' sockets are shut down. */
int desktop_clipboard_open(struct desktop *dt);
void desktop_clipboard_close(struct desktop *dt);

#endif
