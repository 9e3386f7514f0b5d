/*
 * desktop_keep.c - a viewer's incremental update request kept from
 * libvncserver until there is something to send.
 *
 * A viewer asks for its next update as soon as it has the last one, and
 * libvncserver's input thread then wakes its output thread, which finds
 * nothing to send and sleeps again; the change that comes later wakes
 * it once more.  For a small change at 30 Hz these wake-ups were a good
 * part of the cost of an update (tests/bench/run.sh, (h)): the loop's
 * write of the request, the input thread's select and reads, and a
 * signal given under the update lock, so that the output thread woke to
 * sleep on the lock first.  So the framer (rfb_frame.h, keep_h) keeps
 * such a request when nothing is owed to the viewer, and the change that
 * answers it adds it to the client's requested area under the same lock
 * as the change itself, with one signal after the lock.
 *
 * A request is kept only where that is the same as libvncserver seeing
 * it now: the client is past its handshake, everything the viewer sent
 * before was read (a format or encodings change is followed by a request
 * that passed, so it was applied too), and nothing is pending for it (a
 * change that came while it sent its last update).  Anything that makes
 * an update pending lets kept requests go: the capture's marks (with
 * them), copies, the cursor, a resize, and the clients' wake timer.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "server/desktop_int.h"
#include "server/rfb_filter.h"

/* What send_here() encodes on the loop at most: 16384 pixels are 64 kB
 * raw at 32 bits, Tight's worst case, in a socket whose buffer is about
 * 200 kB by default (net.core.wmem_default; a smaller one is checked). */
enum { SEND_HERE_MAX_PX = 128 * 128, SEND_HERE_MAX_RECTS = 32 };

static struct desktop_client *client_of_cl(struct desktop *dt,
					   rfbClientPtr cl)
{
	/* the iterator's reference keeps the tag (desktop.c) */
	const struct rfb_client_tag *tag =
		__atomic_load_n(&cl->clientData, __ATOMIC_ACQUIRE);
	struct le *le;

	if (!tag)
		return NULL;
	for (le = dt->clients.head; le; le = le->next) {
		struct desktop_client *dc = le->data;

		if (dc->id == tag->id)
			return dc;
	}
	return NULL;
}

/* Under cl's update lock: the kept request of dc into its requested
 * area, clipped to the screen as libvncserver clips a viewer's. */
static bool take_kept(struct desktop_client *dc, rfbClientPtr cl)
{
	struct rfb_frame *f;
	const uint8_t *r;
	int x, y, w, h;
	sraRegionPtr rect;

	if (!dc || !dc->keep || !dc->keep->frame.kept)
		return false;
	f = &dc->keep->frame;
	f->kept = false;
	r = f->kept_req;
	x = r[2] << 8 | r[3];
	y = r[4] << 8 | r[5];
	w = r[6] << 8 | r[7];
	h = r[8] << 8 | r[9];
	if (x + w > cl->screen->width)
		w = cl->screen->width - x;
	if (y + h > cl->screen->height)
		h = cl->screen->height - y;
	/* libvncserver ignores what lies off the screen */
	if (w <= 0 || h <= 0)
		return false;
	rect = sraRgnCreateRect(x, y, x + w, y + h);
	sraRgnOr(cl->requestedRegion, rect);
	sraRgnDestroy(rect);
	return true;
}

/* Under cl's update lock: is what it owes small enough to be encoded
 * here (send_here)?  Its Tight or raw bytes then fit in the socket's
 * buffer with room to spare, as the loop that writes them is also the
 * one that reads them.  A cursor shape or a new size goes the usual
 * way. */
static bool owes_little(rfbClientPtr cl)
{
	sraRectangleIterator *i;
	sraRect r;
	long px = 0;
	unsigned long n = 0;

	if (cl->state != RFB_NORMAL || cl->onHold ||
	    cl->sock == RFB_INVALID_SOCKET ||
	    (cl->useNewFBSize && cl->newFBSizePending) ||
	    (cl->enableCursorShapeUpdates && cl->cursorWasChanged) ||
	    sraRgnCountRects(cl->copyRegion) > SEND_HERE_MAX_RECTS)
		return false;
	i = sraRgnGetIterator(cl->modifiedRegion);
	if (!i)
		return false;
	while (sraRgnIteratorNext(i, &r) && px <= SEND_HERE_MAX_PX &&
	       n <= SEND_HERE_MAX_RECTS) {
		px += (long)(r.x2 - r.x1) * (r.y2 - r.y1);
		n++;
	}
	sraRgnReleaseIterator(i);
	return px <= SEND_HERE_MAX_PX && n <= SEND_HERE_MAX_RECTS;
}

