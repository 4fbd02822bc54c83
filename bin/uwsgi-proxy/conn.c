/* Client connections: accept, route, connect (retrying another node when
 * a connect fails: nothing was sent yet), finish, close. The byte moving
 * is flow.c's; the protocols are front_uwsgi.c's and front_http.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "die.h"
#include "health.h"
#include "sock.h"
#include "zcopy.h"
#include "uwsgiproto/http.h"

/* Closed connections are kept for reuse with their buffers: no malloc
 * per connection in a steady state. */
#define FREE_MAX 256

static struct conn *free_list, *dead_list;
static size_t nfree;
/* Open connections, for draining. */
static struct conn *live;

static void live_add(struct conn *c)
{
	c->lprev = NULL;
	c->lnext = live;
	if (live)
		live->lprev = c;
	live = c;
}

static void live_del(struct conn *c)
{
	if (c->lprev)
		c->lprev->lnext = c->lnext;
	else
		live = c->lnext;
	if (c->lnext)
		c->lnext->lprev = c->lprev;
}

/* How long a closing connection reads what the client still sends, so
 * that our close does not reset the answer it has not read yet. */
#define LINGER_MS 2000

static void conn_timer(struct loop *l, struct timer *t);
static void client_event(struct loop *l, struct io *io, uint32_t ev);
static void backend_event(struct loop *l, struct io *io, uint32_t ev);

static int half_alloc(struct half *h, size_t cap)
{
	if (h->buf && h->cap == cap)
		return 0;
	free(h->buf);
	h->buf = malloc(cap);
	h->cap = h->buf ? cap : 0;
	return h->buf ? 0 : -1;
}

void half_make_room(struct half *h)
{
	if (h->start == h->end) {
		h->start = h->end = 0;
	} else if (h->start > 0 && h->end == h->cap) {
		memmove(h->buf, h->buf + h->start, h->end - h->start);
		h->end -= h->start;
		h->start = 0;
	}
}

static void conn_destroy(struct conn *c)
{
	zcopy_close(c->pipe);
	free(c->in.buf);
	free(c->out.buf);
	free(c->hdr.buf);
	free(c);
}

static struct conn *conn_new(struct proxy *px)
{
	struct conn *c = free_list;
	int fresh = !c;
	if (c) {
		free_list = c->next;
		nfree--;
	} else if (!(c = calloc(1, sizeof *c))) {
		return NULL;
	}
	struct half in = c->in, out = c->out, hdr = c->hdr;
	int p0 = fresh ? -1 : c->pipe[0], p1 = fresh ? -1 : c->pipe[1];
	memset(c, 0, sizeof *c);
	c->in = in;
	c->out = out;
	c->hdr = hdr;
	c->pipe[0] = p0;
	c->pipe[1] = p1;
	if (half_alloc(&c->in, px->bufsz) || half_alloc(&c->out, px->bufsz) ||
	    half_alloc(&c->hdr, px->bufsz)) {
		conn_destroy(c);
		return NULL;
	}
	c->in.start = c->in.end = c->out.start = c->out.end = 0;
	c->hdr.start = c->hdr.end = 0;
	c->px = px;
	c->cio.fd = c->bio.fd = -1;
	c->cio.fn = client_event;
	c->bio.fn = backend_event;
	c->tm.fn = conn_timer;
	return c;
}

void conn_reap(struct proxy *px)
{
	(void)px;
	while (dead_list) {
		struct conn *c = dead_list;
		dead_list = c->next;
		if (nfree < FREE_MAX) {
			c->next = free_list;
			free_list = c;
			nfree++;
		} else {
			conn_destroy(c);
		}
	}
}

void conn_pool_free(void)
{
	while (free_list) {
		struct conn *c = free_list;
		free_list = c->next;
		conn_destroy(c);
	}
	nfree = 0;
}

/* ---------------------------------------------------------------------- */
/* Nodes */

static void node_failed(struct conn *c, struct node *n, int err)
{
	n->failures++;
	if (!n->dead) {
		n->dead = 1;
		warn("node %s is dead: connect: %s", n->addr.name,
		     err == ETIMEDOUT ? "timed out" : strerror(err));
	}
	c->last_errno = err;
	c->timed_out = err == ETIMEDOUT;
}

