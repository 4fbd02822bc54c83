/* The HTTP front: a request head becomes the uwsgi packet nginx's
 * uwsgi_params would have made (plus X-Forwarded-For); the answer's head
 * is rewritten for our keep-alive and its body framed to find its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conn.h"
#include "die.h"
#include "uwsgiproto/vars.h"

#define MAX_HEADERS 100

/* Scratch for up_http_cgi_vars and the X-Forwarded-For value: one
 * process, one request converted at a time, so one buffer serves all. */
static uint8_t *scratch;
static size_t scratch_cap;

static uint8_t *scratch_get(size_t n)
{
	if (n <= scratch_cap)
		return scratch;
	uint8_t *p = realloc(scratch, n);
	if (!p)
		return NULL;
	scratch = p;
	scratch_cap = n;
	return p;
}

struct emit_ctx {
	up_vars_builder_t b;
	struct conn *c;
	uint8_t *xff;          /* room for the joined X-Forwarded-For */
	size_t xff_cap;
	int xff_seen;
};

/* X-Forwarded-For gets the client appended, as nginx's
 * $proxy_add_x_forwarded_for does. */
static int emit(void *ctx, const char *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct emit_ctx *e = ctx;
	static const char xff[] = "HTTP_X_FORWARDED_FOR";
	if (klen == sizeof xff - 1 && !memcmp(key, xff, klen)) {
		size_t plen = strlen(e->c->peer);
		if (vlen + 2 + plen > e->xff_cap)
			return UP_ETOOBIG;
		memcpy(e->xff, val, vlen);
		memcpy(e->xff + vlen, ", ", 2);
		memcpy(e->xff + vlen + 2, e->c->peer, plen);
		e->xff_seen = 1;
		return up_vars_add(&e->b, key, klen, e->xff, vlen + 2 + plen);
	}
	return up_vars_add(&e->b, key, klen, val, vlen);
}

/* SERVER_NAME: the Host without its port, else the listener's address. */
static void add_server_vars(struct emit_ctx *e, const up_http_request_t *r)
{
	struct conn *c = e->c;
	char port[16];
	const uint8_t *h = r->host.ptr;
	size_t hlen = r->host.len;
	if (h) {
		const uint8_t *colon = memrchr(h, ':', hlen);
		if (colon && h[hlen - 1] != ']')
			hlen = (size_t)(colon - h);
		up_vars_add(&e->b, "SERVER_NAME", 11, h, hlen);
	} else {
		up_vars_add_str(&e->b, "SERVER_NAME", c->local);
	}
	snprintf(port, sizeof port, "%d", c->local_port);
	up_vars_add_str(&e->b, "SERVER_PORT", port);
	snprintf(port, sizeof port, "%d", c->peer_port);
	up_vars_add_str(&e->b, "REMOTE_ADDR", c->peer);
	up_vars_add_str(&e->b, "REMOTE_PORT", port);
	up_vars_add_str(&e->b, "REQUEST_SCHEME", "http");
	up_vars_add_str(&e->b, "SCRIPT_NAME", "");
	if (!e->xff_seen)
		up_vars_add_str(&e->b, "HTTP_X_FORWARDED_FOR", c->peer);
}

/* Build the packet for request r into c->hdr. 0 or an UP_E* code. */
static int build_packet(struct conn *c, const up_http_request_t *r)
{
	size_t need = up_http_cgi_scratch_size(r), xcap = (size_t)c->px->conf.buffer_size;
	uint8_t *s = scratch_get(need + xcap);
	if (!s)
		return UP_ENOSPACE;
	struct emit_ctx e = { .c = c, .xff = s + need, .xff_cap = xcap };
	size_t cap = (size_t)c->px->conf.buffer_size + 4;
	up_vars_builder_init(&e.b, c->hdr.buf, cap < c->hdr.cap ? cap : c->hdr.cap);
	int rc = up_http_cgi_vars(r, s, need, emit, &e);
	if (rc < 0)
		return rc;
	add_server_vars(&e, r);
	rc = up_vars_finish(&e.b, 0, 0);
	if (rc < 0)
		return rc;
	c->hdr.start = 0;
	c->hdr.end = (size_t)rc;
	c->hdr_resp = 0;
	return 0;
}

/* The --balance hash key: REMOTE_ADDR and HTTP_HOST directly, any other
 * var from the built packet. */
