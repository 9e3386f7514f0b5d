/*
 * rfbclip - a raw RFB 3.8 viewer speaking the Extended Clipboard
 * (pseudo-encoding 0xC0A1E5CE), which libvncclient 0.9.14 cannot do.
 *
 *   rfbclip HOST:PORT [--expect TEXT] [--send TEXT] [--timeout SECONDS]
 *           [--max-size BYTES] [--hold SECONDS]
 *
 * Security type None, or VNC authentication with the password vnctool.h
 * finds for the port (sipvnc view's TCP port); shared session, asks for no
 * frames.  It answers the
 * server's Caps with its own (text up to --max-size bytes, 1 MiB by
 * default, unsolicited; Caps, Request, Peek, Notify, Provide), so that a
 * larger text must be announced by a Notify that we answer with a
 * Request), a Request with a Provide of --send's text, a Peek with a
 * Notify, a Notify with a Request.  --send sends TEXT as a Provide once
 * the Caps were exchanged; --expect waits for a Provide carrying TEXT.
 * Every clipboard text received is printed: "utf8: TEXT" (extended) or
 * "latin1: LEN bytes" (classic cut text).
 *
 * Exit: 0 done, 1 usage/connection/protocol error, 4 the expected text
 * did not come in time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/tools/vnctool.h"

#define EXT_CLIPBOARD_ENCODING 0xC0A1E5CEu
#define FLAG_TEXT     1u
#define FLAG_CAPS     (1u << 24)
#define FLAG_REQUEST  (1u << 25)
#define FLAG_PEEK     (1u << 26)
#define FLAG_NOTIFY   (1u << 27)
#define FLAG_PROVIDE  (1u << 28)
#define TEXT_MAX      (1u << 20)


static int fd = -1;
static unsigned bytes_per_pixel = 4;
static const char *send_text, *expect_text;
static uint32_t max_size = TEXT_MAX;
static int caps_done, sent, expected_seen;

static int read_exact(void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_exact(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int skip(size_t len)
{
	char buf[4096];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (read_exact(buf, n))
			return -1;
		len -= n;
	}
	return 0;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ClientCutText, extended: negative length, flags, body. */
static int send_extended(uint32_t flags, const unsigned char *body,
			 size_t len)
{
	unsigned char hdr[12] = { 6 };

	put_u32(hdr + 4, (uint32_t)-(int32_t)(4 + len));
	put_u32(hdr + 8, flags);
	return write_exact(hdr, sizeof(hdr)) || (len && write_exact(body, len))
		? -1 : 0;
}

static int send_caps(void)
{
	unsigned char max[4];
	uint32_t flags = FLAG_TEXT | FLAG_CAPS | FLAG_REQUEST | FLAG_PEEK |
		FLAG_NOTIFY | FLAG_PROVIDE;

	put_u32(max, max_size);
	return send_extended(flags, max, sizeof(max));
}

/* Like TigerVNC: the stream is flushed, not finished (libvncserver takes
 * a finished stream's end for an error). */
static int send_provide(const char *text)
{
	size_t len = strlen(text) + 1;
	size_t plain_len = 4 + len;
	unsigned char *plain = malloc(plain_len);
	unsigned char *out = malloc(plain_len * 2 + 64);
	z_stream zs;
	int rc = -1;

	memset(&zs, 0, sizeof(zs));
	if (!plain || !out ||
	    deflateInit(&zs, 6) != Z_OK)
		goto out;
	put_u32(plain, (uint32_t)len);
	memcpy(plain + 4, text, len);
	zs.next_in = plain;
	zs.avail_in = (uInt)plain_len;
	zs.next_out = out;
	zs.avail_out = (uInt)(plain_len * 2 + 64);
	if (deflate(&zs, Z_SYNC_FLUSH) == Z_OK && zs.avail_in == 0)
		rc = send_extended(FLAG_PROVIDE | FLAG_TEXT, out, zs.total_out);
	deflateEnd(&zs);
out:
	free(plain);
	free(out);
	return rc;
}

