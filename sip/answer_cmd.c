/*
 * answer_cmd.c - run the answer command and learn its verdict without
 * blocking: the child keeps the write end of a pipe open until it exits,
 * the loop sees EOF on the read end, then reaps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <re.h>
#include "sip/answer_cmd.h"

#define REAP_RETRY_MS 20   /* EOF can come a moment before the exit */
#define WATCH_FD 3         /* the child's end of the pipe */

struct answer_cmd {
	pid_t pid;
	int watch_fd;
	struct tmr tmr;          /* timeout, then reap retries */
	answer_cmd_h *h;
	void *arg;
};

static void kill_and_reap(struct answer_cmd *cmd)
{
	if (cmd->pid <= 0)
		return;
	/* the group: whatever the command started goes too */
	(void)kill(-cmd->pid, SIGKILL);
	while (waitpid(cmd->pid, NULL, 0) < 0 && errno == EINTR)
		;
	cmd->pid = 0;
}

static void destructor(void *arg)
{
	struct answer_cmd *cmd = arg;

	tmr_cancel(&cmd->tmr);
	if (cmd->watch_fd >= 0) {
		fd_close(cmd->watch_fd);
		(void)close(cmd->watch_fd);
	}
	kill_and_reap(cmd);
}

static void finish(struct answer_cmd *cmd, bool yes, const char *why)
{
	answer_cmd_h *h = cmd->h;

	cmd->h = NULL;
	tmr_cancel(&cmd->tmr);
	if (h)
		h(yes, why, cmd->arg);
}

static void try_reap(void *arg)
{
	struct answer_cmd *cmd = arg;
	int status;
	pid_t r;

	do {
		r = waitpid(cmd->pid, &status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		tmr_start(&cmd->tmr, REAP_RETRY_MS, try_reap, cmd);
		return;
	}
	cmd->pid = 0;
	if (r < 0)
		finish(cmd, false, "answer command lost");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		finish(cmd, true, "answer command said yes");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		finish(cmd, false, "answer command could not run");
	else if (WIFEXITED(status))
		finish(cmd, false, "answer command said no");
	else
		finish(cmd, false, "answer command died");
}

static void timeout_handler(void *arg)
{
	struct answer_cmd *cmd = arg;

	kill_and_reap(cmd);
	finish(cmd, false, "answer command timed out");
}

static void watch_handler(int flags, void *arg)
{
	struct answer_cmd *cmd = arg;
	char buf[64];
	ssize_t n;

	(void)flags;
	n = read(cmd->watch_fd, buf, sizeof(buf));
	if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
		return;   /* the command wrote to fd 3: ignored */
	fd_close(cmd->watch_fd);
	(void)close(cmd->watch_fd);
	cmd->watch_fd = -1;
	tmr_cancel(&cmd->tmr);
	try_reap(cmd);
}

/* In the child: only stdio and the watch end stay open. */
static void exec_child(int write_fd, const char *const *prefix,
		       const char *caller, const char *rights)
{
	char *argv[ANSWER_CMD_MAX_PREFIX + 3];
	int fd, n = 0;

	(void)setpgid(0, 0);
	if (write_fd != WATCH_FD && dup2(write_fd, WATCH_FD) < 0)
		_exit(126);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != STDIN_FILENO) {
		(void)dup2(fd, STDIN_FILENO);
		(void)close(fd);
	}
	for (fd = WATCH_FD + 1; fd < 1024; fd++)
		(void)close(fd);
	(void)signal(SIGPIPE, SIG_DFL);
	while (n < ANSWER_CMD_MAX_PREFIX && prefix[n]) {
		/* execv() wants char *: it does not write the strings */
		argv[n] = (char *)prefix[n];
		n++;
	}
	argv[n++] = (char *)caller;
	argv[n++] = (char *)rights;
	argv[n] = NULL;
	execv(argv[0], argv);
	_exit(127);
}

int sip_answer_cmd_start(struct answer_cmd **cmdp, const char *command,
			 const char *caller, const char *rights,
			 uint32_t timeout_ms, answer_cmd_h *h, void *arg)
{
	const char *argv[] = { command, NULL };

	return sip_answer_cmd_start_argv(cmdp, argv, caller, rights, timeout_ms,
					 h, arg);
}

int sip_answer_cmd_start_argv(struct answer_cmd **cmdp,
			      const char *const *argv, const char *caller,
			      const char *rights, uint32_t timeout_ms,
			      answer_cmd_h *h, void *arg)
{
	struct answer_cmd *cmd;
	int fds[2];
	int err;

	if (!cmdp || !argv || !argv[0] || !*argv[0] || !caller || !rights ||
	    !h)
		return EINVAL;
	/* a command that cannot run is our configuration's fault: say so
	 * now, not through a child that fails */
	if (access(argv[0], X_OK) < 0)
		return errno;
	cmd = mem_zalloc(sizeof(*cmd), destructor);
	if (!cmd)
		return ENOMEM;
	cmd->watch_fd = -1;
	cmd->h = h;
	cmd->arg = arg;
	tmr_init(&cmd->tmr);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		err = errno;
		goto out;
	}
	cmd->pid = fork();
	if (cmd->pid == 0) {
		/* dup2 clears close-on-exec on the copy at WATCH_FD; a write
		 * end already there needs it cleared by hand */
		if (fds[1] == WATCH_FD)
			(void)fcntl(fds[1], F_SETFD, 0);
		exec_child(fds[1], argv, caller, rights);
	}
	(void)close(fds[1]);
	cmd->watch_fd = fds[0];
	if (cmd->pid < 0) {
		err = errno;
		cmd->pid = 0;
		goto out;
	}
	(void)setpgid(cmd->pid, cmd->pid);   /* no race with the child's */
	err = fd_listen(cmd->watch_fd, FD_READ, watch_handler, cmd);
	if (!err)
		tmr_start(&cmd->tmr, timeout_ms, timeout_handler, cmd);
 out:
	if (err)
		mem_deref(cmd);
	else
		*cmdp = cmd;
	return err;
}
