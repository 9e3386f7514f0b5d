/*
 * capture_clipboard_test.c - the clipboard both ways against a private
 * Xvfb, with another real X client: our text is served to it as
 * UTF8_STRING, TARGETS and (when Latin-1 can carry it) STRING; its text is
 * reported to us; oversize text is cut at a character boundary.
 */
#include <pthread.h>

#include "capture/capture.h"
#include "tests/unit/check.h"
#include "tests/unit/capture_xvfb.h"
#include "tests/tools/xselection.h"

static const char text_utf8[] = "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 "
	"\xe6\x9d\xb1\xe4\xba\xac \xe2\x9c\x93";      /* Grüße — 東京 ✓ */
static const char greet_utf8[] = "Gr\xc3\xbc\xc3\x9f" "e";   /* Grüße */
static const char greet_latin1[] = "Gr\xfc\xdf" "e";

static char *reported;
static size_t reported_len;
static int reports;

static void on_clipboard(const char *utf8, size_t len, void *arg)
{
	(void)arg;
	free(reported);
	reported = malloc(len + 1);
	if (!reported)
		return;
	memcpy(reported, utf8, len + 1);
	reported_len = len;
	reports++;
}

/* One turn of the event loop, as sipvnc runs it. */
static void turn(void *arg)
{
	struct capture *cap = arg;
	struct pollfd pfd = { .fd = capture_fd(cap), .events = POLLIN };

	(void)poll(&pfd, 1, capture_pending(cap) ? 0 : 10);
	capture_process(cap, NULL, NULL);
}

static void run_until(struct capture *cap, struct xsel *xs, int ms,
		      const int *counter, int target)
{
	long long end = xsel_now_ms() + ms;

	while (xsel_now_ms() < end && *counter < target)
		xsel_serve(xs, 10, turn, cap);
}

static void test_conversions(void)
{
	char out[64];
	long n;

	CHECK_EQ_INT(capture_utf8_valid_prefix(text_utf8, strlen(text_utf8),
					       1000), strlen(text_utf8));
	/* Cut inside "東" (bytes 12..14): back to the character before. */
	CHECK_EQ_INT(capture_utf8_valid_prefix(text_utf8, strlen(text_utf8),
					       13), 12);
	CHECK_EQ_INT(capture_utf8_valid_prefix("a\xc0\xafz", 4, 10), 1);
	CHECK_EQ_INT(capture_utf8_valid_prefix("a\xed\xa0\x80", 4, 10), 1);
	CHECK_EQ_INT(capture_utf8_valid_prefix("ab\0cd", 5, 10), 2);
	n = (long)capture_latin1_to_utf8(greet_latin1, 5, out, sizeof(out));
	CHECK_EQ_INT(n, strlen(greet_utf8));
	out[n] = '\0';
	CHECK_EQ_STR(out, greet_utf8);
	n = capture_utf8_to_latin1(greet_utf8, strlen(greet_utf8), out, -1);
	CHECK_EQ_INT(n, 5);
	CHECK(!memcmp(out, greet_latin1, 5));
	CHECK_EQ_INT(capture_utf8_to_latin1(text_utf8, strlen(text_utf8),
					    out, -1), -1);
	n = capture_utf8_to_latin1(text_utf8, strlen(text_utf8), out, '?');
	CHECK_EQ_INT(n, 12);
	out[n] = '\0';
	CHECK_EQ_STR(out, "Gr\xfc\xdf" "e ? ?? ?");
}

struct setter {
	struct capture *cap;
	const char *text;
};

static void *set_from_thread(void *arg)
{
	const struct setter *s = arg;

	capture_set_clipboard(s->cap, s->text, strlen(s->text));
	return NULL;
}

/* A viewer's text, set from another thread as libvncserver would, read by
 * another X client. */
