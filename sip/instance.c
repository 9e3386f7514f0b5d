/*
 * instance.c - our RFC 5626 instance id, kept across restarts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "sip/instance.h"

bool sip_instance_uuid_ok(const char *s)
{
	size_t i;

	if (!s || strlen(s) != INSTANCE_UUID_LEN)
		return false;
	for (i = 0; i < INSTANCE_UUID_LEN; i++) {
		bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash_place ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static void random_uuid(char *uuid, size_t size)
{
	uint8_t b[16];

	rand_bytes(b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);   /* version 4: random */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	(void)re_snprintf(uuid, size,
			  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			  "%02x%02x%02x%02x%02x%02x",
			  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
			  b[8], b[9], b[10], b[11], b[12], b[13], b[14],
			  b[15]);
}

int sip_instance_load_file(char *uuid, size_t size, const char *file)
{
	char line[64];
	FILE *f;
	int err;

	if (!uuid || size <= INSTANCE_UUID_LEN || !file)
		return EINVAL;
	f = fopen(file, "r");
	if (f) {
		err = fgets(line, sizeof(line), f) ? 0 : EINVAL;
		fclose(f);
		if (err)
			return err;
		line[strcspn(line, "\r\n")] = '\0';
		if (!sip_instance_uuid_ok(line))
			return EINVAL;
		str_ncpy(uuid, line, size);
		return 0;
	}
	if (errno != ENOENT)
		return errno;
	random_uuid(uuid, size);
	f = fopen(file, "wx");   /* never clobber one written meanwhile */
	if (!f)
		return errno;
	err = fprintf(f, "%s\n", uuid) < 0 ? EIO : 0;
	if (fclose(f) && !err)
		err = errno;
	return err;
}
