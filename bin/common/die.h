/* Diagnostics for the tools (never for lib/): one line on stderr, the
 * tool's name first, as in "uwsgi-send: connect 127.0.0.1:1: Connection
 * refused". */
#ifndef UP_TOOL_DIE_H
#define UP_TOOL_DIE_H

/* The tool's name, set once by main (defaults to "uwsgi"). */
extern const char *progname;

/* When set, die() and warn() print nothing (curl's -s). */
extern int die_quiet;

/* Print "progname: message" and exit with status. */
void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Print "progname: message" and carry on. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "progname VERSION (libuwsgiproto VERSION)" on stdout. */
void print_version(void);

#endif
