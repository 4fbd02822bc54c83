/* Table-driven options: one table per tool drives its command line, ini
 * files (libinih, uWSGI's dialect), XML files (expat), environment
 * variables with a prefix, --help and a "show the configuration" printer.
 *
 * Each row names a setter that turns text into a field of the tool's
 * struct (reached through a void * and the row's offset) and, optionally,
 * a printer that writes the field back as "name = value" lines. The
 * generic setters below cover numbers, sizes, seconds, flags, strings,
 * lists and choices; a tool adds its own next to its table.
 *
 * Nothing here prints (except to a FILE * the caller passes) or exits:
 * the first problem is kept as one line in run->err naming where it came
 * from ("--processes: 'x' is not a number", "app.ini:12: unknown option
 * 'proceses'", "UWSGI_PROCESSES: ..."), so a daemon can load its
 * configuration again on SIGHUP and keep the old one when the new one is
 * bad.
 *
 * The ini reader (opt_ini.c) needs -linih and the XML reader (opt_xml.c)
 * -lexpat; a tool that names neither up_opt_load_ini/up_opt_set_ini nor
 * up_opt_load_xml/up_opt_set_xml links neither library. */
#ifndef UWSGIPROTO_OPT_H
#define UWSGIPROTO_OPT_H

#include <stddef.h>
#include <stdio.h>

/* A repeatable option's values, in the order given; owns its strings. */
struct up_opt_list {
	char **v;
	size_t n;
};

/* UP_ARG_REQUIRED refuses an empty value; UP_ARG_MAYBE_EMPTY takes one
 * from the command line (curl's -d '' is a POST with no body). */
enum up_opt_arg { UP_ARG_NONE, UP_ARG_REQUIRED, UP_ARG_OPTIONAL, UP_ARG_MAYBE_EMPTY };

/* What the command line asked for besides loading. */
enum up_opt_action { UP_OPT_RUN, UP_OPT_HELP, UP_OPT_VERSION };

/* Files include files (--ini inside an ini file, ...) at most this deep,
 * which also stops a file that includes itself. */
#define UP_OPT_MAX_DEPTH 10

struct up_opt;
struct up_opt_run;

/* Apply one value to r->target. val is NULL for a bare command-line flag
 * or optional argument; from files and the environment it is the text,
 * maybe "". Returns 0, or -1 after up_opt_fail(). */
typedef int (*up_opt_set_fn)(struct up_opt_run *r, const struct up_opt *o,
			     const char *val);

/* Print the option's value in target as "name = value" lines (nothing
 * when it is unset). */
typedef void (*up_opt_print_fn)(const void *target, const struct up_opt *o,
				FILE *out);

struct up_opt {
	int group;               /* its heading in --help: an index into the
				    tool's heading names */
	const char *name;        /* long name; ini/XML key ('_' matches '-') */
	int short_name;          /* letter, or 0 */
	enum up_opt_arg arg;
	const char *metavar;     /* the value's name in --help; for
				    up_opt_set_choice the choices, "a|b|c" */
	const char *help;        /* one line for --help */
	up_opt_set_fn set;
	up_opt_print_fn print;   /* NULL: up_opt_print leaves it out */
	size_t off;              /* the field in the target struct */
	long long min, max;      /* numbers: the accepted range (msec: in ms) */
	const char *alias;       /* set: this row stands for that option; the
				    fields from arg on are unused */
};

/* One loading pass. The caller sets the first block and zeroes the rest. */
struct up_opt_run {
	const struct up_opt *table;
	size_t n;
	void *target;
	const char *section;     /* the default ini section and XML element */
	/* A command-line argument that is no option (and everything after
	 * "--"); NULL refuses them. Returns 0, 1 to end the command line
	 * there (the words after it are not read, as getopt's '+' does), or
	 * -1 after up_opt_fail(). */
	int (*positional)(struct up_opt_run *r, const char *arg);
	struct up_opt_list *words;  /* for up_opt_keep_word */

