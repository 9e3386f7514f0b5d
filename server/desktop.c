/*
 * desktop.c - one libvncserver screen fed by the X capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>
#include <sys/select.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/log.h"
#include "server/desktop_int.h"

/* libvncserver's wait between a change and its sending (its default: 5). */
#define DEFER_UPDATE_MS 0

void desktop_set_lost_handler(struct desktop *dt, desktop_lost_h *losth,
			      void *arg)
{
	dt->losth = losth;
	dt->lost_arg = arg;
}

static void on_capture_tmr(void *arg);

/* The pointer is polled and the screen fetched only while a client
 * watches: a desktop nobody views costs the reading of X's events. */
static void track_pointer(struct desktop *dt)
{
	bool watched = !list_isempty(&dt->clients);

	capture_track_pointer(dt->cap, watched);
	capture_hold(dt->cap, !watched);
	tmr_start(&dt->capture_tmr, 0, on_capture_tmr, dt);
}

/* Gathered over one capture pass and handed to libvncserver at once: each
 * mark wakes every client thread, and a thread woken by the first
 * rectangle of a frame would send the frame in pieces. */
static void on_changed(int x, int y, int w, int h, void *arg)
{
	struct desktop *dt = arg;
	sraRegionPtr rect = sraRgnCreateRect(x, y, x + w, y + h);

	sraRgnOr(dt->changed, rect);
	sraRgnDestroy(rect);
}

static void flush_changed(struct desktop *dt)
{
	if (sraRgnEmpty(dt->changed))
		return;
	desktop_mark(dt, dt->changed);
	sraRgnMakeEmpty(dt->changed);
}

/* One capture pass, its copies and changes handed to the clients. */
static int capture_pass(struct desktop *dt)
{
	int err = capture_process(dt->cap, on_changed, dt);

	desktop_copies_flush(dt->copies);
	flush_changed(dt);
	return err;
}

static void capture_now(struct desktop *dt)
{
	int err, ms;

	err = capture_pass(dt);
	/* a pass without changes may still have moved content */
	desktop_kept_release(dt);
	if (err) {
		fd_close(capture_fd(dt->cap));
		tmr_cancel(&dt->capture_tmr);
		if (dt->losth) {
			dt->losth(err, dt->lost_arg);
			return;
		}
		log_err("sipvnc: lost the X display (%m); stopping\n", err);
		re_cancel();
		return;
	}
	/* Events xcb queued while waiting for replies, or the polling
	 * fallback's next pass when the server has no DAMAGE. */
	ms = capture_pending(dt->cap) ? 0 : capture_timeout_ms(dt->cap);
	if (ms >= 0)
		tmr_start(&dt->capture_tmr, (uint64_t)ms, on_capture_tmr, dt);
}

static void on_capture_tmr(void *arg)
{
	capture_now(arg);
}

static void on_x_readable(int flags, void *arg)
{
	(void)flags;
	capture_now(arg);
}

static void on_key(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
	const struct rfb_client_tag *tag = cl->clientData;

	/* libvncserver already drops a view-only client's input; rights are
	 * not left to one check in someone else's code. */
	if (cl->viewOnly || !tag)
		return;
	capture_key(tag->dt->cap, (uint32_t)keysym, down);
}

static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	const struct rfb_client_tag *tag = cl->clientData;

	if (cl->viewOnly || !tag)
		return;
	capture_pointer(tag->dt->cap, x, y, mask);
	rfbDefaultPtrAddEvent(mask, x, y, cl);
}

/* On the client's RFB thread, just before libvncserver frees it. */
static void on_rfb_client_gone(rfbClientPtr cl)
{
	struct rfb_client_tag *tag = cl->clientData;

	desktop_settings_forget(cl);
	if (!tag)
		return;
	/* libvncserver joins a client's thread only at rfbShutdownServer()
	 * and never one that ended by itself: each call would leave its
	 * stack behind (about 60 kB of RSS a call, measured). */
	if (tag->own_thread)
		pthread_detach(pthread_self());
	mqueue_push(tag->dt->gone_mq, tag->id, NULL);
	/* Freed while clientData still points to it: a leak check that runs
	 * while this thread works (libFuzzer's, after every input) may miss
	 * a pointer held only in a register or below the stack pointer
	 * (google/sanitizers#757) and report the tag as leaked. */
	free(tag);
	cl->clientData = NULL;
}

