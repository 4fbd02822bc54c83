/* Moving bytes: client -> backend through c->in (after c->hdr, the packet
 * built from an HTTP head), backend -> client through c->out (after
 * c->hdr, the rewritten answer head). Each side is read only while its
 * buffer has room and written only what is there: the buffers are the
 * bound on what the proxy holds, whatever the peers' speeds. Readiness is
 * remembered per side (edge-triggered epoll): cleared by EAGAIN or a
 * short transfer, set again by the next event. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "conn.h"
#include "die.h"
#include "zcopy.h"

void chunk_head(uint8_t *dst, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 7; i >= 0; i--, n >>= 4)
		dst[i] = (uint8_t)hex[n & 15];
	dst[8] = '\r';
	dst[9] = '\n';
}

/* A short read means the socket is empty, unless the peer's FIN arrived
 * with it: then one more read must see the end of file. */
static void after_read(unsigned *ready, size_t got, size_t asked, int hup)
{
	if (got < asked && !hup)
		*ready = 0;
}

/* Read from the client into c->in. Returns bytes read (0: nothing now),
 * or -1 after closing the connection on a reset. */
static ssize_t read_client(struct conn *c)
{
	half_make_room(&c->in);
	size_t room = c->in.cap - c->in.end;
	if (!c->c_rd || c->c_eof || !room)
		return 0;
	ssize_t n = read(c->cio.fd, c->in.buf + c->in.end, room);
	if (n > 0) {
		c->in.end += (size_t)n;
		c->last_io = c->px->loop.now;
		unsigned rd = c->c_rd;
		after_read(&rd, (size_t)n, room, c->c_hup);
		c->c_rd = rd;
		return n;
	}
	if (n == 0) {
		c->c_eof = 1;
		return 0;
	}
	if (errno == EAGAIN || errno == EINTR) {
		c->c_rd = errno == EINTR;
		return 0;
	}
	conn_close(c);
	return -1;
}

/* The request bytes of c->in that may go to the backend now. */
static size_t forwardable(const struct conn *c)
{
	size_t have = half_len(&c->in);
	if (c->front == FRONT_UWSGI || c->tunnel)
		return have;
	return (long long)have < c->body_left ? have : (size_t)c->body_left;
}

static void backend_write_failed(struct conn *c)
{
	/* The node may have answered and closed early: stop sending, keep
	 * reading its answer. */
	c->b_shut = 1;
	c->b_wr = 0;
	c->keepalive = 0;
}

/* Client -> backend. Returns 1 if anything moved. */
static int up_step(struct conn *c)
{
	int moved = 0;
	int hdr_out = !c->hdr_resp && half_len(&c->hdr);
	size_t fwd = forwardable(c);
	if (c->b_wr && !c->b_shut && (hdr_out || fwd)) {
		struct iovec iov[2];
		int k = 0;
		if (hdr_out)
			iov[k++] = (struct iovec){ c->hdr.buf + c->hdr.start, half_len(&c->hdr) };
		if (fwd)
			iov[k++] = (struct iovec){ c->in.buf + c->in.start, fwd };
		size_t want = (hdr_out ? half_len(&c->hdr) : 0) + fwd;
		ssize_t n = writev(c->bio.fd, iov, k);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			backend_write_failed(c);
		} else if (n < 0) {
			c->b_wr = errno == EINTR;
		} else {
			size_t w = (size_t)n, h = hdr_out ? half_len(&c->hdr) : 0;
			size_t from_hdr = w < h ? w : h;
			c->hdr.start += from_hdr;
			c->in.start += w - from_hdr;
			if (c->front == FRONT_HTTP && !c->tunnel)
				c->body_left -= (long long)(w - from_hdr);
			if (c->node)
				c->node->rx += n;
			c->last_io = c->px->loop.now;
			if (w < want)
				c->b_wr = 0;
			moved = n > 0;
		}
	}
	/* Read more only for bytes the backend is to get. */
	int want_more = c->front == FRONT_UWSGI || c->tunnel ||
		c->body_left > (long long)half_len(&c->in);
	if (want_more) {
		ssize_t n = read_client(c);
		if (n < 0)
			return 0;
		if (n > 0) {
			moved = 1;
			/* uwsgi: more than the packet came, a retry cannot rewind. */
			if (c->front == FRONT_UWSGI)
				c->retry_ok = 0;
		}
	}
	/* uwsgi: the client finished sending; pass the end on. */
	if ((c->front == FRONT_UWSGI || c->tunnel) && c->c_eof && !half_len(&c->in) &&
	    !c->b_shut && c->bio.fd >= 0) {
		shutdown(c->bio.fd, SHUT_WR);
		c->b_shut = 1;
	}
	return moved;
}

