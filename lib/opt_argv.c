/* Options from the command line, GNU style as getopt_long reads them
 * (--name=V, --name V, a unique prefix of a long name, -xV, -x V, -abc,
 * "--"), but without getopt's global state and with our messages. Words
 * that are no option go to the run's positional handler in place, so a
 * config file named without an option applies where it stands. */
#include "uwsgiproto/opt.h"

#include <string.h>

/* The row named by the first len bytes of name: an exact match, else the
 * row whose name starts so, when all that start so are that option or its
 * aliases (--dat for --data and --data-binary). *count says how many
 * different options started so. */
static const struct up_opt *match_long(const struct up_opt_run *r,
				       const char *name, size_t len,
				       size_t *count)
{
	const struct up_opt *prefix = NULL;
	*count = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (strncmp(r->table[i].name, name, len))
			continue;
		if (!r->table[i].name[len]) {
			*count = 1;
			return &r->table[i];
		}
		if (prefix && up_opt_target(r->table, r->n, prefix) ==
			      up_opt_target(r->table, r->n, &r->table[i]))
			continue;
		prefix = &r->table[i];
		(*count)++;
	}
	return *count == 1 ? prefix : NULL;
}

/* Whether the option takes the next word when none is attached. */
static int needs_value(enum up_opt_arg arg)
{
	return arg == UP_ARG_REQUIRED || arg == UP_ARG_MAYBE_EMPTY;
}

static const struct up_opt *match_short(const struct up_opt_run *r, int letter)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->table[i].short_name == letter)
			return &r->table[i];
	return NULL;
}

static int apply_from(struct up_opt_run *r, const struct up_opt *row,
		      const char *where, const char *val)
{
	r->where = where;
	int rc = up_opt_apply(r, row, val);
	r->where = NULL;
	return rc;
}

/* "--name[=value]" at argv[*i]; may take the next word as its value. */
static int long_opt(struct up_opt_run *r, int argc, char *const argv[], int *i)
{
	const char *word = argv[*i], *name = word + 2;
	size_t len = strcspn(name, "="), count;
	const struct up_opt *row = match_long(r, name, len, &count);
	char where[96];
	if (!row && count > 1)
		return up_opt_fail(r, "option '--%.*s' is ambiguous (try --help)",
				   (int)(len > 80 ? 80 : len), name);
	if (!row)
		return up_opt_fail(r, "unrecognized option '%.80s' (try --help)", word);
	enum up_opt_arg arg = up_opt_target(r->table, r->n, row)->arg;
	const char *val = name[len] == '=' ? name + len + 1 : NULL;
	if (arg == UP_ARG_NONE && val)
		return up_opt_fail(r, "option '--%s' takes no value", row->name);
	if (needs_value(arg) && !val) {
		if (*i + 1 >= argc)
			return up_opt_fail(r, "option '--%s' needs a value", row->name);
		val = argv[++*i];
	}
	snprintf(where, sizeof where, "--%.80s", row->name);
	return apply_from(r, row, where, val);
}

/* "-abc" or "-xVALUE" at argv[*i]; may take the next word as a value. */
static int short_opts(struct up_opt_run *r, int argc, char *const argv[], int *i)
{
	for (const char *p = argv[*i] + 1; *p && r->action == UP_OPT_RUN; p++) {
		const struct up_opt *row = match_short(r, (unsigned char)*p);
		char where[4] = { '-', *p, '\0', '\0' };
		if (!row)
			return up_opt_fail(r, "invalid option '-%c' (try --help)", *p);
		enum up_opt_arg arg = up_opt_target(r->table, r->n, row)->arg;
		const char *val = NULL;
		if (arg != UP_ARG_NONE && p[1]) {
			val = p + 1;
		} else if (needs_value(arg)) {
			if (*i + 1 >= argc)
				return up_opt_fail(r, "option '-%c' needs a value", *p);
			val = argv[++*i];
		}
		if (apply_from(r, row, where, val) < 0)
			return -1;
		if (arg != UP_ARG_NONE)
			return 0;       /* the value took the rest */
	}
	return 0;
}

int up_opt_keep_word(struct up_opt_run *r, const char *arg)
{
	if (up_opt_list_add(r->words, arg) < 0)
		return up_opt_fail(r, "out of memory");
	return 0;
}

static int positional(struct up_opt_run *r, const char *arg)
{
	if (!r->positional)
		return up_opt_fail(r, "unexpected argument '%.80s' (options only; "
				   "try --help)", arg);
	return r->positional(r, arg);
}

int up_opt_load_args(struct up_opt_run *r, int argc, char *const argv[])
{
	int i, rc = 0;
	for (i = 1; i < argc && rc == 0 && r->action == UP_OPT_RUN; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			rc = positional(r, a);
		else if (a[1] == '-')
			rc = long_opt(r, argc, argv, &i);
		else
			rc = short_opts(r, argc, argv, &i);
	}
	/* What follows "--". */
	for (; i < argc && rc == 0 && r->action == UP_OPT_RUN; i++)
		rc = positional(r, argv[i]);
	return r->failed ? -1 : 0;  /* rc 1: a positional ended the line */
}