static struct desktop_client *client_find(const struct desktop *dt, int id)
{
	struct le *le;

	for (le = dt->clients.head; le; le = le->next) {
		struct desktop_client *dc = le->data;
		if (dc->id == id)
			return dc;
	}
	return NULL;
}

static void on_gone_notice(int id, void *data, void *arg)
{
	struct desktop *dt = arg;
	struct desktop_client *dc = client_find(dt, id);

	(void)data;
	if (!dc || dc->gone)
		return;
	dc->gone = true;
	list_unlink(&dc->le);
	desktop_fds_refill(dt->fds);
	track_pointer(dt);
	/* Keys the viewer held down must not stay pressed on the desktop. */
	if (list_isempty(&dt->clients))
		capture_release_all(dt->cap);
	if (dc->goneh)
		dc->goneh(dc->arg);
}

/* libvncserver 0.9.14 can lose the wakeup that ends a client: its
 * output thread checks the socket, the input thread closes it and
 * signals before the output thread waits, and both then wait until
 * something signals that client again, which nothing does for a closed
 * one (rfbMarkRectAsModified skips closed clients).  The client would
 * hold its two threads, its descriptors and its call's slot.  So while
 * any client exists, every client's output thread is woken twice a
 * second: a live one finds nothing new and waits again, a closed one
 * ends.  The iterator that also yields closed clients is exported but
 * not declared in rfb.h; it holds a reference on each client it yields,
 * so none is freed under us. */
rfbClientIteratorPtr rfbGetClientIteratorWithClosed(rfbScreenInfoPtr screen);

static unsigned wake_clients(struct desktop *dt)
{
	rfbClientIteratorPtr it = rfbGetClientIteratorWithClosed(dt->screen);
	rfbClientPtr cl;
	unsigned n = 0;

	if (!it)
		return 0;
	while ((cl = rfbClientIteratorNext(it)) != NULL) {
		pthread_mutex_lock(&cl->updateMutex);
		pthread_cond_signal(&cl->updateCond);
		pthread_mutex_unlock(&cl->updateMutex);
		n++;
	}
	rfbReleaseClientIterator(it);
	return n;
}

enum { WAKE_MS = 500 };

static void on_wake_tmr(void *arg)
{
	struct desktop *dt = arg;

	/* and whatever made an update pending without telling us (another
	 * viewer's pointer, in libvncserver's own threads) */
	desktop_kept_release(dt);
	if (wake_clients(dt) || !list_isempty(&dt->clients))
		tmr_start(&dt->wake_tmr, WAKE_MS, on_wake_tmr, dt);
}

static void client_destructor(void *data)
{
	struct desktop_client *dc = data;

	list_unlink(&dc->le);
	desktop_client_keep_forget(dc);
	track_pointer(dc->dt);
	if (dc->rfb_fd >= 0) {
		shutdown(dc->rfb_fd, SHUT_RDWR);
		close(dc->rfb_fd);
	}
	if (list_isempty(&dc->dt->clients))
		capture_release_all(dc->dt->cap);
}

/* rfbNewClient() waits about 100 ms for a WebSocket handshake that never
 * comes on our socket pair; on the event loop that would stall SIP and
 * every other call.  It is made to be called from libvncserver's own
 * listener thread, so a short-lived thread of ours calls it instead, and
 * the greeting reaches the bridge whenever it is written. */
struct rfb_starter {
	struct desktop *dt;
	int fd;
	struct rfb_client_tag *tag;
	bool view_only;
};

