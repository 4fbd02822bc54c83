/* Settings: one option table drives the command line, --help and the
 * "key = value" lines of a script that names uwsgi-cgi in its #! line.
 * Precedence: command line, then the script, then UWSGI_CGI_SOCKET. */
#ifndef UWSGI_CGI_CONF_H
#define UWSGI_CGI_CONF_H

#include "cgi.h"

/* Largest script read: it holds settings, not an application. */
#define CONF_SCRIPT_MAX (64 * 1024)

void conf_init(struct conf *c);
void conf_free(struct conf *c);

/* Parse the command line, load the script named by the first argument
 * that is not an option (later arguments, such as the words of an ISINDEX
 * query that Apache appends, are ignored) and fill in the defaults.
 * --help and --version exit 0; errors exit through reply_fail. */
void conf_parse(struct conf *c, int argc, char **argv);

#endif
