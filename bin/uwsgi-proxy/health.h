/* Active health checks: every --check-interval each node gets a ping
 * (modifier1 100) on a connection of its own; no pong within
 * --check-timeout marks it dead, a pong marks it alive again. Connection
 * failures of requests mark nodes dead too (conn.c). */
#ifndef UWSGI_PROXY_HEALTH_H
#define UWSGI_PROXY_HEALTH_H

#include "proxy.h"

/* Start (or, after a reload, re-time) the rounds. 0 or -1. */
int health_start(struct proxy *px);

/* Stop the rounds; checks in flight finish on their own. */
void health_stop(struct proxy *px);

/* Abandon the checks in flight, changing no node's state (exit). */
void health_abort(struct proxy *px);

/* Mark a dead node alive, with the reason in the log line. */
void health_revive(struct node *n, const char *why);

#endif
