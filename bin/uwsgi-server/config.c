/* Loading the server's configuration: the defaults, then UWSGI_*
 * environment variables, then the command line in the order written, where
 * --ini and --xml (and a lone FILE.ini or FILE.xml argument) apply their
 * file at the point they appear. Everything goes through the one option
 * table (config_table.c). */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_set.h"
#include "die.h"

/* main.c's: our version line and the embedded Python's. Weak, so this
 * module also links into a program without it (print_version then). */
void server_print_version(void) __attribute__((weak));

/* getopt_long's value for row i of the table (above any short letter). */
#define ROW_VAL(i) (256 + (int)(i))

static void set_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->listen = 100;
	c->processes = 1;
	c->threads = 1;
	c->max_apps = 64;
	c->callable = cfg_strdup("application");
	c->buffer_size = 4096;
	c->socket_timeout = 4;
	c->reload_mercy = 60;
	c->cheaper_step = 1;
	c->cheaper_overload = 3;
	c->worker_reload_mercy = 60;
	c->cache_blocksize = 65536;
	c->spooler_processes = 1;
	c->spooler_frequency = 30;
	c->profiler_keep = 100;
}

/* UWSGI_<NAME>: the option's name upper-cased with '-' as '_', as uWSGI
 * reads its environment. */
static void env_name(const struct opt *o, char *buf, size_t size)
{
	int n = snprintf(buf, size, "UWSGI_%s", o->name);
	for (int i = 6; i < n && (size_t)i < size; i++)
		buf[i] = buf[i] == '-' ? '_' : (char)toupper((unsigned char)buf[i]);
}

/* Variables of other UWSGI_* names are not ours to judge and are left
 * alone (uWSGI itself and other tools set some). --help and --version are
 * not read from here: images often set UWSGI_VERSION to a release number.
 * An empty value leaves an option that takes one unset, as shells
 * write "unset"; an empty flag sets it, as in ini files. */
static void load_env(struct cfg_run *r)
{
	char name[64];
	for (size_t i = 0; i < cfg_nopts && !r->failed; i++) {
		const struct opt *o = &cfg_opts[i];
		if (opt_cli_only(o))
			continue;
		env_name(o, name, sizeof name);
		const char *val = getenv(name);
		if (!val || (!*val && opt_target(o)->arg == ARG_REQUIRED))
			continue;
		r->where = name;
		opt_apply_text(r, o, val);
		r->where = NULL;
	}
}

/* The getopt_long tables, made from the option table. The short string
 * starts with '-' (arguments come back in place, as 1, so a config file
 * named without an option applies where it stands) and ':' (a missing
 * value comes back as ':'). */
static void build_getopt(struct option **longopts, char **shortopts)
{
	struct option *l = calloc(cfg_nopts + 1, sizeof *l);
	char *s = malloc(3 * cfg_nopts + 3);
	if (!l || !s)
		die(1, "out of memory");
	size_t k = 0;
	s[k++] = '-';
	s[k++] = ':';
	for (size_t i = 0; i < cfg_nopts; i++) {
		const struct opt *row = &cfg_opts[i];
		enum opt_arg arg = opt_target(row)->arg;
		int has = arg == ARG_NONE ? no_argument
			: arg == ARG_REQUIRED ? required_argument : optional_argument;
		l[i] = (struct option){ row->name, has, NULL, ROW_VAL(i) };
		if (!row->short_name)
			continue;
		s[k++] = (char)row->short_name;
		if (arg != ARG_NONE)
			s[k++] = ':';
		if (arg == ARG_OPTIONAL)
			s[k++] = ':';
	}
	s[k] = '\0';
	*longopts = l;
	*shortopts = s;
}

/* "--x" is unknown, or the start of several names. */
static void unknown_long(struct cfg_run *r, const char *arg)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "="), matches = 0;
	for (size_t i = 0; i < cfg_nopts; i++)
		matches += !strncmp(cfg_opts[i].name, name, len);
	if (matches > 1)
		cfg_fail(r, "option '--%.*s' is ambiguous (try --help)", (int)len, name);
	else
		cfg_fail(r, "unrecognized option '%.*s' (try --help)", 80, arg);
}