static void test_we_own(struct capture *cap, struct xsel *xs)
{
	struct setter st = { cap, text_utf8 };
	xcb_atom_t type = XCB_NONE, string = XCB_ATOM_STRING;
	const xcb_atom_t *atoms;
	pthread_t th;
	char *got = NULL;
	long n;
	int i;
	bool has_utf8 = false, has_string = false;

	CHECK_EQ_INT(pthread_create(&th, NULL, set_from_thread, &st), 0);
	pthread_join(th, NULL);
	for (i = 0; i < 200 && xsel_owner(xs, xs->clipboard) == XCB_NONE; i++)
		turn(cap);
	CHECK(xsel_owner(xs, xs->clipboard) != XCB_NONE);
	CHECK(xsel_owner(xs, XCB_ATOM_PRIMARY) ==
	      xsel_owner(xs, xs->clipboard));

	n = xsel_read(xs, xs->clipboard, xs->utf8, &got, 4096, &type, 2000,
		      turn, cap);
	CHECK_EQ_INT(n, strlen(text_utf8));
	CHECK_EQ_STR(got, text_utf8);
	CHECK(type == xs->utf8);
	free(got);

	n = xsel_read(xs, XCB_ATOM_PRIMARY, xsel_atom(xs->conn, "TEXT"), &got,
		      4096, &type, 2000, turn, cap);
	CHECK_EQ_STR(got, text_utf8);
	free(got);

	n = xsel_read(xs, xs->clipboard, xs->targets, &got, 4096, &type, 2000,
		      turn, cap);
	CHECK(n > 0 && type == XCB_ATOM_ATOM);
	atoms = (const xcb_atom_t *)(const void *)got;
	for (i = 0; got && i < n / 4; i++) {
		has_utf8 |= atoms[i] == xs->utf8;
		has_string |= atoms[i] == string;
	}
	CHECK(has_utf8 && has_string);
	free(got);

	/* Latin-1 cannot carry 東京: refused, not mangled. */
	n = xsel_read(xs, xs->clipboard, string, &got, 4096, &type, 2000,
		      turn, cap);
	CHECK_EQ_INT(n, -1);
	free(got);

	capture_set_clipboard(cap, greet_utf8, strlen(greet_utf8));
	for (i = 0; i < 20; i++)
		turn(cap);
	n = xsel_read(xs, xs->clipboard, string, &got, 4096, &type, 2000,
		      turn, cap);
	CHECK_EQ_INT(n, 5);
	CHECK(got && !memcmp(got, greet_latin1, 5));
	free(got);

	/* Nobody asks for a target we do not know and gets something. */
	n = xsel_read(xs, xs->clipboard, xsel_atom(xs->conn, "image/png"),
		      &got, 4096, &type, 2000, turn, cap);
	CHECK_EQ_INT(n, -1);
	free(got);
	CHECK_EQ_INT(reports, 0);     /* our own taking is not news to us */
}

/* Oversize text from a viewer: cut at a character boundary at the cap. */
static void test_oversize_in(struct capture *cap, struct xsel *xs)
{
	size_t big = CAPTURE_CLIPBOARD_MAX + 4096, i;
	char *text = malloc(big + 1), *got = NULL;
	xcb_atom_t type;
	long n;

	if (!text)
		return;
	for (i = 0; i + 3 <= big; i += 3)
		memcpy(text + i, "\xe6\x9d\xb1", 3);   /* 東 */
	big = i;
	text[big] = '\0';
	CHECK_EQ_INT(capture_set_clipboard(cap, text, big), 0);
	for (i = 0; i < 20; i++)
		turn(cap);
	n = xsel_read(xs, xs->clipboard, xs->utf8, &got, 2 * big, &type, 5000,
		      turn, cap);
	CHECK(n > 0 && (size_t)n <= CAPTURE_CLIPBOARD_MAX);
	CHECK_EQ_INT(n % 3, 0);
	CHECK(n > CAPTURE_CLIPBOARD_MAX - 3);
	CHECK(got && !memcmp(got, text, (size_t)n));
	free(got);
	free(text);
}

/* Another client copies: we are told, in UTF-8, also from a STRING-only
 * owner, and a huge copy is cut cleanly. */
static void test_they_own(struct capture *cap, struct xsel *xs)
{
	size_t big = CAPTURE_CLIPBOARD_MAX + 1000, i;
	char *text;

	xsel_own(xs, xs->clipboard, text_utf8, strlen(text_utf8), xs->utf8);
	run_until(cap, xs, 3000, &reports, 1);
	CHECK_EQ_INT(reports, 1);
	CHECK_EQ_STR(reported, text_utf8);
	CHECK_EQ_INT(reported_len, strlen(text_utf8));

	/* Another owner, Latin-1 only: the capture falls back to STRING. */
	xsel_own(xs, xs->clipboard, greet_latin1, 5, XCB_ATOM_STRING);
	run_until(cap, xs, 3000, &reports, 2);
	CHECK_EQ_INT(reports, 2);
	CHECK_EQ_STR(reported, greet_utf8);

	text = malloc(big);
	if (!text)
		return;
	for (i = 0; i < big; i++)
		text[i] = (char)('a' + i % 26);
	memcpy(text + CAPTURE_CLIPBOARD_MAX - 1, "\xc3\xbc", 2);  /* ü */
	xsel_own(xs, xs->clipboard, text, big, xs->utf8);
	run_until(cap, xs, 5000, &reports, 3);
	CHECK_EQ_INT(reports, 3);
	/* The ü straddles the cap: it goes, the text before it stays. */
	CHECK_EQ_INT(reported_len, CAPTURE_CLIPBOARD_MAX - 1);
	CHECK(reported && !memcmp(reported, text, reported_len));
	xsel_serve(xs, 100, turn, cap);
	free(text);
}

int main(void)
{
	struct xvfb x;
	struct capture *cap = NULL;
	struct xsel xs;

	test_conversions();
	if (xvfb_start(&x, "320x240x24", NULL)) {
		fprintf(stderr, "capture_clipboard: cannot start Xvfb\n");
		return 1;
	}
	CHECK_EQ_INT(capture_open(&cap, x.display), 0);
	CHECK_EQ_INT(xsel_open(&xs, x.display), 0);
	if (cap && xs.conn) {
		capture_watch_clipboard(cap, on_clipboard, NULL);
		test_we_own(cap, &xs);
		test_oversize_in(cap, &xs);
		test_they_own(cap, &xs);
	}
	xsel_close(&xs);
	capture_close(cap);
	xvfb_stop(&x);
	free(reported);
	CHECK_DONE("capture_clipboard");
}
