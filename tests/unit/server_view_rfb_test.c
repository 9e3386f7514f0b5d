/*
 * server_view_rfb_test.c - what `sipvnc view` says on RFB's security
 * handshake for a viewer that logged in with our password: the far end's
 * greeting in every version (fed whole and byte by byte), its refusals,
 * and the password file and challenge check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rfb/rfbproto.h>

#include "server/view_passwd.h"
#include "server/view_rfb.h"
#include "tests/unit/check.h"

struct outcome {
	enum view_rfb_result res;
	uint8_t reply[64];
	size_t reply_len;
	size_t used;         /* of the whole input */
	char why[256];
};

/* Feed in pieces of step bytes (0: all at once) until a result. */
static void feed(const void *data, size_t len, size_t step,
		 struct outcome *o)
{
	struct view_rfb vr;
	const uint8_t *p = data;
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	view_rfb_init(&vr);
	o->res = VIEW_RFB_MORE;
	while (off < len && o->res == VIEW_RFB_MORE) {
		uint8_t reply[VIEW_RFB_REPLY_MAX];
		size_t n = step && step < len - off ? step : len - off;
		size_t used, rlen;

		o->res = view_rfb_input(&vr, p + off, n, &used, reply, &rlen,
					o->why, sizeof(o->why));
		CHECK(used <= n);
		CHECK(rlen <= VIEW_RFB_REPLY_MAX);
		memcpy(o->reply + o->reply_len, reply, rlen);
		o->reply_len += rlen;
		off += used;
		if (o->res == VIEW_RFB_MORE)
			CHECK_EQ_INT(used, n);
	}
	o->used = off;
}

static void both_ways(const void *data, size_t len, struct outcome *o)
{
	struct outcome bytewise;

	feed(data, len, 1, &bytewise);
	feed(data, len, 0, o);
	CHECK_EQ_INT(bytewise.res, o->res);
	CHECK_EQ_INT(bytewise.used, o->used);
	CHECK_EQ_INT(bytewise.reply_len, o->reply_len);
	CHECK(!memcmp(bytewise.reply, o->reply, o->reply_len));
}

static void test_versions(void)
{
	/* 3.8, None among others, OK, and the start of ServerInit after */
	static const uint8_t v38[] = "RFB 003.008\n" "\x03\x02\x01\x10"
		"\0\0\0\0" "XY";
	static const uint8_t v37[] = "RFB 003.007\n" "\x01\x01" "XY";
	static const uint8_t v33[] = "RFB 003.003\n" "\0\0\0\x01" "XY";
	struct outcome o;

	both_ways(v38, sizeof(v38) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_DONE);
	CHECK_EQ_INT(o.used, sizeof(v38) - 3);   /* "XY" is the viewer's */
	CHECK_EQ_INT(o.reply_len, 13);
	CHECK(!memcmp(o.reply, "RFB 003.008\n\x01", 13));

	both_ways(v37, sizeof(v37) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_DONE);
	CHECK_EQ_INT(o.used, sizeof(v37) - 3);
	CHECK(o.reply_len == 13 && !memcmp(o.reply, "RFB 003.007\n\x01", 13));

	both_ways(v33, sizeof(v33) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_DONE);
	CHECK_EQ_INT(o.used, sizeof(v33) - 3);
	CHECK(o.reply_len == 12 && !memcmp(o.reply, "RFB 003.003\n", 12));

	/* newer or odd versions: 3.8; 3.5 is 3.3 */
	feed("RFB 004.001\n", 12, 0, &o);
	CHECK(o.res == VIEW_RFB_MORE && !memcmp(o.reply, "RFB 003.008\n", 12));
	feed("RFB 003.889\n", 12, 0, &o);
	CHECK(o.res == VIEW_RFB_MORE && !memcmp(o.reply, "RFB 003.008\n", 12));
	feed("RFB 003.005\n", 12, 0, &o);
	CHECK(o.res == VIEW_RFB_MORE && !memcmp(o.reply, "RFB 003.003\n", 12));
}