/* getopt_long said '?' or ':'; optopt tells which option, if any. */
static void cli_error(struct cfg_run *r, int ch, const char *arg)
{
	if (optopt >= ROW_VAL(0)) {
		const char *name = cfg_opts[optopt - ROW_VAL(0)].name;
		if (ch == ':')
			cfg_fail(r, "option '--%s' needs a value", name);
		else
			cfg_fail(r, "option '--%s' takes no value", name);
	} else if (optopt) {
		if (ch == ':')
			cfg_fail(r, "option '-%c' needs a value", optopt);
		else
			cfg_fail(r, "invalid option '-%c' (try --help)", optopt);
	} else {
		unknown_long(r, arg);
	}
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len > n && !memcmp(s + len - n, suffix, n);
}

/* uWSGI reads a lone argument naming a config file as that file. */
static void positional(struct cfg_run *r, const char *arg)
{
	size_t len = cfg_spec_file_len(arg);
	if (ends_with(arg, len, ".ini"))
		cfg_load_ini(r, arg);
	else if (ends_with(arg, len, ".xml"))
		cfg_load_xml(r, arg);
	else
		cfg_fail(r, "unexpected argument '%.80s' (only a FILE.ini or "
			 "FILE.xml goes without an option)", arg);
}

static void cli_option(struct cfg_run *r, int ch, char **argv)
{
	char where[80];
	const struct opt *o;
	if (ch == 1) {
		positional(r, optarg);
		return;
	}
	if (ch == '?' || ch == ':') {
		cli_error(r, ch, argv[optind - 1]);
		return;
	}
	if (ch >= ROW_VAL(0)) {
		o = &cfg_opts[ch - ROW_VAL(0)];
		snprintf(where, sizeof where, "--%s", o->name);
	} else {
		o = opt_by_short(ch);
		snprintf(where, sizeof where, "-%c", ch);
	}
	r->where = where;
	opt_apply(r, o, optarg);
	r->where = NULL;
}

static void load_cli(struct cfg_run *r, int argc, char **argv)
{
	struct option *longopts;
	char *shortopts;
	int ch;
	build_getopt(&longopts, &shortopts);
	opterr = 0;     /* our messages, with our name rather than argv[0] */
	optind = 0;     /* glibc: start afresh */
	while (!r->failed && r->action == RUN_LOAD
	       && (ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		cli_option(r, ch, argv);
	/* What follows "--". */
	while (!r->failed && r->action == RUN_LOAD && optind < argc)
		positional(r, argv[optind++]);
	free(longopts);
	free(shortopts);
}

void config_load(struct config *c, int argc, char **argv)
{
	struct cfg_run r = { .c = c };
	set_defaults(c);
	load_env(&r);
	if (!r.failed)
		load_cli(&r, argc, argv);
	if (r.failed || r.action != RUN_LOAD)
		config_free(c);
	if (r.failed)
		die(1, "%s", r.err);
	if (r.action == RUN_HELP) {
		cfg_help(stdout);
		exit(0);
	}
	if (r.action == RUN_VERSION) {
		if (server_print_version)
			server_print_version();
		else
			print_version();
		exit(0);
	}
}

static void list_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Strings and lists are found through the table, so a new option needs
 * no line here. */
void config_free(struct config *c)
{
	for (size_t i = 0; i < c->nsockets; i++)
		free(c->sockets[i].addr);
	free(c->sockets);
	for (size_t i = 0; i < cfg_nopts; i++) {
		const struct opt *o = &cfg_opts[i];
		void *f = (char *)c + o->off;
		if (o->set == set_str)
			free(*(char **)f);
		else if (o->set == set_list || o->set == set_pair)
			list_free(f);
	}
	memset(c, 0, sizeof *c);
}
