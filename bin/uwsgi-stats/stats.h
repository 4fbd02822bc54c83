/* uwsgi-stats: what the modules share: the parsed options, the exit codes
 * of the human modes and the Monitoring Plugins states. */
#ifndef UWSGI_STATS_H
#define UWSGI_STATS_H

#include "range.h"
#include "uwsgiproto/opt.h"

/* Exit statuses of the summary, --json and --watch, documented in
 * uwsgi-stats(1); the same numbers as uwsgi-send's. */
enum stats_exit {
	EXIT_STATS_OK = 0,
	EXIT_STATS_USAGE = 1,     /* bad arguments */
	EXIT_STATS_CONNECT = 2,   /* cannot resolve or connect */
	EXIT_STATS_TIMEOUT = 3,   /* -t passed */
	EXIT_STATS_ANSWER = 4,    /* empty, truncated or not a stats document */
};

/* The Monitoring Plugins states: --nagios exits with exactly these. */
enum nagios_state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

enum stats_mode {
	MODE_SUMMARY,   /* the default: one table for people */
	MODE_JSON,      /* --json */
	MODE_WATCH,     /* --watch */
	MODE_NAGIOS,    /* --nagios (and --ping) */
};

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* One --metric with the -w/-c that followed it. */
struct check {
	int metric;             /* index into the metric table; -1: the
	                           document's default metric */
	int has_warn, has_crit; /* -w / -c given */
	struct range warn, crit;
	char warn_text[112];    /* the ranges in standard form, as perfdata */
	char crit_text[112];    /* and the status text show them */
};

#define MAX_CHECKS 32

/* The options (opts.c fills them from the command line); the strings and
 * the positionals belong to it until opts_free. */
struct stats_opts {
	enum stats_mode mode;
	const char *address;      /* the ADDRESS argument, or built from -H/-p */
	struct up_opt_list words; /* the positionals, in order */
	char *host, *port;        /* -H, -p */
	int ping;                 /* --ping: a plain uwsgi socket, modifier1 100 */
	long long timeout_ms;     /* -t, for each read of the document */
	int timeout_state;        /* -t SECONDS:STATE; STATE_UNKNOWN by default */
	long long interval_ms;    /* -i: between the two samples that give
	                             rates; 0 reads once */
	long long watch_ms;       /* --watch=SECONDS */
	int color;                /* enum color_when */
	int verbose;              /* -v: long output after the Nagios line */
	int list_metrics;         /* --list-metrics */
	struct check checks[MAX_CHECKS];
	int nchecks;
};

#endif