static void *rfb_starter_run(void *arg)
{
	struct rfb_starter *st = arg;
	struct desktop *dt = st->dt;
	rfbClientPtr cl = rfbNewClient(dt->screen, st->fd);

	if (!cl) {
		/* The event loop hears of it as of any client gone. */
		mqueue_push(dt->gone_mq, st->tag->id, NULL);
		free(st->tag);
	}
	else {
		/* before anything can encode for it */
		(void)desktop_zlib_prepare(cl);
		/* published: the event loop finds clients by their tag
		 * (desktop_client_sync) */
		__atomic_store_n(&cl->clientData, st->tag, __ATOMIC_RELEASE);
		cl->clientGoneHook = on_rfb_client_gone;
		cl->viewOnly = st->view_only ? TRUE : FALSE;
		st->tag->own_thread = true;
		if (!desktop_fds_start_client(dt->fds, cl)) {
			st->tag->own_thread = false;
			/* No thread: gone at once, the hook tells the loop. */
			rfbCloseClient(cl);
			rfbClientConnectionGone(cl);
		}
	}
	free(st);
	__atomic_sub_fetch(&dt->starting, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int start_rfb_client(struct desktop *dt, int fd,
			    struct rfb_client_tag *tag, bool view_only)
{
	struct rfb_starter *st = calloc(1, sizeof(*st));
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (!st)
		return ENOMEM;
	st->dt = dt;
	st->fd = fd;
	st->tag = tag;
	st->view_only = view_only;
	__atomic_add_fetch(&dt->starting, 1, __ATOMIC_ACQUIRE);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&thread, &attr, rfb_starter_run, st);
	pthread_attr_destroy(&attr);
	if (err) {
		__atomic_sub_fetch(&dt->starting, 1, __ATOMIC_RELEASE);
		free(st);
	}
	return err;
}

int desktop_attach(struct desktop_client **dcp, struct desktop *dt,
		   bool control, desktop_client_gone_h *goneh, void *arg,
		   int *viewer_fd)
{
	struct desktop_client *dc;
	struct rfb_client_tag *tag;
	int sv[2], err;

	if (!dcp || !dt || !viewer_fd)
		return EINVAL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return errno;
	/* libvncserver watches client sockets with select(). */
	sv[0] = desktop_fds_take(dt->fds, sv[0]);
	if (sv[0] < 0) {
		log_warn("sipvnc: no descriptor below %d left for a "
			 "viewer\n", FD_SETSIZE);
		close(sv[1]);
		return EMFILE;
	}

	dc = mem_zalloc(sizeof(*dc), client_destructor);
	tag = calloc(1, sizeof(*tag));
	if (!dc || !tag) {
		mem_deref(dc);
		free(tag);
		close(sv[0]);
		close(sv[1]);
		return ENOMEM;
	}
	dc->dt = dt;
	dc->id = ++dt->next_id;
	dc->goneh = goneh;
	dc->arg = arg;
	/* Ours never meets select(): kept out of the low range. */
	dc->rfb_fd = fcntl(sv[0], F_DUPFD_CLOEXEC, FD_SETSIZE);
	if (dc->rfb_fd < 0)
		dc->rfb_fd = fcntl(sv[0], F_DUPFD_CLOEXEC, 0);
	tag->dt = dt;
	tag->id = dc->id;

	/* The first client after none: what changed meanwhile is fetched
	 * before its thread starts, so its first frame is today's.  A lost
	 * display is left to the pass on the timer, which reports it. */
	if (list_isempty(&dt->clients)) {
		capture_hold(dt->cap, false);
		(void)capture_pass(dt);
	}
	err = start_rfb_client(dt, sv[0], tag, !control);
	if (err) {
		capture_hold(dt->cap, list_isempty(&dt->clients));
		free(tag);
		close(sv[0]);
		close(sv[1]);
		mem_deref(dc);
		return err;
	}
	list_append(&dt->clients, &dc->le, dc);
	track_pointer(dt);
	if (!tmr_isrunning(&dt->wake_tmr))
		tmr_start(&dt->wake_tmr, WAKE_MS, on_wake_tmr, dt);

	*viewer_fd = sv[1];
	*dcp = dc;
	return 0;
}

/* SIPVNC_DEFER_MS overrides the default, for measuring. */
static int defer_update_ms(void)
{
	const char *v = getenv("SIPVNC_DEFER_MS");
	int ms = v ? atoi(v) : DEFER_UPDATE_MS;

	return ms >= 0 && ms <= 1000 ? ms : DEFER_UPDATE_MS;
}

static void silent_log(const char *format, ...)
{
	(void)format;
}

/* rfbShutdownServer() walks the client list and joins each client's
 * thread, while a thread that saw its socket close is freeing its client:
 * end every client first and let their threads finish on their own. */
static void wait_for_clients_gone(struct desktop *dt)
{
	struct le *le;
	int waited_ms = 0;

	for (le = dt->clients.head; le; le = le->next) {
		struct desktop_client *dc = le->data;

		if (dc->rfb_fd >= 0)
			shutdown(dc->rfb_fd, SHUT_RDWR);
	}
	while ((__atomic_load_n(&dt->starting, __ATOMIC_ACQUIRE) ||
		__atomic_load_n(&dt->screen->clientHead, __ATOMIC_ACQUIRE)) &&
	       waited_ms < 3000) {
		/* a starter may wait for its descriptors */
		desktop_fds_serve(dt->fds);
		if (waited_ms % 100 == 0)
			(void)wake_clients(dt);
		usleep(10 * 1000);
		waited_ms += 10;
	}
}

static void desktop_destructor(void *data)
{
	struct desktop *dt = data;

	tmr_cancel(&dt->capture_tmr);
	tmr_cancel(&dt->resize_tmr);
	tmr_cancel(&dt->wake_tmr);
	dt->copies = mem_deref(dt->copies);
	if (dt->screen) {
		wait_for_clients_gone(dt);
		desktop_clipboard_close(dt);
		/* With every client gone there is nothing to join but the
		 * listener thread we never started: libvncserver would join
		 * thread id 0 (ThreadSanitizer stops there). */
		if (!__atomic_load_n(&dt->screen->clientHead, __ATOMIC_ACQUIRE))
			dt->screen->backgroundLoop = FALSE;
		rfbShutdownServer(dt->screen, TRUE);
		/* Our cursors are ours to free: rfbScreenCleanup() would
		 * clear their pointers without freeing them. */
		dt->screen->cursor = NULL;
		rfbScreenCleanup(dt->screen);
	}
	desktop_free_cursors(dt);
	if (dt->cap) {
		fd_close(capture_fd(dt->cap));
		capture_close(dt->cap);
	}
	mem_deref(dt->gone_mq);
	mem_deref(dt->fds);
	if (dt->changed)
		sraRgnDestroy(dt->changed);
}

/* The X pixel layout as it is: libvncserver translates per viewer, we never
 * convert when capturing. */
void desktop_set_pixel_format(rfbScreenInfoPtr screen,
			      const struct capture_format *fmt)
{
	rfbPixelFormat *pf = &screen->serverFormat;

	pf->bitsPerPixel = (uint8_t)fmt->bits_per_pixel;
	pf->depth = (uint8_t)fmt->depth;
	pf->bigEndian = fmt->big_endian;
	pf->trueColour = TRUE;
	pf->redShift = (uint8_t)fmt->red_shift;
	pf->greenShift = (uint8_t)fmt->green_shift;
	pf->blueShift = (uint8_t)fmt->blue_shift;
	pf->redMax = (uint16_t)(fmt->red_mask >> pf->redShift);
	pf->greenMax = (uint16_t)(fmt->green_mask >> pf->greenShift);
	pf->blueMax = (uint16_t)(fmt->blue_mask >> pf->blueShift);
}

/* libvncserver runs each client on two threads of its own, and glibc
 * gives them per-thread arenas.  A client's Tight and zlib state (deflate
 * windows of 64-128 kB, a 260 kB encode buffer) is freed when it goes,
 * into the top of its arena, and glibc shrinks an arena's top only beyond
 * M_TRIM_THRESHOLD, which it raises to twice the largest mmap()ed chunk
 * freed so far (malloc_stats: 2 MB ones here, so 4 MB): an arena with
 * 2.5 kB in use kept 0.5-0.8 MB resident once a client had used it, and
 * malloc_trim() leaves arena tops alone.  Fixed thresholds end the
 * ratchet: chunks of 128 kB or more are mmap()ed (once per client, not per
 * update), and a free top beyond 256 kB goes back at once.  500 calls in
 * a row with the tcache flush of media.c: RSS +0.94 MB without this, +0.6
 * MB with it; the arenas stay at their size after warm-up. */
static void desktop_malloc_tune(void)
{
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 256 * 1024);
}

