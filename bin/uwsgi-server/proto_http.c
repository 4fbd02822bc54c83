/* HTTP/1.x sockets: the head is parsed by the library and turned into the
 * CGI vars a uwsgi front end would have sent, so everything after this
 * file sees one kind of request. */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "uwsgiproto/net.h"

#define MAX_FIELDS 128

struct emit_ctx {
	struct request *r;
};

static int add(struct request *r, const char *k, size_t kl, const void *v, size_t vl)
{
	if (r->nvars == r->maxvars)
		return UP_ETOOBIG;
	r->vars[r->nvars++] = (struct var){ k, v, (uint16_t)kl, (uint16_t)vl };
	r->vars_bytes += 4 + kl + vl;
	return 0;
}

static int emit(void *ctx, const char *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct emit_ctx *e = ctx;
	if (vlen > UINT16_MAX || klen > UINT16_MAX)
		return UP_ETOOBIG;
	return add(e->r, key, klen, val, vlen);
}

static void refuse(struct request *r, int code, const char *what)
{
	int status = up_http_error_status(code);
	snprintf(r->err, sizeof r->err, "%s: %s", what, up_strerror(code));
	r->keep_alive = 0;
	r->http_minor = 0;
	resp_error(r, status, up_http_status_text(status));
}

/* SERVER_NAME from Host without its port; REMOTE_* and SERVER_PORT from
 * the socket. */
static int socket_vars(struct request *r, const up_http_request_t *req)
{
	struct conn *c = r->c;
	const char *name = "localhost";
	size_t nl = 9;
	if (req->host.ptr && req->host.len) {
		const char *h = (const char *)req->host.ptr;
		nl = req->host.len;
		const char *colon = memrchr(h, ':', nl), *br = memrchr(h, ']', nl);
		if (colon && (!br || colon > br))
			nl = (size_t)(colon - h);
		name = h;
	}
	int rc = add(r, "SERVER_NAME", 11, name, nl);
	rc |= add(r, "SERVER_PORT", 11, c->local_port, strlen(c->local_port));
	rc |= add(r, "REMOTE_ADDR", 11, c->peer, strlen(c->peer));
	rc |= add(r, "REMOTE_PORT", 11, c->peer_port, strlen(c->peer_port));
	rc |= add(r, "REQUEST_SCHEME", 14, "http", 4);
	return rc;
}

static int read_head(struct request *r, size_t head_max, up_http_request_t *req,
		     up_http_header_t *fields)
{
	struct conn *c = r->c;
	up_http_limits_t lim = { .max_head = head_max };
	/* One deadline for the whole head (see proto_uwsgi.c's want()). */
	uint64_t deadline = up_now_ms() + (uint64_t)c->timeout_ms;
	for (;;) {
		size_t have = c->len - c->used;
		if (have) {
			ssize_t n = up_http_parse_request(c->buf + c->used, have, &lim, req,
							  fields, MAX_FIELDS);
			if (n > 0)
				return (int)n;
			if (n < 0) {
				refuse(r, (int)n, "bad HTTP request");
				return PROTO_ERROR;
			}
		}
		if (c->used && c->len == c->cap) {
			memmove(c->buf, c->buf + c->used, have);
			c->len = have;
			c->used = 0;
		}
		if (c->len == c->cap) {
			refuse(r, UP_EHTTP_LINELEN, "HTTP head too large");
			return PROTO_ERROR;
		}
		up_err_t err;
		ssize_t got = up_read_some(c->fd, c->buf + c->len, c->cap - c->len,
					   up_ms_left(deadline), c->peer, &err);
		if (got == 0 && have == 0)
			return PROTO_EOF;
		if (got == 0) {
			snprintf(r->err, sizeof r->err, "client closed the connection "
				 "inside the HTTP head");
			return PROTO_ERROR;
		}
		if (got < 0) {
			snprintf(r->err, sizeof r->err, "%.150s", err.msg);
			return PROTO_ERROR;
		}
		c->len += (size_t)got;
	}
}

int proto_http_read(struct request *r, size_t head_max)
{
	struct conn *c = r->c;
	up_http_header_t fields[MAX_FIELDS];
	up_http_request_t req;
	int n = read_head(r, head_max, &req, fields);
	if (n <= 0)
		return n;
	r->http_minor = req.version_minor;
	r->keep_alive = req.keep_alive;
	r->content_length = req.content_length;
	r->chunked = req.chunked;
	if (r->chunked)
		up_chunked_init(&r->chunk, 0);
	r->expect_continue = req.expect_continue && (req.chunked || req.content_length > 0);
	size_t need = up_http_cgi_scratch_size(&req);
	if (need > r->scratch_cap) {
		refuse(r, UP_EHTTP_LINELEN, "HTTP head too large");
		return PROTO_ERROR;
	}
	struct emit_ctx e = { r };
	int rc = up_http_cgi_vars(&req, r->scratch, r->scratch_cap, emit, &e);
	if (rc >= 0)
		rc = socket_vars(r, &req);
	if (rc < 0) {
		refuse(r, rc == UP_ETOOBIG ? UP_EHTTP_TOOMANY : rc, "bad HTTP request");
		return PROTO_ERROR;
	}
	r->method = (const char *)req.method.ptr;
	r->method_len = (uint16_t)req.method.len;
	r->uri = (const char *)req.target.ptr;
	r->uri_len = (uint16_t)(req.target.len > UINT16_MAX ? UINT16_MAX : req.target.len);
	r->proto = r->http_minor ? "HTTP/1.1" : "HTTP/1.0";
	r->proto_len = 8;
	r->head_only = req.method.len == 4 && memcmp(req.method.ptr, "HEAD", 4) == 0;
	c->used += (size_t)n;
	c->keep = c->used;
	return PROTO_REQUEST;
}