	const char *where;       /* the source of the value being applied
				    ("--processes", "app.ini:12: processes",
				    "UWSGI_PROCESSES"), or NULL */
	int depth;               /* include nesting */
	enum up_opt_action action;
	int failed;
	char err[1024];          /* the first error, when failed */
};

/* A positional handler that appends every word to r->words, for a tool
 * that sorts its words out once all options are read (an option after
 * them may change what they mean). */
int up_opt_keep_word(struct up_opt_run *r, const char *arg);

/* Record the first error as "<where>: <message>" and return -1; later
 * errors are dropped (the first is the cause). */
int up_opt_fail(struct up_opt_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Look a long name up, exactly; '_' in name matches '-'. */
const struct up_opt *up_opt_find(const struct up_opt *table, size_t n,
				 const char *name);

/* The row an alias stands for (the row itself when it is no alias). */
const struct up_opt *up_opt_target(const struct up_opt *table, size_t n,
				   const struct up_opt *o);

/* Options for the command line only (--help, --version): their setter is
 * up_opt_set_help or up_opt_set_version. */
int up_opt_cli_only(const struct up_opt *table, size_t n,
		    const struct up_opt *o);

/* Apply a command-line value (val NULL: none given) to row o, alias or
 * not. 0, or -1 with run->err set. */
int up_opt_apply(struct up_opt_run *r, const struct up_opt *o,
		 const char *val);

/* Apply a value read from a file or the environment (never NULL);
 * command-line-only options are refused. */
int up_opt_apply_text(struct up_opt_run *r, const struct up_opt *o,
		      const char *val);

/* argv[1..argc), GNU style: --name=V, --name V, a prefix of a long name
 * that names one option (its aliases included), -xV, -x V, -abc, a bare
 * optional argument, "--" ending options.
 * Stops early when an option sets r->action. 0 or -1. */
int up_opt_load_args(struct up_opt_run *r, int argc, char *const argv[]);

/* PREFIX<NAME> for every row that is not command-line only: the name
 * upper-cased with '-' as '_' (UWSGI_HTTP_SOCKET). An empty value leaves
 * an option that needs one unset; an empty flag sets it. 0 or -1. */
int up_opt_load_env(struct up_opt_run *r, const char *prefix);

/* Section r->section (or SECTION) of the ini file "FILE[:SECTION]".
 * Needs -linih. 0 or -1. */
int up_opt_load_ini(struct up_opt_run *r, const char *spec);

/* The <r->section> element (or the one with id="ID") of the XML file
 * "FILE[:ID]". Needs -lexpat. 0 or -1. */
int up_opt_load_xml(struct up_opt_run *r, const char *spec);

/* The length of FILE in "FILE[:PART]": PART follows the last ':' unless a
 * '/' does (then the colon is part of a directory name). */
size_t up_opt_spec_file_len(const char *spec);

/* Reads one opened config file for up_opt_load_file. part is what
 * followed the ':' (NULL when nothing did); caller is the where of the
 * option that named the file. 0, or -1 after up_opt_fail(). */
typedef int (*up_opt_reader)(struct up_opt_run *r, FILE *f, const char *file,
			     const char *part, const char *caller);

/* Open the file of "FILE[:PART]" and hand it to read one include level
 * deeper (refused past UP_OPT_MAX_DEPTH). */
int up_opt_load_file(struct up_opt_run *r, const char *spec,
		     up_opt_reader read);

/* Generic setters, told the field by the row's offset and the range by
 * its min/max:
 *   int:     int, decimal digits only
 *   ll:      long long, decimal digits only
 *   size:    size_t bytes, with an optional k/m/g suffix (powers of 1024)
 *   llsize:  long long bytes, the same
 *   msec:    long long milliseconds from seconds with fractions ("1.5")
 *   flag:    int 0/1 from true/false, yes/no, on/off, 1/0 ("" and a bare
 *            flag set it)
 *   str:     char *, the last value wins
 *   list:    struct up_opt_list, every value appended
 *   choice:  int, the index of the value among the metavar's "a|b|c"
 *   help, version: set r->action
 *   ini, xml: load the file the value names */
int up_opt_set_int(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_ll(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_size(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_llsize(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_msec(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_flag(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_str(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_list(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_choice(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_help(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_version(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_ini(struct up_opt_run *r, const struct up_opt *o, const char *val);
int up_opt_set_xml(struct up_opt_run *r, const struct up_opt *o, const char *val);

/* Generic printers: numbers always (they have defaults), strings and
 * lists when set, flags when on. */
void up_opt_print_int(const void *target, const struct up_opt *o, FILE *out);
void up_opt_print_ll(const void *target, const struct up_opt *o, FILE *out);
void up_opt_print_size(const void *target, const struct up_opt *o, FILE *out);
void up_opt_print_flag(const void *target, const struct up_opt *o, FILE *out);
void up_opt_print_str(const void *target, const struct up_opt *o, FILE *out);
void up_opt_print_list(const void *target, const struct up_opt *o, FILE *out);

/* Row tails: a row's fields from set on, for the generic setters and
 * printers. They find the field in the struct type UP_OPT_TARGET, which
 * the tool #defines before its table. Ranges are in the field's unit
 * (milliseconds for UP_OPT_MSEC, whose rows have no printer). */
#define UP_OPT_FIELD(f) offsetof(UP_OPT_TARGET, f)
#define UP_OPT_INT(f, lo, hi) \
	up_opt_set_int, up_opt_print_int, UP_OPT_FIELD(f), lo, hi, NULL
#define UP_OPT_LL(f, lo, hi) \
	up_opt_set_ll, up_opt_print_ll, UP_OPT_FIELD(f), lo, hi, NULL
#define UP_OPT_SIZE(f, lo, hi) \
	up_opt_set_size, up_opt_print_size, UP_OPT_FIELD(f), lo, hi, NULL
#define UP_OPT_LLSIZE(f, lo, hi) \
	up_opt_set_llsize, up_opt_print_ll, UP_OPT_FIELD(f), lo, hi, NULL
#define UP_OPT_MSEC(f, lo, hi) up_opt_set_msec, NULL, UP_OPT_FIELD(f), lo, hi, NULL
#define UP_OPT_FLAG(f) up_opt_set_flag, up_opt_print_flag, UP_OPT_FIELD(f), 0, 0, NULL
#define UP_OPT_STR(f) up_opt_set_str, up_opt_print_str, UP_OPT_FIELD(f), 0, 0, NULL
#define UP_OPT_LIST(f) up_opt_set_list, up_opt_print_list, UP_OPT_FIELD(f), 0, 0, NULL
/* A setter of the tool's own that finds its field by other means. */
#define UP_OPT_CALL(fn) fn, NULL, 0, 0, 0, NULL
/* The whole rest of an alias row, after its name and letter. */
#define UP_OPT_ALIAS(name) UP_ARG_NONE, NULL, NULL, NULL, NULL, 0, 0, 0, name

/* Every row's printer (aliases left out), in table order. */
void up_opt_print(const struct up_opt *table, size_t n, const void *target,
		  FILE *out);

/* The option lines of --help: one per row (aliases too, as "same as
 * --X", when aliases is nonzero), under the heading groups[row->group]
 * ending in ':', by group in the order of groups, descriptions aligned in
 * one column. */
void up_opt_help(const struct up_opt *table, size_t n,
		 const char *const *groups, size_t ngroups, int aliases, FILE *out);

/* Free what the generic setters allocated in target (strings of
 * up_opt_set_str rows, lists of up_opt_set_list rows) and zero those
 * fields. */
void up_opt_free(const struct up_opt *table, size_t n, void *target);

/* Append a copy of s to l; 0, or -1 when memory runs out. */
int up_opt_list_add(struct up_opt_list *l, const char *s);

/* Free l's strings and array; l is empty afterwards. */
void up_opt_list_free(struct up_opt_list *l);

#endif
