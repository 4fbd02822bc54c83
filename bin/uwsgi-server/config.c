/* Loading the server's configuration: the defaults, then UWSGI_*
 * environment variables, then the command line in the order written, where
 * --ini and --xml (and a lone FILE.ini or FILE.xml argument) apply their
 * file at the point they appear. Everything goes through the one option
 * table (config_table.c) and lib/'s option engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_set.h"
#include "die.h"

/* main.c's: our version line and the embedded Python's. Weak, so this
 * module also links into a program without it (print_version then). */
void server_print_version(void) __attribute__((weak));

static void set_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->listen = 100;
	c->processes = 1;
	c->threads = 1;
	c->max_apps = 64;
	c->callable = strdup("application");
	if (!c->callable)
		die(1, "out of memory");
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

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len > n && !memcmp(s + len - n, suffix, n);
}

/* uWSGI reads a lone argument naming a config file as that file. */
static int positional(struct up_opt_run *r, const char *arg)
{
	size_t len = up_opt_spec_file_len(arg);
	if (ends_with(arg, len, ".ini"))
		return up_opt_load_ini(r, arg);
	if (ends_with(arg, len, ".xml"))
		return up_opt_load_xml(r, arg);
	return up_opt_fail(r, "unexpected argument '%.80s' (only a FILE.ini or "
			   "FILE.xml goes without an option)", arg);
}

void config_load(struct config *c, int argc, char **argv)
{
	struct up_opt_run r = {
		.table = cfg_opts, .n = cfg_nopts, .target = c,
		.section = "uwsgi", .positional = positional,
	};
	set_defaults(c);
	if (up_opt_load_env(&r, "UWSGI_") == 0)
		up_opt_load_args(&r, argc, argv);
	if (r.failed || r.action != UP_OPT_RUN)
		config_free(c);
	if (r.failed)
		die(1, "%s", r.err);
	if (r.action == UP_OPT_HELP) {
		cfg_help(stdout);
		exit(0);
	}
	if (r.action == UP_OPT_VERSION) {
		if (server_print_version)
			server_print_version();
		else
			print_version();
		exit(0);
	}
}

/* lib/ frees the strings and lists of its generic setters; the sockets
 * and the pairs are ours. */
void config_free(struct config *c)
{
	for (size_t i = 0; i < c->nsockets; i++)
		free(c->sockets[i].addr);
	free(c->sockets);
	for (size_t i = 0; i < cfg_nopts; i++)
		if (cfg_opts[i].set == set_pair)
			up_opt_list_free((struct up_opt_list *)((char *)c + cfg_opts[i].off));
	up_opt_free(cfg_opts, cfg_nopts, c);
	memset(c, 0, sizeof *c);
}
