/* A reading of the node: the document fetched and parsed, once, or twice
 * some seconds apart so that counters become rates. */
#ifndef UWSGI_STATS_SAMPLE_H
#define UWSGI_STATS_SAMPLE_H

#include "doc.h"
#include "fetch.h"
#include "stats.h"
#include "target.h"

/* Fetch and parse t's document into *d. A document that does not parse is
 * FETCH_ANSWER, with the address and the reason in r->msg. On success
 * d->fetch_seconds is set; on failure *d holds nothing. */
enum fetch_status snapshot(const struct target *t, int timeout_ms, struct doc *d,
                           struct fetch_result *r);

struct sample {
	struct doc cur;
	struct doc prev;      /* valid when have_prev */
	int have_prev;
	double dt;            /* seconds between prev and cur */
};

/* One snapshot, then (o->interval > 0) a second one that much later.
 * A failure exits with the code uwsgi-stats(1) gives it (2, 3 or 4). */
void sample_take(struct sample *s, const struct target *t, const struct stats_opts *o);

void sample_free(struct sample *s);

/* The exit status of the human modes for a failed fetch. */
int sample_exit_code(enum fetch_status s);

/* Sleep for seconds (fractions allowed), resuming after signals. */
void sample_sleep(double seconds);

#endif
