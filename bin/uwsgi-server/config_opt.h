/* Private to the configuration module: the option table (config_table.c),
 * the setters and printers it points at (config_set.c, config_print.c),
 * --help (config_help.c) and the sources that feed it (config.c: the
 * environment and the command line; config_file.c with config_ini.c and
 * config_xml.c). Nothing outside config*.c includes this. */
#ifndef UWSGI_SERVER_CONFIG_OPT_H
#define UWSGI_SERVER_CONFIG_OPT_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum opt_arg { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

/* Headings of --help, in table order. */
enum opt_group {
	GROUP_SOCKETS, GROUP_PROCESSES, GROUP_APPS, GROUP_LIMITS, GROUP_HEALING,
	GROUP_LOGGING, GROUP_STATIC, GROUP_IDENTITY, GROUP_API, GROUP_CONFIG,
};

/* Includes (--ini inside an ini file, …) nest at most this deep, which
 * also stops a file that includes itself. */
#define CFG_MAX_DEPTH 10

/* One loading pass: the struct being filled, where the value now being
 * applied came from ("--processes", "app.ini:12: processes",
 * "UWSGI_PROCESSES"; NULL for none), the include depth, what the command
 * line asked for, and the first error, already formatted. */
struct cfg_run {
	struct config *c;
	const char *where;
	int depth;
	enum { RUN_LOAD, RUN_HELP, RUN_VERSION } action;
	int failed;
	char err[1024];
};

struct opt;

/* Apply one value. val is NULL for a bare command-line flag (or a bare
 * --chmod-socket); from files and the environment it is the text, maybe
 * "". Returns 0, or -1 after cfg_fail(). */
typedef int (*opt_set_fn)(struct cfg_run *r, const struct opt *o,
			  const char *val);

/* Print the option's current value as "name = value" lines (nothing when
 * it is unset). */
typedef void (*opt_print_fn)(const struct config *c, const struct opt *o,
			     FILE *out);

struct opt {
	enum opt_group group;
	const char *name;        /* long name, as in uWSGI */
	int short_name;          /* letter, or 0 */
	enum opt_arg arg;
	const char *metavar;     /* the value's name in --help */
	const char *help;        /* one line for --help */
	opt_set_fn set;
	opt_print_fn print;      /* NULL: config_print leaves it out */
	size_t off;              /* the field in struct config */
	long long min, max;      /* numbers: the accepted range */
	const char *alias;       /* set: the same as that option, the rest unused */
};

extern const struct opt cfg_opts[];
extern const size_t cfg_nopts;

/* The entry an alias stands for (the entry itself when not an alias). */
const struct opt *opt_target(const struct opt *o);

/* Look a long name up; '_' matches '-' so ini keys may use either. */
const struct opt *opt_find(const char *name);

/* The entry of a short letter, or NULL. */
const struct opt *opt_by_short(int letter);

/* Options that make sense on the command line only (--help, --version). */
int opt_cli_only(const struct opt *o);

/* Apply a value from the command line (val NULL: no value given). */
int opt_apply(struct cfg_run *r, const struct opt *o, const char *val);

/* Apply a value read from a file or the environment (never NULL). */
int opt_apply_text(struct cfg_run *r, const struct opt *o, const char *val);

/* Record the first error as "<where>: <message>"; returns -1. */
int cfg_fail(struct cfg_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The length of FILE in "FILE[:PART]": PART follows the last ':' unless a
 * '/' does (then the colon is part of a directory name). */
size_t cfg_spec_file_len(const char *spec);

/* Reads one opened config file. part is what followed the ':' (NULL when
 * nothing did); caller is the where of the option that named the file,
 * for messages about the file as a whole. 0, or -1 after cfg_fail(). */
typedef int (*cfg_reader)(struct cfg_run *r, FILE *f, const char *file,
			  const char *part, const char *caller);

/* Open the file of "FILE[:PART]" and hand it to read, one include level
 * deeper (refused past CFG_MAX_DEPTH). */
int cfg_load_file(struct cfg_run *r, const char *spec, cfg_reader read);

/* strdup that exits on failure (the process cannot start without memory). */
char *cfg_strdup(const char *s);

/* Load section [uwsgi] (or [PART]) of an ini file; 0 or -1. */
int cfg_load_ini(struct cfg_run *r, const char *spec);

/* Load the <uwsgi> (or <uwsgi id="PART">) element of an XML file. */
int cfg_load_xml(struct cfg_run *r, const char *spec);

/* The --help text, generated from the table. */
void cfg_help(FILE *out);

#endif
