/* The table-driven option loader: command line, ini files, --help. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opt.h"

static int fail(struct opt_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct opt_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	return -1;
}

int opt_list_add(struct opt_list *l, const char *s)
{
	char *copy = strdup(s);
	char **v = copy ? realloc(l->v, (l->n + 1) * sizeof *v) : NULL;
	if (!v) {
		free(copy);
		return -1;
	}
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

void opt_list_free(struct opt_list *l)
{
	for (size_t j = 0; j < l->n; j++)
		free(l->v[j]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* '_' and '-' are the same in names, so ini keys may use either. */
static int name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;
	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i] == '_' ? '-' : a[i], y = b[i] == '_' ? '-' : b[i];
		if (x != y)
			return 0;
	}
	return i == blen && !a[i];
}

static const struct opt_def *find_long(const struct opt_run *r,
                                       const char *name, size_t len)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->table[i].name && name_eq(r->table[i].name, name, len))
			return &r->table[i];
	return NULL;
}

static const struct opt_def *resolve(const struct opt_run *r, const struct opt_def *o)
{
	if (o && o->alias)
		return find_long(r, o->alias, strlen(o->alias));
	return o;
}

static const struct opt_def *find_short(const struct opt_run *r, int c)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->table[i].short_name == c)
			return &r->table[i];
	return NULL;
}

static int takes_value(const struct opt_def *o)
{
	return o->kind != OPT_FLAG && o->kind != OPT_HELP && o->kind != OPT_VERSION;
}

