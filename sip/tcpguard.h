/*
 * tcpguard.h - private to sip/: caps and an idle timeout for the TCP and
 * TLS connections callers open to our SIP listeners.
 *
 * libre 1.1.0 owns those sockets and has no accept hook: it closes a
 * connection that never sent a message after 32 s, but one that sends a
 * CRLF keepalive now and then lives 900 s, and it takes as many as come.
 * So the guard finds them among the process's descriptors once a second
 * (as backlog.c finds the listeners), learns from libre's trace handler
 * which ones carry SIP messages, and shuts down (SHUT_RDWR) the ones over
 * a cap or idle too long: libre reads EOF and frees its connection
 * itself, so nothing is closed behind its back.
 *
 * Never cut: the connection a call's INVITE came on (while the call
 * lives), and every connection from a registrar, outbound proxy or
 * trusted proxy (ratelimit.c's exempt addresses).  Our own registration
 * flows are connections we opened, from other ports: never looked at.
 */
#ifndef SIPVNC_TCPGUARD_H
#define SIPVNC_TCPGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>

#define SIPUA_TCPG_DEFAULT_PER_ADDR 16
#define SIPUA_TCPG_DEFAULT_MAX 1000
#define SIPUA_TCPG_DEFAULT_IDLE_S 60
#define SIPUA_TCPG_DEFAULT_DEFER_S 5

struct sipua;
struct conf;
struct sipua_tcpguard;

/* One accepted connection as the policy sees it. */
struct sipua_tcpg_conn {
	struct sa peer;
	uint64_t first;      /* first seen (ms) */
	uint64_t last_rx;    /* its last SIP message, or first */
	bool keep;           /* exempt source or a live call's flow */
	bool cut;            /* the policy's verdict */
};

struct sipua_tcpg_limits {
	uint32_t per_addr;   /* 0: no cap */
	uint32_t max_conns;  /* 0: no cap */
	uint64_t idle_ms;    /* 0: no idle timeout */
};

struct sipua_tcpg_counts {
	unsigned per_addr, idle, total;   /* cut for each reason */
};

/* The policy, on n connections (reordered): sets cut on those to shut
 * down.  Over per_addr from one address the newest go; idle ones go; over
 * max_conns the longest idle go.  A keep one is counted, never cut. */
void sipua_tcpguard_decide(struct sipua_tcpg_conn **v, size_t n,
			   const struct sipua_tcpg_limits *lim, uint64_t now,
			   struct sipua_tcpg_counts *cnt);

/* The user agent's guard: the sip_tcp_* keys, the trace handler and the
 * sweep's timer.  Before the transports are opened. */
int sipua_tcpguard_open(struct sipua *ua, const struct conf *conf);
/* After a TCP or TLS transport is added: TCP_DEFER_ACCEPT on our SIP
 * listeners. */
void sipua_tcpguard_listeners(struct sipua *ua);

#endif
