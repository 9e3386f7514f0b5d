/*
 * log.c - the one handler every log line of the process goes through.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "server/log.h"

static const char *const level_names[] = {
	[DBG_ERR] = "error", [DBG_WARNING] = "warn",
	[DBG_INFO] = "info", [DBG_DEBUG] = "debug",
};

int log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i] && !strcmp(level_names[i], name))
			return (int)i;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < 0 || (size_t)level >= sizeof(level_names) /
	    sizeof(level_names[0]) || !level_names[level])
		return "?";
	return level_names[level];
}

/* sd-daemon(3): JOURNAL_STREAM is "DEV:INODE" of the stream systemd gave
 * us; it counts only while stderr is still that stream (not when a child
 * inherited the variable but writes elsewhere). */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

/* Write each line of p[len] as its own line: one write() per line, so
 * lines of threads never interleave mid-line. */
static void emit(const struct log *lg, int level, const char *p, size_t len)
{
	while (len) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;
		char line[1100];
		int m;

		if (n) {
			if (n > sizeof(line) - 8)
				n = sizeof(line) - 8;
			m = lg->journal ?
				snprintf(line, sizeof(line), "<%d>%.*s\n",
					 level, (int)n, p) :
				snprintf(line, sizeof(line), "%.*s\n",
					 (int)n, p);
			if (m > 0)
				(void)!write(STDERR_FILENO, line, (size_t)m);
		}
		if (!nl)
			break;
		len -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
}

/* Called by libre's dbg (under its lock).  A piece starting with \x1f
 * waits for the rest of its line; a line from another thread arriving
 * between the pieces of a long one would be joined to it, a price paid
 * only by lines over 200 bytes logged from RFB threads. */
static void on_dbg(int level, const char *p, size_t len, void *arg)
{
	struct log *lg = arg;
	bool more = len && p[0] == '\x1f';
	size_t room;

	if (more) {
		p++;
		len--;
	}
	pthread_mutex_lock(&lg->lock);
	room = sizeof(lg->pending) - lg->pending_len;
	if (!more && !lg->pending_len) {
		emit(lg, level, p, len);
	}
	else {
		if (len > room)
			len = room;
		memcpy(lg->pending + lg->pending_len, p, len);
		lg->pending_len += len;
		if (!more) {
			emit(lg, level, lg->pending, lg->pending_len);
			lg->pending_len = 0;
		}
	}
	pthread_mutex_unlock(&lg->lock);
}

void log_sink(int level, const char *line, void *arg)
{
	struct log *lg = arg;
	size_t len = strlen(line);

	/* as long as a line joined from pieces may be (on_dbg) */
	if (len > sizeof(lg->pending))
		len = sizeof(lg->pending);
	pthread_mutex_lock(&lg->lock);
	if (level <= lg->level)
		emit(lg, level, line, len);
	pthread_mutex_unlock(&lg->lock);
}

void log_printf(int level, const char *fmt, ...)
{
	enum { PIECE = 200 };
	char *s = NULL;
	va_list ap;
	size_t len, off;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&s, fmt, ap);
	va_end(ap);
	if (err)
		return;
	len = str_len(s);
	for (off = 0; off + PIECE < len; off += PIECE)
		dbg_printf(level, "\x1f%b", s + off, (size_t)PIECE);
	dbg_printf(level, "%b", s + off, len - off);
	mem_deref(s);
}

void log_open(struct log *lg)
{
	pthread_mutex_init(&lg->lock, NULL);
	lg->pending_len = 0;
	lg->journal = stderr_is_journal();
	if (!lg->level)
		lg->level = DBG_INFO;
	/* no DBG_ANSI: libre's colours are its default otherwise */
	dbg_init(lg->level, 0);
	dbg_handler_set(on_dbg, lg);
}

void log_close(void)
{
	dbg_handler_set(NULL, NULL);
}

void log_set_level(struct log *lg, int level)
{
	if (lg->forced)
		level = DBG_DEBUG;
	pthread_mutex_lock(&lg->lock);  /* log_sink() reads it anywhere */
	lg->level = level;
	pthread_mutex_unlock(&lg->lock);
	dbg_init(level, 0);
}

void log_line(const struct log *lg, int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (level > lg->level)
		return;
	va_start(ap, fmt);
	n = re_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		emit(lg, level, buf, strlen(buf));
}
