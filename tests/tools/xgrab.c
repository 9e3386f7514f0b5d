/*
 * xgrab - the X screen's pixels as a PPM, straight from the X server
 * (core GetImage, no MIT-SHM), as the reference the VNC side must equal.
 *
 *   xgrab OUT.ppm      (display from $DISPLAY)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xcb/xcb.h>

static int shift_of(uint32_t mask)
{
	int s = 0;

	while (mask && !(mask & 1)) {
		mask >>= 1;
		s++;
	}
	return s;
}

int main(int argc, char *argv[])
{
	xcb_connection_t *c;
	const xcb_setup_t *setup;
	xcb_screen_t *screen;
	xcb_visualtype_t *visual = NULL;
	xcb_get_image_reply_t *img;
	xcb_depth_iterator_t di;
	const uint8_t *data;
	FILE *f;
	int x, y, stride;

	if (argc != 2) {
		fprintf(stderr, "usage: xgrab OUT.ppm\n");
		return 1;
	}
	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "xgrab: cannot open the display\n");
		return 1;
	}
	setup = xcb_get_setup(c);
	screen = xcb_setup_roots_iterator(setup).data;
	for (di = xcb_screen_allowed_depths_iterator(screen); di.rem && !visual;
	     xcb_depth_next(&di)) {
		xcb_visualtype_iterator_t vi = xcb_depth_visuals_iterator(di.data);
		for (; vi.rem; xcb_visualtype_next(&vi))
			if (vi.data->visual_id == screen->root_visual) {
				visual = vi.data;
				break;
			}
	}
	img = xcb_get_image_reply(c, xcb_get_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP,
			screen->root, 0, 0, screen->width_in_pixels,
			screen->height_in_pixels, ~0u), NULL);
	if (!img || !visual || screen->root_depth < 24) {
		fprintf(stderr, "xgrab: need a 24/32-bit TrueColor screen\n");
		return 1;
	}
	data = xcb_get_image_data(img);
	stride = xcb_get_image_data_length(img) / screen->height_in_pixels;
	f = fopen(argv[1], "wb");
	if (!f)
		return 1;
	fprintf(f, "P6\n%d %d\n255\n", screen->width_in_pixels,
		screen->height_in_pixels);
	for (y = 0; y < screen->height_in_pixels; y++) {
		for (x = 0; x < screen->width_in_pixels; x++) {
			uint32_t p;
			uint8_t rgb[3];

			memcpy(&p, data + (size_t)y * stride + x * 4, 4);
			rgb[0] = (uint8_t)((p & visual->red_mask) >> shift_of(visual->red_mask));
			rgb[1] = (uint8_t)((p & visual->green_mask) >> shift_of(visual->green_mask));
			rgb[2] = (uint8_t)((p & visual->blue_mask) >> shift_of(visual->blue_mask));
			fwrite(rgb, 1, 3, f);
		}
	}
	free(img);
	xcb_disconnect(c);
	return fclose(f) ? 1 : 0;
}
