/* The option engine's core: errors, looking rows up, applying a value to
 * a row, and freeing what the generic setters allocated. */
#include "uwsgiproto/opt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int up_opt_fail(struct up_opt_run *r, const char *fmt, ...)
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
	/* A word quoted back from argv or a file may hold a line break; the
	 * error stays one line. */
	for (char *p = r->err; (p = strpbrk(p, "\r\n")); )
		*p = ' ';
	r->failed = 1;
	return -1;
}

/* Exact match, with '_' in name standing for '-'. */
static int name_is(const char *name, const char *opt_name)
{
	for (; *name && *opt_name; name++, opt_name++) {
		char ch = *name == '_' ? '-' : *name;
		if (ch != *opt_name)
			return 0;
	}
	return *name == *opt_name;
}

const struct up_opt *up_opt_find(const struct up_opt *table, size_t n,
				 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name_is(name, table[i].name))
			return &table[i];
	return NULL;
}

const struct up_opt *up_opt_target(const struct up_opt *table, size_t n,
				   const struct up_opt *o)
{
	/* Aliases point at primary rows, never at other aliases. */
	return o->alias ? up_opt_find(table, n, o->alias) : o;
}

int up_opt_cli_only(const struct up_opt *table, size_t n,
		    const struct up_opt *o)
{
	o = up_opt_target(table, n, o);
	return o->set == up_opt_set_help || o->set == up_opt_set_version;
}

int up_opt_apply(struct up_opt_run *r, const struct up_opt *o,
		 const char *val)
{
	o = up_opt_target(r->table, r->n, o);
	/* A line break would split the "name = value" line a printer writes. */
	if (val && strpbrk(val, "\r\n"))
		return up_opt_fail(r, "a value cannot hold a line break");
	if (val && !*val && o->arg == UP_ARG_REQUIRED)
		return up_opt_fail(r, "needs a value");
	return o->set(r, o, val);
}

int up_opt_apply_text(struct up_opt_run *r, const struct up_opt *o,
		      const char *val)
{
	if (up_opt_cli_only(r->table, r->n, o))
		return up_opt_fail(r, "works on the command line only");
	return up_opt_apply(r, o, val);
}

int up_opt_list_add(struct up_opt_list *l, const char *s)
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

void up_opt_list_free(struct up_opt_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Strings and lists are found through the table, so a new option needs
 * no line in the tool's free function. */
void up_opt_free(const struct up_opt *table, size_t n, void *target)
{
	for (size_t i = 0; i < n; i++) {
		const struct up_opt *o = &table[i];
		void *f = (char *)target + o->off;
		if (o->alias)
			continue;
		if (o->set == up_opt_set_str) {
			free(*(char **)f);
			*(char **)f = NULL;
		} else if (o->set == up_opt_set_list) {
			up_opt_list_free(f);
		}
	}
}
