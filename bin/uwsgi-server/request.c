#include "request.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#include "uwsgiproto/net.h"

const char *req_var(const struct request *r, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < r->nvars; i++) {
		if (r->vars[i].kl == kl && memcmp(r->vars[i].k, key, kl) == 0) {
			if (len)
				*len = r->vars[i].vl;
			return r->vars[i].v;
		}
	}
	return NULL;
}

static void fail(struct request *r, const up_err_t *err)
{
	if (!r->err[0])
		snprintf(r->err, sizeof r->err, "%.150s", err->msg);
}

/* Make room at the end of the connection buffer by dropping consumed body
 * bytes; the head before c->keep stays where the vars point. */
static void compact(struct conn *c)
{
	if (c->used == c->keep)
		return;
	memmove(c->buf + c->keep, c->buf + c->used, c->len - c->used);
	c->len -= c->used - c->keep;
	c->used = c->keep;
}

/* Read more bytes from the socket into the connection buffer. */
static ssize_t fill(struct request *r)
{
	struct conn *c = r->c;
	up_err_t err;
	compact(c);
	if (c->len == c->cap)
		return 0;
	ssize_t n = up_read_some(c->fd, c->buf + c->len, c->cap - c->len,
				 c->timeout_ms, c->peer, &err);
	if (n < 0) {
		fail(r, &err);
		return -1;
	}
	c->len += (size_t)n;
	return n;
}

static int send_continue(struct request *r)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	up_err_t err;
	r->expect_continue = 0;
	if (up_write_all(r->c->fd, cont, sizeof cont - 1, r->c->timeout_ms,
			 r->c->peer, &err) < 0) {
		fail(r, &err);
		r->write_error = 1;
		return -1;
	}
	return 0;
}

static ssize_t read_plain(struct request *r, uint8_t *p, size_t n)
{
	struct conn *c = r->c;
	uint64_t left = (uint64_t)r->content_length - r->body_read;
	if (n > left)
		n = (size_t)left;
	if (n == 0)
		return 0;
	size_t have = c->len - c->used;
	if (have) {
		size_t take = have < n ? have : n;
		memcpy(p, c->buf + c->used, take);
		c->used += take;
		return (ssize_t)take;
	}
	up_err_t err;
	ssize_t got = up_read_some(c->fd, p, n, c->timeout_ms, c->peer, &err);
	if (got == 0) {
		snprintf(r->err, sizeof r->err, "client closed the connection after "
			 "%llu of %lld body bytes", (unsigned long long)r->body_read,
			 (long long)r->content_length);
		return -1;
	}
	if (got < 0)
		fail(r, &err);
	return got;
}

static ssize_t read_chunked(struct request *r, uint8_t *p, size_t n)
{
	struct conn *c = r->c;
	for (;;) {
		if (up_chunked_done(&r->chunk))
			return 0;
		size_t have = c->len - c->used;
		if (have) {
			const uint8_t *data;
			size_t dl;
			/* The decoder takes any split, so feeding at most n bytes
			 * bounds the data it hands back to what p can hold. */
			size_t feed = have < n ? have : n;
			ssize_t used = up_chunked_parse(&r->chunk, c->buf + c->used,
							feed, &data, &dl);
			if (used < 0) {
				snprintf(r->err, sizeof r->err, "chunked body: %s",
					 up_strerror((int)used));
				return -1;
			}
			c->used += (size_t)used;
			if (dl) {
				memcpy(p, data, dl);
				return (ssize_t)dl;
			}
			if (used > 0)
				continue;
		}
		ssize_t got = fill(r);
		if (got < 0)
			return -1;
		if (got == 0) {
			snprintf(r->err, sizeof r->err, "client closed the connection "
				 "inside a chunked body");
			return -1;
		}
	}
}

ssize_t req_body_read(struct request *r, void *p, size_t n)
{
	if (r->body_done || n == 0)
		return 0;
	if (r->expect_continue && send_continue(r) < 0)
		return -1;
	ssize_t got;
	if (r->chunked)
		got = read_chunked(r, p, n);
	else if (r->content_length > 0)
		got = read_plain(r, p, n);
	else
		got = 0;
	if (got > 0)
		r->body_read += (uint64_t)got;
	if (got == 0)
		r->body_done = 1;
	return got;
}

int req_body_drain(struct request *r)
{
	uint8_t tmp[16384];
	/* A client that announced a body it never got to send (Expect:
	 * 100-continue unanswered) cannot be resynchronised: close. */
	if (r->expect_continue && !r->body_done)
		return (r->content_length > 0 || r->chunked) ? -1 : 0;
	/* Draining a huge unread body costs more than a new connection. */
	if (!r->chunked && r->content_length > 0 &&
	    (uint64_t)r->content_length - r->body_read > (1u << 20))
		return -1;
	ssize_t n;
	while ((n = req_body_read(r, tmp, sizeof tmp)) > 0)
		;
	return n < 0 ? -1 : 0;
}