/* The Provide's first format is text: (u32 size, UTF-8 with NUL). */
static int got_provide(unsigned char *body, size_t len)
{
	unsigned char size_be[4];
	char *text = NULL;
	uint32_t size;
	z_stream zs;
	int rc = -1, err;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return -1;
	zs.next_in = body;
	zs.avail_in = (uInt)len;
	zs.next_out = size_be;
	zs.avail_out = 4;
	err = inflate(&zs, Z_SYNC_FLUSH);
	if ((err != Z_OK && err != Z_STREAM_END) || zs.avail_out)
		goto out;
	size = get_u32(size_be);
	if (size == 0 || size > TEXT_MAX)
		goto out;
	text = malloc(size);
	if (!text)
		goto out;
	zs.next_out = (unsigned char *)text;
	zs.avail_out = size;
	err = inflate(&zs, Z_SYNC_FLUSH);
	if ((err != Z_OK && err != Z_STREAM_END) || zs.avail_out)
		goto out;
	text[size - 1] = 0;
	printf("utf8: %s\n", text);
	fflush(stdout);
	if (expect_text && !strcmp(text, expect_text))
		expected_seen = 1;
	rc = 0;
out:
	free(text);
	inflateEnd(&zs);
	return rc;
}

static int got_cut_text(void)
{
	unsigned char hdr[7], *body;
	uint32_t flags;
	int32_t slen;
	size_t len;
	int rc = 0;

	if (read_exact(hdr, sizeof(hdr)))
		return -1;
	slen = (int32_t)get_u32(hdr + 3);
	if (slen >= 0) {
		printf("latin1: %d bytes\n", (int)slen);
		fflush(stdout);
		return slen > (int32_t)TEXT_MAX ? -1 : skip((size_t)slen);
	}
	if (slen < -(int32_t)(TEXT_MAX * 2) || slen > -4)
		return -1;
	len = (size_t)-(int64_t)slen;
	body = malloc(len);
	if (!body || read_exact(body, len)) {
		free(body);
		return -1;
	}
	flags = get_u32(body);
	if (flags & FLAG_CAPS) {
		rc = send_caps();
		caps_done = 1;
	} else if (flags & FLAG_REQUEST) {
		rc = send_provide(send_text ? send_text : "");
	} else if (flags & FLAG_PEEK) {
		rc = send_text ? send_extended(FLAG_NOTIFY | FLAG_TEXT, NULL, 0)
			: 0;
	} else if (flags & FLAG_NOTIFY) {
		printf("notify\n");
		rc = (flags & FLAG_TEXT) ?
			send_extended(FLAG_REQUEST | FLAG_TEXT, NULL, 0) : 0;
	} else if ((flags & FLAG_PROVIDE) && (flags & FLAG_TEXT)) {
		rc = got_provide(body + 4, len - 4);
	}
	free(body);
	return rc;
}

static int got_framebuffer_update(void)
{
	unsigned char hdr[3], rect[12];
	unsigned n, i;

	if (read_exact(hdr, sizeof(hdr)))
		return -1;
	n = (unsigned)hdr[1] << 8 | hdr[2];
	for (i = 0; i < n; i++) {
		unsigned w, h;

		if (read_exact(rect, sizeof(rect)))
			return -1;
		w = (unsigned)rect[4] << 8 | rect[5];
		h = (unsigned)rect[6] << 8 | rect[7];
		if (get_u32(rect + 8) != 0)   /* only raw was asked for */
			return -1;
		if (skip((size_t)w * h * bytes_per_pixel))
			return -1;
	}
	return 0;
}

