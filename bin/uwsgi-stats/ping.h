/* --nagios --ping: the check uWSGI's own --nagios option makes, against a
 * plain uwsgi socket: a ping (modifier1 100) must come back as a pong
 * (100, modifier2 1). A pong carrying text is uWSGI's way of passing a
 * warning and gives WARNING with that text, as uWSGI does. */
#ifndef UWSGI_STATS_PING_H
#define UWSGI_STATS_PING_H

#include "stats.h"
#include "target.h"

/* Ping t, print the status line, return the state. */
int ping_run(const struct stats_opts *o, const struct target *t);

#endif
