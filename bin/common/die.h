/* Diagnostics for the tools (never for lib/): one line on stderr, the
 * tool's name first, as in "uwsgi-send: connect 127.0.0.1:1: Connection
 * refused". */
#ifndef UP_TOOL_DIE_H
#define UP_TOOL_DIE_H

#include <stddef.h>

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

/* Peer bytes fit for a diagnostic line: at most cap - 1 of the n bytes of
 * p, each control byte as '?' (a newline from a peer must not forge a
 * second log line). Inline, so that modules fuzzed alone have it. Returns
 * out. */
static inline char *safe_text(char *out, size_t cap, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (n > cap - 1)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	out[n] = '\0';
	return out;
}

#endif
