/*
 * xcursor - set the root window's cursor to a glyph of the core "cursor"
 * font and keep it alive: a cursor whose client has gone can no longer be
 * read back through XFixes (the X server answers BadAccess), so tests that
 * change the cursor need its owner to stay.
 *
 *   xcursor GLYPH SECONDS      e.g. xcursor 150 5 (150: watch, 34: cross)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xcb/xcb.h>

int main(int argc, char *argv[])
{
	xcb_connection_t *c;
	xcb_window_t root;
	xcb_font_t font;
	xcb_cursor_t cursor;
	uint32_t value;
	int glyph;

	if (argc != 3 || (glyph = atoi(argv[1])) < 0 || glyph > 152) {
		fprintf(stderr, "usage: xcursor GLYPH SECONDS\n");
		return 2;
	}
	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "xcursor: cannot open the display\n");
		return 1;
	}
	root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;
	font = xcb_generate_id(c);
	cursor = xcb_generate_id(c);
	xcb_open_font(c, font, 6, "cursor");
	/* The font pairs each glyph with its mask at the next index. */
	xcb_create_glyph_cursor(c, cursor, font, font, (uint16_t)glyph,
				(uint16_t)(glyph + 1), 0, 0, 0,
				0xffff, 0xffff, 0xffff);
	value = cursor;
	xcb_change_window_attributes(c, root, XCB_CW_CURSOR, &value);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	printf("cursor set\n");
	fflush(stdout);
	sleep((unsigned)atoi(argv[2]));
	xcb_disconnect(c);
	return 0;
}
