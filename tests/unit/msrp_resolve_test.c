/*
 * msrp_resolve_test.c - host names in MSRP URIs: IP literals, a hosts file,
 * getaddrinfo() without a DNS client, and with libre's DNS client against
 * dnsmasq on a loopback port: A records, SRV _msrp._tcp for relays (with
 * the fallback to the host on 2855), unknown names; then a session whose
 * peer's path names a host, and a relay configured as a bare domain found
 * by SRV and AUTHorised.  Skips (exit 0, saying so) without dnsmasq.
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <re.h>
#include "msrp/msrp.h"
#include "msrp/msrp_frame.h"
#include "msrp/msrp_priv.h"
#include "msrp/msrp_resolve.h"
#include "tests/unit/check.h"

static struct tmr guard;
static bool done;
static int got_err;
static struct sa got_addr;

static void stop_h(void *arg)
{
	re_cancel();
}

static void run_ms(unsigned ms)
{
	tmr_start(&guard, ms, stop_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);
}

static void resolved_h(int err, const struct sa *addr, void *arg)
{
	done = true;
	got_err = err;
	if (addr)
		got_addr = *addr;
	re_cancel();
}

/* Resolve uri; "ADDR:PORT" (or "error") into out, and whether it had to
 * wait for DNS. */
/* The hosts file resolve() hands msrp_resolve(): NULL for /etc/hosts. */
static const char *hosts_file;

static void resolve(struct dnsc *dnsc, const char *text, bool srv,
		    char *out, size_t sz, bool *waited)
{
	struct msrp_resolve *r = NULL;
	struct msrp_uri uri;
	struct pl pl;
	struct sa sa;
	int err;

	pl_set_str(&pl, text);
	*waited = false;
	snprintf(out, sz, "bad uri");
	if (msrp_uri_decode(&uri, &pl))
		return;
	done = false;
	sa_init(&sa, AF_UNSPEC);
	err = msrp_resolve(&r, dnsc, hosts_file, &uri, srv, &sa, resolved_h,
			   NULL, NULL);
	if (err == EINPROGRESS) {
		*waited = true;
		run_ms(5000);
		err = done ? got_err : ETIMEDOUT;
		sa = got_addr;
		mem_deref(r);
	}
	if (err)
		snprintf(out, sz, "error");
	else
		re_snprintf(out, sz, "%J", &sa);
}

