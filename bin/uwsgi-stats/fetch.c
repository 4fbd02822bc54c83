#include "fetch.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "uwsgiproto/http.h"

#define READ_CHUNK 65536
#define MAX_HEADERS 64

/* One exchange: the socket, its deadline and where to report. */
struct xfer {
	int fd;
	const struct target *t;
	uint64_t deadline;
	int timeout_ms;
	struct fetch_result *r;
	size_t got;          /* bytes received so far */
};

double fetch_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static enum fetch_status fail(struct fetch_result *r, enum fetch_status s,
                              const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum fetch_status fail(struct fetch_result *r, enum fetch_status s,
                              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	return r->status = s;
}

static int left(const struct xfer *x)
{
	return up_ms_left(x->deadline);
}

static enum fetch_status fail_io(struct xfer *x, int rc, const up_err_t *err)
{
	/* A plain stats socket answers at once, unasked: silence means another
	 * kind of socket, and the two likely ones are worth naming. */
	if (rc == UP_ETIMEDOUT && !x->t->http && !x->got)
		return fail(x->r, FETCH_TIMEOUT, "%s: no answer within %.3g s (a "
			    "--stats-http endpoint needs an http:// address; a uwsgi "
			    "socket is checked with --ping)", x->t->label,
			    x->timeout_ms / 1000.0);
	if (rc == UP_ETIMEDOUT)
		return fail(x->r, FETCH_TIMEOUT, "%s: no complete answer within %.3g s",
			    x->t->label, x->timeout_ms / 1000.0);
	return fail(x->r, FETCH_ANSWER, "%s", err->msg);
}

/* Append what the socket has to b. Returns the count, 0 at the end of the
 * answer, or -1 with the failure recorded in x->r. */
static ssize_t read_more(struct xfer *x, up_buf_t *b)
{
	up_err_t err;
	if (up_buf_reserve(b, READ_CHUNK) < 0) {
		fail(x->r, FETCH_ANSWER, "%s: answer larger than %u MiB",
		     x->t->label, FETCH_MAX >> 20);
		return -1;
	}
	ssize_t n = up_read_some(x->fd, up_buf_tail(b), up_buf_room(b), left(x),
				 x->t->label, &err);
	if (n < 0) {
		fail_io(x, (int)n, &err);
		return -1;
	}
	up_buf_commit(b, (size_t)n);
	x->got += (size_t)n;
	return n;
}

/* A plain stats socket writes its document and closes. */
static enum fetch_status read_raw(struct xfer *x, up_buf_t *out)
{
	ssize_t n;
	while ((n = read_more(x, out)) > 0)
		;
	if (n < 0)
		return x->r->status;
	if (out->len == 0)
		return fail(x->r, FETCH_ANSWER, "%s: empty reply from server", x->t->label);
	return FETCH_OK;
}

static enum fetch_status body_chunked(struct xfer *x, up_buf_t *raw, up_buf_t *out)
{
	up_chunked_t st;
	up_chunked_init(&st, FETCH_MAX);
	for (;;) {
		while (raw->len && !up_chunked_done(&st)) {
			const uint8_t *data;
			size_t dlen;
			ssize_t n = up_chunked_parse(&st, up_buf_head(raw), raw->len, &data, &dlen);
			if (n < 0)
				return fail(x->r, FETCH_ANSWER, "%s: bad chunked body: %s",
					    x->t->label, up_strerror((int)n));
			if (dlen && up_buf_append(out, data, dlen) < 0)
				return fail(x->r, FETCH_ANSWER, "%s: answer too large", x->t->label);
			if (n == 0)
				break;
			up_buf_consume(raw, (size_t)n);
		}
		if (up_chunked_done(&st))
			return FETCH_OK;
		ssize_t n = read_more(x, raw);
		if (n < 0)
			return x->r->status;
		if (n == 0)
			return fail(x->r, FETCH_ANSWER, "%s: chunked body truncated",
				    x->t->label);
	}
}

/* Content-Length framing, or (length < 0) the end of the connection. */
static enum fetch_status body_plain(struct xfer *x, up_buf_t *raw, up_buf_t *out,
                                    int64_t length)
{
	for (;;) {
		size_t take = raw->len;
		if (length >= 0 && take > (uint64_t)length - out->len)
			take = (size_t)((uint64_t)length - out->len);
		if (up_buf_append(out, up_buf_head(raw), take) < 0)
			return fail(x->r, FETCH_ANSWER, "%s: answer too large", x->t->label);
		up_buf_consume(raw, raw->len);
		if (length >= 0 && out->len == (uint64_t)length)
			return FETCH_OK;
		ssize_t n = read_more(x, raw);
		if (n < 0)
			return x->r->status;
		if (n == 0 && length < 0)
			return FETCH_OK;
		if (n == 0)
			return fail(x->r, FETCH_ANSWER, "%s: body truncated: %zu of %lld bytes",
				    x->t->label, out->len, (long long)length);
	}
}

/* Read until the response head is complete; parse it into *resp. */
static enum fetch_status read_head(struct xfer *x, up_buf_t *raw,
                                   up_http_response_t *resp, up_http_header_t *hdrs)
{
	for (;;) {
		ssize_t n = read_more(x, raw);
		if (n < 0)
			return x->r->status;
		ssize_t h = up_http_parse_response(up_buf_head(raw), raw->len, NULL,
						   resp, hdrs, MAX_HEADERS);
		if (h < 0)
			return fail(x->r, FETCH_ANSWER, "%s: not an HTTP response: %s",
				    x->t->label, up_strerror((int)h));
		if (h > 0) {
			up_buf_consume(raw, (size_t)h);
			return FETCH_OK;
		}
		if (n == 0)
			return fail(x->r, FETCH_ANSWER, raw->len ? "%s: connection closed "
				    "inside the HTTP head" : "%s: empty reply from server",
				    x->t->label);
	}
}

static enum fetch_status read_http(struct xfer *x, up_buf_t *out)
{
	char req[TARGET_PATH_MAX + UP_ADDR_TEXT_MAX + 160];
	up_http_header_t hdrs[MAX_HEADERS];
	up_http_response_t resp;
	up_err_t err;
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n"
			 "User-Agent: uwsgi-stats/%s\r\nAccept: application/json\r\n"
			 "Connection: close\r\n\r\n", x->t->path, x->t->host, UP_VERSION);
	int rc = up_write_all(x->fd, req, (size_t)n, left(x), x->t->label, &err);
	if (rc < 0)
		return fail_io(x, rc, &err);
	up_buf_t raw;
	up_buf_init(&raw, FETCH_MAX + READ_CHUNK);
	enum fetch_status s = read_head(x, &raw, &resp, hdrs);
	if (s == FETCH_OK && resp.status != 200)
		s = fail(x->r, FETCH_ANSWER, "%s: HTTP %d %.*s", x->t->label, resp.status,
			 (int)resp.reason.len, (const char *)resp.reason.ptr);
	if (s == FETCH_OK)
		s = resp.chunked ? body_chunked(x, &raw, out)
				 : body_plain(x, &raw, out, resp.content_length);
	if (s == FETCH_OK && out->len == 0)
		s = fail(x->r, FETCH_ANSWER, "%s: empty body", x->t->label);
	up_buf_free(&raw);
	return s;
}

enum fetch_status fetch_document(const struct target *t, int timeout_ms,
                                 up_buf_t *out, struct fetch_result *r)
{
	up_err_t err;
	struct xfer x = { .t = t, .timeout_ms = timeout_ms, .r = r,
			  .deadline = up_now_ms() + (uint64_t)timeout_ms };
	double start = fetch_clock();
	r->status = FETCH_OK;
	r->msg[0] = '\0';
	up_buf_reset(out);
	x.fd = up_connect(&t->addr, timeout_ms, &err);
	if (x.fd == UP_ETIMEDOUT)
		return fail(r, FETCH_TIMEOUT, "%s", err.msg);
	if (x.fd < 0)
		return fail(r, FETCH_CONNECT, "%s", err.msg);
	enum fetch_status s = t->http ? read_http(&x, out) : read_raw(&x, out);
	close(x.fd);
	r->seconds = fetch_clock() - start;
	/* A NUL after the bytes lets error messages quote the start safely. */
	if (s == FETCH_OK && up_buf_reserve(out, 1) == 0)
		*up_buf_tail(out) = '\0';
	return s;
}
