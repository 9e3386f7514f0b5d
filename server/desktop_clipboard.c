/*
 * desktop_clipboard.c - the X clipboard and the viewers' cut text.
 *
 * Only viewers the policy allows (by default those with control rights)
 * send or receive it.  Text from X goes to viewers as classic RFB cut text,
 * Latin-1 (characters beyond it become '?'); text from viewers arrives as
 * Latin-1, or UTF-8 from viewers using the extended clipboard.  Writing to
 * a viewer may block, so a thread of its own does it, never the event
 * loop, and it keeps only the newest text when viewers are slow.
 * Contents are never logged, lengths only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/desktop_int.h"
#include "server/desktop_clipboard.h"

enum clipboard_policy {
	CLIPBOARD_CONTROL,
	CLIPBOARD_ALL,
	CLIPBOARD_OFF,
};

struct desktop_clipboard {
	rfbScreenInfoPtr screen;
	struct capture *cap;
	int policy;                 /* read by client threads: atomics */

	pthread_t sender;
	bool sender_running;
	pthread_mutex_t lock;       /* guards what follows */
	pthread_cond_t cond;
	char *outgoing;             /* Latin-1, for the viewers */
	size_t outgoing_len;
	bool stop;
};

static bool viewer_allowed(const struct desktop_clipboard *dcb,
			   rfbClientPtr cl)
{
	int policy = __atomic_load_n(&dcb->policy, __ATOMIC_ACQUIRE);

	/* No tag yet: the client's rights are not set yet either. */
	if (!cl->clientData || policy == CLIPBOARD_OFF)
		return false;
	return policy == CLIPBOARD_ALL || !cl->viewOnly;
}

static struct desktop_clipboard *clipboard_of(rfbClientPtr cl)
{
	const struct desktop *dt = cl->screen->screenData;

	return dt ? dt->clipboard : NULL;
}

/* Client thread: classic cut text is Latin-1. */
static void on_cut_text(char *str, int len, rfbClientPtr cl)
{
	struct desktop_clipboard *dcb = clipboard_of(cl);
	size_t n = len > 0 ? (size_t)len : 0;
	char *utf8;

	if (!dcb || !str || !viewer_allowed(dcb, cl))
		return;
	if (n > CAPTURE_CLIPBOARD_MAX)
		n = CAPTURE_CLIPBOARD_MAX;
	utf8 = malloc(2 * n + 1);
	if (!utf8)
		return;
	n = capture_latin1_to_utf8(str, n, utf8, 2 * n);
	if (!capture_set_clipboard(dcb->cap, utf8, n))
		fprintf(stderr, "sipvnc: clipboard: %zu bytes from a viewer\n",
			n);
	free(utf8);
}

/* Client thread: a viewer speaking the extended clipboard sends UTF-8. */
static void on_cut_text_utf8(char *str, int len, rfbClientPtr cl)
{
	struct desktop_clipboard *dcb = clipboard_of(cl);
	size_t n;

	if (!dcb || !str || len <= 0 || !viewer_allowed(dcb, cl))
		return;
	n = capture_utf8_valid_prefix(str, (size_t)len, CAPTURE_CLIPBOARD_MAX);
	if (!capture_set_clipboard(dcb->cap, str, n))
		fprintf(stderr, "sipvnc: clipboard: %zu bytes (UTF-8) from a "
			"viewer\n", n);
}

static bool send_cut_text(rfbClientPtr cl, const char *text, size_t len)
{
	rfbServerCutTextMsg msg;
	bool ok;

	memset(&msg, 0, sizeof(msg));
	msg.type = rfbServerCutText;
	msg.length = Swap32IfLE((uint32_t)len);
	pthread_mutex_lock(&cl->sendMutex);
	ok = rfbWriteExact(cl, (const char *)&msg, sz_rfbServerCutTextMsg) > 0
		&& (!len || rfbWriteExact(cl, text, (int)len) > 0);
	pthread_mutex_unlock(&cl->sendMutex);
	return ok;
}