static void hash_key(struct conn *c, const up_http_request_t *r)
{
	const char *k = c->px->conf.hash_key ? c->px->conf.hash_key : "REMOTE_ADDR";
	up_var_t v;
	if (!strcmp(k, "REMOTE_ADDR"))
		conn_set_hkey(c, (const uint8_t *)c->peer, strlen(c->peer));
	else if (!strcmp(k, "HTTP_HOST") && r->host.ptr)
		conn_set_hkey(c, r->host.ptr, r->host.len);
	else if (up_vars_find(c->hdr.buf + 4, c->hdr.end - 4, k, strlen(k), &v) == 1)
		conn_set_hkey(c, v.val, v.vlen);
	else
		conn_set_hkey(c, (const uint8_t *)"", 0);
}

static int is_idempotent(const up_http_slice_t *m)
{
	static const char *const safe[] = { "GET", "HEAD", "OPTIONS", NULL };
	for (size_t i = 0; safe[i]; i++)
		if (m->len == strlen(safe[i]) && !memcmp(m->ptr, safe[i], m->len))
			return 1;
	return 0;
}

/* curl and others wait for "100 Continue" before a body; uwsgi backends
 * never send it, so the proxy does, when the body is not there yet. */
static void continue_100(struct conn *c)
{
	static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";
	/* Between requests our send buffer is empty: 25 bytes always fit. */
	(void)!send(c->cio.fd, msg, sizeof msg - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void front_http_head(struct conn *c)
{
	up_http_header_t hdrs[MAX_HEADERS];
	up_http_request_t r;
	up_http_limits_t lim = { .max_head = (size_t)c->px->conf.buffer_size };
	ssize_t n = up_http_parse_request(c->in.buf + c->in.start, half_len(&c->in), &lim,
					  &r, hdrs, MAX_HEADERS);
	if (n == 0) {
		if (half_len(&c->in) >= c->in.cap || c->c_eof)
			conn_fail(c, c->c_eof ? 400 : 431, c->c_eof ? "request head cut short"
				  : "request head too large");
		return;
	}
	c->minor = r.version_minor == 1;
	if (n < 0) {
		conn_fail(c, n == UP_ETOOBIG ? 431 : up_http_error_status((int)n),
			  up_strerror((int)n));
		return;
	}
	if (r.chunked) {
		conn_fail(c, 411, "chunked request bodies are not forwarded");
		return;
	}
	int rc = build_packet(c, &r);
	if (rc < 0) {
		conn_fail(c, 431, "request head too large for --buffer-size");
		return;
	}
	hash_key(c, &r);
	c->keepalive = r.keep_alive && !c->px->draining;
	c->head_req = r.method.len == 4 && !memcmp(r.method.ptr, "HEAD", 4);
	c->body_left = r.content_length > 0 ? r.content_length : 0;
	c->retry_ok = c->body_left == 0 && is_idempotent(&r.method);
	c->status = 0;
	c->tunnel = 0;
	c->chunk_out = 0;
	c->last_chunk = 0;
	c->pool = conn_route(c->px, r.host.ptr, r.host.len);
	c->in.start += (size_t)n;
	if (r.expect_continue && c->body_left > (long long)half_len(&c->in))
		continue_100(c);
	c->st = CS_RELAY;
	conn_dispatch(c);
}

/* ---------------------------------------------------------------------- */
/* Answers */

static int hop_by_hop(const up_http_slice_t *name)
{
	static const char *const names[] = { "Connection", "Keep-Alive",
		"Proxy-Connection", NULL };
	for (size_t i = 0; names[i]; i++)
		if (name->len == strlen(names[i]) &&
		    !strncasecmp((const char *)name->ptr, names[i], name->len))
			return 1;
	return 0;
}

/* Write the head we send: the backend's status and fields, minus its
 * connection management, plus ours. -1 if it does not fit. */
static int rewrite_head(struct conn *c, const up_http_response_t *r)
{
	uint8_t *dst = c->hdr.buf;
	size_t cap = c->hdr.cap, len = 0;
#define PUT(p, n) do { if ((n) > cap - len) return -1; \
	memcpy(dst + len, (p), (n)); len += (n); } while (0)
	char line[64];
	int k = snprintf(line, sizeof line, "HTTP/1.1 %d ", r->status);
	PUT(line, (size_t)k);
	PUT(r->reason.ptr, r->reason.len);
	PUT("\r\n", 2);
	for (size_t i = 0; i < r->num_headers; i++) {
		const up_http_header_t *h = &r->headers[i];
		if (hop_by_hop(&h->name) && !c->tunnel)
			continue;
		PUT(h->name.ptr, h->name.len);
		PUT(": ", 2);
		PUT(h->value.ptr, h->value.len);
		PUT("\r\n", 2);
	}
	if (c->chunk_out)
		PUT("Transfer-Encoding: chunked\r\n", 28);
	if (!c->tunnel && !c->keepalive)
		PUT("Connection: close\r\n", 19);
	else if (!c->tunnel && !c->minor)
		PUT("Connection: keep-alive\r\n", 24);
	PUT("\r\n", 2);
#undef PUT
	c->hdr.start = 0;
	c->hdr.end = len;
	c->hdr_resp = 1;
	return 0;
}

/* How the body after the head ends. */
static void choose_framing(struct conn *c, const up_http_response_t *r)
{
	if (r->status == 101) {
		c->tunnel = 1;  /* WebSocket and friends: raw both ways */
		c->resp = RESP_EOF;
		c->keepalive = 0;
	} else if (!up_http_response_has_body((const uint8_t *)(c->head_req ? "HEAD" : "GET"),
					      c->head_req ? 4 : 3, r->status)) {
		c->resp = RESP_DONE;
	} else if (r->chunked) {
		c->resp = RESP_CHUNKED;
		up_chunked_init(&c->chunk, 0);
	} else if (r->content_length >= 0) {
		c->resp = r->content_length ? RESP_LENGTH : RESP_DONE;
		c->resp_left = r->content_length;
	} else if (c->minor && c->keepalive) {
		c->resp = RESP_EOF;  /* ended by the close: we chunk it */
		c->chunk_out = 1;
	} else {
		c->resp = RESP_EOF;  /* only the close ends it: the client's too */
		c->keepalive = 0;
	}
}

/* The body bytes that came with the head, when we chunk: shift them two
 * bytes into the consumed head and frame them there (a head is always
 * longer than a chunk's framing, so it fits). */
static void chunk_first(struct conn *c, size_t head_len)
{
	size_t body = c->out.end - c->out.start - head_len;
	uint8_t *data = c->out.buf + c->out.start + head_len, *p = data - 2;
	c->out.start += head_len;
	if (!body)
		return;
	memmove(p, data, body);
	chunk_head(p - CHUNK_HEAD, body);
	memcpy(p + body, "\r\n", 2);
	c->out.start = (size_t)(p - CHUNK_HEAD - c->out.buf);
	c->out.end = (size_t)(p - c->out.buf) + body + 2;
}

int front_http_response(struct conn *c)
{
	up_http_header_t hdrs[MAX_HEADERS];
	up_http_response_t r;
	ssize_t n;
	/* Interim answers are skipped (ours were sent) in a loop: a node
	 * sending thousands of them must not exhaust the stack. */
	for (;;) {
		size_t len = half_len(&c->out);
		n = up_http_parse_response(c->out.buf + c->out.start, len, NULL, &r, hdrs,
					   MAX_HEADERS);
		if (n == 0 && len < c->out.cap)
			return 0;
		if (n <= 0) {
			conn_fail(c, 502, n == 0 ? "the node's answer head is too large"
				  : "the node's answer is not HTTP");
			return -1;
		}
		if (r.status < 100 || r.status >= 200 || r.status == 101)
			break;
		c->out.start += (size_t)n;
	}
	if (half_len(&c->hdr) && !c->hdr_resp) {
		c->body_left = 0;     /* answered before reading all we had */
		c->keepalive = 0;
	}
	c->status = r.status;
	choose_framing(c, &r);
	if (rewrite_head(c, &r) < 0) {
		conn_fail(c, 502, "the node's answer head is too large");
		return -1;
	}
	if (c->chunk_out) {
		chunk_first(c, (size_t)n);
		return 1;
	}
	c->out.start += (size_t)n;
	if (c->resp == RESP_DONE)
		c->out.end = c->out.start;  /* no body: anything more is not ours */
	else if (!c->tunnel)
		front_http_frame(c, c->out.start, half_len(&c->out));
	return 1;
}

void front_http_frame(struct conn *c, size_t from, size_t n)
{
	if (c->resp == RESP_LENGTH) {
		if ((long long)n >= c->resp_left) {
			c->out.end = from + (size_t)c->resp_left;
			c->resp_left = 0;
			c->resp = RESP_DONE;
		} else {
			c->resp_left -= (long long)n;
		}
		return;
	}
	if (c->resp != RESP_CHUNKED)
		return;
	const uint8_t *p = c->out.buf + from, *data;
	size_t left = n, dlen;
	while (left && !up_chunked_done(&c->chunk)) {
		ssize_t k = up_chunked_parse(&c->chunk, p, left, &data, &dlen);
		if (k <= 0) {
			if (k < 0) {  /* pass it on as is, and close after */
				c->keepalive = 0;
				c->resp = RESP_EOF;
			}
			break;
		}
		p += k;
		left -= (size_t)k;
	}
	if (up_chunked_done(&c->chunk)) {
		c->out.end = (size_t)(p - c->out.buf);
		c->resp = RESP_DONE;
	}
}
