/*
 * desktop_fds.c - descriptors below FD_SETSIZE for libvncserver.
 *
 * libvncserver's client threads wait with select(), which cannot take a
 * descriptor of FD_SETSIZE (1024) or more: FD_SET() would write past its
 * set.  Each client has two there: its end of our socket pair and the
 * pipe rfbStartOnHoldClient() makes to wake its thread.  The event loop
 * may hold thousands of other descriptors (SIP and MSRP connections, a
 * flood among them), so low ones are set aside at start, copies of
 * /dev/null, and handed out:
 * - the socket by dup3() onto a reserved descriptor, atomically, on the
 *   event loop;
 * - the pipe, made inside libvncserver on the starter thread, by parking
 *   the event loop (the only other place that opens descriptors) for the
 *   few microseconds it takes, with two reserved descriptors closed, so
 *   that pipe() gets them (the lowest free ones).
 * Freed ones are taken back whenever a client goes.  An allowed call thus
 * gets its descriptors however many connections a flood holds; with the
 * reserve empty a client is refused, never handed a descriptor select()
 * cannot take.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/select.h>
#include <unistd.h>

#include "server/desktop_int.h"

enum { RESERVE_MAX = 3 * 64 };   /* room for 64 clients at once */

struct desktop_fds {
	int devnull;
	int fds[RESERVE_MAX];     /* reserved, below FD_SETSIZE */
	int n;
	struct mqueue *mq;        /* a starter asks the event loop */
	pthread_mutex_t starter;  /* one starter at a time */
	pthread_mutex_t lock;     /* guards what follows */
	pthread_cond_t cond;
	bool want;                /* a starter waits for its grant */
	bool granted;             /* two low descriptors are free for it */
	bool refused;             /* ... or none were left */
	bool done;                /* its pipe() is made */
};

static void refill(struct desktop_fds *f)
{
	while (f->n < RESERVE_MAX) {
		int fd = fcntl(f->devnull, F_DUPFD_CLOEXEC, 0);

		if (fd < 0)
			return;
		if (fd >= FD_SETSIZE) {
			close(fd);
			return;
		}
		f->fds[f->n++] = fd;
	}
}

/* On the event loop: let one waiting starter make its pipe. */
void desktop_fds_serve(struct desktop_fds *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	if (!f->want || f->granted || f->refused) {
		pthread_mutex_unlock(&f->lock);
		return;
	}
	if (f->n >= 2) {
		close(f->fds[--f->n]);
		close(f->fds[--f->n]);
		f->granted = true;
	}
	else {
		f->refused = true;
	}
	pthread_cond_broadcast(&f->cond);
	/* Parked: nothing on this thread may open a descriptor now. */
	while (f->granted && !f->done)
		pthread_cond_wait(&f->cond, &f->lock);
	f->granted = false;
	pthread_mutex_unlock(&f->lock);
	refill(f);
}

static void on_ask(int id, void *data, void *arg)
{
	desktop_fds_serve(arg);
}

bool desktop_fds_start_client(struct desktop_fds *f, rfbClientPtr cl)
{
	bool ok;

	pthread_mutex_lock(&f->starter);
	pthread_mutex_lock(&f->lock);
	f->want = true;
	f->done = f->refused = false;
	mqueue_push(f->mq, 0, NULL);
	while (!f->granted && !f->refused)
		pthread_cond_wait(&f->cond, &f->lock);
	ok = f->granted;
	pthread_mutex_unlock(&f->lock);
	if (ok)
		rfbStartOnHoldClient(cl);
	pthread_mutex_lock(&f->lock);
	f->want = false;
	f->done = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_mutex_unlock(&f->starter);
	return ok;
}

int desktop_fds_take(struct desktop_fds *f, int fd)
{
	int low;

	refill(f);
	/* one for the socket, two for the client's pipe */
	if (f->n < 3)
		return -1;
	low = f->fds[--f->n];
	if (dup3(fd, low, O_CLOEXEC) < 0) {
		f->fds[f->n++] = low;
		return -1;
	}
	close(fd);
	return low;
}

void desktop_fds_refill(struct desktop_fds *f)
{
	if (f)
		refill(f);
}

static void destructor(void *data)
{
	struct desktop_fds *f = data;

	mem_deref(f->mq);
	while (f->n > 0)
		close(f->fds[--f->n]);
	if (f->devnull >= 0)
		close(f->devnull);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	pthread_mutex_destroy(&f->starter);
}

int desktop_fds_alloc(struct desktop_fds **fp)
{
	struct desktop_fds *f = mem_zalloc(sizeof(*f), destructor);
	int err;

	if (!f)
		return ENOMEM;
	pthread_mutex_init(&f->starter, NULL);
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (f->devnull < 0) {
		err = errno;
		mem_deref(f);
		return err;
	}
	err = mqueue_alloc(&f->mq, on_ask, f);
	if (err) {
		mem_deref(f);
		return err;
	}
	refill(f);
	*fp = f;
	return 0;
}
