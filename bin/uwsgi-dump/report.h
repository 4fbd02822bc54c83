/* Where events go: text lines, JSON lines, or the --summary counts; and
 * -c N, which stops the capture after N exchanges. */
#ifndef UWSGI_DUMP_REPORT_H
#define UWSGI_DUMP_REPORT_H

#include <stdio.h>

#include "event.h"
#include "summary.h"
#include "text.h"
#include "uwsgiproto/buf.h"

struct report {
	FILE *fp;
	int json;
	int summary;
	struct text_opts text;
	long max;           /* -c; 0: no limit */
	long done;          /* exchanges reported */
	int *stop;          /* set when max is reached */
	up_buf_t out;
	struct summary sum;
};

void report_init(struct report *r, FILE *fp);

/* emit_fn: format ev and write it out. */
void report_event(void *ctx, const struct event *ev);

void report_free(struct report *r);

#endif