int desktop_open(struct desktop **dtp, const char *display,
		 const struct capture_area *area,
		 const struct capture_settings *cs)
{
	const struct capture_format *fmt;
	struct desktop *dt;
	int argc = 1;
	char *argv[] = {(char *)"sipvnc", NULL};
	int err;

	if (!dtp)
		return EINVAL;
	dt = mem_zalloc(sizeof(*dt), desktop_destructor);
	if (!dt)
		return ENOMEM;
	desktop_malloc_tune();

	err = mqueue_alloc(&dt->gone_mq, on_gone_notice, dt);
	if (!err)
		err = desktop_fds_alloc(&dt->fds);
	if (err)
		goto out;
	dt->changed = sraRgnCreate();
	if (!dt->changed) {
		err = ENOMEM;
		goto out;
	}
	err = capture_open_area(&dt->cap, display, area, cs);
	if (err)
		goto out;
	fmt = capture_format(dt->cap);

	if (!getenv("SIPVNC_RFB_LOG")) {
		rfbLog = silent_log;
		rfbErr = silent_log;
	}
	dt->screen = rfbGetScreen(&argc, argv, fmt->width, fmt->height, 8, 3,
				  fmt->bits_per_pixel / 8);
	if (!dt->screen) {
		err = ENOMEM;
		goto out;
	}
	dt->screen->desktopName = "sipvnc";
	dt->screen->frameBuffer = (char *)capture_framebuffer(dt->cap);
	dt->screen->paddedWidthInBytes = fmt->stride;
	desktop_set_pixel_format(dt->screen, fmt);
	dt->screen->port = 0;          /* no TCP listener: calls bring clients */
	dt->screen->ipv6port = 0;
	dt->screen->httpPort = 0;
	dt->screen->alwaysShared = TRUE;
	/* One capture pass is one frame and is marked at once, so there is
	 * nothing to wait for (see tests/bench/run.sh). */
	dt->screen->deferUpdateTime = defer_update_ms();
	dt->screen->kbdAddEvent = on_key;
	dt->screen->ptrAddEvent = on_pointer;
	dt->screen->screenData = dt;
	desktop_settings_register();
	rfbInitServer(dt->screen);
	capture_watch_cursor(dt->cap, desktop_on_cursor_shape,
			     desktop_on_pointer_moved, dt);
	capture_watch_resize(dt->cap, desktop_on_resized, dt);
	err = desktop_copies_alloc(&dt->copies, dt);
	if (err)
		goto out;
	capture_watch_copies(dt->cap, desktop_on_copied, dt);
	err = desktop_clipboard_open(dt);
	if (err)
		goto out;
	/* Client threads without libvncserver's listener thread. */
	dt->screen->backgroundLoop = TRUE;

	err = capture_refresh(dt->cap, on_changed, dt);
	desktop_copies_flush(dt->copies);
	flush_changed(dt);
	if (err)
		goto out;
	err = fd_listen(capture_fd(dt->cap), FD_READ, on_x_readable, dt);
	if (!err) {
		capture_hold(dt->cap, true);   /* no client yet */
		capture_now(dt);
	}

 out:
	if (err)
		mem_deref(dt);
	else
		*dtp = dt;
	return err;
}

