/*
 * xclipboard - read or own an X selection, for the clipboard tests (a tiny
 * xclip on xcb).
 *
 *   xclipboard get [--primary] [--target ATOM] [--timeout SECONDS]
 *       print the selection's content (default target UTF8_STRING)
 *   xclipboard set TEXT [--primary] [--string] [--serve SECONDS]
 *       own the selection and answer for it (UTF8_STRING, or STRING with
 *       --string) until another client takes it or SECONDS (default 30)
 *
 * Exit status: 0 done, 1 error, 2 get: no owner or the owner refused.
 */
#include <stdio.h>

#include "tests/tools/xselection.h"

int main(int argc, char *argv[])
{
	const char *mode = argc > 1 ? argv[1] : "", *text = NULL;
	const char *target_name = "UTF8_STRING";
	bool primary = false, latin1 = false;
	double timeout = 5, serve = 30;
	struct xsel xs;
	xcb_atom_t selection, type;
	char *got = NULL;
	long n;
	int i = 2;

	if (!strcmp(mode, "set") && argc > 2)
		text = argv[i++];
	else if (strcmp(mode, "get")) {
		fprintf(stderr, "usage: xclipboard get [--primary] [--target "
			"ATOM] [--timeout S] | set TEXT [--primary] [--string] "
			"[--serve S]\n");
		return 1;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--primary"))
			primary = true;
		else if (!strcmp(argv[i], "--string"))
			latin1 = true;
		else if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target_name = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (!strcmp(argv[i], "--serve") && i + 1 < argc)
			serve = atof(argv[++i]);
		else {
			fprintf(stderr, "xclipboard: unknown argument %s\n",
				argv[i]);
			return 1;
		}
	}
	if (xsel_open(&xs, NULL)) {
		fprintf(stderr, "xclipboard: cannot open the display\n");
		return 1;
	}
	selection = primary ? XCB_ATOM_PRIMARY : xs.clipboard;

	if (text) {
		xsel_own(&xs, selection, text, strlen(text),
			 latin1 ? XCB_ATOM_STRING : xs.utf8);
		printf("owning\n");
		fflush(stdout);
		xsel_serve(&xs, (int)(serve * 1000), NULL, NULL);
		printf("%s after %d answers\n", xs.lost ? "lost" : "timed out",
		       xs.served);
		xsel_close(&xs);
		return 0;
	}
	n = xsel_read(&xs, selection, xsel_atom(xs.conn, target_name), &got,
		      4 << 20, &type, (int)(timeout * 1000), NULL, NULL);
	if (n >= 0)
		fwrite(got, 1, (size_t)n, stdout);
	free(got);
	xsel_close(&xs);
	return n >= 0 ? 0 : 2;
}
