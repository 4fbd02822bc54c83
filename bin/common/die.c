#include "die.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *progname = "uwsgi";
int die_quiet;

static void vline(const char *fmt, va_list ap)
{
	/* One write per line keeps lines whole when several processes log. */
	char line[1024];
	if (die_quiet)
		return;
	int n = snprintf(line, sizeof line, "%s: ", progname);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
	exit(status);
}

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

void print_version(void)
{
	printf("%s %s\n", progname, UP_VERSION);
}