void desktop_size(const struct desktop *dt, int *width, int *height)
{
	const struct capture_format *fmt = capture_format(dt->cap);

	*width = fmt->width;
	*height = fmt->height;
}

static rfbClientPtr client_of(struct desktop_client *dc,
			      rfbClientIteratorPtr it)
{
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it)) != NULL) {
		/* the iterator's reference keeps the tag (freed by the gone
		 * hook, which waits for it) */
		const struct rfb_client_tag *tag =
			__atomic_load_n(&cl->clientData, __ATOMIC_ACQUIRE);

		if (tag && tag->id == dc->id)
			return cl;
	}
	return NULL;
}

static void put_pf(uint8_t *p, const rfbPixelFormat *f)
{
	p[0] = f->bitsPerPixel;
	p[1] = f->depth;
	p[2] = f->bigEndian ? 1 : 0;
	p[3] = f->trueColour ? 1 : 0;
	p[4] = (uint8_t)(f->redMax >> 8);
	p[5] = (uint8_t)f->redMax;
	p[6] = (uint8_t)(f->greenMax >> 8);
	p[7] = (uint8_t)f->greenMax;
	p[8] = (uint8_t)(f->blueMax >> 8);
	p[9] = (uint8_t)f->blueMax;
	p[10] = f->redShift;
	p[11] = f->greenShift;
	p[12] = f->blueShift;
	p[13] = p[14] = p[15] = 0;
}