/* Drop the backend connection and the node's reference. */
static void release_backend(struct conn *c)
{
	if (c->bio.fd >= 0)
		loop_close_io(&c->px->loop, &c->bio);
	if (c->node) {
		if (c->counted)
			c->node->active--;
		node_unref(c->node);
	}
	c->node = NULL;
	c->counted = 0;
	c->b_rd = c->b_wr = c->b_eof = c->b_shut = c->b_err = c->b_hup = 0;
}

static void arm_idle(struct conn *c)
{
	timer_arm(&c->px->loop, &c->tm, c->last_io + (uint64_t)c->px->conf.timeout);
}

static void connected(struct conn *c)
{
	struct node *n = c->node;
	c->st = CS_RELAY;
	/* Writable now; readable once the node has had the request. */
	c->b_wr = 1;
	c->b_rd = 0;
	c->counted = 1;
	n->active++;
	n->requests++;
	if (n->pool)
		n->pool->hits++;
	if (n->dead)
		health_revive(n, "a connect succeeded");
	c->resp = c->front == FRONT_HTTP ? RESP_HEAD : RESP_EOF;
	c->last_io = c->px->loop.now;
	arm_idle(c);
}

/* Try the next node; answer 502/504 when none is left. */
static void try_connect(struct conn *c)
{
	struct proxy *px = c->px;
	for (;;) {
		struct node *n = NULL;
		if (c->ntried < CONN_MAX_TRIES)
			n = pool_pick(c->pool, px->conf.balance, c->hkey, c->hklen,
				      c->tried, c->ntried);
		if (!n) {
			if (c->timed_out)
				conn_fail(c, 504, "connecting to every node timed out");
			else
				conn_fail(c, 502, c->ntried ? "no node accepted the connection"
					  : "the pool has no node");
			return;
		}
		c->tried[c->ntried++] = n;
		int pending, fd = sock_connect(&n->addr, &pending);
		if (fd < 0) {
			node_failed(c, n, errno);
			continue;
		}
		c->bio.fd = fd;
		if (loop_add(&px->loop, &c->bio) < 0) {
			loop_close_io(&px->loop, &c->bio);
			conn_fail(c, 500, "epoll_ctl failed");
			return;
		}
		node_ref(n);
		c->node = n;
		if (!pending) {
			connected(c);
			return;
		}
		c->st = CS_CONNECT;
		timer_arm(&px->loop, &c->tm, px->loop.now + (uint64_t)px->conf.connect_timeout);
		return;
	}
}

static void connect_failed(struct conn *c, int err)
{
	struct node *n = c->node;
	node_ref(n);
	release_backend(c);
	node_failed(c, n, err);
	node_unref(n);
	try_connect(c);
}

/* A node that took the request broke off before answering a byte: send
 * the request again elsewhere, once, when we still hold all of it. */
int conn_retry(struct conn *c)
{
	if (!c->retry_ok || c->retries > 0 || c->resp_bytes || c->ntried >= CONN_MAX_TRIES)
		return 0;
	c->retries++;
	if (c->node)
		c->node->failures++;
	release_backend(c);
	if (c->front == FRONT_HTTP) {
		c->hdr.start = 0;
	} else {
		c->in.start = 0;
	}
	c->out.start = c->out.end = 0;
	try_connect(c);
	return 1;
}

struct pool *conn_route(struct proxy *px, const uint8_t *key, size_t klen)
{
	struct pool *p = NULL;
	if (key && klen) {
		p = registry_find(&px->reg, key, klen);
		const uint8_t *colon = memrchr(key, ':', klen);
		if ((!p || !p->n) && colon && key[klen - 1] != ']')
			p = registry_find(&px->reg, key, (size_t)(colon - key));
	}
	if (p && p->n)
		return p;
	return px->reg.statics.n ? &px->reg.statics : NULL;
}

void conn_set_hkey(struct conn *c, const uint8_t *v, size_t n)
{
	c->hklen = n < sizeof c->hkey ? n : sizeof c->hkey;
	memcpy(c->hkey, v, c->hklen);
}

void conn_dispatch(struct conn *c)
{
	c->px->requests++;
	c->t_start = c->px->loop.now;
	if (!c->pool) {
		conn_fail(c, 502, "no node serves this key and there is no --to pool");
		return;
	}
	c->ntried = 0;
	c->timed_out = 0;
	c->retries = 0;
	try_connect(c);
}

