/* uwsgi-stats's options: one table (opts.c) drives the command line and
 * --help through lib/'s option engine. */
#ifndef UWSGI_STATS_OPTS_H
#define UWSGI_STATS_OPTS_H

#include <stdio.h>

#include "stats.h"

/* Fill *o from argv, defaults first, and check the options go together.
 * Returns UP_OPT_RUN (look at o->list_metrics), or UP_OPT_HELP or
 * UP_OPT_VERSION when asked; a usage error goes through opts_bad_usage. */
enum up_opt_action opts_load(struct stats_opts *o, int argc, char **argv);

/* A usage error: "uwsgi-stats: message" on stderr and exit 1, or, when
 * the command line asks for --nagios or --ping, UNKNOWN on stdout and
 * exit 3, as a monitoring system reads only stdout and the status. */
void opts_bad_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* The usage lines, the option table and the exit codes. */
void opts_usage(FILE *out);

/* Release what opts_load allocated. */
void opts_free(struct stats_opts *o);

#endif