/* Write the answer head and body bytes to the client. */
static int write_client(struct conn *c)
{
	int hdr_in = c->hdr_resp && half_len(&c->hdr);
	size_t body = half_len(&c->out);
	if (!c->c_wr || (!hdr_in && !body))
		return 0;
	struct iovec iov[2];
	int k = 0;
	if (hdr_in)
		iov[k++] = (struct iovec){ c->hdr.buf + c->hdr.start, half_len(&c->hdr) };
	if (body)
		iov[k++] = (struct iovec){ c->out.buf + c->out.start, body };
	size_t h = hdr_in ? half_len(&c->hdr) : 0, want = h + body;
	ssize_t n = writev(c->cio.fd, iov, k);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR) {
			c->c_wr = errno == EINTR;
			return 0;
		}
		conn_close(c);  /* the client went away */
		return -1;
	}
	size_t w = (size_t)n, from_hdr = w < h ? w : h;
	c->hdr.start += from_hdr;
	c->out.start += w - from_hdr;
	c->resp_bytes += n;
	if (c->node)
		c->node->tx += n;
	c->last_io = c->px->loop.now;
	if (w < want)
		c->c_wr = 0;
	return n > 0;
}

/* The backend's end of file: what it means depends on where the answer
 * was. */
static void backend_ended(struct conn *c)
{
	if (c->front == FRONT_UWSGI) {
		int nothing = !c->resp_bytes && !half_len(&c->out);
		if (nothing && conn_retry(c))
			return;
		if (nothing)
			warn("%s: node %s closed without answering", c->peer,
			     c->node ? c->node->addr.name : "?");
		c->resp = RESP_DONE;
		c->closing = 1;
		return;
	}
	switch (c->resp) {
	case RESP_EOF:
		if (c->chunk_out && !c->b_err) {
			c->last_chunk = 1;  /* the client's connection can stay */
			return;
		}
		c->resp = RESP_DONE;
		c->closing = 1;
		return;
	case RESP_HEAD:
		if (!half_len(&c->out) && conn_retry(c))
			return;
		conn_fail(c, 502, half_len(&c->out) ? "the node's answer head was cut short"
			  : "the node closed without answering");
		return;
	case RESP_LENGTH:
	case RESP_CHUNKED:
		c->resp = RESP_DONE;  /* cut short: closing tells the client */
		c->closing = 1;
		return;
	case RESP_DONE:
		return;
	}
}

/* Read the backend into c->out. */
static int read_backend(struct conn *c)
{
	if (c->bio.fd < 0 || !c->b_rd || c->b_eof || c->resp == RESP_DONE)
		return 0;
	half_make_room(&c->out);
	size_t room = c->out.cap - c->out.end;
	if (c->resp == RESP_LENGTH && (long long)room > c->resp_left)
		room = (size_t)c->resp_left;
	size_t at = c->out.end;
	if (c->chunk_out) {
		if (room <= CHUNK_OVERHEAD)
			return 0;
		room -= CHUNK_OVERHEAD;
		at += CHUNK_HEAD;
	}
	if (!room)
		return 0;
	ssize_t n = read(c->bio.fd, c->out.buf + at, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		c->b_rd = errno == EINTR;
		return 0;
	}
	if (n <= 0) {
		c->b_eof = 1;
		c->b_err = n < 0;
		backend_ended(c);
		return 1;
	}
	if ((size_t)n == room)
		c->bulk = 1;  /* more was waiting: worth the zero-copy path */
	size_t from = c->out.end;
	if (c->chunk_out) {
		uint8_t *h = c->out.buf + c->out.end;
		chunk_head(h, (size_t)n);
		memcpy(h + CHUNK_HEAD + n, "\r\n", 2);
		c->out.end += CHUNK_OVERHEAD;
	}
	c->out.end += (size_t)n;
	c->last_io = c->px->loop.now;
	unsigned rd = c->b_rd;
	after_read(&rd, (size_t)n, room, c->b_hup);
	c->b_rd = rd;
	if (c->front == FRONT_HTTP && !c->tunnel) {
		if (c->resp == RESP_HEAD)
			front_http_response(c);
		else
			front_http_frame(c, from, (size_t)n);
	}
	return 1;
}

/* The end of a body we chunk, once out has room for it. */
static int end_chunks(struct conn *c)
{
	static const char last[] = "0\r\n\r\n";
	half_make_room(&c->out);
	if (c->out.cap - c->out.end < sizeof last - 1)
		return 0;
	memcpy(c->out.buf + c->out.end, last, sizeof last - 1);
	c->out.end += sizeof last - 1;
	c->last_chunk = 0;
	c->resp = RESP_DONE;
	return 1;
}

