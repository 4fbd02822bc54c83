/* --show-config: the resolved configuration as an [uwsgi] ini section, one
 * "key = value" line per value in table order, which config_load reads
 * back to the same configuration. The server's own printers are here; the
 * generic ones are lib/'s. */
#include <stdio.h>

#include "config_set.h"

/* All sockets in the order given, each under its protocol's key, so the
 * order (which decides which socket is which) survives the round trip. */
void print_sockets(const void *target, const struct up_opt *o, FILE *out)
{
	const struct config *c = target;
	(void)o;
	for (size_t i = 0; i < c->nsockets; i++)
		fprintf(out, "%s = %s\n",
			c->sockets[i].proto == PROTO_HTTP ? "http-socket" : "socket",
			c->sockets[i].addr);
}

void print_chmod(const void *target, const struct up_opt *o, FILE *out)
{
	unsigned mode = *(const unsigned *)((const char *)target + o->off);
	if (mode)
		fprintf(out, "%s = %03o\n", o->name, mode);
}

void config_print(const struct config *c, FILE *out)
{
	fputs("[uwsgi]\n", out);
	up_opt_print(cfg_opts, cfg_nopts, c, out);
}
