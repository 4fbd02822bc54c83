/* --help, generated from the option table: one line per row (aliases
 * included), under the heading of the row's group, descriptions aligned. */
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

/* "  -p, --processes N" or "      --chmod-socket[=MODE]" into buf. */
static int left_column(const struct opt *row, char *buf, size_t size)
{
	const struct opt *o = opt_target(row);
	char shortname[8] = "    ";
	if (row->short_name)
		snprintf(shortname, sizeof shortname, "-%c, ", row->short_name);
	if (o->arg == ARG_REQUIRED)
		return snprintf(buf, size, "  %s--%s %s", shortname, row->name, o->metavar);
	if (o->arg == ARG_OPTIONAL)
		return snprintf(buf, size, "  %s--%s[=%s]", shortname, row->name, o->metavar);
	return snprintf(buf, size, "  %s--%s", shortname, row->name);
}

static void help_line(const struct opt *row, int width, FILE *out)
{
	char left[128], same[64];
	const char *help = row->help;
	left_column(row, left, sizeof left);
	if (row->alias) {
		snprintf(same, sizeof same, "same as --%s", row->alias);
		help = same;
	}
	fprintf(out, "%-*s  %s\n", width, left, help);
}

void cfg_help(FILE *out)
{
	char left[128];
	int width = 0;
	for (size_t i = 0; i < cfg_nopts; i++) {
		int n = left_column(&cfg_opts[i], left, sizeof left);
		if (n > width)
			width = n;
	}
	fprintf(out,
		"usage: %s [OPTIONS] [FILE.ini[:SECTION] | FILE.xml[:ID]]\n"
		"A prefork WSGI server speaking the uwsgi protocol and HTTP.\n"
		"Every option may also be given in an ini file (--ini), an XML file (--xml)\n"
		"or a UWSGI_<NAME> variable (UWSGI_PROCESSES=4, UWSGI_HTTP_SOCKET=:8080);\n"
		"there, flags take true or false.\n"
		"ADDR is host:port, :port, [v6]:port, /path/to.sock or @abstract.\n",
		progname);
	/* By group, so a row's place in the table need not follow its group. */
	for (size_t g = 0; g < sizeof group_names / sizeof group_names[0]; g++) {
		int heading = 0;
		for (size_t i = 0; i < cfg_nopts; i++) {
			if (cfg_opts[i].group != (enum opt_group)g)
				continue;
			if (!heading++)
				fprintf(out, "%s:\n", group_names[g]);
			help_line(&cfg_opts[i], width, out);
		}
	}
}
