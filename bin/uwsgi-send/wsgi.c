/* A WSGI request (modifier1 0): vars, then the body; the answer is a raw
 * HTTP response, printed the way curl prints one. The answer is read while
 * the body is still going out: an app that echoes a large upload fills both
 * socket buffers otherwise, and each side would wait for the other. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "body.h"
#include "conn.h"
#include "die.h"
#include "modes.h"
#include "output.h"
#include "request.h"
#include "uwsgiproto/http.h"

#define HEAD_MAX (64 * 1024)
#define MAX_HEADERS 200
#define CHUNK (64 * 1024)

enum answer_state { ANSWER_HEAD, ANSWER_PLAIN, ANSWER_CHUNKED, ANSWER_DONE };

/* Consumes the answer's bytes as they arrive. */
struct answer {
	enum answer_state state;
	uint8_t head[HEAD_MAX];
	size_t hlen;
	up_http_response_t resp;
	up_http_header_t hdrs[MAX_HEADERS];
	int64_t left;            /* plain body bytes still due; -1 until close */
	uint64_t got;            /* body bytes seen */
	up_chunked_t ch;
	struct output out;
	const struct send_opts *o;
	struct conn *c;
};

static void not_http(const struct conn *c, const uint8_t *p, size_t n)
{
	char hex[3 * 8 + 1] = "";
	for (size_t i = 0; i < n && i < 8; i++)
		snprintf(hex + 3 * i, 4, "%02x ", p[i]);
	hex[strlen(hex) - 1] = 0;
	die(EXIT_SEND_RESPONSE, "%s: malformed response: not HTTP (first bytes %s)",
	    c->peer, hex);
}

static void print_head(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l && p[l - 1] == '\r')
			l--;
		if (l)
			fprintf(stderr, "< %.*s\n", (int)l, (const char *)p);
		p = nl ? nl + 1 : end;
	}
}

static void feed_body(struct answer *a, const uint8_t *p, size_t n);

/* The head is complete: act on it and pass what follows to the body. */
static void head_done(struct answer *a, size_t head_len)
{
	const struct send_opts *o = a->o;
	up_http_response_t *r = &a->resp;
	if (o->verbose)
		print_head(a->head, head_len);
	if (o->fail && r->status >= 400)
		die(EXIT_SEND_HTTP, "%s: the server answered %d %.*s", a->c->peer,
		    r->status, (int)r->reason.len, (const char *)r->reason.ptr);
	if (o->include || o->head)
		output_write(&a->out, a->head, head_len);
	const char *m = request_method(o);
	if (o->head || !up_http_response_has_body((const uint8_t *)m, strlen(m), r->status)) {
		a->state = ANSWER_DONE;
		return;
	}
	if (r->chunked) {
		a->state = ANSWER_CHUNKED;
		up_chunked_init(&a->ch, 0);
	} else {
		a->state = ANSWER_PLAIN;
		a->left = r->content_length;
		if (a->left == 0)
			a->state = ANSWER_DONE;
	}
	feed_body(a, a->head + head_len, a->hlen - head_len);
}

static void feed_head(struct answer *a, const uint8_t *p, size_t n)
{
	size_t take = n < HEAD_MAX - a->hlen ? n : HEAD_MAX - a->hlen;
	memcpy(a->head + a->hlen, p, take);
	a->hlen += take;
	size_t cmp = a->hlen < 5 ? a->hlen : 5;
	if (memcmp(a->head, "HTTP/", cmp) != 0)
		not_http(a->c, a->head, a->hlen);
	ssize_t h = up_http_parse_response(a->head, a->hlen, NULL, &a->resp,
					   a->hdrs, MAX_HEADERS);
	if (h < 0)
		die(EXIT_SEND_RESPONSE, "%s: malformed response: %s", a->c->peer,
		    up_strerror((int)h));
	if (h == 0 && a->hlen == HEAD_MAX)
		die(EXIT_SEND_RESPONSE, "%s: malformed response: head over %d bytes",
		    a->c->peer, HEAD_MAX);
	if (h > 0) {
		head_done(a, (size_t)h);
		if (take < n)
			feed_body(a, p + take, n - take);
	}
}

