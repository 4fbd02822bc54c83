#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "reply.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

/* What is wrong with a value, in the form web server logs have always
 * shown: "WHERE 'VALUE': why" (WHERE is "--var" or "app.cgi:3: var"). */
static int bad_value(struct up_opt_run *r, const char *val, const char *why)
{
	char where[sizeof r->err];
	const char *was = r->where;
	snprintf(where, sizeof where, "%s '%.80s'", was ? was : "", val);
	r->where = where;
	up_opt_fail(r, "%s", why);
	r->where = was;
	return -1;
}

static void *field(struct up_opt_run *r, const struct up_opt *o)
{
	return (char *)r->target + o->off;
}

static int set_socket(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	if (!*v || strlen(v) >= UP_ADDR_TEXT_MAX)
		return bad_value(r, v, "expected host:port, [v6]:port, /path.sock or @name");
	return up_opt_set_str(r, o, v);
}

static int set_modifier1(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	int m = up_modifier_by_name(v);
	if (m < 0)
		return bad_value(r, v, "expected a number 0-255 or a modifier name such as wsgi");
	*(int *)field(r, o) = m;
	return 0;
}

static int set_modifier2(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	char *end;
	long m = strtol(v, &end, 10);
	if (end == v || *end || m < 0 || m > 255)
		return bad_value(r, v, "expected a number 0-255");
	*(int *)field(r, o) = (int)m;
	return 0;
}

/* Seconds with fractions into an int of milliseconds; 0 means no limit
 * (-1 inside). */
static int set_seconds(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	char *end;
	int *out = field(r, o);
	double s = strtod(v, &end);
	if (end == v || *end || !isfinite(s) || s < 0 || s > 86400)
		return bad_value(r, v, "expected seconds from 0 (no limit) to 86400");
	*out = s == 0 ? -1 : (int)(s * 1000 + 0.5);
	if (*out == 0)
		*out = 1;
	return 0;
}

static int set_var(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	size_t kl = strcspn(v, "=");
	if (!v[kl] || kl == 0)
		return bad_value(r, v, "expected KEY=VALUE");
	/* The body's length is what the web server sent, nothing else. */
	if (kl == 14 && memcmp(v, "CONTENT_LENGTH", 14) == 0)
		return bad_value(r, v, "CONTENT_LENGTH comes from the web server");
	return up_opt_set_list(r, o, v);
}

static int set_pass(struct up_opt_run *r, const struct up_opt *o, const char *v)
{
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789_");
	if (n == 0 || (v[n] && strcmp(v + n, "*") != 0))
		return bad_value(r, v, "expected a variable name, or a prefix followed by '*'");
	return up_opt_set_list(r, o, v);
}

/* The first word that is no option is the script; the words after it come
 * from the request (the ISINDEX query Apache appends) and are never
 * options, so the command line ends there. */
static int stop_at_script(struct up_opt_run *r, const char *arg)
{
	struct conf *c = r->target;
	c->script = arg;
	return 1;
}

#define UP_OPT_TARGET struct conf

static const struct up_opt table[] = {
	{ 0, "socket", 's', UP_ARG_REQUIRED, "ADDR", "the uwsgi backend: host:port, [v6]:port, /path or @name", set_socket, NULL, UP_OPT_FIELD(socket), 0, 0, NULL },
	{ 0, "modifier1", 'm', UP_ARG_REQUIRED, "N|NAME", "modifier1 of the request (default 0, wsgi)", set_modifier1, NULL, UP_OPT_FIELD(modifier1), 0, 0, NULL },
	{ 0, "modifier2", 0, UP_ARG_REQUIRED, "N", "modifier2 of the request (default 0)", set_modifier2, NULL, UP_OPT_FIELD(modifier2), 0, 0, NULL },
	{ 0, "timeout", 't', UP_ARG_REQUIRED, "S", "longest the backend may stay silent (default 60; 0: none)", set_seconds, NULL, UP_OPT_FIELD(timeout_ms), 0, 0, NULL },
	{ 0, "connect-timeout", 0, UP_ARG_REQUIRED, "S", "limit for connecting (default 5)", set_seconds, NULL, UP_OPT_FIELD(connect_timeout_ms), 0, 0, NULL },
	{ 0, "var", 0, UP_ARG_REQUIRED, "KEY=VALUE", "add or replace a var (repeatable)", set_var, NULL, UP_OPT_FIELD(vars), 0, 0, NULL },
	{ 0, "pass", 0, UP_ARG_REQUIRED, "NAME[*]", "also forward this environment variable (repeatable)", set_pass, NULL, UP_OPT_FIELD(pass), 0, 0, NULL },
	{ 0, "help", 'h', UP_ARG_NONE, NULL, "show this help and exit", up_opt_set_help, NULL, 0, 0, 0, NULL },
	{ 0, "version", 'V', UP_ARG_NONE, NULL, "show the version and exit", up_opt_set_version, NULL, 0, 0, 0, NULL },
};
#define NOPTS (sizeof table / sizeof table[0])