static int got_message(void)
{
	unsigned char type, buf[5];

	if (read_exact(&type, 1))
		return -1;
	switch (type) {
	case 0:
		return got_framebuffer_update();
	case 1:   /* SetColourMapEntries */
		if (read_exact(buf, 5))
			return -1;
		return skip(((size_t)buf[3] << 8 | buf[4]) * 6);
	case 2:   /* Bell */
		return 0;
	case 3:
		return got_cut_text();
	default:
		fprintf(stderr, "rfbclip: unknown message type %u\n", type);
		return -1;
	}
}

/* VNC authentication: the challenge encrypted with the password */
static int vnc_auth(int port)
{
	unsigned char challenge[16];
	char *passwd = vnc_password_for_port(port);

	if (!passwd || write_exact("\x02", 1) || read_exact(challenge, 16)) {
		free(passwd);
		return -1;
	}
	rfbEncryptBytes(challenge, passwd);
	free(passwd);
	return write_exact(challenge, 16);
}

static int handshake(int port)
{
	unsigned char buf[24], types[255], n;
	unsigned char set_encodings[12] = { 2, 0, 0, 2 };
	uint32_t result, name_len;

	if (read_exact(buf, 12) || memcmp(buf, "RFB 003.", 8) != 0 ||
	    write_exact("RFB 003.008\n", 12) || read_exact(&n, 1))
		return -1;
	if (!n || read_exact(types, n))
		return -1;   /* refused */
	if (memchr(types, 1, n)) {
		if (write_exact("\x01", 1))
			return -1;
	}
	else if (!memchr(types, 2, n) || vnc_auth(port))
		return -1;   /* neither None nor VNC authentication */
	if (read_exact(buf, 4))
		return -1;
	result = get_u32(buf);
	if (result != 0 || write_exact("\x01", 1) || read_exact(buf, 24))
		return -1;
	bytes_per_pixel = buf[4] / 8u;
	name_len = get_u32(buf + 20);
	if (name_len > 4096 || skip(name_len))
		return -1;
	put_u32(set_encodings + 4, 0);   /* raw */
	put_u32(set_encodings + 8, EXT_CLIPBOARD_ENCODING);
	return write_exact(set_encodings, sizeof(set_encodings));
}

static int dial(const char *hostport)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints, *ai;
	int s = -1;

	if (!colon || (size_t)(colon - hostport) >= sizeof(host))
		return -1;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	s = socket(ai->ai_family, SOCK_STREAM, 0);
	if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen)) {
		close(s);
		s = -1;
	}
	freeaddrinfo(ai);
	return s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double timeout = 10, hold = 0, start, end;
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--expect") && i + 1 < argc)
			expect_text = argv[++i];
		else if (!strcmp(argv[i], "--send") && i + 1 < argc)
			send_text = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = atof(argv[++i]);
		else if (!strcmp(argv[i], "--max-size") && i + 1 < argc)
			max_size = (uint32_t)strtoul(argv[++i], NULL, 10);
		else
			argc = 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: rfbclip HOST:PORT [--expect TEXT] "
			"[--send TEXT] [--timeout S] [--max-size BYTES] "
			"[--hold S]\n");
		return 1;
	}
	fd = dial(argv[1]);
	if (fd < 0 || handshake(atoi(strrchr(argv[1], ':') + 1))) {
		fprintf(stderr, "rfbclip: cannot connect to %s\n", argv[1]);
		return 1;
	}
	start = now();
	end = start + (timeout > hold ? timeout : hold);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = end - now();
		int n;

		if (send_text && caps_done && !sent) {
			if (send_provide(send_text))
				break;
			sent = 1;
			printf("sent\n");
			fflush(stdout);
		}
		if ((!expect_text || expected_seen) &&
		    (!send_text || sent) && now() - start >= hold)
			break;
		if (left <= 0)
			break;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && got_message()) {
			fprintf(stderr, "rfbclip: connection closed or "
				"protocol error\n");
			close(fd);
			return 1;
		}
	}
	close(fd);
	if (expect_text && !expected_seen)
		return 4;
	return send_text && !sent ? 1 : 0;
}
