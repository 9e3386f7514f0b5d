/*
 * tcpflood - hold many idle TCP connections to a port, as an attacker who
 * can reach it would: connect, send nothing, and (--renew) open a new one
 * for each the server closes.
 *
 *   tcpflood HOST:PORT N [--renew] [--src-net A.B | --src A.B.C.D]
 *            [--crlf SECS]
 *
 * --src-net spreads the connections over source addresses A.B.x.y (on
 * loopback all of 127/8 is ours), so the test's real caller keeps an
 * address of its own; --src puts them all on one address.  --crlf sends
 * a SIP keepalive (RFC 5626 double CRLF) on each every SECS seconds, as
 * a flood that wants to look alive would.  Prints "held N" once all are up, then "held N
 * renewed M" every second; runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in target;
static const char *src_net;
static const char *src_one;
static unsigned next_src;

static int open_one(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (src_net || src_one) {
		struct sockaddr_in src = { .sin_family = AF_INET };
		char a[32];
		unsigned n = next_src++ % (250u * 250u);

		if (src_one)
			snprintf(a, sizeof(a), "%s", src_one);
		else
			snprintf(a, sizeof(a), "%s.%u.%u", src_net,
				 n / 250 + 1, n % 250 + 1);
		if (inet_pton(AF_INET, a, &src.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&src, sizeof(src))) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char *argv[])
{
	struct pollfd *pfd;
	struct rlimit rl;
	char host[64], *colon;
	int n, i, held = 0;
	unsigned long renewed = 0;
	int renew = 0, crlf = 0;
	time_t last = 0, last_crlf = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: tcpflood HOST:PORT N [--renew] "
			"[--src-net A.B | --src A.B.C.D] [--crlf SECS]\n");
		return 2;
	}
	snprintf(host, sizeof(host), "%s", argv[1]);
	colon = strrchr(host, ':');
	n = atoi(argv[2]);
	if (!colon || n <= 0)
		return 2;
	*colon = '\0';
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &target.sin_addr) != 1)
		return 2;
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--renew"))
			renew = 1;
		else if (!strcmp(argv[i], "--src-net") && i + 1 < argc)
			src_net = argv[++i];
		else if (!strcmp(argv[i], "--src") && i + 1 < argc)
			src_one = argv[++i];
		else if (!strcmp(argv[i], "--crlf") && i + 1 < argc)
			crlf = atoi(argv[++i]);
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	pfd = calloc((size_t)n, sizeof(*pfd));
	if (!pfd)
		return 1;
	/* In batches that the server's accept queue can take. */
	for (i = 0; i < n; i++) {
		pfd[i].fd = open_one();
		pfd[i].events = POLLOUT;
		if ((i + 1) % 100 == 0 || i == n - 1) {
			int b = i / 100 * 100;

			(void)poll(pfd + b, (nfds_t)(i + 1 - b), 2000);
		}
	}
	for (i = 0; i < n; i++) {
		int e = 0;
		socklen_t len = sizeof(e);

		pfd[i].events = POLLIN;
		if (pfd[i].fd >= 0 &&
		    (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &e, &len) ||
		     e)) {
			close(pfd[i].fd);
			pfd[i].fd = open_one();
		}
		held += pfd[i].fd >= 0;
	}
	printf("held %d\n", held);
	fflush(stdout);
	for (;;) {
		if (poll(pfd, (nfds_t)n, 200) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < n; i++) {
			char buf[256];

			if (pfd[i].fd >= 0 && !(pfd[i].revents & (POLLIN |
			    POLLHUP | POLLERR)))
				continue;
			if (pfd[i].fd >= 0 &&
			    recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				continue;   /* an answer: keep it open, ignored */
			if (pfd[i].fd >= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				held--;
			}
			if (renew) {
				pfd[i].fd = open_one();
				if (pfd[i].fd >= 0) {
					held++;
					renewed++;
				}
			}
		}
		if (crlf > 0 && time(NULL) - last_crlf >= crlf) {
			last_crlf = time(NULL);
			for (i = 0; i < n; i++)
				if (pfd[i].fd >= 0)
					(void)send(pfd[i].fd, "\r\n\r\n", 4,
						   MSG_NOSIGNAL | MSG_DONTWAIT);
		}
		if (time(NULL) != last) {
			last = time(NULL);
			printf("held %d renewed %lu\n", held, renewed);
			fflush(stdout);
		}
	}
}