static void send_to_viewers(struct desktop_clipboard *dcb, const char *text,
			    size_t len)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(dcb->screen);
	rfbClientPtr cl;
	int sent = 0;

	while ((cl = rfbClientIteratorNext(it))) {
		/* Before RFB_NORMAL the handshake is still running. */
		if (cl->state != RFB_NORMAL || !viewer_allowed(dcb, cl))
			continue;
		if (send_cut_text(cl, text, len))
			sent++;
		else
			rfbCloseClient(cl);   /* half a message: unusable */
	}
	rfbReleaseClientIterator(it);
	if (sent)
		fprintf(stderr, "sipvnc: clipboard: %zu bytes to %d "
			"viewer(s)\n", len, sent);
}

static void *sender_run(void *arg)
{
	struct desktop_clipboard *dcb = arg;

	pthread_mutex_lock(&dcb->lock);
	while (!dcb->stop) {
		char *text = dcb->outgoing;
		size_t len = dcb->outgoing_len;

		if (!text) {
			pthread_cond_wait(&dcb->cond, &dcb->lock);
			continue;
		}
		dcb->outgoing = NULL;
		pthread_mutex_unlock(&dcb->lock);
		send_to_viewers(dcb, text, len);
		free(text);
		pthread_mutex_lock(&dcb->lock);
	}
	pthread_mutex_unlock(&dcb->lock);
	return NULL;
}

/* Event loop: another X client copied text. */
static void on_x_clipboard(const char *utf8, size_t len, void *arg)
{
	struct desktop_clipboard *dcb = arg;
	char *latin1;
	long n;

	if (__atomic_load_n(&dcb->policy, __ATOMIC_ACQUIRE) == CLIPBOARD_OFF)
		return;
	latin1 = malloc(len + 1);
	if (!latin1)
		return;
	n = capture_utf8_to_latin1(utf8, len, latin1, '?');
	if (n < 0) {
		free(latin1);
		return;
	}
	pthread_mutex_lock(&dcb->lock);
	free(dcb->outgoing);
	dcb->outgoing = latin1;
	dcb->outgoing_len = (size_t)n;
	pthread_cond_signal(&dcb->cond);
	pthread_mutex_unlock(&dcb->lock);
}

int desktop_set_clipboard_policy(struct desktop *dt, const char *policy)
{
	int p;

	if (!dt || !dt->clipboard || !policy)
		return EINVAL;
	if (!strcmp(policy, "control"))
		p = CLIPBOARD_CONTROL;
	else if (!strcmp(policy, "all"))
		p = CLIPBOARD_ALL;
	else if (!strcmp(policy, "off"))
		p = CLIPBOARD_OFF;
	else
		return EINVAL;
	__atomic_store_n(&dt->clipboard->policy, p, __ATOMIC_RELEASE);
	return 0;
}

int desktop_clipboard_open(struct desktop *dt)
{
	struct desktop_clipboard *dcb = calloc(1, sizeof(*dcb));
	int err;

	if (!dcb)
		return ENOMEM;
	dcb->screen = dt->screen;
	dcb->cap = dt->cap;
	dcb->policy = CLIPBOARD_CONTROL;
	pthread_mutex_init(&dcb->lock, NULL);
	pthread_cond_init(&dcb->cond, NULL);
	err = pthread_create(&dcb->sender, NULL, sender_run, dcb);
	if (err) {
		pthread_cond_destroy(&dcb->cond);
		pthread_mutex_destroy(&dcb->lock);
		free(dcb);
		return err;
	}
	dcb->sender_running = true;
	dt->clipboard = dcb;
	dt->screen->setXCutText = on_cut_text;
	dt->screen->setXCutTextUTF8 = on_cut_text_utf8;
	capture_watch_clipboard(dt->cap, on_x_clipboard, dcb);
	return 0;
}

/* After the clients' sockets are shut down, so that no write blocks. */
void desktop_clipboard_close(struct desktop *dt)
{
	struct desktop_clipboard *dcb = dt->clipboard;

	if (!dcb)
		return;
	/* The screen keeps our hooks: libvncserver calls them without
	 * checking, and they find no clipboard from now on. */
	capture_watch_clipboard(dt->cap, NULL, NULL);
	pthread_mutex_lock(&dcb->lock);
	dcb->stop = true;
	pthread_cond_signal(&dcb->cond);
	pthread_mutex_unlock(&dcb->lock);
	if (dcb->sender_running)
		pthread_join(dcb->sender, NULL);
	dt->clipboard = NULL;
	free(dcb->outgoing);
	pthread_cond_destroy(&dcb->cond);
	pthread_mutex_destroy(&dcb->lock);
	free(dcb);
}
