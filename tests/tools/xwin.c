/*
 * xwin - a test window with a title, a colour and a place, whose pixels
 * are known exactly, and which logs the input it receives.
 *
 *   xwin TITLE RRGGBB X Y W H [--log FILE]   show it (window id on stdout)
 *   xwin --expect RRGGBB W H OUT.ppm         its picture at W x H, as PPM
 *
 * The picture: background RRGGBB, horizontal stripes, vertical bars and a
 * white 1-pixel frame, so an offset, a crop or a stale size all show.
 * The log has "button B X Y" (window coordinates) and "key 0xKEYSYM"
 * lines, one per ButtonPress / KeyPress, flushed at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xcb/xcb.h>
#include <xcb/xcb_keysyms.h>

static uint32_t pixel_at(uint32_t rgb, int x, int y, int w, int h)
{
	if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
		return 0xffffff;
	if (x % 32 < 2)
		return rgb ^ 0x3f3f3f;
	if (y % 16 < 4)
		return rgb ^ 0x808080;
	return rgb;
}

static int write_expected(uint32_t rgb, int w, int h, const char *path)
{
	FILE *f = fopen(path, "wb");
	int x, y;

	if (!f)
		return 1;
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			uint32_t p = pixel_at(rgb, x, y, w, h);

			fputc((int)(p >> 16 & 0xff), f);
			fputc((int)(p >> 8 & 0xff), f);
			fputc((int)(p & 0xff), f);
		}
	return fclose(f) ? 1 : 0;
}

static xcb_connection_t *c;
static xcb_window_t win;
static xcb_gcontext_t gc;

static void fill(uint32_t rgb, int x, int y, int w, int h)
{
	xcb_rectangle_t r = {(int16_t)x, (int16_t)y, (uint16_t)w, (uint16_t)h};

	xcb_change_gc(c, gc, XCB_GC_FOREGROUND, &rgb);
	xcb_poly_fill_rectangle(c, win, gc, 1, &r);
}

/* The same picture as pixel_at(), painted back to front. */
static void paint(uint32_t rgb, int w, int h)
{
	int x, y;

	fill(rgb, 0, 0, w, h);
	for (y = 0; y < h; y += 16)
		fill(rgb ^ 0x808080, 0, y, w, 4);
	for (x = 0; x < w; x += 32)
		fill(rgb ^ 0x3f3f3f, x, 0, 2, h);
	fill(0xffffff, 0, 0, w, 1);
	fill(0xffffff, 0, h - 1, w, 1);
	fill(0xffffff, 0, 0, 1, h);
	fill(0xffffff, w - 1, 0, 1, h);
	xcb_flush(c);
}

int main(int argc, char *argv[])
{
	xcb_screen_t *screen;
	xcb_key_symbols_t *syms;
	xcb_generic_event_t *ev;
	FILE *log = NULL;
	uint32_t rgb, values[2];
	int w, h;

	if (argc == 6 && !strcmp(argv[1], "--expect"))
		return write_expected((uint32_t)strtoul(argv[2], NULL, 16),
				      atoi(argv[3]), atoi(argv[4]), argv[5]);
	if (argc != 7 && !(argc == 9 && !strcmp(argv[7], "--log"))) {
		fprintf(stderr, "usage: xwin TITLE RRGGBB X Y W H [--log FILE]"
			"\n       xwin --expect RRGGBB W H OUT.ppm\n");
		return 1;
	}
	rgb = (uint32_t)strtoul(argv[2], NULL, 16);
	w = atoi(argv[5]);
	h = atoi(argv[6]);
	if (argc == 9) {
		log = fopen(argv[8], "a");
		if (!log)
			return 1;
		setvbuf(log, NULL, _IOLBF, 0);
	}

	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "xwin: cannot connect to X\n");
		return 1;
	}
	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	win = xcb_generate_id(c);
	values[0] = rgb;
	values[1] = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_KEY_PRESS |
		XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_STRUCTURE_NOTIFY;
	xcb_create_window(c, XCB_COPY_FROM_PARENT, win, screen->root,
			  (int16_t)atoi(argv[3]), (int16_t)atoi(argv[4]),
			  (uint16_t)w, (uint16_t)h, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual,
			  XCB_CW_BACK_PIXEL | XCB_CW_EVENT_MASK, values);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, win, XCB_ATOM_WM_NAME,
			    XCB_ATOM_STRING, 8, (uint32_t)strlen(argv[1]),
			    argv[1]);
	gc = xcb_generate_id(c);
	xcb_create_gc(c, gc, win, XCB_GC_FOREGROUND, &rgb);
	xcb_map_window(c, win);
	xcb_flush(c);
	syms = xcb_key_symbols_alloc(c);

	while ((ev = xcb_wait_for_event(c))) {
		switch (ev->response_type & 0x7f) {
		case XCB_EXPOSE:
			if (((xcb_expose_event_t *)ev)->count == 0) {
				paint(rgb, w, h);
				printf("window 0x%x\n", win);
				fflush(stdout);
			}
			break;
		case XCB_CONFIGURE_NOTIFY: {
			xcb_configure_notify_event_t *cn = (void *)ev;

			if (cn->width != w || cn->height != h) {
				w = cn->width;
				h = cn->height;
				paint(rgb, w, h);
			}
			break;
		}
		case XCB_BUTTON_PRESS: {
			xcb_button_press_event_t *bp = (void *)ev;

			if (log)
				fprintf(log, "button %d %d %d\n", bp->detail,
					bp->event_x, bp->event_y);
			break;
		}
		case XCB_KEY_PRESS: {
			xcb_key_press_event_t *kp = (void *)ev;

			if (log)
				fprintf(log, "key 0x%x\n",
					xcb_key_symbols_get_keysym(syms,
						kp->detail, 0));
			break;
		}
		default:
			break;
		}
		free(ev);
	}
	xcb_key_symbols_free(syms);
	return 0;
}
