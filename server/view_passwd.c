/*
 * view_passwd.c - VNC password, file and challenge, with libvncserver's
 * DES (the bit order VNC uses is its own; libvncserver knows it).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rfb/rfbproto.h>

#include "server/view_passwd.h"

int view_passwd_make(char *out, size_t len)
{
	/* letters and digits: a password someone may have to type */
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t have = 0;

	if (len > VIEW_PASSWD_MAX)
		return EINVAL;
	while (have < len) {
		uint8_t rnd[32];
		size_t i;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? errno : EIO;
		for (i = 0; i < sizeof(rnd) && have < len; i++) {
			if (rnd[i] >= 248)   /* 4 * 62: no bias */
				continue;
			out[have++] = alphabet[rnd[i] % 62];
		}
	}
	out[len] = '\0';
	return 0;
}

/* vncpasswd's format: the password, NUL-padded to 8 bytes, DES-encrypted
 * with the fixed key every VNC implementation uses. */
int view_passwd_write(const char *path, const char *passwd)
{
	char key[] = {23, 82, 107, 6, 35, 78, 88, 7, 0};
	unsigned char buf[16] = {0};
	size_t len = strlen(passwd);
	int fd, err = 0;

	if (len > VIEW_PASSWD_MAX)
		return EINVAL;
	memcpy(buf, passwd, len + 1);
	rfbEncryptBytes(buf, key);
	/* a fresh file: never write through a link or into someone's file */
	if (unlink(path) < 0 && errno != ENOENT)
		return errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return errno;
	if (write(fd, buf, 8) != 8)
		err = errno ? errno : EIO;
	if (close(fd) < 0 && !err)
		err = errno;
	if (err)
		(void)unlink(path);
	return err;
}

bool view_passwd_check(const char *passwd, const uint8_t challenge[16],
		       const uint8_t response[16])
{
	unsigned char expect[16];
	char key[VIEW_PASSWD_MAX + 1];
	uint8_t diff = 0;
	size_t i;

	strncpy(key, passwd, VIEW_PASSWD_MAX);
	key[VIEW_PASSWD_MAX] = '\0';
	memcpy(expect, challenge, sizeof(expect));
	rfbEncryptBytes(expect, key);
	for (i = 0; i < sizeof(expect); i++)   /* in constant time */
		diff |= (uint8_t)(expect[i] ^ response[i]);
	return diff == 0;
}
