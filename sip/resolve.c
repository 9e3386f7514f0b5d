/*
 * resolve.c - /etc/hosts and getaddrinfo() for our SIP server names.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "sip/resolve.h"

int sip_resolve_hosts_file(const char *hosts, const char *name, char *addr,
			   size_t size)
{
	char line[512];
	FILE *f;
	int err = ENOENT;

	if (!hosts || !name || !*name || !addr || !size)
		return EINVAL;
	f = fopen(hosts, "r");
	if (!f)
		return errno;
	while (err == ENOENT && fgets(line, sizeof(line), f)) {
		char *save = NULL, *ip, *alias;
		struct sa sa;

		line[strcspn(line, "#\r\n")] = '\0';
		ip = strtok_r(line, " \t", &save);
		if (!ip || sa_set_str(&sa, ip, 0))
			continue;
		while ((alias = strtok_r(NULL, " \t", &save)) != NULL) {
			if (strcasecmp(alias, name) != 0)
				continue;
			if (strlen(ip) >= size)
				err = E2BIG;
			else {
				strcpy(addr, ip);
				err = 0;
			}
			break;
		}
	}
	fclose(f);
	return err;
}

/* Blocking: only used at start-up, and only without any nameserver. */
static int system_lookup(const char *name, char *addr, size_t size)
{
	struct addrinfo hints, *res = NULL;
	struct sa sa;
	int err = ENOENT;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return ENOENT;
	if (!sa_set_sa(&sa, res->ai_addr) && !sa_ntop(&sa, addr, (int)size))
		err = 0;
	freeaddrinfo(res);
	return err;
}

int sip_resolve_route(char *out, size_t size, const char *uri,
		      const char *hosts, bool use_getaddrinfo)
{
	char name[256], addr[64];
	struct pl pl;
	struct uri u;
	struct pl lr_end;
	struct sa sa;
	bool v6, has_lr;
	int n;

	if (!out || !uri || !*uri)
		return EINVAL;
	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl) || !u.host.l || pl_isset(&u.headers))
		return EINVAL;
	if (pl_strcpy(&u.host, name, sizeof(name)))
		return E2BIG;
	if (!sa_set_str(&sa, name, 0))
		return ENOENT;   /* an address already */
	if (sip_resolve_hosts_file(hosts, name, addr, sizeof(addr)) &&
	    (!use_getaddrinfo || system_lookup(name, addr, sizeof(addr))))
		return ENOENT;
	v6 = strchr(addr, ':') != NULL;
	has_lr = pl_isset(&u.params) &&
		!msg_param_exists(&u.params, "lr", &lr_end);
	/* everything around the host stays as written */
	n = re_snprintf(out, size, "%b%s%s%s%s%s",
			uri, (size_t)(u.host.p - uri), v6 ? "[" : "", addr,
			v6 ? "]" : "", u.host.p + u.host.l,
			has_lr ? "" : ";lr");
	if (n < 0 || (size_t)n >= size - 1)
		return E2BIG;
	return 0;
}
