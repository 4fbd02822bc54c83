/* The server's own setters: sockets (each with its protocol, in the order
 * given), an octal mode and KEY=VALUE pairs. The generic ones (numbers,
 * sizes, flags, strings, lists) are lib/'s. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_set.h"

/* The longest piece of a value quoted back in a message. */
#define QUOTE_MAX 80

static void *field(struct up_opt_run *r, const struct up_opt *o)
{
	return (char *)r->target + o->off;
}

/* KEY=VALUE, /PREFIX=APP, /URL=DIR: something before the '='. */
int set_pair(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	const char *eq = strchr(val, '=');
	if (!eq || eq == val)
		return up_opt_fail(r, "'%.*s' is not %s", QUOTE_MAX, val, o->metavar);
	return up_opt_set_list(r, o, val);
}

static int add_socket(struct up_opt_run *r, const char *val,
		      enum socket_proto proto)
{
	struct config *c = r->target;
	struct socket_conf *s = realloc(c->sockets,
					(c->nsockets + 1) * sizeof *s);
	if (!s)
		return up_opt_fail(r, "out of memory");
	c->sockets = s;
	s[c->nsockets].addr = strdup(val);
	if (!s[c->nsockets].addr)
		return up_opt_fail(r, "out of memory");
	s[c->nsockets].proto = proto;
	c->nsockets++;
	return 0;
}

int set_socket_uwsgi(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o;
	return add_socket(r, val, PROTO_UWSGI);
}

int set_socket_http(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o;
	return add_socket(r, val, PROTO_HTTP);
}

/* Octal, as chmod(1) takes it; nothing (a bare flag) means 666. */
int set_chmod(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	unsigned *mode = field(r, o);
	char *end;
	if (!val || !*val) {
		*mode = 0666;
		return 0;
	}
	unsigned long v = strtoul(val, &end, 8);
	if (!isdigit((unsigned char)*val) || *end || v > (unsigned long)o->max)
		return up_opt_fail(r, "'%.*s' is not an octal mode such as 660",
				   QUOTE_MAX, val);
	*mode = (unsigned)v;
	return 0;
}
