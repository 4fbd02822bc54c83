#include "body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgi.h"
#include "reply.h"
#include "uwsgiproto/net.h"
#include "uwsgiproto/tmpfile.h"
#include "uwsgiproto/vars.h"

#define SPOOL_CHUNK (64 * 1024)

/* Digits only, as RFC 3875 writes it; no sign, no spaces, no overflow. */
static uint64_t parse_length(const char *s)
{
	int64_t v;
	if (up_parse_length(s, strlen(s), &v) < 0)
		reply_fail(400, EXIT_CGI_REQUEST, "CONTENT_LENGTH '%.40s' is not a "
			   "length", s);
	return (uint64_t)v;
}

static int spool_file(void)
{
	up_err_t err;
	int fd = up_tmpfile(NULL, &err);
	if (fd < 0)
		reply_fail(500, EXIT_CGI_REQUEST, "spool %s", err.msg);
	return fd;
}

/* Copy stdin to an unlinked file; the body's length is its size. */
static int spool(uint64_t *len, int timeout_ms)
{
	static uint8_t buf[SPOOL_CHUNK];
	up_err_t err;
	int fd = spool_file();
	uint64_t total = 0;
	ssize_t n;
	while ((n = up_read_some(STDIN_FILENO, buf, sizeof buf, timeout_ms,
				 "stdin", &err)) > 0) {
		if (up_write_all(fd, buf, (size_t)n, -1, "spool file", &err) < 0)
			reply_fail(500, EXIT_CGI_REQUEST, "%s", err.msg);
		total += (uint64_t)n;
	}
	if (n == UP_ETIMEDOUT)
		reply_fail(408, EXIT_CGI_REQUEST, "request body (no CONTENT_LENGTH): "
			   "nothing from the web server for %g s after %llu bytes",
			   timeout_ms / 1000.0, (unsigned long long)total);
	if (n < 0)
		reply_fail(400, EXIT_CGI_REQUEST, "%s", err.msg);
	if (lseek(fd, 0, SEEK_SET) < 0)
		reply_fail(500, EXIT_CGI_REQUEST, "spool file: %s", strerror(errno));
	*len = total;
	return fd;
}

void body_find(int *fd, uint64_t *len, int timeout_ms)
{
	const char *cl = getenv("CONTENT_LENGTH");
	const char *te = getenv("HTTP_TRANSFER_ENCODING");
	*fd = STDIN_FILENO;
	*len = 0;
	if (cl && *cl)
		*len = parse_length(cl);
	else if (te && *te)
		*fd = spool(len, timeout_ms);
}