/* A bulk answer whose bytes need no look (raw, or counted by length) goes
 * through a pipe with splice once the buffered bytes are out. */
static int can_splice(struct conn *c)
{
	if (c->splicing)
		return 1;
	if (!c->bulk || c->chunk_out || c->tunnel || c->bio.fd < 0 ||
	    (c->resp != RESP_LENGTH && c->resp != RESP_EOF) || half_len(&c->out) ||
	    (c->hdr_resp && half_len(&c->hdr)))
		return 0;
	if (c->pipe[0] < 0 && zcopy_pipe(c->pipe) < 0) {
		c->pipe[0] = c->pipe[1] = -1;
		c->bulk = 0;  /* no pipe: the buffers will do */
		return 0;
	}
	c->splicing = 1;
	return 1;
}

static void spliced_in(struct conn *c, size_t n)
{
	c->pipe_len += n;
	c->last_io = c->px->loop.now;
	if (c->resp == RESP_LENGTH && (c->resp_left -= (long long)n) == 0)
		c->resp = RESP_DONE;
}

/* Pipe -> client, then node -> pipe. 1 if anything moved, -1 closed. */
static int splice_step(struct conn *c)
{
	int moved = 0;
	if (c->pipe_len && c->c_wr) {
		ssize_t n = zcopy_out(c->pipe[0], c->cio.fd, c->pipe_len);
		if (n > 0) {
			c->pipe_len -= (size_t)n;
			c->resp_bytes += n;
			if (c->node)
				c->node->tx += n;
			c->last_io = c->px->loop.now;
			moved = 1;
		} else if (n < 0 && errno == EAGAIN) {
			c->c_wr = 0;
		} else if (n < 0 && errno != EINTR) {
			conn_close(c);
			return -1;
		}
	}
	if (c->bio.fd < 0 || !c->b_rd || c->b_eof || c->resp == RESP_DONE ||
	    c->pipe_len >= ZCOPY_PIPE_BYTES)
		return moved;
	size_t want = ZCOPY_PIPE_BYTES - c->pipe_len;
	if (c->resp == RESP_LENGTH && (long long)want > c->resp_left)
		want = (size_t)c->resp_left;
	ssize_t n = zcopy_in(c->bio.fd, c->pipe[1], want);
	if (n > 0) {
		spliced_in(c, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		/* The socket is empty, or the pipe full by its own count: only
		 * an empty pipe tells which. */
		if (!c->pipe_len && errno == EAGAIN)
			c->b_rd = 0;
		return moved;
	}
	c->b_eof = 1;
	c->b_err = n < 0;
	backend_ended(c);
	return 1;
}

static int down_step(struct conn *c)
{
	int moved = write_client(c);
	if (moved < 0 || c->dead)
		return 0;
	if (c->last_chunk)
		moved |= end_chunks(c);
	if (c->st != CS_RELAY)
		return moved;
	if (can_splice(c)) {
		int r = splice_step(c);
		return r < 0 ? 0 : (r | moved);
	}
	return read_backend(c) | moved;
}

/* The answer is all out: next request, or close. */
static int check_done(struct conn *c)
{
	if (c->resp != RESP_DONE || half_len(&c->out) || c->pipe_len ||
	    (c->hdr_resp && half_len(&c->hdr)))
		return 0;
	conn_finish(c);
	return 1;
}

static int head_step(struct conn *c)
{
	ssize_t n = read_client(c);
	if (n < 0)
		return 0;
	if (half_len(&c->in) && (n > 0 || c->reparse)) {
		c->reparse = 0;
		if (c->front == FRONT_HTTP)
			front_http_head(c);
		else
			front_uwsgi_head(c);
		return c->dead || c->st != CS_HEAD || n > 0;
	}
	if (c->c_eof) {
		conn_close(c);
		return 0;
	}
	return n > 0;
}

static void linger_step(struct conn *c)
{
	uint8_t sink[4096];
	for (;;) {
		ssize_t n = read(c->cio.fd, sink, sizeof sink);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_close(c);
		return;
	}
}

void conn_pump(struct conn *c)
{
	int moved;
	do {
		moved = 0;
		if (c->dead)
			return;
		switch (c->st) {
		case CS_HEAD:
			moved = head_step(c);
			break;
		case CS_CONNECT:
			return;
		case CS_RELAY:
			moved = up_step(c);
			if (c->dead || c->st != CS_RELAY) {
				moved = 1;
				break;
			}
			moved |= down_step(c);
			if (!c->dead && c->st == CS_RELAY)
				moved |= check_done(c);
			break;
		case CS_LINGER:
			linger_step(c);
			return;
		}
	} while (moved);
}
