/*
 * answer_cmd.h - private to sip/: `answermode manual` asks a configured
 * command whether to take a call.  The command gets the caller URI and the
 * rights (view|control) as arguments; exit status 0 means yes.  It runs in
 * its own process group, watched from the event loop through a pipe whose
 * only writer is the command, so the loop never blocks on it.
 */
#ifndef SIPVNC_ANSWER_CMD_H
#define SIPVNC_ANSWER_CMD_H

#include <stdbool.h>
#include <stdint.h>

struct answer_cmd;

/* Called once: yes or no, and why in a few words.  The answer_cmd may be
 * freed from inside. */
typedef void (answer_cmd_h)(bool yes, const char *why, void *arg);

/* Start command caller rights; after timeout_ms without an exit it is
 * killed and the answer is no.  ENOENT / EACCES if command is not an
 * executable file.  Freeing it (mem_deref) before the answer
 * kills the command and calls nothing. */
int sip_answer_cmd_start(struct answer_cmd **cmdp, const char *command,
			 const char *caller, const char *rights,
			 uint32_t timeout_ms, answer_cmd_h *h, void *arg);
/* The same with fixed leading arguments: argv[0] is the program, then up
 * to ANSWER_CMD_MAX_PREFIX - 1 arguments, NULL-terminated; caller and
 * rights follow them. */
#define ANSWER_CMD_MAX_PREFIX 6
int sip_answer_cmd_start_argv(struct answer_cmd **cmdp,
			      const char *const *argv, const char *caller,
			      const char *rights, uint32_t timeout_ms,
			      answer_cmd_h *h, void *arg);

#endif
