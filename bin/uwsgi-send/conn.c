#include "conn.h"

#include <unistd.h>

#include "die.h"

void conn_resolve(const struct send_opts *o, up_addr_t *a)
{
	up_err_t err;
	int rc = up_addr_parse(o->address, a, &err);
	if (rc == UP_ERESOLVE)
		die(EXIT_SEND_CONNECT, "%s", err.msg);
	if (rc < 0)
		die(EXIT_SEND_USAGE, "%s: %s (host:port, [v6]:port, /path.sock or @name)",
		    o->address, up_strerror(rc));
}

void conn_open(struct conn *c, const struct send_opts *o)
{
	up_err_t err;
	conn_resolve(o, &c->addr);
	c->peer = up_addr_str(&c->addr);
	c->timeout_ms = o->timeout_ms;
	c->deadline = o->timeout_ms >= 0 ? up_now_ms() + (uint64_t)o->timeout_ms : 0;
	int limit = o->connect_timeout_ms;
	if (o->timeout_ms >= 0 && o->timeout_ms < limit)
		limit = o->timeout_ms;
	c->fd = up_connect(&c->addr, limit, &err);
	if (c->fd == UP_ETIMEDOUT)
		die(EXIT_SEND_TIMEOUT, "%s", err.msg);
	if (c->fd < 0)
		die(EXIT_SEND_CONNECT, "%s", err.msg);
}

int conn_left(const struct conn *c)
{
	if (!c->deadline)
		return -1;
	return up_ms_left(c->deadline);
}

void conn_timed_out(const struct conn *c)
{
	die(EXIT_SEND_TIMEOUT, "%s: no complete answer within %.3g s (--timeout)",
	    c->peer, c->timeout_ms / 1000.0);
}

void conn_empty_reply(const struct conn *c)
{
	die(EXIT_SEND_RESPONSE, "%s: empty reply from server", c->peer);
}

int conn_send(struct conn *c, const void *p, size_t n)
{
	up_err_t err;
	int rc = up_write_all(c->fd, p, n, conn_left(c), c->peer, &err);
	if (rc == UP_ETIMEDOUT)
		conn_timed_out(c);
	return rc;
}

size_t conn_read(struct conn *c, void *buf, size_t cap)
{
	up_err_t err;
	ssize_t n = up_read_some(c->fd, buf, cap, conn_left(c), c->peer, &err);
	if (n == UP_ETIMEDOUT)
		conn_timed_out(c);
	if (n < 0)
		die(EXIT_SEND_RESPONSE, "%s", err.msg);
	return (size_t)n;
}

void conn_read_exact(struct conn *c, void *buf, size_t n, const char *what)
{
	size_t got = 0;
	while (got < n) {
		size_t r = conn_read(c, (uint8_t *)buf + got, n - got);
		if (r == 0) {
			if (got == 0)
				conn_empty_reply(c);
			die(EXIT_SEND_RESPONSE, "%s: %s truncated: %zu of %zu bytes",
			    c->peer, what, got, n);
		}
		got += r;
	}
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
