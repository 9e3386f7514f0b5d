/*
 * desktop_clipboard.c - the X clipboard and the viewers' cut text.
 *
 * Only viewers the policy allows (by default those with control rights)
 * send or receive it.  Text from X goes as UTF-8 to viewers that speak the
 * RFB Extended Clipboard (libvncserver enables it and sends the server's
 * Caps itself), and as classic RFB cut text, Latin-1 (characters beyond it
 * become '?'), to the others; text from viewers arrives as Latin-1, or as
 * UTF-8 from extended-clipboard viewers.  Writing to a viewer may block, so
 * a thread of its own does it, never the event loop, and it keeps only the
 * newest text when viewers are slow.  Contents are never logged, lengths
 * only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/desktop_int.h"
#include "server/desktop_clipboard.h"
#include "server/log.h"

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
	char *outgoing;             /* UTF-8, for the viewers */
	size_t outgoing_len;
	bool stop;

	/* Sender thread only: viewers' former cl->extClipboardData, see
	 * set_ext_data(). */
	char **retired;
	size_t n_retired, retired_cap;
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
		log_info("sipvnc: clipboard: %zu bytes from a viewer\n", n);
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
		log_info("sipvnc: clipboard: %zu bytes (UTF-8) from a "
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

/* A zlib stream of stored (uncompressed) deflate blocks: every inflater
 * reads it, and sipvnc needs no zlib of its own for it.  out must hold
 * zlib_stored_size(len) bytes. */
#define ZLIB_STORED_BLOCK 65535u

static size_t zlib_stored_size(size_t len)
{
	size_t blocks = len / ZLIB_STORED_BLOCK + 1;

	return 2 + blocks * 5 + len + 4;
}

static size_t zlib_stored(const unsigned char *in, size_t len,
			  unsigned char *out)
{
	uint32_t a = 1, b = 0;
	size_t i, o = 0, done = 0;

	out[o++] = 0x78;            /* deflate, 32 KiB window */
	out[o++] = 0x01;            /* no dictionary, check bits */
	do {
		size_t n = len - done;

		if (n > ZLIB_STORED_BLOCK)
			n = ZLIB_STORED_BLOCK;
		out[o++] = done + n == len ? 1 : 0;   /* BFINAL, stored */
		out[o++] = (unsigned char)(n & 0xff);
		out[o++] = (unsigned char)(n >> 8);
		out[o++] = (unsigned char)(~n & 0xff);
		out[o++] = (unsigned char)((~n >> 8) & 0xff);
		memcpy(out + o, in + done, n);
		o += n;
		done += n;
	} while (done < len);
	for (i = 0; i < len; i++) {   /* Adler-32 */
		a = (a + in[i]) % 65521;
		b = (b + a) % 65521;
	}
	out[o++] = (unsigned char)(b >> 8);
	out[o++] = (unsigned char)b;
	out[o++] = (unsigned char)(a >> 8);
	out[o++] = (unsigned char)a;
	return o;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ServerCutText, extended: a negative length, the flags, then for Provide
 * the zlib stream of (u32 size, UTF-8 text with its NUL). */
struct ext_messages {
	unsigned char *provide;
	size_t provide_len;
	unsigned char notify[12];
};

static bool ext_messages_build(struct ext_messages *m, const char *utf8,
			       size_t len)
{
	size_t plain_len = 4 + len + 1;
	unsigned char *plain = malloc(plain_len);
	size_t zlen;

	m->provide = malloc(12 + zlib_stored_size(plain_len));
	if (!plain || !m->provide) {
		free(plain);
		free(m->provide);
		m->provide = NULL;
		return false;
	}
	put_u32(plain, (uint32_t)(len + 1));
	memcpy(plain + 4, utf8, len);
	plain[4 + len] = 0;
	zlen = zlib_stored(plain, plain_len, m->provide + 12);
	free(plain);
	memset(m->provide, 0, 4);
	m->provide[0] = rfbServerCutText;
	put_u32(m->provide + 4, (uint32_t)-(int32_t)(4 + zlen));
	put_u32(m->provide + 8, rfbExtendedClipboard_Provide |
		rfbExtendedClipboard_Text);
	m->provide_len = 12 + zlen;

	memset(m->notify, 0, sizeof(m->notify));
	m->notify[0] = rfbServerCutText;
	put_u32(m->notify + 4, (uint32_t)-4);
	put_u32(m->notify + 8, rfbExtendedClipboard_Notify |
		rfbExtendedClipboard_Text);
	return true;
}

/* libvncserver answers the viewer's Request (after our Notify) from
 * cl->extClipboardData, by itself and whatever the viewer's rights: only
 * allowed viewers get it there (NULL clears it).  Under cl->sendMutex, as
 * libvncserver's own rfbSendServerCutTextUTF8 does; but its client thread
 * reads the buffer without that lock, so the former one is freed only at
 * the next change (retire_flush), long after any answer copied it. */
static bool set_ext_data(struct desktop_clipboard *dcb, rfbClientPtr cl,
			 const char *utf8, size_t len)
{
	char *copy = NULL;

	if (cl->extClipboardData && dcb->n_retired == dcb->retired_cap) {
		size_t cap = dcb->retired_cap ? 2 * dcb->retired_cap : 8;
		char **r = realloc(dcb->retired, cap * sizeof(*r));

		if (!r)
			return false;
		dcb->retired = r;
		dcb->retired_cap = cap;
	}
	if (utf8) {
		copy = malloc(len + 1);
		if (!copy)
			return false;
		memcpy(copy, utf8, len);
		copy[len] = 0;
	}
	if (cl->extClipboardData)
		dcb->retired[dcb->n_retired++] = cl->extClipboardData;
	cl->extClipboardData = copy;
	cl->extClipboardDataSize = copy ? (int)len + 1 : 0;
	return true;
}

static void retire_flush(struct desktop_clipboard *dcb)
{
	while (dcb->n_retired)
		free(dcb->retired[--dcb->n_retired]);
}

/* Unsolicited Provide if the viewer's Caps accept it at this size, else a
 * Notify it answers with a Request. */
static bool send_extended(struct desktop_clipboard *dcb, rfbClientPtr cl,
			  const struct ext_messages *m, const char *utf8,
			  size_t len)
{
	uint32_t caps;
	bool ok;

	pthread_mutex_lock(&cl->sendMutex);
	caps = cl->extClipboardUserCap;
	ok = set_ext_data(dcb, cl, utf8, len);
	if (ok && (caps & rfbExtendedClipboard_Provide) &&
	    len + 1 <= cl->extClipboardMaxUnsolicitedSize)
		ok = rfbWriteExact(cl, (const char *)m->provide,
				   (int)m->provide_len) > 0;
	else if (ok && (caps & rfbExtendedClipboard_Notify))
		ok = rfbWriteExact(cl, (const char *)m->notify,
				   (int)sizeof(m->notify)) > 0;
	pthread_mutex_unlock(&cl->sendMutex);
	return ok;
}

static void send_to_viewers(struct desktop_clipboard *dcb, const char *utf8,
			    size_t len)
{
	rfbClientIteratorPtr it;
	rfbClientPtr cl;
	struct ext_messages ext;
	char *latin1 = malloc(len + 1);
	long latin1_len = latin1 ? capture_utf8_to_latin1(utf8, len, latin1,
							  '?') : -1;
	int sent = 0, sent_utf8 = 0;

	retire_flush(dcb);
	if (latin1_len < 0 || !ext_messages_build(&ext, utf8, len)) {
		free(latin1);
		return;
	}
	it = rfbGetClientIterator(dcb->screen);
	while ((cl = rfbClientIteratorNext(it))) {
		bool ok = true;

		/* Before RFB_NORMAL the handshake is still running. */
		if (cl->state != RFB_NORMAL)
			continue;
		if (!viewer_allowed(dcb, cl)) {
			if (cl->enableExtendedClipboard) {
				pthread_mutex_lock(&cl->sendMutex);
				set_ext_data(dcb, cl, NULL, 0);
				pthread_mutex_unlock(&cl->sendMutex);
			}
			continue;
		}
		if (cl->enableExtendedClipboard) {
			ok = send_extended(dcb, cl, &ext, utf8, len);
			sent_utf8 += ok;
		} else {
			ok = send_cut_text(cl, latin1, (size_t)latin1_len);
		}
		if (ok)
			sent++;
		else
			rfbCloseClient(cl);   /* half a message: unusable */
	}
	rfbReleaseClientIterator(it);
	free(ext.provide);
	free(latin1);
	if (sent)
		log_info("sipvnc: clipboard: %zu bytes to %d viewer(s), %d in "
			 "UTF-8\n", len, sent, sent_utf8);
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

/* Event loop: another X client copied text (valid UTF-8, no NUL). */
static void on_x_clipboard(const char *utf8, size_t len, void *arg)
{
	struct desktop_clipboard *dcb = arg;
	char *copy;

	if (__atomic_load_n(&dcb->policy, __ATOMIC_ACQUIRE) == CLIPBOARD_OFF)
		return;
	if (len > CAPTURE_CLIPBOARD_MAX)
		len = capture_utf8_valid_prefix(utf8, len,
						CAPTURE_CLIPBOARD_MAX);
	copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, utf8, len);
	copy[len] = 0;
	pthread_mutex_lock(&dcb->lock);
	free(dcb->outgoing);
	dcb->outgoing = copy;
	dcb->outgoing_len = len;
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
	retire_flush(dcb);
	free(dcb->retired);
	free(dcb->outgoing);
	pthread_cond_destroy(&dcb->cond);
	pthread_mutex_destroy(&dcb->lock);
	free(dcb);
}