static int set_flag(struct opt_run *r, const char *who, int *field, const char *v)
{
	static const char *const yes[] = { "", "1", "true", "yes", "on", NULL };
	static const char *const no[] = { "0", "false", "no", "off", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return *field = 1, 0;
	for (size_t i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return *field = 0, 0;
	return fail(r, "%s: '%s' is not a boolean (true/false)", who, v);
}

static int set_int(struct opt_run *r, const char *who, const struct opt_def *o,
                   long long *field, const char *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (end == v || *end || errno || x < o->min || x > o->max)
		return fail(r, "%s: '%s' is not a number from %lld to %lld",
			    who, v, o->min, o->max);
	*field = x;
	return 0;
}

static int set_msec(struct opt_run *r, const char *who, const struct opt_def *o,
                    long long *field, const char *v)
{
	char *end;
	double s = strtod(v, &end);
	if (end == v || *end || !isfinite(s) || s * 1000 < (double)o->min ||
	    s * 1000 > (double)o->max)
		return fail(r, "%s: '%s' is not a number of seconds from %g to %g",
			    who, v, (double)o->min / 1000, (double)o->max / 1000);
	*field = (long long)(s * 1000 + 0.5);
	return 0;
}

static int set_choice(struct opt_run *r, const char *who, const struct opt_def *o,
                      int *field, const char *v)
{
	char all[256] = "";
	for (int i = 0; o->choices[i]; i++) {
		if (!strcmp(v, o->choices[i]))
			return *field = i, 0;
		size_t used = strlen(all);
		snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", o->choices[i]);
	}
	return fail(r, "%s: '%s' is not one of %s", who, v, all);
}

static int set_str(struct opt_run *r, char **field, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return fail(r, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

/* Apply one value to row o (already resolved). who names the source for
 * messages; v is "" for a bare flag. */
static int apply(struct opt_run *r, const struct opt_def *o, const char *who,
                 const char *v)
{
	void *f = (char *)r->target + o->off;
	switch (o->kind) {
	case OPT_FLAG: return set_flag(r, who, f, v);
	case OPT_INT: return set_int(r, who, o, f, v);
	case OPT_MSEC: return set_msec(r, who, o, f, v);
	case OPT_STR: return set_str(r, f, v);
	case OPT_LIST:
		if (!*v)
			return fail(r, "%s: needs a value", who);
		return opt_list_add(f, v) ? fail(r, "out of memory") : 0;
	case OPT_CHOICE: return set_choice(r, who, o, f, v);
	case OPT_INCLUDE: return opt_load_ini(r, v);
	case OPT_HELP: r->action = OPT_ACT_HELP; return 0;
	case OPT_VERSION: r->action = OPT_ACT_VERSION; return 0;
	}
	return fail(r, "%s: unhandled option kind", who);
}

/* One "--name[=value]" word at argv[*i]; may consume the next word. */
static int long_arg(struct opt_run *r, int argc, char *const argv[], int *i)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct opt_def *o = resolve(r, find_long(r, word, len));
	char who[96];
	snprintf(who, sizeof who, "--%.*s", (int)(len > 80 ? 80 : len), word);
	if (!o)
		return fail(r, "unknown option '%s' (try --help)", who);
	if (!takes_value(o)) {
		if (eq && o->kind != OPT_FLAG)
			return fail(r, "%s takes no value", who);
		return apply(r, o, who, eq ? eq + 1 : "");
	}
	if (eq)
		return apply(r, o, who, eq + 1);
	if (*i + 1 >= argc)
		return fail(r, "%s needs a value (%s)", who, o->metavar ? o->metavar : "VALUE");
	return apply(r, o, who, argv[++*i]);
}

/* One "-abc" or "-xVALUE" word; may consume the next word. */
static int short_args(struct opt_run *r, int argc, char *const argv[], int *i)
{
	const char *p = argv[*i] + 1;
	for (; *p; p++) {
		const struct opt_def *o = resolve(r, find_short(r, *p));
		char who[4] = { '-', *p, 0, 0 };
		if (!o)
			return fail(r, "unknown option '%s' (try --help)", who);
		if (!takes_value(o)) {
			if (apply(r, o, who, "") < 0)
				return -1;
			continue;
		}
		if (p[1])
			return apply(r, o, who, p + 1);
		if (*i + 1 >= argc)
			return fail(r, "%s needs a value (%s)", who, o->metavar);
		return apply(r, o, who, argv[++*i]);
	}
	return 0;
}

int opt_load_args(struct opt_run *r, int argc, char *const argv[])
{
	for (int i = 1; i < argc && r->action == OPT_ACT_RUN; i++) {
		const char *a = argv[i];
		int rc;
		if (!strcmp(a, "--")) {
			if (i + 1 < argc)
				return fail(r, "unexpected argument '%s'", argv[i + 1]);
			break;
		}
		if (a[0] != '-' || !a[1])
			return fail(r, "unexpected argument '%s' (options only; try --help)", a);
		rc = a[1] == '-' ? long_arg(r, argc, argv, &i) : short_args(r, argc, argv, &i);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* ini files */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* One line inside the wanted section. */
static int ini_key(struct opt_run *r, char *line, const char *file, int lineno)
{
	char *eq = strchr(line, '='), who[600];
	char *key = trim(line), *val = (char *)"";
	if (eq) {
		*eq = 0;
		key = trim(line);
		val = trim(eq + 1);
	}
	snprintf(who, sizeof who, "%.400s:%d: %.80s", file, lineno, key);
	const struct opt_def *o = resolve(r, find_long(r, key, strlen(key)));
	if (!o || o->kind == OPT_HELP || o->kind == OPT_VERSION)
		return fail(r, "%s:%d: unknown option '%.80s'", file, lineno, key);
	if (!eq && takes_value(o))
		return fail(r, "%s: needs '= value'", who);
	return apply(r, o, who, val);
}

/* Split "FILE[:SECTION]": the section follows the last ':' unless a '/'
 * comes after it (then the colon belongs to a directory name). */
static void split_spec(const char *spec, char *file, size_t cap,
                       const char **section, const char *dflt)
{
	const char *colon = strrchr(spec, ':');
	if (colon && !strchr(colon, '/') && colon[1]) {
		snprintf(file, cap, "%.*s", (int)(colon - spec), spec);
		*section = colon + 1;
	} else {
		snprintf(file, cap, "%s", spec);
		*section = dflt;
	}
}

static int ini_read(struct opt_run *r, FILE *f, const char *file, const char *want)
{
	char line[8192], cur[256] = "";
	int lineno = 0, found = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof line - 1 && line[n - 1] != '\n')
			return fail(r, "%s:%d: line longer than %zu bytes", file, lineno,
				    sizeof line - 2);
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || end[1])
				return fail(r, "%s:%d: bad section header", file, lineno);
			snprintf(cur, sizeof cur, "%.*s", (int)(end - s - 1), s + 1);
			continue;
		}
		if (strcmp(cur, want))
			continue;
		found = 1;
		if (ini_key(r, s, file, lineno) < 0)
			return -1;
	}
	if (ferror(f))
		return fail(r, "cannot read '%s': %s", file, strerror(errno));
	if (!found)
		return fail(r, "%s: no section [%s]", file, want);
	return 0;
}

int opt_load_ini(struct opt_run *r, const char *spec)
{
	char file[4096];
	const char *section;
	split_spec(spec, file, sizeof file, &section, r->section);
	if (r->depth >= OPT_MAX_DEPTH)
		return fail(r, "%s: includes nest deeper than %d", file, OPT_MAX_DEPTH);
	FILE *f = fopen(file, "r");
	if (!f)
		return fail(r, "cannot open '%s': %s", file, strerror(errno));
	if (r->include_off != (size_t)-1 && r->depth == 0 &&
	    opt_list_add((struct opt_list *)((char *)r->target + r->include_off), spec)) {
		fclose(f);
		return fail(r, "out of memory");
	}
	r->depth++;
	int rc = ini_read(r, f, file, section);
	r->depth--;
	fclose(f);
	return rc;
}

/* ---------------------------------------------------------------------- */

void opt_free(const struct opt_def *table, size_t n, void *target)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt_def *o = &table[i];
		void *f = (char *)target + o->off;
		if (!o->name || o->alias)
			continue;
		if (o->kind == OPT_STR) {
			free(*(char **)f);
			*(char **)f = NULL;
		} else if (o->kind == OPT_LIST) {
			opt_list_free(f);
		}
	}
}

void opt_help(const struct opt_def *table, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt_def *o = &table[i];
		char left[64];
		if (!o->name) {
			fprintf(out, "%s:\n", o->help);
			continue;
		}
		if (o->alias)
			continue;
		snprintf(left, sizeof left, "%c%c%c --%s%s%s",
			 o->short_name ? '-' : ' ', o->short_name ? o->short_name : ' ',
			 o->short_name ? ',' : ' ', o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		fprintf(out, "  %-32s %s\n", left, o->help);
	}
}
