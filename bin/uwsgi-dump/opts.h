/* uwsgi-dump's options: one table (opts.c) drives the command line and
 * --help through lib/'s option engine. */
#ifndef UWSGI_DUMP_OPTS_H
#define UWSGI_DUMP_OPTS_H

#include <stddef.h>
#include <stdio.h>

#include "capture.h"
#include "detect.h"
#include "uwsgiproto/opt.h"

/* The options; the strings and the filter's words belong to them until
 * opts_free. */
struct dump_opts {
	struct capture_opts cap;  /* -r, -i, -s and the FILTER */
	struct up_opt_list words; /* the FILTER's words, in order */
	struct ports ports;       /* -p */
	int port;                 /* the -p being added */
	int detect;               /* -1 default, 0 off, 1 on */
	long long count;          /* -c; 0: no limit */
	int verbose, hex, ascii, ts_mode, line_buffered, json, summary;
	int numeric;              /* -n: accepted; the output is numeric anyway */
	int top;                  /* --top */
	size_t max_flow, max_total;
	long long flow_timeout;   /* seconds */
	char *dump_dir;           /* --dump-streams */
};

/* Fill *o from argv, defaults first, and check the options go together.
 * Returns UP_OPT_RUN, or UP_OPT_HELP/UP_OPT_VERSION when asked; a usage
 * error exits 1 with its one line. */
enum up_opt_action opts_load(struct dump_opts *o, int argc, char **argv);

/* The usage lines, the option table and the exit codes. */
void opts_usage(FILE *out);

/* Release what opts_load allocated. */
void opts_free(struct dump_opts *o);

#endif