static void feed_body(struct answer *a, const uint8_t *p, size_t n)
{
	while (n > 0 && a->state == ANSWER_CHUNKED) {
		const uint8_t *data;
		size_t dl;
		ssize_t used = up_chunked_parse(&a->ch, p, n, &data, &dl);
		if (used < 0)
			die(EXIT_SEND_RESPONSE, "%s: malformed response: %s", a->c->peer,
			    up_strerror((int)used));
		output_write(&a->out, data, dl);
		a->got += dl;
		p += used;
		n -= (size_t)used;
		if (up_chunked_done(&a->ch) || used == 0)
			a->state = ANSWER_DONE;
	}
	if (a->state != ANSWER_PLAIN || n == 0)
		return;
	if (a->left >= 0 && (uint64_t)a->left < n)
		n = (size_t)a->left;
	output_write(&a->out, p, n);
	a->got += n;
	if (a->left >= 0 && (a->left -= (int64_t)n) == 0)
		a->state = ANSWER_DONE;
}

static void feed(struct answer *a, const uint8_t *p, size_t n)
{
	if (a->state == ANSWER_HEAD)
		feed_head(a, p, n);
	else
		feed_body(a, p, n);
}

/* The node closed: fine for a close-delimited body, an error otherwise. */
static void feed_eof(struct answer *a)
{
	const struct conn *c = a->c;
	switch (a->state) {
	case ANSWER_HEAD:
		if (a->hlen == 0)
			conn_empty_reply(c);
		die(EXIT_SEND_RESPONSE, "%s: connection closed inside the response head "
		    "(%zu bytes)", c->peer, a->hlen);
	case ANSWER_CHUNKED:
		die(EXIT_SEND_RESPONSE, "%s: response truncated inside a chunked body "
		    "after %llu bytes", c->peer, (unsigned long long)a->got);
	case ANSWER_PLAIN:
		if (a->left >= 0)
			die(EXIT_SEND_RESPONSE, "%s: response truncated: %llu of %lld body "
			    "bytes", c->peer, (unsigned long long)a->got,
			    (long long)a->resp.content_length);
		a->state = ANSWER_DONE;
		break;
	case ANSWER_DONE:
		break;
	}
}

/* What still has to go out: the packet, then the body, a piece at a time. */
struct outgoing {
	const uint8_t *pkt;
	size_t pkt_len;
	struct body *body;
	uint8_t buf[CHUNK];
	size_t off, len;
	int open;                /* 0 once all was sent or the node stopped reading */
};

static void send_some(struct conn *c, struct outgoing *g)
{
	if (g->off == g->len) {
		g->off = 0;
		if (g->pkt_len) {
			size_t n = g->pkt_len < CHUNK ? g->pkt_len : CHUNK;
			memcpy(g->buf, g->pkt, n);
			g->pkt += n;
			g->pkt_len -= n;
			g->len = n;
		} else {
			g->len = body_next(g->body, g->buf, CHUNK);
		}
		if (g->len == 0) {
			g->open = 0;
			return;
		}
	}
	ssize_t n = send(c->fd, g->buf + g->off, g->len - g->off, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n >= 0)
		g->off += (size_t)n;
	else if (errno != EAGAIN && errno != EINTR)
		g->open = 0;  /* it stopped reading; its answer may say why */
}

static void exchange(struct conn *c, struct outgoing *g, struct answer *a)
{
	static uint8_t in[CHUNK];
	while (a->state != ANSWER_DONE) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN | (g->open ? POLLOUT : 0) };
		int r = poll(&p, 1, conn_left(c));
		if (r == 0)
			conn_timed_out(c);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EXIT_SEND_RESPONSE, "poll %s: %s", c->peer, strerror(errno));
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(c->fd, in, sizeof in, MSG_DONTWAIT);
			if (n == 0)
				feed_eof(a);
			else if (n > 0)
				feed(a, in, (size_t)n);
			else if (errno != EAGAIN && errno != EINTR)
				die(EXIT_SEND_RESPONSE, "read %s: %s", c->peer, strerror(errno));
		}
		if (g->open && (p.revents & POLLOUT))
			send_some(c, g);
	}
}

int wsgi_exchange(const struct send_opts *o)
{
	static uint8_t pkt[REQUEST_MAX];
	static struct answer a;
	static struct outgoing g;
	struct body b;
	struct conn c;

	body_open(&b, &o->data);
	conn_open(&c, o);
	size_t n = request_build(o, &c, b.present ? (int64_t)b.len : -1, pkt);
	if (o->verbose)
		request_print(pkt, n);
	g.pkt = pkt;
	g.pkt_len = n;
	g.body = &b;
	g.open = 1;
	a.o = o;
	a.c = &c;
	output_init(&a.out, o->output);
	exchange(&c, &g, &a);
	output_close(&a.out);
	body_close(&b);
	conn_close(&c);
	return EXIT_SEND_OK;
}
