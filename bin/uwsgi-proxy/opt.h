/* A table-driven option loader: one table of rows drives the command line,
 * ini files and --help. It fills a caller's struct through each row's
 * offset and never prints or exits: every problem comes back as one line
 * in run->err ("--connect-timeout: 'x' is not a number of seconds",
 * "proxy.ini:7: unknown option 'tto'"), so a daemon can re-read its
 * configuration on SIGHUP and keep the old one when the new one is bad.
 *
 * Nothing here knows the proxy: the module is written to move to lib/ as
 * the shared option module (see DESIGN.md) once a second tool uses it.
 */
#ifndef UWSGI_PROXY_OPT_H
#define UWSGI_PROXY_OPT_H

#include <stddef.h>
#include <stdio.h>

/* A repeatable option's values, in the order given; owns the strings. */
struct opt_list {
	char **v;
	size_t n;
};

enum opt_kind {
	OPT_FLAG,     /* int set to 1 (from files: 1/0, true/false, yes/no, on/off) */
	OPT_INT,      /* long long within [min, max] */
	OPT_MSEC,     /* seconds with fractions, stored as long long ms in [min, max] */
	OPT_STR,      /* char *, the last value wins */
	OPT_LIST,     /* struct opt_list, every value appended */
	OPT_CHOICE,   /* int: the index of the value in choices[] */
	OPT_INCLUDE,  /* FILE[:SECTION] loaded as an ini file, recorded in a list */
	OPT_HELP,     /* stops loading: run->action = OPT_ACT_HELP */
	OPT_VERSION,  /* stops loading: run->action = OPT_ACT_VERSION */
};

struct opt_def {
	const char *name;          /* long name; ini key ('_' matches '-') */
	int short_name;            /* letter, or 0 */
	enum opt_kind kind;
	size_t off;                /* the field in the caller's struct */
	const char *metavar;       /* the value's name in --help, NULL for flags */
	const char *help;          /* one line for --help */
	long long min, max;        /* OPT_INT, OPT_MSEC (max in ms) */
	const char *const *choices;/* OPT_CHOICE: NULL-terminated */
	const char *alias;         /* this row stands for that option; the
	                              other fields are unused */
};

enum opt_action { OPT_ACT_RUN, OPT_ACT_HELP, OPT_ACT_VERSION };

/* One loading pass over a table into target. */
struct opt_run {
	const struct opt_def *table;
	size_t n;
	void *target;
	const char *section;       /* default ini section ("uwsgi-proxy") */
	size_t include_off;        /* OPT_INCLUDE: a struct opt_list in target
	                              that records the files read, or (size_t)-1 */
	enum opt_action action;
	int depth;                 /* include nesting */
	char err[512];             /* the first error, when a call returned -1 */
};

/* Includes nest at most this deep (a file that includes itself stops). */
#define OPT_MAX_DEPTH 8

/* Load argv[1..argc) (GNU style: --name=V, --name V, -xV, -x V, "--" ends
 * options). Positional arguments are refused. Returns 0 (check
 * run->action) or -1 with run->err set; target may then be half filled:
 * free it with opt_free. */
int opt_load_args(struct opt_run *run, int argc, char *const argv[]);

/* Load the keys of section run->section (or SECTION when spec is
 * "FILE:SECTION") of an ini file: "key = value" lines, '#' and ';'
 * comments at the start of a line, a bare key is a flag set to 1.
 * Returns 0 or -1 with run->err naming the file and line. */
int opt_load_ini(struct opt_run *run, const char *spec);

/* Free every string and list the table's rows own in target and zero
 * them; numbers are left as they are. */
void opt_free(const struct opt_def *table, size_t n, void *target);

/* Print "usage" lines for every row (aliases named after their target). */
void opt_help(const struct opt_def *table, size_t n, FILE *out);

/* Append a copy of s to l; 0, or -1 when memory runs out. */
int opt_list_add(struct opt_list *l, const char *s);

/* Free l's strings and array; l is empty afterwards. */
void opt_list_free(struct opt_list *l);

#endif