/* ---------------------------------------------------------------------- */
/* Ending */

static void log_request(struct conn *c)
{
	if (!c->px->conf.log_requests || !c->t_start)
		return;
	warn("%s -> %s: %d, %lld bytes in %llu ms", c->peer,
	     c->tried[c->ntried ? c->ntried - 1 : 0] ? c->tried[c->ntried - 1]->addr.name : "-",
	     c->status, c->resp_bytes, (unsigned long long)(c->px->loop.now - c->t_start));
}

void conn_close(struct conn *c)
{
	if (c->dead)
		return;
	release_backend(c);
	loop_close_io(&c->px->loop, &c->cio);
	timer_stop(&c->px->loop, &c->tm);
	c->dead = 1;
	c->px->nconns--;
	live_del(c);
	if (c->pipe_len) {  /* bytes of this answer must not reach another */
		zcopy_close(c->pipe);
		c->pipe_len = 0;
	}
	c->next = dead_list;
	dead_list = c;
}

/* Close after the answer: shut our write side and read what the client
 * still sends until it closes, so no RST destroys the answer in flight. */
static void close_gently(struct conn *c)
{
	release_backend(c);
	if (c->c_eof || c->front == FRONT_UWSGI) {
		conn_close(c);
		return;
	}
	shutdown(c->cio.fd, SHUT_WR);
	c->st = CS_LINGER;
	c->c_rd = 1;
	timer_arm(&c->px->loop, &c->tm, c->px->loop.now + LINGER_MS);
}

void conn_finish(struct conn *c)
{
	log_request(c);
	if (c->closing || !c->keepalive || c->body_left > 0 || c->front != FRONT_HTTP ||
	    c->px->draining) {
		close_gently(c);
		return;
	}
	if (c->bio.fd >= 0 && !c->b_eof)
		sock_reset_on_close(c->bio.fd);
	release_backend(c);
	c->st = CS_HEAD;
	c->resp = RESP_HEAD;
	c->hdr.start = c->hdr.end = 0;
	c->hdr_resp = 0;
	c->out.start = c->out.end = 0;
	c->resp_bytes = 0;
	c->splicing = c->bulk = 0;
	c->t_start = 0;
	c->pool = NULL;
	c->reparse = half_len(&c->in) > 0;
	arm_idle(c);
}

void conn_fail(struct conn *c, int status, const char *why)
{
	struct proxy *px = c->px;
	px->refused++;
	warn("%s: %s: answered %d", c->peer, why, status);
	c->status = status;
	release_backend(c);
	if (c->resp_bytes) {  /* the answer had begun: only closing tells */
		conn_close(c);
		return;
	}
	const char *text = up_http_status_text(status);
	int len = snprintf((char *)c->out.buf, c->out.cap,
			   "HTTP/1.%d %d %s\r\nContent-Type: text/plain\r\n"
			   "Content-Length: %zu\r\nConnection: close\r\n\r\n%d %s\n",
			   c->front == FRONT_HTTP ? c->minor : 1, status, text,
			   strlen(text) + 5, status, text);
	c->out.start = 0;
	c->out.end = (size_t)len;
	c->hdr.start = c->hdr.end = 0;
	c->hdr_resp = 0;
	c->st = CS_RELAY;
	c->resp = RESP_DONE;
	c->closing = 1;
	c->body_left = 0;
	c->last_io = px->loop.now;
	arm_idle(c);
}

void conn_close_all(struct proxy *px)
{
	(void)px;
	while (live)
		conn_close(live);
}

void conn_drain(struct proxy *px)
{
	(void)px;
	for (struct conn *c = live, *next; c; c = next) {
		next = c->lnext;
		if (c->st == CS_HEAD && !half_len(&c->in))
			conn_close(c);
		else
			c->keepalive = 0;
	}
}

/* ---------------------------------------------------------------------- */
/* Events */

