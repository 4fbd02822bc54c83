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

#endif
