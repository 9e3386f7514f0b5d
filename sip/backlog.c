/*
 * backlog.c - room for a burst of TCP connections on our SIP listeners.
 *
 * libre listens with a backlog of 5: a burst of connections (a flood, or
 * many callers at once) overflows it and the kernel drops further SYNs,
 * so a caller's connection waits for SYN retransmissions (1 s, 3 s, 7 s).
 * libre does not hand out its listening descriptors, so they are found
 * among the process's own, and listen() again sets the new backlog.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <re.h>
#include "sip/sipua_int.h"

void sipua_raise_backlogs(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), on = 0, type = 0;
		socklen_t len = sizeof(on);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    fd == dirfd(d) ||
		    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) ||
		    !on)
			continue;
		len = sizeof(type);
		if (!getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) &&
		    type == SOCK_STREAM)
			(void)listen(fd, SOMAXCONN);
	}
	closedir(d);
}
