/* Turning option text into struct config fields: numbers with ranges,
 * sizes, booleans, strings, lists and sockets, with one-line errors that
 * name where the text came from. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_set.h"
#include "die.h"

/* The longest piece of a value quoted back in a message. */
#define QUOTE_MAX 80

int cfg_fail(struct cfg_run *r, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;
	if (r->failed)
		return -1;      /* keep the first error, which is the cause */
	if (r->where) {
		int k = snprintf(r->err, sizeof r->err, "%s: ", r->where);
		n = k < 0 ? 0 : (size_t)k < sizeof r->err ? (size_t)k : sizeof r->err - 1;
	}
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - n, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -1;
}

char *cfg_strdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die(1, "out of memory");
	return d;
}

static void *field(struct config *c, const struct opt *o)
{
	return (char *)c + o->off;
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

static int range_error(struct cfg_run *r, const struct opt *o,
		       const char *val)
{
	return cfg_fail(r, "'%.*s' is not between %lld and %lld",
			QUOTE_MAX, val, o->min, o->max);
}

int set_int(struct cfg_run *r, const struct opt *o, const char *val)
{
	long long v;
	int n = parse_digits(val, &v);
	if (n == -1 || (n > 0 && val[n]))
		return cfg_fail(r, "'%.*s' is not a number", QUOTE_MAX, val);
	if (n == -2 || v < o->min || v > o->max)
		return range_error(r, o, val);
	*(int *)field(r->c, o) = (int)v;
	return 0;
}

/* Bytes: a plain number as uWSGI takes it, or one with a k, m or g
 * suffix (powers of 1024). */
static int parse_bytes(struct cfg_run *r, const struct opt *o,
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
		return cfg_fail(r, "'%.*s' is not a number of bytes", QUOTE_MAX, val);
	if (n == -2 || v > LLONG_MAX / mul || v * mul < o->min || v * mul > o->max)
		return range_error(r, o, val);
	*out = v * mul;
	return 0;
}

int set_size(struct cfg_run *r, const struct opt *o, const char *val)
{
	long long v;
	if (parse_bytes(r, o, val, &v) < 0)
		return -1;
	*(size_t *)field(r->c, o) = (size_t)v;
	return 0;
}

int set_llsize(struct cfg_run *r, const struct opt *o, const char *val)
{
	long long v;
	if (parse_bytes(r, o, val, &v) < 0)
		return -1;
	*(long long *)field(r->c, o) = v;
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

int set_flag(struct cfg_run *r, const struct opt *o, const char *val)
{
	int v = val ? parse_bool(val) : 1;
	if (v < 0)
		return cfg_fail(r, "'%.*s' is not true or false", QUOTE_MAX, val);
	*(int *)field(r->c, o) = v;
	return 0;
}

int set_str(struct cfg_run *r, const struct opt *o, const char *val)
{
	char **p = field(r->c, o);
	free(*p);
	*p = cfg_strdup(val);
	return 0;
}

static void list_push(struct strlist *l, const char *val)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		die(1, "out of memory");
	l->v = v;
	l->v[l->n++] = cfg_strdup(val);
}

int set_list(struct cfg_run *r, const struct opt *o, const char *val)
{
	list_push(field(r->c, o), val);
	return 0;
}

/* KEY=VALUE, /PREFIX=APP, /URL=DIR: something before the '='. */
int set_pair(struct cfg_run *r, const struct opt *o, const char *val)
{
	const char *eq = strchr(val, '=');
	if (!eq || eq == val)
		return cfg_fail(r, "'%.*s' is not %s", QUOTE_MAX, val, o->metavar);
	return set_list(r, o, val);
}

static int add_socket(struct cfg_run *r, const char *val,
		      enum socket_proto proto)
{
	struct config *c = r->c;
	struct socket_conf *s = realloc(c->sockets,
					(c->nsockets + 1) * sizeof *s);
	if (!s)
		die(1, "out of memory");
	c->sockets = s;
	s[c->nsockets].addr = cfg_strdup(val);
	s[c->nsockets].proto = proto;
	c->nsockets++;
	return 0;
}

int set_socket_uwsgi(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o;
	return add_socket(r, val, PROTO_UWSGI);
}

int set_socket_http(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o;
	return add_socket(r, val, PROTO_HTTP);
}

/* Octal, as chmod(1) takes it; nothing (a bare flag) means 666. */
int set_chmod(struct cfg_run *r, const struct opt *o, const char *val)
{
	unsigned *mode = field(r->c, o);
	char *end;
	if (!val || !*val) {
		*mode = 0666;
		return 0;
	}
	unsigned long v = strtoul(val, &end, 8);
	if (!isdigit((unsigned char)*val) || *end || v > (unsigned long)o->max)
		return cfg_fail(r, "'%.*s' is not an octal mode such as 660",
				QUOTE_MAX, val);
	*mode = (unsigned)v;
	return 0;
}

int set_ini(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o;
	return cfg_load_ini(r, val);
}

int set_xml(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o;
	return cfg_load_xml(r, val);
}

int set_help(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o, (void)val;
	r->action = RUN_HELP;
	return 0;
}

int set_version(struct cfg_run *r, const struct opt *o, const char *val)
{
	(void)o, (void)val;
	r->action = RUN_VERSION;
	return 0;
}

int opt_cli_only(const struct opt *o)
{
	o = opt_target(o);
	return o->set == set_help || o->set == set_version;
}

int opt_apply(struct cfg_run *r, const struct opt *o, const char *val)
{
	o = opt_target(o);
	/* A line break would split the line config_print writes for it. */
	if (val && strpbrk(val, "\r\n"))
		return cfg_fail(r, "a value cannot hold a line break");
	if (val && !*val && o->arg == ARG_REQUIRED)
		return cfg_fail(r, "needs a value");
	return o->set(r, o, val);
}

int opt_apply_text(struct cfg_run *r, const struct opt *o, const char *val)
{
	if (opt_cli_only(o))
		return cfg_fail(r, "works on the command line only");
	return opt_apply(r, o, val);
}