static uint16_t free_udp_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t port = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len))
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static pid_t start_dnsmasq(uint16_t port, uint16_t relay_port)
{
	char a_port[32], a_srv[128];
	pid_t pid;

	snprintf(a_port, sizeof(a_port), "--port=%u", port);
	snprintf(a_srv, sizeof(a_srv),
		 "--srv-host=_msrp._tcp.relay.test,relayhost.test,%u",
		 relay_port);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", 0);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		/* As root it would switch to a user of its own. */
		const char *argv[] = {
			"dnsmasq", "--no-daemon", a_port,
			"--listen-address=127.0.0.1", "--bind-interfaces",
			"--no-resolv", "--no-hosts", "--conf-file=/dev/null",
			"--pid-file=", a_srv,
			"--host-record=relayhost.test,127.0.0.1",
			"--host-record=peer.test,127.0.0.1",
			geteuid() == 0 ? "--user=root" : NULL, NULL,
		};
		execvp("dnsmasq", (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* ---- a relay that authorises every AUTH ---- */

struct fake_relay {
	struct tcp_sock *ts;
	struct tcp_conn *tc;
	struct msrp_parser *parser;
	uint16_t port;
	unsigned auths;
};

static bool relay_frame(const struct msrp_msg *msg, void *arg)
{
	struct fake_relay *f = arg;
	struct mbuf *mb;

	if (!msg->is_request || pl_strcmp(&msg->method, "AUTH"))
		return false;
	f->auths++;
	mb = mbuf_alloc(512);
	(void)mbuf_printf(mb, "MSRP %s 200 OK\r\nTo-Path: %r\r\nFrom-Path: "
			  "msrp://127.0.0.1:%u;tcp\r\nUse-Path: msrp://"
			  "127.0.0.1:%u/fake1;tcp\r\nExpires: 600\r\n"
			  "-------%s$\r\n", msg->tid, &msg->from_path,
			  f->port, f->port, msg->tid);
	mb->pos = 0;
	(void)tcp_send(f->tc, mb);
	mem_deref(mb);
	return false;
}

static void relay_recv(struct mbuf *mb, void *arg)
{
	struct fake_relay *f = arg;
	struct msrp_perr_info info;

	(void)msrp_parser_feed(f->parser, mbuf_buf(mb), mbuf_get_left(mb),
			       relay_frame, f, &info);
}

static void relay_conn(const struct sa *peer, void *arg)
{
	struct fake_relay *f = arg;

	f->tc = mem_deref(f->tc);
	(void)tcp_accept(&f->tc, f->ts, NULL, relay_recv, NULL, f);
}

static int relay_start(struct fake_relay *f)
{
	struct sa sa;
	int err;

	memset(f, 0, sizeof(*f));
	sa_set_str(&sa, "127.0.0.1", 0);
	err = tcp_listen(&f->ts, &sa, relay_conn, f);
	err |= tcp_local_get(f->ts, &sa);
	err |= msrp_parser_alloc(&f->parser, NULL);
	f->port = sa_port(&sa);
	return err;
}

static void relay_stop(struct fake_relay *f)
{
	f->tc = mem_deref(f->tc);
	f->ts = mem_deref(f->ts);
	f->parser = mem_deref(f->parser);
}

/* ---- sessions ---- */

struct end {
	bool bound, closed;
	size_t got;
};

static void bound_h(void *arg)
{
	struct end *e = arg;
	e->bound = true;
}

static void recv_h(const uint8_t *data, size_t len, void *arg)
{
	struct end *e = arg;
	e->got += len;
	re_cancel();
}

static void close_h(int err, void *arg)
{
	struct end *e = arg;
	e->closed = true;
	re_cancel();
}

static void test_session_by_name(struct dnsc *dnsc)
{
	struct msrp_settings st = { .content_type = "text/plain",
				    .dnsc = dnsc };
	struct msrp_sock *sa_ = NULL, *sb = NULL;
	struct msrp_session *a = NULL, *b = NULL;
	struct end ea, eb;
	char path[256], *at;
	struct sa laddr;

	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sa_, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sb, &laddr), 0);
	CHECK_EQ_INT(msrp_session_alloc(&a, sa_, &st, bound_h, recv_h, NULL,
					close_h, &ea), 0);
	CHECK_EQ_INT(msrp_session_alloc(&b, sb, &st, bound_h, recv_h, NULL,
					close_h, &eb), 0);
	/* b's path with its address written as a name only DNS knows */
	str_ncpy(path, msrp_session_local_path(b), sizeof(path));
	at = strstr(path, "127.0.0.1");
	CHECK(at != NULL);
	if (at) {
		char rest[256];
		str_ncpy(rest, at + 9, sizeof(rest));
		snprintf(at, sizeof(path) - (size_t)(at - path), "peer.test%s",
			 rest);
	}
	CHECK_EQ_INT(msrp_session_start(b, msrp_session_local_path(a),
					MSRP_SETUP_PASSIVE), 0);
	CHECK_EQ_INT(msrp_session_start(a, path, MSRP_SETUP_ACTIVE), 0);
	for (int i = 0; i < 20 && !(ea.bound && eb.bound); i++)
		run_ms(100);
	CHECK(ea.bound && eb.bound);
	CHECK_EQ_INT(msrp_session_send(a, (const uint8_t *)"hello", 5), 0);
	run_ms(2000);
	CHECK_EQ_INT(eb.got, 5);
	printf("session to %s: bound, data through\n", path);
	mem_deref(a);
	mem_deref(b);
	mem_deref(sa_);
	mem_deref(sb);
}

static void test_relay_by_domain(struct dnsc *dnsc, struct fake_relay *f)
{
	struct msrp_settings st = { .content_type = "text/plain",
				    .relay = "relay.test", .dnsc = dnsc };
	struct msrp_sock *sock = NULL;
	struct sa laddr;

	sa_set_str(&laddr, "127.0.0.1", 0);
	CHECK_EQ_INT(msrp_sock_alloc(&sock, &laddr), 0);
	CHECK_EQ_INT(msrp_sock_configure(sock, &st), 0);
	for (int i = 0; i < 30 && !msrp_sock_ready(sock); i++)
		run_ms(100);
	CHECK(msrp_sock_ready(sock));
	CHECK_EQ_INT(f->auths, 1);
	printf("relay \"relay.test\": found by SRV, %u AUTH, ready %d\n",
	       f->auths, msrp_sock_ready(sock));
	mem_deref(sock);
}

int main(void)
{
	char hosts[64], out[128], want[64];
	struct fake_relay f;
	struct dnsc *dnsc = NULL;
	struct sa dns;
	bool waited;
	uint16_t port;
	pid_t pid;
	FILE *fp;

	CHECK_EQ_INT(libre_init(), 0);
	tmr_init(&guard);

	/* no DNS needed */
	resolve(NULL, "msrp://127.0.0.1:7/s;tcp", false, out, sizeof(out),
		&waited);
	CHECK_EQ_STR(out, "127.0.0.1:7");
	resolve(NULL, "msrp://[::1]/s;tcp", false, out, sizeof(out), &waited);
	CHECK_EQ_STR(out, "[::1]:2855");
	snprintf(hosts, sizeof(hosts), "/tmp/msrp_resolve_hosts.%d",
		 (int)getpid());
	fp = fopen(hosts, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs("# comment\n127.0.0.2\tdesk.hosts.test desk # x\n", fp);
		fclose(fp);
	}
	hosts_file = hosts;
	resolve(NULL, "msrp://DESK.hosts.test:9/s;tcp", false, out,
		sizeof(out), &waited);
	CHECK_EQ_STR(out, "127.0.0.2:9");
	CHECK(!waited);
	resolve(NULL, "msrp://localhost:9/s;tcp", false, out, sizeof(out),
		&waited);
	CHECK(!strcmp(out, "127.0.0.1:9") || !strcmp(out, "[::1]:9"));
	resolve(NULL, "msrp://nothing.invalid:9/s;tcp", false, out,
		sizeof(out), &waited);
	CHECK_EQ_STR(out, "error");

	/* with a DNS client */
	if (system("command -v dnsmasq >/dev/null 2>&1")) {
		printf("msrp_resolve: SKIPPING the DNS part: no dnsmasq "
		       "(apt-get install dnsmasq-base)\n");
		unlink(hosts);
		libre_close();
		CHECK_DONE("msrp_resolve");
	}
	CHECK_EQ_INT(relay_start(&f), 0);
	port = free_udp_port();
	pid = start_dnsmasq(port, f.port);
	CHECK(pid > 0);
	sa_set_str(&dns, "127.0.0.1", port);
	CHECK_EQ_INT(dnsc_alloc(&dnsc, NULL, &dns, 1), 0);
	/* until dnsmasq answers (it starts in well under a second) */
	for (int i = 0; i < 30; i++) {
		resolve(dnsc, "msrp://peer.test:4321/s;tcp", false, out,
			sizeof(out), &waited);
		if (strcmp(out, "error"))
			break;
		run_ms(100);
	}
	CHECK_EQ_STR(out, "127.0.0.1:4321");
	CHECK(waited);
	resolve(dnsc, "msrp://relay.test;tcp", true, out, sizeof(out),
		&waited);
	snprintf(want, sizeof(want), "127.0.0.1:%u", f.port);
	CHECK_EQ_STR(out, want);
	/* no SRV record: the host itself on 2855 */
	resolve(dnsc, "msrp://peer.test;tcp", true, out, sizeof(out),
		&waited);
	CHECK_EQ_STR(out, "127.0.0.1:2855");
	/* a port given: no SRV lookup */
	resolve(dnsc, "msrp://peer.test:5/s;tcp", true, out, sizeof(out),
		&waited);
	CHECK_EQ_STR(out, "127.0.0.1:5");
	resolve(dnsc, "msrp://nothere.test:5/s;tcp", false, out, sizeof(out),
		&waited);
	CHECK_EQ_STR(out, "error");
	/* the hosts file comes first, even with DNS */
	resolve(dnsc, "msrp://desk:5/s;tcp", false, out, sizeof(out),
		&waited);
	CHECK_EQ_STR(out, "127.0.0.2:5");
	CHECK(!waited);

	test_session_by_name(dnsc);
	test_relay_by_domain(dnsc, &f);

	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	relay_stop(&f);
	mem_deref(dnsc);
	unlink(hosts);
	libre_close();
	CHECK_DONE("msrp_resolve");
}
