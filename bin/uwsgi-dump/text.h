/* The output for people: one line per exchange, tcpdump-like,
 *   TIME SRC > DST MODIFIER WHAT → ANSWER LATENCY
 * then, with -v, every var and response header, and with -X/-A the
 * bodies. Bytes that would disturb a terminal are written as \xHH. */
#ifndef UWSGI_DUMP_TEXT_H
#define UWSGI_DUMP_TEXT_H

#include <stdint.h>

#include "event.h"
#include "uwsgiproto/buf.h"

enum ts_mode {
	TS_TIME = 0,    /* 12:34:56.123456 (local time) */
	TS_NONE = 1,    /* -t */
	TS_EPOCH = 2,   /* -tt */
	TS_DELTA = 3,   /* -ttt: since the previous line */
	TS_DATE = 4,    /* -tttt: date and time */
};

struct text_opts {
	int verbose;    /* -v */
	int hex;        /* -X */
	int ascii;      /* -A */
	int ts_mode;
	uint64_t prev_ts;
};

/* Append the lines for ev to o (nothing for events that wait for their
 * exchange's end, such as a TCP request). */
void text_event(up_buf_t *o, struct text_opts *t, const struct event *ev);

/* Append s[0..n) escaped, at most max bytes of it (then "..."). */
void text_escaped(up_buf_t *o, const uint8_t *s, size_t n, size_t max);

#endif
