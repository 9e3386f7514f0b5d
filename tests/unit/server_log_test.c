/*
 * server_log_test.c - the log handler: libre's dbg lines (which it would
 * colour) arrive plain, one line each, filtered by level, with syslog
 * priorities when stderr is the journal stream, and long lines intact.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"
#include "tests/unit/check.h"

static char path[] = "/tmp/sipvnc-log-XXXXXX";

/* What stderr received since the last call. */
static const char *taken(void)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	if (ftruncate(STDERR_FILENO, 0) < 0 ||
	    lseek(STDERR_FILENO, 0, SEEK_SET) < 0)
		buf[0] = '\0';
	return buf;
}

int main(void)
{
	struct log lg = {0}, jl = {0};
	char js[64], longline[701];
	struct stat st;
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	if (fd < 0 || saved < 0 || dup2(fd, STDERR_FILENO) < 0)
		return 2;
	unsetenv("JOURNAL_STREAM");
	log_open(&lg);

	dbg_printf(DBG_WARNING, "tcp: something odd %d\n", 42);
	CHECK_EQ_STR(taken(), "tcp: something odd 42\n");
	dbg_printf(DBG_INFO, "two\nlines");
	CHECK_EQ_STR(taken(), "two\nlines\n");
	dbg_printf(DBG_DEBUG, "hidden at info\n");
	CHECK_EQ_STR(taken(), "");

	log_set_level(&lg, DBG_WARNING);
	log_info("hidden at warn\n");
	log_err("shown at warn\n");
	CHECK_EQ_STR(taken(), "shown at warn\n");
	lg.forced = true;                  /* -v wins over log_level */
	log_set_level(&lg, DBG_ERR);
	log_debug("debug under -v\n");
	CHECK_EQ_STR(taken(), "debug under -v\n");

	CHECK_EQ_INT(log_level_parse("warn"), DBG_WARNING);
	CHECK_EQ_INT(log_level_parse("debug"), DBG_DEBUG);
	CHECK_EQ_INT(log_level_parse("loud"), -1);
	CHECK_EQ_STR(log_level_name(DBG_ERR), "error");

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	log_line(&lg, DBG_INFO, "audit %s", longline);
	CHECK(strlen(taken()) == 6 + 700 + 1);
	/* libre's dbg alone would drop a line this long */
	log_warn("long %s\n", longline);
	CHECK(strlen(taken()) == 5 + 700 + 1);
	log_info("short\n");
	CHECK_EQ_STR(taken(), "short\n");

	/* stderr is the journal stream */
	CHECK(fstat(STDERR_FILENO, &st) == 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	log_open(&jl);
	CHECK(jl.journal);
	dbg_printf(DBG_WARNING, "warned\n");
	log_err("failed\n");
	log_info("a\nb\n");
	CHECK_EQ_STR(taken(), "<4>warned\n<3>failed\n<6>a\n<6>b\n");
	setenv("JOURNAL_STREAM", "1:2", 1);  /* another stream's */
	log_open(&jl);
	CHECK(!jl.journal);

	log_close();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	unlink(path);
	CHECK_DONE("server_log");
}
