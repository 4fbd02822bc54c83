/* uwsgi-send: what the modules share: the parsed options and exit codes. */
#ifndef UWSGI_SEND_H
#define UWSGI_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/opt.h"

/* Exit statuses, documented in uwsgi-send(1). 22 is curl's --fail code. */
enum send_exit {
	EXIT_SEND_OK = 0,
	EXIT_SEND_USAGE = 1,     /* bad arguments, unreadable/unwritable files */
	EXIT_SEND_CONNECT = 2,   /* cannot resolve or connect */
	EXIT_SEND_TIMEOUT = 3,   /* --connect-timeout or --timeout passed */
	EXIT_SEND_RESPONSE = 4,  /* empty, truncated or malformed answer */
	EXIT_SEND_HTTP = 22,     /* status >= 400 with --fail */
};

enum send_mode {
	MODE_WSGI,    /* a request with modifier1 0 (or -m with vars framing) */
	MODE_PING,
	MODE_RPC,
	MODE_SIGNAL,
	MODE_SPOOL,
	MODE_RAW,
	MODE_ECHO,    /* modifier1 101 */
	MODE_RELOAD,  /* modifier1 98, or 97 with brutal */
};

/* The options (bin/uwsgi-send/opts.c fills them from the command line);
 * the strings and lists belong to it until opts_free. */
struct send_opts {
	enum send_mode mode;
	const char *address;
	const char *path;         /* PATH[?QUERY], default "/" */
	char **args;              /* positionals after the address/path */
	int nargs;
	struct up_opt_list words; /* every positional, in order */

	char *method;             /* -X; NULL: GET, POST with a body, HEAD with -I */
	struct up_opt_list headers; /* -H values, in order */
	struct up_opt_list vars;  /* --var KEY=VALUE, in order */
	struct up_opt_list data;  /* -d values, in order */
	char *host;               /* --host */
	char *output;             /* -o */
	char *body_file;          /* --body-file (raw mode) */
	char *write_packet;       /* --write-packet FILE|- */

	int modifier1, modifier2; /* raw mode; -1 when not given */
	int signum;               /* --signal N */
	char *echo;               /* --echo DATA */
	int brutal;               /* --brutal-reload */

	int include, head, fail, verbose;
	int silent, show_error;   /* -s, -S */
	long long timeout_ms;     /* -t: the whole exchange; -1 none */
	long long connect_timeout_ms; /* --connect-timeout */

	int bench;                /* --bench */
	long long count;          /* -n */
	int concurrency;          /* -c */
};

#endif
