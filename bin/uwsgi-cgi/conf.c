#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "reply.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

/* A setter returns NULL, or what is wrong with the value. */
typedef const char *(*setter_fn)(struct conf *c, const char *val);

struct conf_opt {
	const char *name;   /* long option and script key */
	int key;            /* short option letter, or a code >= 256 */
	const char *arg;    /* argument name for --help; NULL: takes none */
	const char *help;
	setter_fn set;      /* NULL: command line only (--help, --version) */
};

static const char *set_socket(struct conf *c, const char *v)
{
	if (!*v || strlen(v) >= UP_ADDR_TEXT_MAX)
		return "expected host:port, [v6]:port, /path.sock or @name";
	c->socket = v;
	return NULL;
}

static const char *set_modifier1(struct conf *c, const char *v)
{
	int m = up_modifier_by_name(v);
	if (m < 0)
		return "expected a number 0-255 or a modifier name such as wsgi";
	c->modifier1 = m;
	return NULL;
}

static const char *set_modifier2(struct conf *c, const char *v)
{
	char *end;
	long m = strtol(v, &end, 10);
	if (end == v || *end || m < 0 || m > 255)
		return "expected a number 0-255";
	c->modifier2 = (int)m;
	return NULL;
}

/* Seconds with fractions; 0 means no limit (-1 inside). */
static const char *seconds(int *out, const char *v)
{
	char *end;
	double s = strtod(v, &end);
	if (end == v || *end || !isfinite(s) || s < 0 || s > 86400)
		return "expected seconds from 0 (no limit) to 86400";
	*out = s == 0 ? -1 : (int)(s * 1000 + 0.5);
	if (*out == 0)
		*out = 1;
	return NULL;
}

static const char *set_timeout(struct conf *c, const char *v)
{
	return seconds(&c->timeout_ms, v);
}

static const char *set_connect_timeout(struct conf *c, const char *v)
{
	return seconds(&c->connect_timeout_ms, v);
}

static const char *push(const char ***arr, size_t *n, const char *v)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof *a);
	if (!a)
		return "out of memory";
	a[(*n)++] = v;
	*arr = a;
	return NULL;
}

static const char *set_var(struct conf *c, const char *v)
{
	size_t kl = strcspn(v, "=");
	if (!v[kl] || kl == 0)
		return "expected KEY=VALUE";
	/* The body's length is what the web server sent, nothing else. */
	if (kl == 14 && memcmp(v, "CONTENT_LENGTH", 14) == 0)
		return "CONTENT_LENGTH comes from the web server";
	return push(&c->vars, &c->nvars, v);
}

static const char *set_pass(struct conf *c, const char *v)
{
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789_");
	if (n == 0 || (v[n] && strcmp(v + n, "*") != 0))
		return "expected a variable name, or a prefix followed by '*'";
	return push(&c->pass, &c->npass, v);
}

enum { OPT_MOD2 = 256, OPT_VAR, OPT_PASS, OPT_CONNECT_TIMEOUT };

static const struct conf_opt opts[] = {
	{ "socket", 's', "ADDR", "the uwsgi backend: host:port, [v6]:port, /path or @name",
	  set_socket },
	{ "modifier1", 'm', "N|NAME", "modifier1 of the request (default 0, wsgi)",
	  set_modifier1 },
	{ "modifier2", OPT_MOD2, "N", "modifier2 of the request (default 0)", set_modifier2 },
	{ "timeout", 't', "S", "longest the backend may stay silent (default 60; 0: none)",
	  set_timeout },
	{ "connect-timeout", OPT_CONNECT_TIMEOUT, "S", "limit for connecting (default 5)",
	  set_connect_timeout },
	{ "var", OPT_VAR, "KEY=VALUE", "add or replace a var (repeatable)", set_var },
	{ "pass", OPT_PASS, "NAME[*]", "also forward this environment variable (repeatable)",
	  set_pass },
	{ "help", 'h', NULL, "show this help and exit", NULL },
	{ "version", 'V', NULL, "show the version and exit", NULL },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void conf_usage(FILE *out)
{
	fprintf(out, "usage: %s [OPTIONS] [SCRIPT]\n"
		"CGI bridge: run by a web server, relays the request to a uwsgi server.\n"
		"SCRIPT (a file starting with #!%s) may hold 'key = value' lines\n"
		"with the long option names as keys.\n", progname, progname);
	for (size_t i = 0; i < NOPTS; i++) {
		char left[48];
		int n = 0;
		if (opts[i].key < 256)
			n = snprintf(left, sizeof left, "-%c, ", opts[i].key);
		else
			n = snprintf(left, sizeof left, "    ");
		snprintf(left + n, sizeof left - (size_t)n, "--%s%s%s", opts[i].name,
			 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(out, "  %-28s %s\n", left, opts[i].help);
	}
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
	free(c->vars);
	free(c->pass);
	free(c->text);
	conf_init(c);
}

static const struct conf_opt *by_key(int key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].key == key)
			return &opts[i];
	return NULL;
}

