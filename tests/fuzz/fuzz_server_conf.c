/*
 * fuzz_server_conf.c - libFuzzer harness for the configuration file:
 * confcheck_report() (every line against the key table) and
 * confkeys_load_buf() (the file plus the table's defaults), on any
 * bytes.  A file that passes the check must load.  The file lives in a
 * memfd, reached through /proc/self/fd, so nothing touches the disk.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <re.h>

#include "server/conf_check.h"
#include "server/conf_keys.h"
#include "server/log.h"   /* libre's dbg, with our module name */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct conf *conf = NULL;
	unsigned problems = 0;
	int err;

	if (fd < 0) {
		fd = memfd_create("sipvnc-conf", 0);
		if (fd < 0)
			abort();
		/* the problems go to the log: keep the run quiet */
		dbg_init(DBG_EMERG, 0);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err = confcheck_report(path, false, &problems);
	if ((err == 0) != (problems == 0))
		abort();
	if (confkeys_load_buf(&conf, data, size) != 0 && err == 0)
		abort();   /* a file that passes the check must load */
	mem_deref(conf);
	return 0;
}
