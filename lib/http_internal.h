/* Shared between http_request.c and http_response.c: the line scanner and
 * the header-field parser both head parsers use. Not installed. */
#ifndef UP_HTTP_INTERNAL_H
#define UP_HTTP_INTERNAL_H

#include "uwsgiproto/http.h"

#include <stddef.h>
#include <stdint.h>

#define UP_HTTP_HIDDEN __attribute__((visibility("hidden")))

/* The state of one head being parsed. */
struct up_http_head {
	const uint8_t *end;       /* buf + min(len, max_head) */
	int over;                 /* len > max_head: need-more becomes ETOOBIG */
	size_t max_line;
	up_http_header_t *hdrs;
	size_t cap;               /* min(array capacity, max_headers) */
	size_t n;                 /* fields stored */
	int is_request;           /* Host and Expect are looked at */
	int version_minor;
	int64_t clen;             /* -1: no Content-Length yet */
	int te;                   /* Transfer-Encoding: chunked seen */
	int conn_close;
	int conn_keep_alive;
	int expect_continue;
	up_http_slice_t host;
};

/* Set up h for buf[0..len) under lim (NULL: defaults). */
UP_HTTP_HIDDEN void up_http_head_init(struct up_http_head *h,
                                      const uint8_t *buf, size_t len,
                                      const up_http_limits_t *lim,
                                      up_http_header_t *hdrs, size_t cap,
                                      int is_request);

/* Find the end of the line starting at p. Returns 1 with *eol at its CR or
 * LF and *next after the LF, 0 when the line is not complete, or an error:
 * UP_EHTTP_LINELEN, UP_EHTTP_NUL (NUL, bare CR; with strict also the other
 * control bytes but HTAB). */
UP_HTTP_HIDDEN int up_http_scan_line(const struct up_http_head *h,
                                     const uint8_t *p, int strict,
                                     const uint8_t **eol,
                                     const uint8_t **next);

/* Parse the field lines from p up to and including the blank line. Returns
 * 1 with *done after the blank line, 0 for need-more (UP_ETOOBIG when the
 * input is over max_head), or an error. */
UP_HTTP_HIDDEN int up_http_parse_fields(struct up_http_head *h,
                                        const uint8_t *p,
                                        const uint8_t **done);

/* 1 if p[0..n) equals the lower-case literal lit, ignoring ASCII case. */
UP_HTTP_HIDDEN int up_http_ieq(const uint8_t *p, size_t n, const char *lit);

#endif
