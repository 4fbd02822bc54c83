#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "die.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/net.h"

static int started;
static int nph;

void reply_set_nph(int on)
{
	nph = on;
}

int reply_started(void)
{
	return started;
}

void reply_write(const void *p, size_t n)
{
	up_err_t err;
	if (n == 0)
		return;
	started = 1;
	int rc = up_write_all(STDOUT_FILENO, p, n, -1, "stdout", &err);
	if (rc == UP_ECLOSED)
		exit(EXIT_CGI_OK);   /* the client left: nothing to report */
	if (rc < 0)
		die(EXIT_CGI_RESPONSE, "%s", err.msg);
}

/* An nph- script talks to the client directly: it needs a status line.
 * Say the version the client spoke, which it surely understands. */
static const char *nph_version(void)
{
	const char *p = getenv("SERVER_PROTOCOL");
	return p && strcmp(p, "HTTP/1.1") == 0 ? p : "HTTP/1.0";
}

/* The page is short and says nothing about the backend: addresses and
 * causes are for the error log, not for whoever sent the request. */
static void error_page(int status)
{
	char page[512];
	const char *text = up_http_status_text(status);
	char body[128];
	int bl = snprintf(body, sizeof body, "%d %s\n", status, text);
	int n;
	if (nph)
		n = snprintf(page, sizeof page, "%s %d %s\r\nConnection: close\r\n",
			     nph_version(), status, text);
	else
		n = snprintf(page, sizeof page, "Status: %d %s\r\n", status, text);
	n += snprintf(page + n, sizeof page - (size_t)n,
		      "Content-Type: text/plain; charset=us-ascii\r\n"
		      "Content-Length: %d\r\n\r\n%s", bl, body);
	reply_write(page, (size_t)n);
}

void reply_fail(int status, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	warn("%s", msg);
	if (!started)
		error_page(status);
	exit(code);
}
