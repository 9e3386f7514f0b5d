/*
 * view_gate.h - VNC authentication (RFB security type 2) in front of a
 * TCP --listen of `sipvnc view`, so that no other local user can place a
 * call with our SIP identity by connecting to the port.
 *
 * The password is made at start (8 random letters and digits, the most VNC
 * authentication uses) and stored in TigerVNC's `-passwd` file format
 * (vncpasswd: DES with the well-known fixed key), mode 0600.  A viewer is
 * handed over only after it answered the challenge; the SecurityResult is
 * left to the caller, who sends it once the far end accepted us.
 *
 * Failures are rate-limited: every wrong answer is told after a second;
 * from the third wrong answer in a row every login is refused for a while
 * (5 s, doubling up to 5 minutes) and at most four logins run at once.
 */
#ifndef SIPVNC_VIEW_GATE_H
#define SIPVNC_VIEW_GATE_H

struct view_gate;

/* A viewer logged in: fd is the callee's; it speaks RFB 3.minor and waits
 * for its SecurityResult (view_rfb_security_result()). */
typedef void (view_gate_pass_h)(int fd, int minor, void *arg);

/* Makes the password and writes it to passwd_path (replacing what is
 * there); the file is removed when the gate is freed. */
int view_gate_alloc(struct view_gate **gp, const char *passwd_path,
		    view_gate_pass_h *passh, void *arg);
/* Run the login on a freshly accepted connection; takes fd. */
void view_gate_login(struct view_gate *gate, int fd);

#endif