static void test_refusals(void)
{
	static const uint8_t auth38[] = "RFB 003.008\n" "\x01\x02";
	static const uint8_t auth33[] = "RFB 003.003\n" "\0\0\0\x02";
	static const uint8_t none38[] = "RFB 003.008\n" "\0" "\0\0\0\x04" "busy";
	static const uint8_t fail38[] = "RFB 003.008\n" "\x01\x01"
		"\0\0\0\x01" "\0\0\0\x05" "no\x01go";
	static const uint8_t fail33[] = "RFB 003.003\n" "\0\0\0\0"
		"\0\0\0\x03" "off";
	struct outcome o;

	both_ways(auth38, sizeof(auth38) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strstr(o.why, "password") != NULL);
	CHECK_EQ_INT(o.reply_len, 12);   /* no type picked */

	both_ways(auth33, sizeof(auth33) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strstr(o.why, "password") != NULL);

	both_ways(none38, sizeof(none38) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strstr(o.why, "busy") != NULL);

	both_ways(fail38, sizeof(fail38) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strstr(o.why, "no?go") != NULL);   /* control bytes masked */

	both_ways(fail33, sizeof(fail33) - 1, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strstr(o.why, "off") != NULL);

	feed("HTTP/1.1 200 OK\r\n", 17, 0, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	feed("RFB 002.000\n", 12, 0, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
}

/* A far end claiming a 4 GB reason: read along, keep a bounded piece. */
static void test_long_reason(void)
{
	size_t len = 12 + 1 + 4 + 100000;
	uint8_t *msg = malloc(len);
	struct outcome o;

	memcpy(msg, "RFB 003.008\n\0\xff\xff\xff\xff", 17);
	memset(msg + 17, 'r', len - 17);
	feed(msg, len, 4096, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_MORE);
	CHECK_EQ_INT(o.used, len);
	free(msg);

	msg = malloc(12 + 1 + 4 + 1000);
	memcpy(msg, "RFB 003.008\n\0\0\0\x03\xe8", 17);
	memset(msg + 17, 'r', 1000);
	feed(msg, 1017, 0, &o);
	CHECK_EQ_INT(o.res, VIEW_RFB_FAILED);
	CHECK(strlen(o.why) < 40 + VIEW_RFB_REASON_MAX);
	free(msg);
}

static void test_security_result(void)
{
	uint8_t out[64];

	CHECK_EQ_INT(view_rfb_security_result(out, sizeof(out), 8, NULL), 4);
	CHECK(!memcmp(out, "\0\0\0\0", 4));
	CHECK_EQ_INT(view_rfb_security_result(out, sizeof(out), 8, "nope"),
		     12);
	CHECK(!memcmp(out, "\0\0\0\x01\0\0\0\x04nope", 12));
	CHECK_EQ_INT(view_rfb_security_result(out, sizeof(out), 7, "nope"),
		     4);
	CHECK(!memcmp(out, "\0\0\0\x01", 4));
	CHECK_EQ_INT(view_rfb_security_result(out, 12, 8, "a long reason"),
		     12);
}

static void test_passwd(void)
{
	char dir[] = "/tmp/sipvnc-passwd-XXXXXX", path[64], pw[9], *back;
	uint8_t challenge[16], response[16];
	struct stat st;
	FILE *f;
	uint8_t stored[16];
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/p", dir);

	CHECK_EQ_INT(view_passwd_make(pw, 8), 0);
	CHECK_EQ_INT(strlen(pw), 8);
	for (i = 0; i < 8; i++)
		CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "0123456789", pw[i]) != NULL);
	CHECK(view_passwd_make(pw, 9) != 0);

	/* a file in the way is replaced, not written through */
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	CHECK_EQ_INT(view_passwd_write(path, pw), 0);
	CHECK(stat(path, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(st.st_size, 8);
	back = rfbDecryptPasswdFromFile(path);
	CHECK_EQ_STR(back, pw);
	free(back);

	/* vncpasswd's own bytes for "password" (any VNC tool's files) */
	CHECK_EQ_INT(view_passwd_write(path, "password"), 0);
	f = fopen(path, "rb");
	CHECK(f && fread(stored, 1, 16, f) == 8);
	if (f)
		fclose(f);
	CHECK(!memcmp(stored, "\xdb\xd8\x3c\xfd\x72\x7a\x14\x58", 8));

	/* the challenge as a viewer answers it */
	for (i = 0; i < 16; i++)
		challenge[i] = (uint8_t)(i * 37 + 5);
	memcpy(response, challenge, 16);
	rfbEncryptBytes(response, pw);
	CHECK(view_passwd_check(pw, challenge, response));
	response[15] ^= 1;
	CHECK(!view_passwd_check(pw, challenge, response));
	memcpy(response, challenge, 16);
	rfbEncryptBytes(response, "wrong");
	CHECK(!view_passwd_check(pw, challenge, response));

	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_versions();
	test_refusals();
	test_long_reason();
	test_security_result();
	test_passwd();
	CHECK_DONE("server_view_rfb");
}
