/*
 * desktop_cursor.c - the X cursor's shape and position, for viewers.
 */
#include <stdlib.h>

#include "server/desktop_int.h"

/* libvncserver marks a cursor change but does not wake a client thread
 * sleeping for framebuffer changes: signal each one. */
static void wake_clients(struct desktop *dt, bool moved)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(dt->screen);
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it))) {
		pthread_mutex_lock(&cl->updateMutex);
		if (moved && cl->enableCursorPosUpdates)
			cl->cursorWasMoved = TRUE;
		pthread_cond_signal(&cl->updateCond);
		pthread_mutex_unlock(&cl->updateMutex);
	}
	rfbReleaseClientIterator(it);
}

void desktop_on_pointer_moved(int x, int y, void *arg)
{
	struct desktop *dt = arg;
	rfbScreenInfoPtr screen = dt->screen;
	bool moved;

	pthread_mutex_lock(&screen->cursorMutex);
	/* A viewer's own pointer event already set this position (and told
	 * the other viewers). */
	moved = x != screen->cursorX || y != screen->cursorY;
	screen->cursorX = x;
	screen->cursorY = y;
	pthread_mutex_unlock(&screen->cursorMutex);
	if (moved)
		wake_clients(dt, true);
	/* a viewer's own pointer event may have moved it for the others */
	desktop_kept_release(dt);
}

static void free_cursor(rfbCursorPtr c)
{
	if (!c)
		return;
	free(c->source);
	free(c->mask);
	free(c->richSource);
	free(c->alphaSource);
	free(c);
}

/* What libvncserver wants: colours in the screen's pixel format, a 1-bit
 * mask for viewers without alpha, the alpha channel for blending, and a
 * 1-bit source for XCursor viewers so that libvncserver never derives one
 * from a client thread. */
static rfbCursorPtr make_cursor(const struct capture_format *fmt,
				const struct capture_cursor *cur)
{
	size_t bitmap = (size_t)(cur->width + 7) / 8 * cur->height;
	size_t n = (size_t)cur->width * cur->height;
	rfbCursorPtr c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->width = (unsigned short)cur->width;
	c->height = (unsigned short)cur->height;
	c->xhot = (unsigned short)cur->xhot;
	c->yhot = (unsigned short)cur->yhot;
	c->source = calloc(bitmap + 1, 1);
	c->mask = calloc(bitmap + 1, 1);
	c->richSource = calloc(n * (fmt->bits_per_pixel / 8) + 1, 1);
	c->alphaSource = calloc(n + 1, 1);
	if (!c->source || !c->mask || !c->richSource || !c->alphaSource) {
		free_cursor(c);
		return NULL;
	}
	/* XCursor viewers: dark pixels in black, the rest in white. */
	c->backRed = c->backGreen = c->backBlue = 0xffff;
	capture_cursor_convert(fmt, cur, c->richSource, c->alphaSource,
			       c->mask, c->source);
	return c;
}

void desktop_on_cursor_shape(const struct capture_cursor *cur, void *arg)
{
	struct desktop *dt = arg;
	rfbCursorPtr c = make_cursor(capture_format(dt->cap), cur);
	unsigned slot;

	if (!c)
		return;
	rfbSetCursor(dt->screen, c);
	if (dt->cursor) {
		slot = dt->retired_next++ % RETIRED_CURSORS;
		free_cursor(dt->retired[slot]);
		dt->retired[slot] = dt->cursor;
	}
	dt->cursor = c;
	wake_clients(dt, false);
	desktop_kept_release(dt);
}

void desktop_free_cursors(struct desktop *dt)
{
	int i;

	free_cursor(dt->cursor);
	dt->cursor = NULL;
	for (i = 0; i < RETIRED_CURSORS; i++) {
		free_cursor(dt->retired[i]);
		dt->retired[i] = NULL;
	}
}