static void conf_usage(FILE *out)
{
	static const char *const groups[] = { "Options" };
	fprintf(out, "usage: %s [OPTIONS] [SCRIPT]\n"
		"CGI bridge: run by a web server, relays the request to a uwsgi server.\n"
		"SCRIPT (a file starting with #!%s) may hold 'key = value' lines\n"
		"with the long option names as keys.\n", progname, progname);
	up_opt_help(table, NOPTS, groups, 1, 0, out);
	fprintf(out, "Without --socket or a script's 'socket =': $UWSGI_CGI_SOCKET.\n"
		"Exit: 0 ok, 1 configuration, 2 connect, 3 timeout, 4 bad answer, "
		"5 bad request.\n");
}

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof *c);
	c->timeout_ms = CGI_DEFAULT_TIMEOUT_MS;
	c->connect_timeout_ms = CGI_DEFAULT_CONNECT_TIMEOUT_MS;
}

void conf_free(struct conf *c)
{
	/* Every row has its own setter, so up_opt_free would see none. */
	free(c->socket);
	up_opt_list_free(&c->vars);
	up_opt_list_free(&c->pass);
	conf_init(c);
}

/* ---- the script ---------------------------------------------------- */

static char *trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = 0;
	return s;
}

static char *read_script(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		reply_fail(502, EXIT_CGI_CONFIG, "%s: %s", path, strerror(errno));
	char *text = malloc(CONF_SCRIPT_MAX + 1);
	if (!text)
		reply_fail(502, EXIT_CGI_CONFIG, "%s: out of memory", path);
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, text + len, CONF_SCRIPT_MAX + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			reply_fail(502, EXIT_CGI_CONFIG, "%s: %s", path, strerror(errno));
		len += (size_t)n;
		if (len > CONF_SCRIPT_MAX)
			reply_fail(502, EXIT_CGI_CONFIG, "%s: over %d bytes: not a "
				   "uwsgi-cgi script", path, CONF_SCRIPT_MAX);
	}
	close(fd);
	if (memchr(text, 0, len))
		reply_fail(502, EXIT_CGI_CONFIG, "%s: holds NUL bytes: not a "
			   "uwsgi-cgi script", path);
	text[len] = 0;
	return text;
}

/* One "key = value" line; blank lines and '#' comments (the #! line
 * among them) are skipped. */
static void script_line(struct up_opt_run *r, char *line, char *end, int lineno)
{
	const struct conf *c = r->target;
	char where[PATH_MAX + 128];
	char *s = trim(line, end);
	if (!*s || *s == '#')
		return;
	char *eq = strchr(s, '=');
	if (!eq)
		reply_fail(502, EXIT_CGI_CONFIG, "%s:%d: expected 'key = value'",
			   c->script, lineno);
	char *key = trim(s, eq);
	char *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
	const struct up_opt *o = up_opt_find(table, NOPTS, key);
	if (!o || up_opt_cli_only(table, NOPTS, o))
		reply_fail(502, EXIT_CGI_CONFIG, "%s:%d: unknown key '%s' (socket, "
			   "modifier1, modifier2, timeout, connect-timeout, var, pass)",
			   c->script, lineno, key);
	snprintf(where, sizeof where, "%s:%d: %s", c->script, lineno, key);
	r->where = where;
	if (up_opt_apply_text(r, o, val) < 0)
		reply_fail(502, EXIT_CGI_CONFIG, "%s", r->err);
	r->where = NULL;
}

/* The values are copied as they apply, so the text goes once read. */
static void load_script(struct up_opt_run *r)
{
	const struct conf *c = r->target;
	char *text = read_script(c->script), *p = text;
	for (int lineno = 1; *p; lineno++) {
		char *nl = strchr(p, '\n');
		char *end = nl ? nl : p + strlen(p);
		script_line(r, p, end, lineno);
		p = nl ? nl + 1 : end;
	}
	free(text);
}

/* ---- the command line -------------------------------------------- */

/* A command line the engine refused: in front of a web user, the usual
 * page; in a terminal, the line alone. */
static void bad_command_line(const char *err)
{
	if (getenv("GATEWAY_INTERFACE"))
		reply_fail(502, EXIT_CGI_CONFIG, "%s", err);
	die(EXIT_CGI_CONFIG, "%s", err);
}

void conf_parse(struct conf *c, int argc, char **argv)
{
	struct conf first;
	struct up_opt_run run = {
		.table = table, .n = NOPTS, .positional = stop_at_script,
	};
	/* The command line wins over the script, but the script is named by
	 * it: a first pass finds and checks everything, the script loads,
	 * then the command line applies over it. */
	conf_init(&first);
	run.target = &first;
	if (up_opt_load_args(&run, argc, argv) < 0)
		bad_command_line(run.err);
	if (run.action == UP_OPT_HELP)
		conf_usage(stdout);
	else if (run.action == UP_OPT_VERSION)
		print_version();
	c->script = first.script;
	conf_free(&first);
	if (run.action != UP_OPT_RUN)
		exit(EXIT_CGI_OK);

	run = (struct up_opt_run){
		.table = table, .n = NOPTS, .target = c, .positional = stop_at_script,
	};
	if (c->script)
		load_script(&run);
	if (up_opt_load_args(&run, argc, argv) < 0)
		bad_command_line(run.err);
	if (!c->socket && getenv("UWSGI_CGI_SOCKET") &&
	    !(c->socket = strdup(getenv("UWSGI_CGI_SOCKET"))))
		reply_fail(502, EXIT_CGI_CONFIG, "out of memory");
	if (!c->socket || !*c->socket)
		reply_fail(502, EXIT_CGI_CONFIG, "no backend: give --socket, a "
			   "'socket = ADDR' line in the script or UWSGI_CGI_SOCKET");
}
