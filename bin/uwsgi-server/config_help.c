/* --help, generated from the option table: the server's usage lines, then
 * lib/'s one line per row (aliases included) under the heading of the
 * row's group, descriptions aligned. */
#include <stdio.h>
#include <string.h>

#include "config_opt.h"
#include "die.h"

static const char *const group_names[] = {
	[GROUP_SOCKETS] = "Sockets",
	[GROUP_PROCESSES] = "Processes",
	[GROUP_APPS] = "Application",
	[GROUP_LIMITS] = "Limits",
	[GROUP_HEALING] = "Self-healing",
	[GROUP_LOGGING] = "Logging",
	[GROUP_STATIC] = "Static files",
	[GROUP_IDENTITY] = "Identity and lifetime",
	[GROUP_API] = "Python API (the uwsgi module)",
	[GROUP_CONFIG] = "Configuration",
};

void cfg_help(FILE *out)
{
	fprintf(out,
		"usage: %s [OPTIONS] [FILE.ini[:SECTION] | FILE.xml[:ID]]\n"
		"A prefork WSGI server speaking the uwsgi protocol and HTTP.\n"
		"Every option may also be given in an ini file (--ini), an XML file (--xml)\n"
		"or a UWSGI_<NAME> variable (UWSGI_PROCESSES=4, UWSGI_HTTP_SOCKET=:8080);\n"
		"there, flags take true or false.\n"
		"ADDR is host:port, :port, [v6]:port, /path/to.sock or @abstract.\n",
		progname);
	up_opt_help(cfg_opts, cfg_nopts, group_names,
		    sizeof group_names / sizeof group_names[0], 1, out);
}
