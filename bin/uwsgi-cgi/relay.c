#include "relay.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cgi.h"
#include "reply.h"
#include "uwsgiproto/buf.h"
#include "uwsgiproto/error.h"

void relay_init(struct relay *r, const char *peer, const char *method, int nph)
{
	/* Not the buffers: touching 64 KiB of pages nobody reads costs more
	 * than the rest of a small request. */
	memset(r, 0, offsetof(struct relay, resp));
	r->peer = peer;
	r->method = method;
	r->nph = nph;
}

/* Fail with a 502 before output began; afterwards only the log line and
 * the exit status can tell. */
#define bad_answer(r, ...) reply_fail(502, EXIT_CGI_RESPONSE, __VA_ARGS__)

static void not_http(const struct relay *r)
{
	char hex[3 * 8 + 1] = "";
	for (size_t i = 0; i < r->hlen && i < 8; i++)
		snprintf(hex + 3 * i, 4, "%02x ", r->head[i]);
	hex[strlen(hex) - 1] = 0;
	bad_answer(r, "%s: the answer is not an HTTP response (first bytes %s)",
		   r->peer, hex);
}

/* Fields that describe this hop, not the response: the web server frames
 * and manages its own connection. Status would contradict ours. */
static int hop_by_hop(const up_http_header_t *h)
{
	static const char *const names[] = {
		"Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer",
		"Upgrade", "Proxy-Connection", "Status",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (h->name.len == strlen(names[i]) &&
		    strncasecmp((const char *)h->name.ptr, names[i], h->name.len) == 0)
			return 1;
	return 0;
}

/* The CGI head: Status first, then the backend's fields in their order. */
static void write_cgi_head(const struct relay *r)
{
	const up_http_response_t *h = &r->resp;
	up_buf_t out;
	up_buf_init(&out, 2 * RELAY_HEAD_MAX);
	if (h->reason.len)
		up_buf_printf(&out, "Status: %d %.*s\r\n", h->status,
			      (int)h->reason.len, (const char *)h->reason.ptr);
	else
		up_buf_printf(&out, "Status: %d %s\r\n", h->status,
			      up_http_status_text(h->status));
	for (size_t i = 0; i < h->num_headers; i++) {
		const up_http_header_t *f = &h->headers[i];
		if (hop_by_hop(f))
			continue;
		up_buf_append(&out, f->name.ptr, f->name.len);
		up_buf_append(&out, ": ", 2);
		up_buf_append(&out, f->value.ptr, f->value.len);
		up_buf_append(&out, "\r\n", 2);
	}
	if (up_buf_append(&out, "\r\n", 2) < 0)
		bad_answer(r, "%s: out of memory converting the response head", r->peer);
	reply_write(up_buf_head(&out), out.len);
	up_buf_free(&out);
}

static int body_bytes(struct relay *r, const uint8_t *p, size_t n);

/* A whole head is in head[0..resp.head_len): send it on, choose the
 * framing, and relay the body bytes that came with it. */
static int head_done(struct relay *r, const uint8_t *more, size_t nmore)
{
	up_http_response_t *h = &r->resp;
	size_t extra = r->hlen - h->head_len;
	int interim = h->status >= 100 && h->status < 200 && h->status != 101;

	if (r->nph)
		reply_write(r->head, h->head_len);
	else if (!interim)
		write_cgi_head(r);
	if (interim) {
		/* 100 Continue and friends: the real head follows. */
		memmove(r->head, r->head + h->head_len, extra);
		r->hlen = extra;
		return relay_feed(r, more, nmore);
	}
	r->state = RELAY_BODY;
	if (!up_http_response_has_body((const uint8_t *)r->method,
				       strlen(r->method), h->status)) {
		r->state = RELAY_DONE;
		return 1;
	}
	if (h->chunked) {
		r->framing = FRAME_CHUNKED;
		up_chunked_init(&r->chunked, 0);
	} else if (h->content_length >= 0) {
		r->framing = FRAME_LENGTH;
		r->left = (uint64_t)h->content_length;
		if (r->left == 0) {
			r->state = RELAY_DONE;
			return 1;
		}
	} else {
		r->framing = FRAME_EOF;
	}
	/* The body bytes that arrived with the head go first. */
	if (extra && body_bytes(r, r->head + h->head_len, extra))
		return 1;
	return body_bytes(r, more, nmore);
}

static int head_bytes(struct relay *r, const uint8_t *p, size_t n)
{
	size_t room = RELAY_HEAD_MAX - r->hlen;
	size_t take = n < room ? n : room;
	memcpy(r->head + r->hlen, p, take);
	r->hlen += take;
	if (r->hlen == 0)
		return 0;
	size_t cmp = r->hlen < 5 ? r->hlen : 5;
	if (memcmp(r->head, "HTTP/", cmp) != 0)
		not_http(r);
	ssize_t hl = up_http_parse_response(r->head, r->hlen, NULL, &r->resp,
					    r->hdrs, RELAY_MAX_HEADERS);
	if (hl < 0)
		bad_answer(r, "%s: malformed response head: %s", r->peer,
			   up_strerror((int)hl));
	if (hl == 0) {
		if (r->hlen == RELAY_HEAD_MAX)
			bad_answer(r, "%s: response head over %d bytes", r->peer,
				   RELAY_HEAD_MAX);
		return 0;
	}
	return head_done(r, p + take, n - take);
}

static int chunked_bytes(struct relay *r, const uint8_t *p, size_t n)
{
	while (n > 0 && !up_chunked_done(&r->chunked)) {
		const uint8_t *data;
		size_t dl;
		ssize_t used = up_chunked_parse(&r->chunked, p, n, &data, &dl);
		if (used < 0)
			bad_answer(r, "%s: malformed chunked body after %llu bytes: %s",
				   r->peer, (unsigned long long)r->sent,
				   up_strerror((int)used));
		if (used == 0)
			break;
		/* nph: the client reads the chunks themselves. */
		if (r->nph)
			reply_write(p, (size_t)used);
		else
			reply_write(data, dl);
		r->sent += dl;
		p += used;
		n -= (size_t)used;
	}
	return up_chunked_done(&r->chunked);
}

static int body_bytes(struct relay *r, const uint8_t *p, size_t n)
{
	switch (r->framing) {
	case FRAME_CHUNKED:
		if (chunked_bytes(r, p, n))
			r->state = RELAY_DONE;
		break;
	case FRAME_LENGTH:
		if (n > r->left)
			n = (size_t)r->left;   /* extra bytes are not ours to send */
		reply_write(p, n);
		r->sent += n;
		r->left -= n;
		if (r->left == 0)
			r->state = RELAY_DONE;
		break;
	case FRAME_EOF:
		reply_write(p, n);
		r->sent += n;
		break;
	}
	return r->state == RELAY_DONE;
}

int relay_feed(struct relay *r, const uint8_t *p, size_t n)
{
	switch (r->state) {
	case RELAY_HEAD:
		return head_bytes(r, p, n);
	case RELAY_BODY:
		return body_bytes(r, p, n);
	case RELAY_DONE:
		break;
	}
	return 1;
}

void relay_eof(struct relay *r)
{
	if (r->state == RELAY_DONE)
		return;
	if (r->state == RELAY_HEAD && r->hlen == 0)
		bad_answer(r, "%s: empty reply: the backend closed the connection "
			   "without answering", r->peer);
	if (r->state == RELAY_HEAD)
		bad_answer(r, "%s: connection closed inside the response head "
			   "(%zu bytes)", r->peer, r->hlen);
	if (r->framing == FRAME_EOF) {
		r->state = RELAY_DONE;
		return;
	}
	if (r->framing == FRAME_LENGTH)
		bad_answer(r, "%s: response truncated: %llu of %llu body bytes",
			   r->peer, (unsigned long long)r->sent,
			   (unsigned long long)(r->sent + r->left));
	bad_answer(r, "%s: response truncated inside a chunked body after %llu "
		   "bytes", r->peer, (unsigned long long)r->sent);
}
