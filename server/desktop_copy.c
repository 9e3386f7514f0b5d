/*
 * desktop_copy.c - content the capture saw move (a scroll, a dragged
 * window) goes to viewers as CopyRect: they move pixels they already have
 * instead of receiving them encoded again.
 *
 * libvncserver's client threads encode from the framebuffer while the
 * capture writes it, so a viewer can receive a frame that mixes two
 * moments.  With plain updates the next mark of the same area repairs
 * that; a copy would carry the mix along instead.  So copied areas are
 * marked for a full resend once the motion has paused (REPAIR_MS), the
 * way TigerVNC follows lossy updates with a lossless refresh.
 */
#include <stdlib.h>

#include "server/desktop_int.h"

#define REPAIR_MS 300
/* SIPVNC_REPAIR_MS overrides it, 0 turning repairs off: the tests show
 * with it that copies alone leave viewers with the right pixels. */
static unsigned repair_ms(void)
{
	const char *v = getenv("SIPVNC_REPAIR_MS");
	int ms = v ? atoi(v) : REPAIR_MS;

	return ms >= 0 && ms <= 10000 ? (unsigned)ms : REPAIR_MS;
}

struct desktop_copies {
	struct desktop *dt;
	rfbScreenInfoPtr screen;
	sraRegionPtr pending;     /* this pass's copies, one motion */
	int dx, dy;
	sraRegionPtr repair;      /* copied since the last repair */
	unsigned repair_ms;
	struct tmr repair_tmr;
};

static void destructor(void *data)
{
	struct desktop_copies *dc = data;

	tmr_cancel(&dc->repair_tmr);
	if (dc->pending)
		sraRgnDestroy(dc->pending);
	if (dc->repair)
		sraRgnDestroy(dc->repair);
}

int desktop_copies_alloc(struct desktop_copies **dcp, struct desktop *dt)
{
	struct desktop_copies *dc = mem_zalloc(sizeof(*dc), destructor);

	if (!dc)
		return ENOMEM;
	dc->dt = dt;
	dc->screen = dt->screen;
	dc->repair_ms = repair_ms();
	tmr_init(&dc->repair_tmr);
	dc->pending = sraRgnCreate();
	dc->repair = sraRgnCreate();
	if (!dc->pending || !dc->repair) {
		mem_deref(dc);
		return ENOMEM;
	}
	*dcp = dc;
	return 0;
}

void desktop_copies_forget(struct desktop_copies *dc)
{
	/* a new framebuffer: nothing copied within the old one applies */
	sraRgnMakeEmpty(dc->pending);
	sraRgnMakeEmpty(dc->repair);
	tmr_cancel(&dc->repair_tmr);
}

static void on_repair(void *arg)
{
	struct desktop_copies *dc = arg;

	if (!sraRgnEmpty(dc->repair))
		desktop_mark(dc->dt, dc->repair);
	sraRgnMakeEmpty(dc->repair);
}

/* into |= (from moved by dx, dy) & within */
static void or_moved(sraRegionPtr into, const sraRegion *from, int dx, int dy,
		     const sraRegion *within)
{
	sraRegionPtr r = sraRgnCreateRgn(from);

	sraRgnOffset(r, dx, dy);
	sraRgnAnd(r, within);
	sraRgnOr(into, r);
	sraRgnDestroy(r);
}

void desktop_copy_client(rfbClientPtr cl, const sraRegion *copy, int dx,
			 int dy)
{
	const rfbCursor *c = cl->screen->cursor;

	if (!cl->useCopyRect) {
		sraRgnOr(cl->modifiedRegion, copy);
		return;
	}
	if (!sraRgnEmpty(cl->copyRegion)) {
		if (cl->copyDX != dx || cl->copyDY != dy) {
			/* one motion a client: the one not yet sent goes
			 * plainly */
			sraRgnOr(cl->modifiedRegion, cl->copyRegion);
			sraRgnMakeEmpty(cl->copyRegion);
		}
		else {
			/* a source the last copy has yet to fill goes
			 * plainly */
			or_moved(cl->modifiedRegion, copy, -dx, -dy,
				 cl->copyRegion);
		}
	}
	sraRgnOr(cl->copyRegion, copy);
	cl->copyDX = dx;
	cl->copyDY = dy;
	/* changes not yet sent that the copy carries along are sent at
	 * their new place */
	or_moved(cl->modifiedRegion, cl->modifiedRegion, dx, dy,
		 cl->copyRegion);
	/* a cursor libvncserver draws into the pixels is not copied: sent
	 * plainly where it is and where a copy would have put it */
	if (!cl->enableCursorShapeUpdates && c) {
		int x = cl->cursorX - c->xhot, y = cl->cursorY - c->yhot;
		sraRegionPtr r = sraRgnCreateRect(x, y, x + c->width,
						  y + c->height);

		or_moved(cl->modifiedRegion, r, 0, 0, cl->copyRegion);
		or_moved(cl->modifiedRegion, r, dx, dy, cl->copyRegion);
		sraRgnDestroy(r);
	}
}

/* libvncserver's rfbScheduleCopyRegion(), but for the wake-ups: it
 * signals every client, and each pass's copy then woke every output
 * thread only to sleep again where nothing was asked (a group member's
 * own client, a request kept for the desktop, rfb_group.h, whose mark
 * then sends copy and change in one update).  A request wakes its thread
 * when it comes (main.c's clientOutput sends only what was asked). */
static void schedule(rfbScreenInfoPtr screen, const sraRegion *copy, int dx,
		     int dy)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(screen);
	rfbClientPtr cl;

	if (!it)
		return;
	while ((cl = rfbClientIteratorNext(it)) != NULL) {
		bool wake;

		pthread_mutex_lock(&cl->updateMutex);
		desktop_copy_client(cl, copy, dx, dy);
		wake = !sraRgnEmpty(cl->requestedRegion);
		pthread_mutex_unlock(&cl->updateMutex);
		if (wake)
			pthread_cond_signal(&cl->updateCond);
	}
	rfbReleaseClientIterator(it);
}

void desktop_copies_flush(struct desktop_copies *dc)
{
	if (sraRgnEmpty(dc->pending))
		return;
	/* before the pass's changed areas are marked: pending marks that
	 * lie in a copy's source move along with it */
	schedule(dc->screen, dc->pending, dc->dx, dc->dy);
	if (dc->repair_ms) {
		sraRgnOr(dc->repair, dc->pending);
		tmr_start(&dc->repair_tmr, dc->repair_ms, on_repair, dc);
	}
	sraRgnMakeEmpty(dc->pending);
}

void desktop_on_copied(int x, int y, int w, int h, int dx, int dy, void *arg)
{
	struct desktop *dt = arg;
	struct desktop_copies *dc = dt->copies;
	sraRegionPtr rect;

	/* until libvncserver has the new framebuffer, its viewers' pixels
	 * and ours do not line up: send it plainly */
	if (dt->swap_pending || dt->format_pending) {
		rect = sraRgnCreateRect(x, y, x + w, y + h);
		sraRgnOr(dt->changed, rect);
		sraRgnDestroy(rect);
		return;
	}

	/* libvncserver keeps one motion per viewer: a second one in the same
	 * pass goes out first */
	if (!sraRgnEmpty(dc->pending) && (dx != dc->dx || dy != dc->dy))
		desktop_copies_flush(dc);
	dc->dx = dx;
	dc->dy = dy;
	rect = sraRgnCreateRect(x, y, x + w, y + h);
	sraRgnOr(dc->pending, rect);
	sraRgnDestroy(rect);
}
