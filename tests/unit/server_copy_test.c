/*
 * server_copy_test - a copy's share of each client (desktop_copy.c's
 * desktop_copy_client) leaves the client's regions exactly as
 * libvncserver's own rfbScheduleCopyRegion() does, over long random runs
 * of changes, copies of one motion and of several, sent updates and a
 * moving cursor, with cursor shapes and with the cursor drawn into the
 * pixels; and a client that cannot take copies gets the area plainly.
 * desktop_copy.c does its own only to wake fewer threads: what each
 * viewer is sent must not change.
 */
#include <pthread.h>
#include <stdlib.h>

#include "server/desktop_int.h"
#include "tests/unit/check.h"

enum { W = 640, H = 480, STEPS = 4000 };

struct side {
	rfbScreenInfo screen;
	rfbClientRec cl;
	rfbCursor cursor;
};

static void side_init(struct side *s, bool shapes, bool copyrect)
{
	memset(s, 0, sizeof(*s));
	s->screen.width = W;
	s->screen.height = H;
	s->screen.clientHead = &s->cl;
	s->cursor.width = 18;
	s->cursor.height = 20;
	s->cursor.xhot = 3;
	s->cursor.yhot = 5;
	s->screen.cursor = &s->cursor;
	s->cl.screen = &s->screen;
	s->cl.sock = 0;      /* not closed: the iterator yields it */
	s->cl.useCopyRect = copyrect;
	s->cl.enableCursorShapeUpdates = shapes;
	pthread_mutex_init(&s->cl.updateMutex, NULL);
	pthread_mutex_init(&s->cl.refCountMutex, NULL);
	pthread_cond_init(&s->cl.updateCond, NULL);
	pthread_cond_init(&s->cl.deleteCond, NULL);
	s->cl.modifiedRegion = sraRgnCreate();
	s->cl.copyRegion = sraRgnCreate();
	s->cl.requestedRegion = sraRgnCreate();
}

static void side_free(struct side *s)
{
	sraRgnDestroy(s->cl.modifiedRegion);
	sraRgnDestroy(s->cl.copyRegion);
	sraRgnDestroy(s->cl.requestedRegion);
	pthread_mutex_destroy(&s->cl.updateMutex);
	pthread_mutex_destroy(&s->cl.refCountMutex);
	pthread_cond_destroy(&s->cl.updateCond);
	pthread_cond_destroy(&s->cl.deleteCond);
}

static bool same_region(const sraRegion *a, const sraRegion *b)
{
	sraRegionPtr d = sraRgnCreateRgn(a);
	bool same;

	sraRgnSubtract(d, b);
	same = sraRgnEmpty(d);
	sraRgnDestroy(d);
	if (!same)
		return false;
	d = sraRgnCreateRgn(b);
	sraRgnSubtract(d, a);
	same = sraRgnEmpty(d);
	sraRgnDestroy(d);
	return same;
}

static unsigned seed = 12345;

static int rnd(int n)
{
	seed = seed * 1103515245u + 12345u;
	return (int)((seed >> 8) % (unsigned)n);
}

static sraRegionPtr random_area(void)
{
	sraRegionPtr r = sraRgnCreate();
	int k = 1 + rnd(3);

	while (k--) {
		int x = rnd(W), y = rnd(H);
		sraRegionPtr one = sraRgnCreateRect(x, y, x + 1 + rnd(W - x),
						    y + 1 + rnd(H - y));

		sraRgnOr(r, one);
		sraRgnDestroy(one);
	}
	return r;
}

/* Both sides the same random way; false at the first difference. */
static bool run(bool shapes, bool copyrect)
{
	static const int moves[][2] = {{0, -13}, {0, -13}, {0, 13}, {7, 0},
				       {-20, 4}};
	struct side lib, ours;
	int i;
	bool same = true;

	side_init(&lib, shapes, copyrect);
	side_init(&ours, shapes, copyrect);
	for (i = 0; i < STEPS && same; i++) {
		int op = rnd(10);
		sraRegionPtr r;

		if (op < 3) {                  /* a change */
			r = random_area();
			sraRgnOr(lib.cl.modifiedRegion, r);
			sraRgnOr(ours.cl.modifiedRegion, r);
			sraRgnDestroy(r);
		}
		else if (op < 8) {             /* a copy */
			const int *m = moves[rnd(5)];

			r = random_area();
			rfbScheduleCopyRegion(&lib.screen, r, m[0], m[1]);
			desktop_copy_client(&ours.cl, r, m[0], m[1]);
			sraRgnDestroy(r);
		}
		else if (op < 9) {             /* an update went out */
			sraRgnMakeEmpty(lib.cl.modifiedRegion);
			sraRgnMakeEmpty(lib.cl.copyRegion);
			sraRgnMakeEmpty(ours.cl.modifiedRegion);
			sraRgnMakeEmpty(ours.cl.copyRegion);
		}
		else {                         /* the cursor moved */
			lib.cl.cursorX = ours.cl.cursorX = rnd(W);
			lib.cl.cursorY = ours.cl.cursorY = rnd(H);
		}
		same = same_region(lib.cl.modifiedRegion,
				   ours.cl.modifiedRegion) &&
			same_region(lib.cl.copyRegion, ours.cl.copyRegion) &&
			lib.cl.copyDX == ours.cl.copyDX &&
			lib.cl.copyDY == ours.cl.copyDY;
		if (!same)
			fprintf(stderr, "server_copy: step %d (op %d) "
				"differs\n", i, op);
	}
	/* every step compared */
	CHECK(i == STEPS);
	side_free(&lib);
	side_free(&ours);
	return same;
}

int main(void)
{
	struct side s;
	sraRegionPtr r = sraRgnCreateRect(10, 10, 50, 60);

	CHECK(run(true, true));
	CHECK(run(false, true));
	CHECK(run(true, false));

	/* the regions are the copy's, the motion kept: one copy stands */
	side_init(&s, true, true);
	desktop_copy_client(&s.cl, r, 0, -13);
	CHECK(same_region(s.cl.copyRegion, r));
	CHECK(sraRgnEmpty(s.cl.modifiedRegion));
	CHECK_EQ_INT(s.cl.copyDY, -13);
	/* another motion: the first goes plainly */
	desktop_copy_client(&s.cl, r, 5, 0);
	CHECK(same_region(s.cl.modifiedRegion, r));
	CHECK_EQ_INT(s.cl.copyDX, 5);
	side_free(&s);
	/* no CopyRect: plainly */
	side_init(&s, true, false);
	desktop_copy_client(&s.cl, r, 0, -13);
	CHECK(same_region(s.cl.modifiedRegion, r));
	CHECK(sraRgnEmpty(s.cl.copyRegion));
	side_free(&s);
	sraRgnDestroy(r);
	CHECK_DONE("server_copy");
}