/* The client's format is the one a viewer asked for, as put_pf() says
 * it (the flags as 0/1, no padding). */
static bool pf_applied(const rfbPixelFormat *f, const uint8_t *want)
{
	uint8_t have[16], w[16];

	put_pf(have, f);
	memcpy(w, want, sizeof(w));
	w[2] = w[2] ? 1 : 0;
	w[3] = w[3] ? 1 : 0;
	w[13] = w[14] = w[15] = 0;
	return memcmp(have, w, sizeof(w)) == 0;
}

int desktop_client_sync(struct desktop_client *dc, bool restart, int fd,
			uint64_t read_pos, const uint8_t *want_pf,
			struct desktop_sync *out)
{
	rfbClientIteratorPtr it;
	rfbClientPtr cl;
	int pending = 0, err = 0;

	if (!dc || dc->gone)
		return ENOENT;
	it = rfbGetClientIterator(dc->dt->screen);
	if (!it)
		return ENOMEM;
	cl = client_of(dc, it);
	/* never wait here: the thread holding it may be blocked writing
	 * to the socket this event loop reads */
	if (!cl || pthread_mutex_trylock(&cl->sendMutex) != 0) {
		rfbReleaseClientIterator(it);
		return EAGAIN;
	}
	/* its input thread applies a new format under this lock, so it
	 * cannot change between this test and the unlock below */
	if (want_pf && !pf_applied(&cl->format, want_pf)) {
		pthread_mutex_unlock(&cl->sendMutex);
		rfbReleaseClientIterator(it);
		return EINPROGRESS;
	}
	/* its Tight streams afresh: the framer tells the viewer's
	 * decoder with Tight's reset bits */
	if (restart)
		(void)desktop_zlib_prepare(cl);
	pthread_mutex_lock(&cl->updateMutex);
	if (restart) {
		/* what a whole-frame request does, without the
		 * ExtendedDesktopSize marker that would come first */
		sraRegionPtr all = sraRgnCreateRect(0, 0, cl->screen->width,
						    cl->screen->height);

		sraRgnOr(cl->requestedRegion, all);
		sraRgnOr(cl->modifiedRegion, all);
		sraRgnSubtract(cl->copyRegion, all);
		sraRgnDestroy(all);
		cl->cursorWasChanged = TRUE;
		desktop_client_kept_answered(dc);
	}
	else {
		/* the viewer's requests go to its group now */
		sraRgnMakeEmpty(cl->requestedRegion);
	}
	pthread_cond_signal(&cl->updateCond);
	pthread_mutex_unlock(&cl->updateMutex);
	/* everything it wrote is in the socket: the next message starts
	 * after what waits there */
	if (ioctl(fd, FIONREAD, &pending) < 0)
		err = errno;
	out->offset = read_pos + (uint64_t)(pending > 0 ? pending : 0);
	put_pf(out->pf, &cl->format);
	out->width = (uint32_t)cl->screen->width;
	out->height = (uint32_t)cl->screen->height;
	pthread_mutex_unlock(&cl->sendMutex);
	rfbReleaseClientIterator(it);
	return err;
}
