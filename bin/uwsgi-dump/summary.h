/* --summary: counts kept while the capture is read, and the report printed
 * at its end: requests per modifier, responses per status, the top URIs,
 * latency percentiles, malformed packets and gaps. */
#ifndef UWSGI_DUMP_SUMMARY_H
#define UWSGI_DUMP_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "event.h"

struct uri_count;

struct summary {
	unsigned top;                 /* URIs listed */
	uint64_t requests, responses, unanswered, unpaired, malformed, gaps;
	uint64_t lost, skipped;
	uint64_t by_mod[256];
	uint64_t by_status[1000];
	uint64_t non_http;            /* answers that were not HTTP */
	struct uri_count *uris;       /* open addressing, URI_SLOTS slots */
	size_t nuris;
	uint64_t uri_other;           /* requests whose URI did not fit */
	uint64_t *lat;                /* latencies in microseconds */
	size_t nlat, caplat;
	uint64_t lat_dropped;
};

void summary_init(struct summary *s, unsigned top);
void summary_add(struct summary *s, const struct event *ev);
void summary_print(struct summary *s, FILE *fp, const struct engine_stats *st);
void summary_free(struct summary *s);

#endif
