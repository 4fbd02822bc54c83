/* Private to the configuration module: the option table (config_table.c),
 * the server's own setters and printers (config_set.c, config_print.c),
 * --help (config_help.c) and loading (config.c). The engine that reads
 * the command line, ini and XML files and UWSGI_* variables through the
 * table is lib/'s (uwsgiproto/opt.h). Nothing outside config*.c includes
 * this. */
#ifndef UWSGI_SERVER_CONFIG_OPT_H
#define UWSGI_SERVER_CONFIG_OPT_H

#include "uwsgiproto/opt.h"

#include "config.h"

/* Headings of --help, in this order (config_help.c names them). */
enum opt_group {
	GROUP_SOCKETS, GROUP_PROCESSES, GROUP_APPS, GROUP_LIMITS, GROUP_HEALING,
	GROUP_LOGGING, GROUP_STATIC, GROUP_IDENTITY, GROUP_API, GROUP_CONFIG,
};

extern const struct up_opt cfg_opts[];
extern const size_t cfg_nopts;

/* The --help text, generated from the table. */
void cfg_help(FILE *out);

#endif
