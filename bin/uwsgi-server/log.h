/* The request log, in uWSGI's default line shape or a --log-format, and
 * the log file itself (--logto, reopened on demand). One write() per line so
 * lines from several workers never interleave. */
#ifndef UWSGI_SERVER_LOG_H
#define UWSGI_SERVER_LOG_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "request.h"

struct reqlog {
	pid_t pid;
	int wid;                  /* worker id, 1-based */
	int core;                 /* thread index in the worker */
	int app;                  /* app index, -1 when none */
	uint64_t worker_requests; /* this worker's count, this request included */
	uint64_t total_requests;  /* all workers' */
	int64_t start_us;         /* wall clock when the request began */
	uint64_t duration_us;
};

/* Point stdout and stderr at --logto (append) if given. Returns 0 or -1. */
int log_open(const struct config *c);

/* Reopen --logto (after rotation). */
void log_reopen(const struct config *c);

/* Log one served request. */
void log_request(const struct config *c, const struct request *r, const struct reqlog *l);

/* Log one line as it is, without the program's name (uWSGI's shapes). */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log a connection-level failure: "[pid: N] PEER: reason". */
void log_conn_error(const char *peer, const char *reason);

/* Peer bytes fit for a log line: at most cap - 1 of the n bytes of p, each
 * control byte as '?' (a decoded %0a must not start a new line). Inline,
 * so that modules fuzzed without log.c (spool.c) have it. Returns out. */
static inline char *log_safe(char *out, size_t cap, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (n > cap - 1)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	out[n] = '\0';
	return out;
}

#endif
