/*
 * desktop_resize.c - follow a change of the screen size: libvncserver is
 * pointed at the capture's new framebuffer while no client is sending.
 */
#include <pthread.h>

#include "server/log.h"
#include "server/desktop_int.h"

/* Clients whose sending is held while the framebuffer is swapped. */
#define MAX_HELD_CLIENTS 64
/* How soon a swap is tried again while some client is busy sending. */
#define RESIZE_RETRY_MS 5

/* Try to hold every client's sending; false (and nothing held) when one is
 * busy.  Blocking here could deadlock: a client thread may be waiting for
 * this very thread to drain its socket. */
static bool hold_clients(rfbScreenInfoPtr screen, rfbClientPtr *held,
			 int *n_held)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(screen);
	rfbClientPtr cl;
	bool all = true;

	*n_held = 0;
	while ((cl = rfbClientIteratorNext(it))) {
		if (*n_held == MAX_HELD_CLIENTS ||
		    pthread_mutex_trylock(&cl->sendMutex) != 0) {
			all = false;
			break;
		}
		/* Our own reference: the client is not freed while held. */
		rfbIncrClientRef(cl);
		held[(*n_held)++] = cl;
	}
	rfbReleaseClientIterator(it);
	if (!all) {
		while (*n_held > 0) {
			cl = held[--*n_held];
			pthread_mutex_unlock(&cl->sendMutex);
			rfbDecrClientRef(cl);
		}
	}
	return all;
}

static void release_clients(rfbClientPtr *held, int n_held)
{
	while (n_held > 0) {
		rfbClientPtr cl = held[--n_held];

		pthread_mutex_unlock(&cl->sendMutex);
		rfbDecrClientRef(cl);
	}
}

static void on_resize_tmr(void *arg);

/* rfbNewFramebuffer sets its own pixel layout and packed rows: put ours
 * back, while no client is sending. */
static void fix_format(struct desktop *dt)
{
	const struct capture_format *fmt = capture_format(dt->cap);
	rfbScreenInfoPtr screen = dt->screen;
	rfbClientPtr held[MAX_HELD_CLIENTS];
	int n_held, i;

	if (!hold_clients(screen, held, &n_held)) {
		tmr_start(&dt->resize_tmr, RESIZE_RETRY_MS, on_resize_tmr, dt);
		return;
	}
	screen->paddedWidthInBytes = fmt->stride;
	desktop_set_pixel_format(screen, fmt);
	for (i = 0; i < n_held; i++)
		screen->setTranslateFunction(held[i]);
	release_clients(held, n_held);
	dt->format_pending = false;
	/* Whatever was sent in between in the wrong layout is redone. */
	rfbMarkRectAsModified(screen, 0, 0, fmt->width, fmt->height);
}

/* Point libvncserver at the capture's new framebuffer, then let the
 * capture unmap the old one.  rfbNewFramebuffer waits for each client's
 * send in progress itself; waiting could deadlock (a client thread may be
 * blocked writing to a socket only this thread drains), so it is called
 * only once every client was seen idle a moment before. */
static void swap_framebuffer(struct desktop *dt)
{
	const struct capture_format *fmt = capture_format(dt->cap);
	rfbScreenInfoPtr screen = dt->screen;
	rfbClientPtr held[MAX_HELD_CLIENTS];
	int n_held;

	if (!hold_clients(screen, held, &n_held)) {
		tmr_start(&dt->resize_tmr, RESIZE_RETRY_MS, on_resize_tmr, dt);
		return;
	}
	release_clients(held, n_held);
	rfbNewFramebuffer(screen, (char *)capture_framebuffer(dt->cap),
			  fmt->width, fmt->height, 8, 3,
			  fmt->bits_per_pixel / 8);
	dt->swap_pending = false;
	dt->format_pending = true;
	desktop_copies_forget(dt->copies);
	capture_release_previous(dt->cap);
	log_warn("sipvnc: the screen is now %dx%d\n", fmt->width,
		 fmt->height);
	fix_format(dt);
}

static void on_resize_tmr(void *arg)
{
	struct desktop *dt = arg;

	if (dt->swap_pending)
		swap_framebuffer(dt);
	else if (dt->format_pending)
		fix_format(dt);
	desktop_kept_release(dt);
}

void desktop_on_resized(void *arg)
{
	struct desktop *dt = arg;

	dt->swap_pending = true;
	swap_framebuffer(dt);
	desktop_kept_release(dt);
}
