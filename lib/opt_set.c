/* The generic setters and printers of option rows: numbers with ranges,
 * sizes, seconds, flags, strings, lists and choices, with one-line errors
 * (up_opt_fail adds where the text came from). */
#include "uwsgiproto/opt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest piece of a value quoted back in a message. */
#define QUOTE_MAX 80

static void *field(struct up_opt_run *r, const struct up_opt *o)
{
	return (char *)r->target + o->off;
}

static const void *cfield(const void *target, const struct up_opt *o)
{
	return (const char *)target + o->off;
}

static int no_memory(struct up_opt_run *r)
{
	return up_opt_fail(r, "out of memory");
}

/* The decimal digits s starts with: how many (the caller judges what
 * follows), -1 when none ("-1", "+1", " 1" and "" are not numbers), -2
 * when too large. */
static int parse_digits(const char *s, long long *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -2;
	*out = v;
	return (int)(end - s);
}

static int range_error(struct up_opt_run *r, const struct up_opt *o,
		       const char *val)
{
	return up_opt_fail(r, "'%.*s' is not between %lld and %lld",
			   QUOTE_MAX, val, o->min, o->max);
}

/* A plain number within the row's range. */
static int parse_number(struct up_opt_run *r, const struct up_opt *o,
			const char *val, long long *out)
{
	int n = parse_digits(val, out);
	if (n == -1 || (n > 0 && val[n]))
		return up_opt_fail(r, "'%.*s' is not a number", QUOTE_MAX, val);
	if (n == -2 || *out < o->min || *out > o->max)
		return range_error(r, o, val);
	return 0;
}

int up_opt_set_int(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	long long v;
	if (parse_number(r, o, val, &v) < 0)
		return -1;
	*(int *)field(r, o) = (int)v;
	return 0;
}

int up_opt_set_ll(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	return parse_number(r, o, val, field(r, o));
}

/* Bytes: a plain number as uWSGI takes it, or one with a k, m or g
 * suffix (powers of 1024). */
static int parse_bytes(struct up_opt_run *r, const struct up_opt *o,
		       const char *val, long long *out)
{
	long long v, mul = 1;
	int n = parse_digits(val, &v);
	if (n > 0 && val[n]) {
		const char *suffix = val + n;
		if (!strcasecmp(suffix, "k"))
			mul = 1LL << 10;
		else if (!strcasecmp(suffix, "m"))
			mul = 1LL << 20;
		else if (!strcasecmp(suffix, "g"))
			mul = 1LL << 30;
		else
			n = -1;
	}
	if (n == -1)
		return up_opt_fail(r, "'%.*s' is not a number of bytes", QUOTE_MAX, val);
	if (n == -2 || v > LLONG_MAX / mul || v * mul < o->min || v * mul > o->max)
		return range_error(r, o, val);
	*out = v * mul;
	return 0;
}

int up_opt_set_size(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	long long v;
	if (parse_bytes(r, o, val, &v) < 0)
		return -1;
	*(size_t *)field(r, o) = (size_t)v;
	return 0;
}

int up_opt_set_llsize(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	return parse_bytes(r, o, val, field(r, o));
}

/* Seconds with fractions ("0.25"), kept as milliseconds; the range is in
 * milliseconds and quoted back in seconds. */
int up_opt_set_msec(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	char *end;
	double s = strtod(val, &end);
	if (end == val || *end || !isfinite(s) || s * 1000 < (double)o->min ||
	    s * 1000 > (double)o->max)
		return up_opt_fail(r, "'%.*s' is not a number of seconds from %g to %g",
				   QUOTE_MAX, val, (double)o->min / 1000,
				   (double)o->max / 1000);
	*(long long *)field(r, o) = (long long)(s * 1000 + 0.5);
	return 0;
}

/* uWSGI's spellings: "master = true" and friends; a bare key sets. */
static int parse_bool(const char *val)
{
	static const char *const yes[] = { "", "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!strcasecmp(val, yes[i]))
			return 1;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (!strcasecmp(val, no[i]))
			return 0;
	return -1;
}

int up_opt_set_flag(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	int v = val ? parse_bool(val) : 1;
	if (v < 0)
		return up_opt_fail(r, "'%.*s' is not true or false", QUOTE_MAX, val);
	*(int *)field(r, o) = v;
	return 0;
}

int up_opt_set_str(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	char **p = field(r, o);
	char *copy = strdup(val ? val : "");
	if (!copy)
		return no_memory(r);
	free(*p);
	*p = copy;
	return 0;
}

int up_opt_set_list(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	if (up_opt_list_add(field(r, o), val ? val : "") < 0)
		return no_memory(r);
	return 0;
}

/* The metavar lists the choices ("rr|lc|hash"), so --help shows them and
 * the table holds them once. */
int up_opt_set_choice(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	char all[256] = "";
	const char *p = o->metavar;
	size_t used = 0;
	for (int i = 0; p && *p; i++) {
		size_t len = strcspn(p, "|");
		if (val && strlen(val) == len && !memcmp(val, p, len)) {
			*(int *)field(r, o) = i;
			return 0;
		}
		int k = snprintf(all + used, sizeof all - used, "%s%.*s",
				 i ? ", " : "", (int)len, p);
		if (k > 0 && (size_t)k < sizeof all - used)
			used += (size_t)k;
		p += len + (p[len] == '|');
	}
	return up_opt_fail(r, "'%.*s' is not one of %s", QUOTE_MAX,
			   val ? val : "", all);
}

int up_opt_set_help(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o, (void)val;
	r->action = UP_OPT_HELP;
	return 0;
}

int up_opt_set_version(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o, (void)val;
	r->action = UP_OPT_VERSION;
	return 0;
}

void up_opt_print_int(const void *target, const struct up_opt *o, FILE *out)
{
	fprintf(out, "%s = %d\n", o->name, *(const int *)cfield(target, o));
}

void up_opt_print_ll(const void *target, const struct up_opt *o, FILE *out)
{
	fprintf(out, "%s = %lld\n", o->name, *(const long long *)cfield(target, o));
}

void up_opt_print_size(const void *target, const struct up_opt *o, FILE *out)
{
	fprintf(out, "%s = %zu\n", o->name, *(const size_t *)cfield(target, o));
}

void up_opt_print_flag(const void *target, const struct up_opt *o, FILE *out)
{
	if (*(const int *)cfield(target, o))
		fprintf(out, "%s = true\n", o->name);
}

void up_opt_print_str(const void *target, const struct up_opt *o, FILE *out)
{
	const char *s = *(char *const *)cfield(target, o);
	if (s)
		fprintf(out, "%s = %s\n", o->name, s);
}

void up_opt_print_list(const void *target, const struct up_opt *o, FILE *out)
{
	const struct up_opt_list *l = cfield(target, o);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "%s = %s\n", o->name, l->v[i]);
}
