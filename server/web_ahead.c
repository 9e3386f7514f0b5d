/*
 * web_ahead.c - a browser tab's call asks the far end for the next update
 * ahead of the page (web_session.c carries the rest of the call).
 */
#include <string.h>

#include "server/media.h"
#include "server/web_session_int.h"

/*
 * One update ahead.  noVNC asks for the next update only once it has
 * taken the last one in, and a JPEG it takes in decodes for a while
 * after: with each request going to the far end only then, the far
 * end's encoding and the call's round trip came on top of the decoding,
 * a 30 fps picture reached the page at 26 updates a second, and every
 * late request let libvncserver turn two scroll steps' copies into a
 * whole new JPEG (25 KB an update against view's 14 KB).  So once an
 * update has passed whole, the gateway repeats the page's last
 * incremental request to the far end itself, and holds the answer
 * (at most that one update, in pending) until the page asks: the
 * page's request is then answered at once, from the gateway, and
 * the next one asked ahead again.
 *
 * RFB stays as the page and the far end expect it: at most one request
 * of ours is out at a time, nothing is dropped or reordered, and an
 * update goes to the page only after it asked for one.  Anything other
 * than a plain incremental request for the same area goes to the far
 * end as the page sent it (and lets what is held go, as it answers it);
 * continuous updates, fences, a new pixel format or a stream that cannot
 * be framed turn asking ahead off for the session.
 */
static void release(struct web_session *s)
{
	if (!s->holding)
		return;
	s->holding = false;
	s->page_wants = false;   /* what was held answers it */
	web_session_drain(s);
}

/* A request of ours still waiting for to_call() goes out all the same:
 * the page's own may have been answered by it already. */
void web_ahead_stop(struct web_session *s)
{
	s->ahead = false;
	s->no_ahead = true;
	release(s);
}

void web_ahead_update_begin(struct web_session *s)
{
	s->in_update = true;
	s->in_flight = false;
	if (s->ahead && !s->page_wants)
		s->holding = true;
	else
		s->page_wants = false;
}

void web_ahead_update_end(struct web_session *s)
{
	s->in_update = false;
	if (s->no_ahead || s->desk.continuous || s->filter.frame.continuous) {
		if (!s->no_ahead)
			web_ahead_stop(s);
		return;
	}
	/* not before an update with pixels: libvncserver answers the page's
	 * first request with the desktop's size alone and then, unasked,
	 * with the screen; asking ahead from the first would hold the
	 * screen back (as an answer to us) until the page asked again */
	if (!s->ahead && !s->desk.area && !s->desk.copyrect)
		return;
	s->ahead = true;
	web_ahead_prefetch(s);
}

/* Our request, when nothing is out or held and the page's stream is
 * between two messages (ours must not land inside one of its). */
void web_ahead_prefetch(struct web_session *s)
{
	const struct rfb_frame *f = &s->filter.frame;

	if (!s->ahead || s->holding || s->in_flight || s->inject ||
	    s->in_update || s->held || !s->call || s->phase != WS_RFB ||
	    !f->requests || !rfb_frame_idle(f) || mbuf_get_left(s->inq))
		return;
	s->inject = true;
	media_source_ready(s->call);
}

/* The page's plain incremental request for the area we ask ahead for,
 * alone in its frame and between two of its messages, while ours is out
 * or its answer held: answered from here, not passed on. */
bool web_ahead_answered(struct web_session *s, const uint8_t *p, size_t n)
{
	const struct rfb_frame *f = &s->filter.frame;

	if (!s->ahead || n != 10 || p[0] != 3 || p[1] != 1 ||
	    memcmp(p + 2, f->request + 2, 8) != 0 || s->phase != WS_RFB ||
	    mbuf_get_left(s->inq) || !rfb_frame_idle(f) ||
	    !(s->in_flight || s->holding || s->inject))
		return false;
	s->answered++;
	if (s->holding) {
		release(s);
		if (!s->in_update)
			web_ahead_prefetch(s);
	} else
		s->page_wants = true;
	return true;
}

/* Our request, once prefetch() wanted one, when the page's stream is
 * between two of its messages: the page's last incremental request
 * repeated. */
size_t web_ahead_inject(struct web_session *s, uint8_t *buf)
{
	if (!s->inject || s->phase != WS_RFB || s->held ||
	    !rfb_frame_idle(&s->filter.frame))
		return 0;
	memcpy(buf, s->filter.frame.request, 10);
	buf[1] = 1;   /* incremental */
	s->inject = false;
	s->in_flight = true;
	return 10;
}

/* The page's own request goes out: what is held answers it. */
void web_ahead_page_request(struct web_session *s)
{
	s->requests = s->filter.frame.requests;
	if (s->holding)
		release(s);   /* answers it */
	else
		s->page_wants = true;
	s->in_flight = true;
	s->inject = false;
}