static void conn_timer(struct loop *l, struct timer *t)
{
	struct conn *c = container_of(t, struct conn, tm);
	if (c->st == CS_CONNECT) {
		connect_failed(c, ETIMEDOUT);
		conn_pump(c);
		return;
	}
	if (c->st == CS_LINGER) {
		conn_close(c);
		return;
	}
	uint64_t deadline = c->last_io + (uint64_t)c->px->conf.timeout;
	if (l->now < deadline) {
		timer_arm(l, t, deadline);
		return;
	}
	if (c->st == CS_RELAY && c->node && !c->resp_bytes && c->resp == RESP_HEAD) {
		conn_fail(c, 504, "the node did not answer in time");
		conn_pump(c);
		return;
	}
	conn_close(c);
}

static void client_event(struct loop *l, struct io *io, uint32_t ev)
{
	struct conn *c = container_of(io, struct conn, cio);
	(void)l;
	if (ev & (EV_READ | EV_HUP | EV_ERR))
		c->c_rd = 1;
	if (ev & (EV_HUP | EV_ERR | EV_RDHUP))
		c->c_hup = 1;
	if (ev & (EV_WRITE | EV_HUP | EV_ERR))
		c->c_wr = 1;
	conn_pump(c);
}

static void backend_event(struct loop *l, struct io *io, uint32_t ev)
{
	struct conn *c = container_of(io, struct conn, bio);
	(void)l;
	if (c->st == CS_CONNECT) {
		/* Writable without an error event: connected, no need to ask. */
		int err = ev & (EV_ERR | EV_HUP) || !(ev & EV_WRITE) ? sock_error(io->fd) : 0;
		if (err) {
			connect_failed(c, err);
			conn_pump(c);
			return;
		}
		if (!(ev & EV_WRITE))
			return;
		connected(c);
	}
	if (ev & (EV_READ | EV_HUP | EV_ERR))
		c->b_rd = 1;
	if (ev & (EV_HUP | EV_ERR | EV_RDHUP))
		c->b_hup = 1;
	if (ev & (EV_WRITE | EV_HUP | EV_ERR))
		c->b_wr = 1;
	conn_pump(c);
}

/* ---------------------------------------------------------------------- */
/* Accepting */

/* Too many connections: answer 503 at once (HTTP), or close. The socket
 * is fresh, so the short answer fits its send buffer. */
static void refuse(struct proxy *px, struct listener *ls, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
		"Content-Type: text/plain\r\nContent-Length: 24\r\n"
		"Connection: close\r\n\r\n503 Service Unavailable\n";
	px->refused++;
	if (ls->front == FRONT_HTTP)
		(void)!send(fd, busy, sizeof busy - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void start_conn(struct proxy *px, struct listener *ls, int fd,
                       const up_addr_t *peer)
{
	struct conn *c = conn_new(px);
	if (!c) {
		warn("out of memory: connection from %s refused", peer->name);
		close(fd);
		return;
	}
	c->cio.fd = fd;
	if (loop_add(&px->loop, &c->cio) < 0) {
		warn("epoll_ctl: %s", strerror(errno));
		close(fd);
		c->next = free_list;
		free_list = c;
		nfree++;
		return;
	}
	px->nconns++;
	live_add(c);
	c->front = ls->front;
	c->st = CS_HEAD;
	c->c_rd = c->c_wr = 1;
	up_addr_host_port((const struct sockaddr *)&peer->ss, peer->len, c->peer,
			  sizeof c->peer, &c->peer_port);
	if (!c->peer[0])
		snprintf(c->peer, sizeof c->peer, "%.63s", ls->addr.name);
	memcpy(c->local, ls->host, sizeof c->local);
	c->local_port = ls->port;
	sock_nodelay(fd, peer->family);
	up_stream_init(&c->ps, (size_t)px->conf.buffer_size, UP_STREAM_DETECT_HTTP);
	c->last_io = px->loop.now;
	arm_idle(c);
	conn_pump(c);
}

void conn_accept(struct loop *l, struct io *io, uint32_t events)
{
	struct listener *ls = container_of(io, struct listener, io);
	struct proxy *px = ls->px;
	(void)l;
	(void)events;
	for (int i = 0; i < 64 && ls->io.fd >= 0; i++) {
		up_addr_t peer;
		up_err_t err;
		int fd = up_accept(ls->io.fd, &peer, 1, &err);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				warn("accept %s: %s", ls->addr.name, strerror(errno));
			return;
		}
		if (px->nconns >= px->conf.max_conns || px->draining)
			refuse(px, ls, fd);
		else
			start_conn(px, ls, fd, &peer);
	}
}
