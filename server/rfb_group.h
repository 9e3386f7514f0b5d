/*
 * rfb_group.h - viewers of the same settings served by one encoding.
 *
 * libvncserver encodes every update once per client, on that client's
 * thread, with its own zlib streams: four viewers cost four encodings.
 * Viewers whose SetPixelFormat and SetEncodings are the same, with Tight
 * as the encoding, form a group: one hidden libvncserver client of those
 * settings (its socket read by the event loop) encodes, and each of its
 * updates goes as it is to every member.  A member's own client still
 * takes its keys, pointer and clipboard and sends it what is not an
 * update (clipboard, bell); the member's update requests are kept from
 * it (rfb_frame.h) and count as the group's demand.  The hidden client's
 * own requests wait for a change as a viewer's do (desktop_keep.c): a
 * small update is encoded on the loop, and a member's own client, which
 * is asked nothing, is not woken by the passes at all.
 *
 * Tight keeps zlib state across updates, which a viewer that joins does
 * not have: a join resets the hidden client's streams (Tight's reset bits,
 * set by the framer, web_desk.h) and asks it for the whole screen; the
 * joiner switches over at the first update after that which covers the
 * screen by itself.  A member that falls behind (a second update comes
 * while one still waits for its request, or its MSRP queue is full),
 * asks for a whole frame, or changes its settings leaves: its own client
 * starts its streams afresh and sends the whole screen.  Memory: the
 * update being read, and one update held by each member.
 */
#ifndef SIPVNC_RFB_GROUP_H
#define SIPVNC_RFB_GROUP_H

#include <stdbool.h>

struct rfb_groups;
struct rfb_member;
struct desktop;
struct desktop_client;
struct bridge;

/* A libre object; the desktop outlives it. */
int rfb_groups_alloc(struct rfb_groups **gsp, struct desktop *dt);
/* A viewer's bridge (bridge_check_rfb) and its own client may join a
 * group; the member is a libre object the bridge owns. */
int rfb_member_alloc(struct rfb_member **mp, struct rfb_groups *gs,
		     struct bridge *br, struct desktop_client *dc);
/* The bridge's hooks: the viewer's messages passed the filter; the
 * bridge may take a group update now (at a message boundary). */
void rfb_member_input(struct rfb_member *m);
void rfb_member_output(struct rfb_member *m);

#endif
