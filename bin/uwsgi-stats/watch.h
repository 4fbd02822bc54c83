/* --watch: a live view redrawn in place, like top or uwsgitop. Reads the
 * document every interval, shows per-interval rates, quits on q (or
 * Ctrl-C) and gives the terminal back as it found it. Uses only what every
 * VT100-style terminal understands (alternate screen, cursor home, erase),
 * so it works over ssh; on a pipe it prints one screen after another. */
#ifndef UWSGI_STATS_WATCH_H
#define UWSGI_STATS_WATCH_H

#include "stats.h"
#include "target.h"

/* Run until q or a signal; returns the exit status (0). */
int watch_run(const struct stats_opts *o, const struct target *t, int color);

#endif
