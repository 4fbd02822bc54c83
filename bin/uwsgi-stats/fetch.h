/* Reading one stats document: connect, (for URLs) send a GET, read to the
 * end of the answer, all under one deadline. Never exits: --watch keeps
 * going when the node is down for a moment. */
#ifndef UWSGI_STATS_FETCH_H
#define UWSGI_STATS_FETCH_H

#include "target.h"
#include "uwsgiproto/buf.h"

/* The largest document accepted (uWSGI with many workers and threads
 * writes a few hundred bytes per core). */
#define FETCH_MAX (64u << 20)

enum fetch_status {
	FETCH_OK,
	FETCH_CONNECT,   /* refused, unreachable: the node is down */
	FETCH_TIMEOUT,   /* the deadline passed */
	FETCH_ANSWER,    /* empty, truncated, an HTTP error, too large */
};

struct fetch_result {
	enum fetch_status status;
	double seconds;   /* from connect to the last byte */
	char msg[512];    /* what went wrong, naming the address */
};

/* Read the document at t into out (reset first, NUL-terminated after its
 * len bytes; out's cap should allow FETCH_MAX). timeout_ms bounds the
 * whole exchange. Returns r->status. */
enum fetch_status fetch_document(const struct target *t, int timeout_ms,
                                 up_buf_t *out, struct fetch_result *r);

/* Seconds on CLOCK_MONOTONIC, with sub-millisecond precision. */
double fetch_clock(void);

#endif
