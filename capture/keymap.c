/*
 * keymap.c - the core keyboard mapping: which keycode and shift level gives
 * a keysym, and borrowing unused keycodes for keysyms the layout lacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_int.h"

int capture_keymap_fetch(xcb_connection_t *conn, struct keymap *km)
{
	const xcb_setup_t *setup = xcb_get_setup(conn);
	xcb_get_keyboard_mapping_reply_t *r;
	int count = setup->max_keycode - setup->min_keycode + 1;
	const xcb_keysym_t *syms;
	size_t n;

	r = xcb_get_keyboard_mapping_reply(conn,
		xcb_get_keyboard_mapping(conn, setup->min_keycode,
					 (uint8_t)count), NULL);
	if (!r)
		return EIO;

	n = (size_t)count * r->keysyms_per_keycode;
	if (r->keysyms_per_keycode == 0 ||
	    (size_t)xcb_get_keyboard_mapping_keysyms_length(r) < n) {
		free(r);
		return EPROTO;
	}

	km->syms = malloc(n * sizeof(*km->syms));
	if (!km->syms) {
		free(r);
		return ENOMEM;
	}
	syms = xcb_get_keyboard_mapping_keysyms(r);
	memcpy(km->syms, syms, n * sizeof(*km->syms));
	km->min_keycode = setup->min_keycode;
	km->max_keycode = setup->max_keycode;
	km->per = r->keysyms_per_keycode;
	free(r);
	return 0;
}

void capture_keymap_reset(struct keymap *km)
{
	free(km->syms);
	memset(km, 0, sizeof(*km));
}

static uint32_t *raw_slot(const struct keymap *km, int keycode, int column)
{
	if (!km->syms || keycode < km->min_keycode ||
	    keycode > km->max_keycode || column < 0 || column >= km->per)
		return NULL;
	return &km->syms[(size_t)(keycode - km->min_keycode) * km->per +
			 (size_t)column];
}

static uint32_t raw_sym(const struct keymap *km, int keycode, int column)
{
	const uint32_t *slot = raw_slot(km, keycode, column);

	return slot ? *slot : 0;
}

/* Latin-1 letters that have both cases (the core protocol's rule for a
 * group whose second keysym is NoSymbol). */
static bool is_lower(uint32_t s)
{
	return (s >= 'a' && s <= 'z') || (s >= 0xe0 && s <= 0xfe && s != 0xf7);
}

static bool is_upper(uint32_t s)
{
	return (s >= 'A' && s <= 'Z') || (s >= 0xc0 && s <= 0xde && s != 0xd7);
}

uint32_t capture_keymap_sym(const struct keymap *km, int keycode, int column)
{
	uint32_t first = raw_sym(km, keycode, column & ~1);
	uint32_t second = raw_sym(km, keycode, column | 1);

	if (second == 0 && (is_lower(first) || is_upper(first))) {
		uint32_t lower = is_upper(first) ? first + 0x20 : first;

		return (column & 1) ? lower - 0x20 : lower;
	}
	return raw_sym(km, keycode, column);
}

/* Group 1's levels, easiest first: plain, Shift, Level3, Shift+Level3. */
static const int columns[] = { 0, 1, 4, 5 };

int capture_keymap_find(const struct keymap *km, uint32_t keysym, int *column)
{
	size_t c;
	int kc;

	if (keysym == 0)
		return -1;
	for (c = 0; c < sizeof(columns) / sizeof(columns[0]); c++) {
		for (kc = km->min_keycode; kc <= km->max_keycode; kc++) {
			if (capture_keymap_sym(km, kc, columns[c]) == keysym) {
				*column = columns[c];
				return kc;
			}
		}
	}
	return -1;
}

int capture_keymap_find_first(const struct keymap *km, uint32_t keysym)
{
	int kc;

	for (kc = km->min_keycode; kc <= km->max_keycode; kc++) {
		if (raw_sym(km, kc, 0) == keysym)
			return kc;
	}
	return -1;
}

static bool is_unbound(const struct keymap *km, int keycode)
{
	int c;

	for (c = 0; c < km->per; c++) {
		if (raw_sym(km, keycode, c))
			return false;
	}
	return true;
}

void capture_keymap_find_spares(struct capture *cap)
{
	const struct keymap *km = &cap->keymap;
	int kc;

	/* From the top: low keycodes are where real keyboards put keys. */
	cap->n_spare = 0;
	for (kc = km->max_keycode; kc >= km->min_keycode &&
	     cap->n_spare < CAPTURE_SPARE_KEYS; kc--) {
		if (is_unbound(km, kc))
			cap->spare[cap->n_spare++] = (uint8_t)kc;
	}
}

static void set_local(struct keymap *km, int keycode, uint32_t keysym)
{
	int c;

	for (c = 0; c < km->per; c++) {
		uint32_t *slot = raw_slot(km, keycode, c);

		if (slot)
			*slot = c < 2 ? keysym : 0;
	}
}

/* Called with input_lock held.  Returns the keycode now giving keysym on
 * its first level, or -1 when every spare keycode is held down. */
int capture_keymap_bind_spare(struct capture *cap, uint32_t keysym)
{
	xcb_keysym_t syms[2] = { keysym, keysym };
	int i;

	for (i = 0; i < cap->n_spare; i++) {
		if (raw_sym(&cap->keymap, cap->spare[i], 0) == keysym)
			return cap->spare[i];
	}
	for (i = 0; i < cap->n_spare; i++) {
		uint8_t kc = cap->spare[cap->spare_next++ % cap->n_spare];

		if (cap->pressed[kc])
			continue;
		xcb_change_keyboard_mapping(cap->conn, 1, kc, 2, syms);
		set_local(&cap->keymap, kc, keysym);
		return kc;
	}
	return -1;
}

/* Called with input_lock held: give the borrowed keycodes back. */
void capture_keymap_unbind_spares(struct capture *cap)
{
	xcb_keysym_t none[2] = { 0, 0 };
	int i;

	for (i = 0; i < cap->n_spare; i++) {
		if (is_unbound(&cap->keymap, cap->spare[i]))
			continue;
		xcb_change_keyboard_mapping(cap->conn, 1, cap->spare[i], 2,
					    none);
		set_local(&cap->keymap, cap->spare[i], 0);
	}
	xcb_flush(cap->conn);
}

/* On the event thread, after MappingNotify: the round trip happens outside
 * the lock so input threads never wait for the server. */
void capture_keymap_refresh(struct capture *cap)
{
	struct keymap fresh = { 0 };
	struct keymap old;

	if (capture_keymap_fetch(cap->conn, &fresh))
		return;
	pthread_mutex_lock(&cap->input_lock);
	old = cap->keymap;
	cap->keymap = fresh;
	pthread_mutex_unlock(&cap->input_lock);
	capture_keymap_reset(&old);
}