static const struct conf_opt *by_name(const char *name)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].set && strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
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
static void script_line(struct conf *c, char *line, char *end, int lineno)
{
	char *s = trim(line, end);
	if (!*s || *s == '#')
		return;
	char *eq = strchr(s, '=');
	if (!eq)
		reply_fail(502, EXIT_CGI_CONFIG, "%s:%d: expected 'key = value'",
			   c->script, lineno);
	char *key = trim(s, eq);
	char *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
	const struct conf_opt *o = by_name(key);
	if (!o)
		reply_fail(502, EXIT_CGI_CONFIG, "%s:%d: unknown key '%s' (socket, "
			   "modifier1, modifier2, timeout, connect-timeout, var, pass)",
			   c->script, lineno, key);
	const char *bad = o->set(c, val);
	if (bad)
		reply_fail(502, EXIT_CGI_CONFIG, "%s:%d: %s '%s': %s", c->script,
			   lineno, key, val, bad);
}

static void load_script(struct conf *c)
{
	c->text = read_script(c->script);
	char *p = c->text;
	for (int lineno = 1; *p; lineno++) {
		char *nl = strchr(p, '\n');
		char *end = nl ? nl : p + strlen(p);
		script_line(c, p, end, lineno);
		p = nl ? nl + 1 : end;
	}
}

/* ---- the command line -------------------------------------------- */

struct cli_set {
	const struct conf_opt *opt;
	const char *val;
};

static void bad_usage(void)
{
	/* In front of a web user, the usual page; in a terminal, the help. */
	if (getenv("GATEWAY_INTERFACE"))
		reply_fail(502, EXIT_CGI_CONFIG, "bad command line (try --help)");
	conf_usage(stderr);
	exit(EXIT_CGI_CONFIG);
}

/* getopt's tables, built from opts. '+' stops at the script: words after
 * it come from the request (ISINDEX queries) and are never options. */
static void getopt_tables(struct option *lo, char *so)
{
	*so++ = '+';
	for (size_t i = 0; i < NOPTS; i++) {
		lo[i] = (struct option){ opts[i].name,
			opts[i].arg ? required_argument : no_argument, NULL, opts[i].key };
		if (opts[i].key < 256) {
			*so++ = (char)opts[i].key;
			if (opts[i].arg)
				*so++ = ':';
		}
	}
	lo[NOPTS] = (struct option){ NULL, 0, NULL, 0 };
	*so = 0;
}

void conf_parse(struct conf *c, int argc, char **argv)
{
	struct option lo[NOPTS + 1];
	char so[2 * NOPTS + 2];
	struct cli_set *sets = calloc((size_t)argc + 1, sizeof *sets);
	size_t nsets = 0;
	int k;

	if (!sets)
		reply_fail(502, EXIT_CGI_CONFIG, "out of memory");
	getopt_tables(lo, so);
	while ((k = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct conf_opt *o = k == '?' || k == ':' ? NULL : by_key(k);
		if (!o)
			bad_usage();
		if (k == 'h') {
			conf_usage(stdout);
			exit(EXIT_CGI_OK);
		}
		if (k == 'V') {
			print_version();
			exit(EXIT_CGI_OK);
		}
		sets[nsets++] = (struct cli_set){ o, optarg };
	}
	if (optind < argc) {
		c->script = argv[optind];
		load_script(c);
	}
	for (size_t i = 0; i < nsets; i++) {
		const char *bad = sets[i].opt->set(c, sets[i].val);
		if (bad)
			reply_fail(502, EXIT_CGI_CONFIG, "--%s '%s': %s",
				   sets[i].opt->name, sets[i].val, bad);
	}
	free(sets);
	if (!c->socket)
		c->socket = getenv("UWSGI_CGI_SOCKET");
	if (!c->socket || !*c->socket)
		reply_fail(502, EXIT_CGI_CONFIG, "no backend: give --socket, a "
			   "'socket = ADDR' line in the script or UWSGI_CGI_SOCKET");
}
