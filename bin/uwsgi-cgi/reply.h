/* The CGI response on standard output, and the one way to fail: a line in
 * the web server's error log plus, while nothing was written yet, a
 * complete error response the web user sees. */
#ifndef UWSGI_CGI_REPLY_H
#define UWSGI_CGI_REPLY_H

#include <stddef.h>

/* Answer as an nph- script: error pages get an HTTP status line. */
void reply_set_nph(int nph);

/* Write n bytes of the response. A web server that is gone (EPIPE,
 * ECONNRESET: the client disconnected) ends the program quietly, exit 0. */
void reply_write(const void *p, size_t n);

/* 1 once any byte of the response was written. */
int reply_started(void);

/* Log "uwsgi-cgi: MESSAGE" on stderr; if no response byte was written yet,
 * write a small text/plain page with this HTTP status; exit with code. */
void reply_fail(int status, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#endif
