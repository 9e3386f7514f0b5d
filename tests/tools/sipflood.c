/*
 * sipflood - a flood of INVITEs at an exact rate, and one timed call, for
 * the rate limit tests.  SIPp cannot hold thousands of calls a second on a
 * shared machine; this sends prepared datagrams in batches (sendmmsg).
 *
 *   sipflood flood SRC DST PORT RATE SECONDS FROM_URI
 *       INVITEs (each a new call: Call-ID, tag, branch) from SRC (an
 *       address, any port) to DST:PORT at RATE a second for SECONDS;
 *       answers are read and counted.  Prints
 *       "sent N in S s (R/s); answers M (403: K)".
 *   sipflood call SRC DST PORT FROM_URI TIMEOUT_MS
 *       one Blink-dialect INVITE, retransmitted as RFC 3261's Timer A
 *       says (500 ms, doubling) until a response, then waiting for the
 *       final one; on 200 it sends ACK and BYE.  Prints
 *       "final STATUS after MS ms" and exits 0 on 200.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MSG_MAX 2048

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(const char *src, const char *dst, int port,
		       struct sockaddr_in *to, unsigned *lport)
{
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	int fd, size = 4 << 20;

	memset(&from, 0, sizeof(from));
	memset(to, 0, sizeof(*to));
	from.sin_family = to->sin_family = AF_INET;
	to->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
	    inet_pton(AF_INET, dst, &to->sin_addr) != 1) {
		fprintf(stderr, "sipflood: bad address\n");
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&from, &len) < 0) {
		perror("sipflood: socket");
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	*lport = ntohs(from.sin_port);
	return fd;
}

/* An INVITE from from_uri (a Blink-dialect offer) into buf. */
static int make_invite(char *buf, size_t size, const char *src,
		       unsigned lport, const char *dst, int port,
		       const char *from_uri, const char *id)
{
	char sdp[768];
	int n;

	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=caller 1 1 IN IP4 %s\r\ns=-\r\n"
		     "c=IN IP4 %s\r\nt=0 0\r\n"
		     "m=application 7394 TCP/MSRP *\r\n"
		     "a=accept-types:application/x-rfb\r\n"
		     "a=setup:active\r\n"
		     "a=path:msrp://%s:7394/%s;tcp\r\n", src, src, src, id);
	if (n < 0 || (size_t)n >= sizeof(sdp))
		return -1;
	n = snprintf(buf, size,
		     "INVITE sip:desk@%s:%d SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;rport;branch=z9hG4bK%s\r\n"
		     "From: <%s>;tag=%s\r\n"
		     "To: <sip:desk@%s>\r\n"
		     "Call-ID: %s@%s\r\n"
		     "CSeq: 1 INVITE\r\n"
		     "Contact: <sip:caller@%s:%u>\r\n"
		     "Max-Forwards: 70\r\n"
		     "Content-Type: application/sdp\r\n"
		     "Content-Length: %zu\r\n\r\n%s",
		     dst, port, src, lport, id, from_uri, id, dst, id, src,
		     src, lport, strlen(sdp), sdp);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

static void drain(int fd, unsigned long *answers, unsigned long *refused)
{
	char buf[MSG_MAX];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		(*answers)++;
		if (n > 12 && !memcmp(buf, "SIP/2.0 403", 11))
			(*refused)++;
	}
}

