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

void desktop_copies_flush(struct desktop_copies *dc)
{
	if (sraRgnEmpty(dc->pending))
		return;
	/* before the pass's changed areas are marked: libvncserver moves
	 * pending marks that lie in a copy's source along with it */
	rfbScheduleCopyRegion(dc->screen, dc->pending, dc->dx, dc->dy);
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
