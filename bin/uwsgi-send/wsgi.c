/* A WSGI request (modifier1 0): vars, then the body streamed; the answer is
 * a raw HTTP response, printed the way curl prints one. */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "conn.h"
#include "die.h"
#include "modes.h"
#include "output.h"
#include "request.h"
#include "uwsgiproto/http.h"

#define HEAD_MAX (64 * 1024)
#define MAX_HEADERS 200

struct answer {
	uint8_t buf[HEAD_MAX + 4096];
	size_t len;
	up_http_response_t resp;
	up_http_header_t hdrs[MAX_HEADERS];
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

/* Read until the response head is complete. */
static void read_head(struct conn *c, struct answer *a)
{
	for (;;) {
		if (a->len >= HEAD_MAX)
			die(EXIT_SEND_RESPONSE, "%s: malformed response: head over %d bytes",
			    c->peer, HEAD_MAX);
		size_t r = conn_read(c, a->buf + a->len, HEAD_MAX - a->len);
		if (r == 0 && a->len == 0)
			conn_empty_reply(c);
		if (r == 0)
			die(EXIT_SEND_RESPONSE, "%s: connection closed inside the response head "
			    "(%zu bytes)", c->peer, a->len);
		a->len += r;
		size_t cmp = a->len < 5 ? a->len : 5;
		if (memcmp(a->buf, "HTTP/", cmp) != 0)
			not_http(c, a->buf, a->len);
		ssize_t h = up_http_parse_response(a->buf, a->len, NULL, &a->resp,
						   a->hdrs, MAX_HEADERS);
		if (h > 0)
			return;
		if (h < 0)
			die(EXIT_SEND_RESPONSE, "%s: malformed response: %s", c->peer,
			    up_strerror((int)h));
	}
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

static void body_chunked(struct conn *c, struct answer *a, size_t have,
			 struct output *out)
{
	up_chunked_t ch;
	up_chunked_init(&ch, 0);
	uint8_t *p = a->buf + a->resp.head_len;
	for (;;) {
		while (have > 0 && !up_chunked_done(&ch)) {
			const uint8_t *data;
			size_t dl;
			ssize_t used = up_chunked_parse(&ch, p, have, &data, &dl);
			if (used < 0)
				die(EXIT_SEND_RESPONSE, "%s: malformed response: %s",
				    c->peer, up_strerror((int)used));
			output_write(out, data, dl);
			p += used;
			have -= (size_t)used;
			if (used == 0)
				break;
		}
		if (up_chunked_done(&ch))
			return;
		p = a->buf;
		have = conn_read(c, a->buf, sizeof a->buf);
		if (have == 0)
			die(EXIT_SEND_RESPONSE, "%s: response truncated inside a chunked "
			    "body after %llu bytes", c->peer, (unsigned long long)ch.total);
	}
}

static void body_plain(struct conn *c, struct answer *a, size_t have,
		       struct output *out)
{
	int64_t want = a->resp.content_length;
	uint64_t got = 0;
	const uint8_t *p = a->buf + a->resp.head_len;
	for (;;) {
		if (want >= 0 && (uint64_t)want - got < have)
			have = (size_t)((uint64_t)want - got);
		output_write(out, p, have);
		got += have;
		if (want >= 0 && got == (uint64_t)want)
			return;
		p = a->buf;
		have = conn_read(c, a->buf, sizeof a->buf);
		if (have == 0 && want < 0)
			return;
		if (have == 0)
			die(EXIT_SEND_RESPONSE, "%s: response truncated: %llu of %lld body bytes",
			    c->peer, (unsigned long long)got, (long long)want);
	}
}

static int read_answer(struct conn *c, const struct send_opts *o)
{
	static struct answer a;
	read_head(c, &a);
	up_http_response_t *r = &a.resp;
	if (o->verbose)
		print_head(a.buf, r->head_len);
	if (o->fail && r->status >= 400)
		die(EXIT_SEND_HTTP, "%s: the server answered %d %.*s", c->peer, r->status,
		    (int)r->reason.len, (const char *)r->reason.ptr);

	struct output out;
	output_init(&out, o->output);
	if (o->include || o->head)
		output_write(&out, a.buf, r->head_len);
	const char *m = request_method(o);
	size_t have = a.len - r->head_len;
	if (!o->head && up_http_response_has_body((const uint8_t *)m, strlen(m), r->status)) {
		if (r->chunked)
			body_chunked(c, &a, have, &out);
		else
			body_plain(c, &a, have, &out);
	}
	output_close(&out);
	return EXIT_SEND_OK;
}

int wsgi_exchange(const struct send_opts *o)
{
	static uint8_t pkt[REQUEST_MAX];
	struct body b;
	struct conn c;

	body_open(&b, o->data, o->ndata);
	conn_open(&c, o);
	size_t n = request_build(o, &c, b.present ? (int64_t)b.len : -1, pkt);
	if (o->verbose)
		request_print(pkt, n);
	/* A node that stops reading may have answered already (413, 400):
	 * read its answer whatever happened to the sending. */
	if (conn_send(&c, pkt, n) == 0)
		body_send(&b, &c);
	body_close(&b);
	int rc = read_answer(&c, o);
	conn_close(&c);
	return rc;
}