static int flood(char **argv)
{
	const char *src = argv[0], *dst = argv[1], *from = argv[5];
	int port = atoi(argv[2]);
	double rate = atof(argv[3]), secs = atof(argv[4]), t0, elapsed;
	static char bufs[BATCH][MSG_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to;
	unsigned long sent = 0, answers = 0, refused = 0;
	unsigned lport;
	int fd;

	fd = open_socket(src, dst, port, &to, &lport);
	if (fd < 0 || rate <= 0 || secs <= 0)
		return 2;
	t0 = now_s();
	while ((elapsed = now_s() - t0) < secs) {
		unsigned long due = (unsigned long)(elapsed * rate) - sent;
		struct timespec tick = { 0, 1000000 };

		while (due) {
			unsigned i, n = due > BATCH ? BATCH : (unsigned)due;
			int got;

			for (i = 0; i < n; i++) {
				char id[64];
				int len;

				snprintf(id, sizeof(id), "fl%lx-%d",
					 sent + i, (int)getpid());
				len = make_invite(bufs[i], MSG_MAX, src, lport,
						  dst, port, from, id);
				if (len < 0)
					return 2;
				iov[i].iov_base = bufs[i];
				iov[i].iov_len = (size_t)len;
				memset(&msgs[i], 0, sizeof(msgs[i]));
				msgs[i].msg_hdr.msg_iov = &iov[i];
				msgs[i].msg_hdr.msg_iovlen = 1;
				msgs[i].msg_hdr.msg_name = &to;
				msgs[i].msg_hdr.msg_namelen = sizeof(to);
			}
			got = sendmmsg(fd, msgs, n, 0);
			if (got <= 0) {
				if (errno == EAGAIN || errno == ENOBUFS)
					break;
				perror("sipflood: sendmmsg");
				return 2;
			}
			sent += (unsigned long)got;
			due -= (unsigned long)got;
		}
		drain(fd, &answers, &refused);
		nanosleep(&tick, NULL);
	}
	elapsed = now_s() - t0;
	/* The last answers are on their way: wait until 200 ms pass without
	 * one (2 s at most), as a loaded or sanitised server answers late. */
	for (t0 = now_s(); answers < sent && now_s() - t0 < 2.0;) {
		unsigned long before = answers;

		usleep(200000);
		drain(fd, &answers, &refused);
		if (answers == before)
			break;
	}
	printf("sent %lu in %.2f s (%.0f/s); answers %lu (403: %lu)\n", sent,
	       elapsed, (double)sent / elapsed, answers, refused);
	return 0;
}

/* The value of header name (with its ": ") in msg, up to CRLF, into out. */
static int header(const char *msg, const char *name, char *out, size_t size)
{
	const char *p = strstr(msg, name), *end;

	if (!p)
		return -1;
	p += strlen(name);
	end = strstr(p, "\r\n");
	if (!end || (size_t)(end - p) >= size)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}

static void send_in_dialog(int fd, const struct sockaddr_in *to,
			   const char *method, int cseq, const char *src,
			   unsigned lport, const char *dst, int port,
			   const char *from, const char *id, const char *to_hdr)
{
	char buf[MSG_MAX];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "%s sip:desk@%s:%d SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;rport;branch=z9hG4bK%s%s\r\n"
		     "From: <%s>;tag=%s\r\n"
		     "To: %s\r\n"
		     "Call-ID: %s@%s\r\n"
		     "CSeq: %d %s\r\n"
		     "Max-Forwards: 70\r\n"
		     "Content-Length: 0\r\n\r\n",
		     method, dst, port, src, lport, id, method, from, id,
		     to_hdr, id, src, cseq, method);
	if (n > 0 && (size_t)n < sizeof(buf))
		(void)sendto(fd, buf, (size_t)n, 0,
			     (const struct sockaddr *)to, sizeof(*to));
}

static int call(char **argv)
{
	const char *src = argv[0], *dst = argv[1], *from = argv[3];
	int port = atoi(argv[2]), timeout_ms = atoi(argv[4]);
	char invite[MSG_MAX], buf[MSG_MAX], id[64], to_hdr[512];
	struct sockaddr_in to;
	double t0, next, interval = 0.5;
	bool provisional = false;
	unsigned lport;
	int fd, len, status = 0;

	fd = open_socket(src, dst, port, &to, &lport);
	if (fd < 0)
		return 2;
	snprintf(id, sizeof(id), "call%lx-%d", (unsigned long)time(NULL),
		 (int)getpid());
	len = make_invite(invite, sizeof(invite), src, lport, dst, port, from,
			  id);
	if (len < 0)
		return 2;
	t0 = now_s();
	next = t0;
	while (!status) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		double now = now_s(), wait;
		ssize_t n;

		if (now - t0 > timeout_ms / 1000.0)
			break;
		if (!provisional && now >= next) {
			(void)sendto(fd, invite, (size_t)len, 0,
				     (struct sockaddr *)&to, sizeof(to));
			next = now + interval;
			interval *= 2;
		}
		wait = provisional ? 0.05 : next - now;
		if (poll(&pfd, 1, (int)(wait * 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 12 || memcmp(buf, "SIP/2.0 ", 8) || !strstr(buf, id))
			continue;
		buf[n] = '\0';
		if (buf[8] == '1')
			provisional = true;   /* Timer A stops (17.1.1.2) */
		else
			status = atoi(buf + 8);
	}
	if (!status) {
		printf("final none after %d ms\n", timeout_ms);
		return 1;
	}
	printf("final %d after %.0f ms\n", status, (now_s() - t0) * 1000);
	if (status != 200 || header(buf, "\r\nTo: ", to_hdr, sizeof(to_hdr)))
		return 1;
	send_in_dialog(fd, &to, "ACK", 1, src, lport, dst, port, from, id,
		       to_hdr);
	send_in_dialog(fd, &to, "BYE", 2, src, lport, dst, port, from, id,
		       to_hdr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 8 && !strcmp(argv[1], "flood"))
		return flood(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "call"))
		return call(argv + 2);
	fprintf(stderr, "usage: sipflood flood SRC DST PORT RATE SECONDS "
		"FROM_URI\n       sipflood call SRC DST PORT FROM_URI "
		"TIMEOUT_MS\n");
	return 2;
}
