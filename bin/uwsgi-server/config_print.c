/* --show-config: the resolved configuration as an [uwsgi] ini section, one
 * "key = value" line per value in table order, which config_load reads
 * back to the same configuration. Numbers are always printed (they have
 * defaults), strings and lists when set, flags when on. */
#include <stdio.h>

#include "config_set.h"

static const void *field(const struct config *c, const struct opt *o)
{
	return (const char *)c + o->off;
}

void print_int(const struct config *c, const struct opt *o, FILE *out)
{
	fprintf(out, "%s = %d\n", o->name, *(const int *)field(c, o));
}

void print_size(const struct config *c, const struct opt *o, FILE *out)
{
	fprintf(out, "%s = %zu\n", o->name, *(const size_t *)field(c, o));
}

void print_llsize(const struct config *c, const struct opt *o, FILE *out)
{
	fprintf(out, "%s = %lld\n", o->name, *(const long long *)field(c, o));
}

void print_flag(const struct config *c, const struct opt *o, FILE *out)
{
	if (*(const int *)field(c, o))
		fprintf(out, "%s = true\n", o->name);
}

void print_str(const struct config *c, const struct opt *o, FILE *out)
{
	const char *s = *(char *const *)field(c, o);
	if (s)
		fprintf(out, "%s = %s\n", o->name, s);
}

void print_list(const struct config *c, const struct opt *o, FILE *out)
{
	const struct strlist *l = field(c, o);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "%s = %s\n", o->name, l->v[i]);
}

/* All sockets in the order given, each under its protocol's key, so the
 * order (which decides which socket is which) survives the round trip. */
void print_sockets(const struct config *c, const struct opt *o, FILE *out)
{
	(void)o;
	for (size_t i = 0; i < c->nsockets; i++)
		fprintf(out, "%s = %s\n",
			c->sockets[i].proto == PROTO_HTTP ? "http-socket" : "socket",
			c->sockets[i].addr);
}

void print_chmod(const struct config *c, const struct opt *o, FILE *out)
{
	unsigned mode = *(const unsigned *)field(c, o);
	if (mode)
		fprintf(out, "%s = %03o\n", o->name, mode);
}

void config_print(const struct config *c, FILE *out)
{
	fputs("[uwsgi]\n", out);
	for (size_t i = 0; i < cfg_nopts; i++)
		if (!cfg_opts[i].alias && cfg_opts[i].print)
			cfg_opts[i].print(c, &cfg_opts[i], out);
}
