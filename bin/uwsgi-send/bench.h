/* --bench: a load generator over the uwsgi protocol itself. */
#ifndef UWSGI_SEND_BENCH_H
#define UWSGI_SEND_BENCH_H

#include "send.h"

/* Send o's packet o->count times over o->concurrency connections at once
 * (one request per connection, as uwsgi nodes close after answering) and
 * print requests/s, errors, statuses and latency percentiles. Returns 0
 * when every request got a complete answer, 4 otherwise, 2 when none
 * could connect. */
int bench_run(const struct send_opts *o);

#endif