/* The update cl owes, encoded on this thread as its output thread would
 * (main.c's clientOutput: the region under the update lock, the sending
 * under the send lock), when it is small and nothing is waiting in the
 * socket; false: its output thread is to do it.  Its output thread
 * would first sleep in usleep(0), write the update's header alone (tight.c
 * flushes before each rectangle) and then its rectangle, waking this loop
 * twice: for a small change that was the better part of an update's
 * cost (tests/bench/run.sh). */
static bool send_here(const struct desktop_client *dc, rfbClientPtr cl)
{
	sraRegionPtr update = NULL;
	int queued = 0;

	if (!dc->send_here_ok || dc->rfb_fd < 0 ||
	    ioctl(dc->rfb_fd, SIOCOUTQ, &queued) < 0 || queued)
		return false;
	/* never wait: it may be blocked writing what this loop reads */
	if (pthread_mutex_trylock(&cl->sendMutex) != 0)
		return false;
	pthread_mutex_lock(&cl->updateMutex);
	if (owes_little(cl))
		update = sraRgnCreateRgn(cl->modifiedRegion);
	pthread_mutex_unlock(&cl->updateMutex);
	if (update) {
		(void)rfbSendFramebufferUpdate(cl, update);
		sraRgnDestroy(update);
	}
	pthread_mutex_unlock(&cl->sendMutex);
	return update != NULL;
}

void desktop_mark(struct desktop *dt, sraRegionPtr region)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(dt->screen);
	rfbClientPtr cl;

	if (!it)
		return;
	while ((cl = rfbClientIteratorNext(it)) != NULL) {
		struct desktop_client *dc = client_of_cl(dt, cl);
		bool wake, took = false;

		pthread_mutex_lock(&cl->updateMutex);
		if (region)
			sraRgnOr(cl->modifiedRegion, region);
		/* without a change only what is pending lets it go */
		if ((region || FB_UPDATE_PENDING(cl)) && take_kept(dc, cl))
			took = true;
		/* Its output thread sends only what was asked for (main.c's
		 * clientOutput), and a request wakes it when it comes: one
		 * with none would wake to sleep again.  That is every pass
		 * for a group member's own client (rfb_group.h) and a viewer
		 * whose request is kept and not yet due. */
		wake = took ||
			(region && !sraRgnEmpty(cl->requestedRegion));
		pthread_mutex_unlock(&cl->updateMutex);
		/* Woken only after the lock: woken under it, the thread
		 * would first sleep on it. */
		if (took && send_here(dc, cl))
			continue;
		if (wake)
			pthread_cond_signal(&cl->updateCond);
	}
	rfbReleaseClientIterator(it);
}

void desktop_kept_release(struct desktop *dt)
{
	struct le *le;

	for (le = dt->clients.head; le; le = le->next) {
		const struct desktop_client *dc = le->data;

		if (dc->keep && dc->keep->frame.kept) {
			desktop_mark(dt, NULL);
			return;
		}
	}
}

/* keep_h: may the request just framed wait for a change? */
static bool may_keep(void *arg)
{
	struct desktop_client *dc = arg;
	rfbClientIteratorPtr it;
	rfbClientPtr cl;
	int unread = 0;
	bool ok = false;

	if (dc->gone || dc->rfb_fd < 0)
		return false;
	/* all the viewer sent before this request was read */
	if (ioctl(dc->rfb_fd, FIONREAD, &unread) < 0 || unread)
		return false;
	it = rfbGetClientIterator(dc->dt->screen);
	if (!it)
		return false;
	while ((cl = rfbClientIteratorNext(it)) != NULL) {
		if (client_of_cl(dc->dt, cl) != dc)
			continue;
		pthread_mutex_lock(&cl->updateMutex);
		ok = cl->state == RFB_NORMAL && !cl->onHold &&
			cl->readyForSetColourMapEntries &&
			!FB_UPDATE_PENDING(cl);
		pthread_mutex_unlock(&cl->updateMutex);
		break;
	}
	rfbReleaseClientIterator(it);
	return ok;
}

int desktop_client_keep_requests(struct desktop_client *dc,
				 struct rfb_filter *filter)
{
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);

	if (!dc || !filter)
		return EINVAL;
	dc->keep = mem_ref(filter);
	/* room for three times the largest update send_here() makes, or
	 * the loop could block writing what only it reads */
	dc->send_here_ok = dc->rfb_fd >= 0 &&
		!getsockopt(dc->rfb_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) &&
		sndbuf >= 3 * 4 * SEND_HERE_MAX_PX;
	filter->frame.keep_h = may_keep;
	filter->frame.keep_arg = dc;
	return 0;
}

void desktop_client_kept_answered(struct desktop_client *dc)
{
	if (dc->keep)
		dc->keep->frame.kept = false;
}

void desktop_client_keep_forget(struct desktop_client *dc)
{
	if (!dc->keep)
		return;
	dc->keep->frame.keep_h = NULL;
	dc->keep->frame.keep_arg = NULL;
	dc->keep = mem_deref(dc->keep);
}
