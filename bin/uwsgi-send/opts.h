/* uwsgi-send's options: one table (opts.c) drives the command line and
 * --help through lib/'s option engine. */
#ifndef UWSGI_SEND_OPTS_H
#define UWSGI_SEND_OPTS_H

#include <stdio.h>

#include "send.h"

/* Fill *o from argv, defaults first, and check the options go together.
 * Returns UP_OPT_RUN, or UP_OPT_HELP/UP_OPT_VERSION when asked; a usage
 * error exits 1 with its one line (-s silences the ones about the
 * positional arguments, as before). */
enum up_opt_action opts_load(struct send_opts *o, int argc, char **argv);

/* The usage lines, the option table and the exit codes. */
void opts_usage(FILE *out);

/* Release what opts_load allocated. */
void opts_free(struct send_opts *o);

#endif
