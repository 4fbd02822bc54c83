/* uwsgi-cgi: what the modules share: the settings and the exit codes. */
#ifndef UWSGI_CGI_H
#define UWSGI_CGI_H

#include <stddef.h>

#include "uwsgiproto/opt.h"

/* Exit statuses, documented in uwsgi-cgi(1). Whatever the code, the web
 * server got a complete CGI response unless output had already begun. */
enum cgi_exit {
	EXIT_CGI_OK = 0,        /* relayed, or the client went away */
	EXIT_CGI_CONFIG = 1,    /* bad option, bad script line, no socket */
	EXIT_CGI_CONNECT = 2,   /* backend unreachable: 502 */
	EXIT_CGI_TIMEOUT = 3,   /* backend silent for --timeout: 504 */
	EXIT_CGI_RESPONSE = 4,  /* empty, malformed or truncated answer: 502 */
	EXIT_CGI_REQUEST = 5,   /* bad CONTENT_LENGTH, short or stalled body,
	                           vars too big: 400, 408 or 431 */
};

/* Defaults, in milliseconds. */
#define CGI_DEFAULT_TIMEOUT_MS 60000
#define CGI_DEFAULT_CONNECT_TIMEOUT_MS 5000

/* The settings (conf.c); the strings and lists belong to them until
 * conf_free. */
struct conf {
	char *socket;             /* backend address text; NULL until set */
	int modifier1, modifier2;
	int timeout_ms;           /* longest silence; -1: none */
	int connect_timeout_ms;   /* -1: none */
	struct up_opt_list vars;  /* "KEY=VALUE", in order; later ones win */
	struct up_opt_list pass;  /* extra environment names ("NAME", "PREFIX*") */
	const char *script;       /* the script argument, or NULL */
};

#endif
