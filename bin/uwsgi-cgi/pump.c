#include "pump.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"
#include "reply.h"
#include "uwsgiproto/net.h"

#define CHUNK (64 * 1024)

struct pump {
	int sock;
	const char *peer;
	int timeout_ms;
	/* Upstream: what waits to be sent, then the body's source. */
	const uint8_t *out;
	size_t out_len;
	int in_fd;
	uint64_t in_left;
	uint64_t in_total;
	int upload_over;         /* all sent, or the backend stopped reading */
	uint8_t upbuf[CHUNK];
	/* Downstream. */
	struct relay relay;
	uint8_t downbuf[CHUNK];
};

static int connect_backend(const struct conf *c, const char **peer, up_addr_t *a)
{
	up_err_t err;
	int rc = up_addr_parse(c->socket, a, &err);
	if (rc == UP_ERESOLVE)
		reply_fail(502, EXIT_CGI_CONNECT, "%s", err.msg);
	if (rc < 0)
		reply_fail(502, EXIT_CGI_CONFIG, "socket '%s': %s (host:port, "
			   "[v6]:port, /path.sock or @name)", c->socket, up_strerror(rc));
	*peer = up_addr_str(a);
	int fd = up_connect(a, c->connect_timeout_ms, &err);
	if (fd == UP_ETIMEDOUT)
		reply_fail(504, EXIT_CGI_TIMEOUT, "%s", err.msg);
	if (fd < 0)
		reply_fail(502, EXIT_CGI_CONNECT, "%s", err.msg);
	return fd;
}

/* Send what is pending without blocking. A backend that closed its end
 * may still have answered (413, an early error): stop sending, keep
 * reading. */
static void send_some(struct pump *p)
{
	ssize_t n = send(p->sock, p->out, p->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		p->upload_over = 1;
		p->out_len = 0;
		return;
	}
	p->out += n;
	p->out_len -= (size_t)n;
	if (p->out_len == 0 && p->in_left == 0)
		p->upload_over = 1;
}

/* Take the next piece of the body, never past CONTENT_LENGTH. */
static void read_body(struct pump *p)
{
	size_t want = p->in_left < sizeof p->upbuf ? (size_t)p->in_left : sizeof p->upbuf;
	ssize_t n = read(p->in_fd, p->upbuf, want);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0)
		reply_fail(400, EXIT_CGI_REQUEST, "request body: %s after %llu of "
			   "%llu bytes", n < 0 ? strerror(errno) : "stdin ended",
			   (unsigned long long)p->in_total,
			   (unsigned long long)(p->in_total + p->in_left));
	p->out = p->upbuf;
	p->out_len = (size_t)n;
	p->in_left -= (uint64_t)n;
	p->in_total += (uint64_t)n;
}

/* Returns 1 once the response is complete. */
static int receive(struct pump *p)
{
	ssize_t n = read(p->sock, p->downbuf, sizeof p->downbuf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		reply_fail(502, EXIT_CGI_RESPONSE, "read %s: %s", p->peer, strerror(errno));
	if (n == 0) {
		relay_eof(&p->relay);
		return 1;
	}
	return relay_feed(&p->relay, p->downbuf, (size_t)n);
}

/* Waiting for the body, the web server (its client) is the one stalling:
 * the backend cannot answer before it has it. */
static void timed_out(const struct pump *p, int waiting_for_body)
{
	if (waiting_for_body)
		reply_fail(408, EXIT_CGI_REQUEST, "request body: nothing from the web "
			   "server for %g s after %llu of %llu bytes", p->timeout_ms / 1000.0,
			   (unsigned long long)p->in_total,
			   (unsigned long long)(p->in_total + p->in_left));
	if (relay_waiting(&p->relay))
		reply_fail(504, EXIT_CGI_TIMEOUT, "%s: no answer within %g s "
			   "(timeout)", p->peer, p->timeout_ms / 1000.0);
	reply_fail(504, EXIT_CGI_TIMEOUT, "%s: the answer stalled for %g s "
		   "after %llu body bytes (timeout)", p->peer, p->timeout_ms / 1000.0,
		   (unsigned long long)p->relay.sent);
}

/* The loop. The timeout is a limit on silence: it starts again whenever
 * a byte moves, so a long download is not cut off, a stalled one is. */
static void run(struct pump *p)
{
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = p->sock, .events = POLLIN },
			{ .fd = p->in_fd, .events = 0 },
		};
		if (p->out_len)
			fds[0].events |= POLLOUT;
		int want_body = !p->upload_over && !p->out_len && p->in_left;
		if (want_body)
			fds[1].events = POLLIN;
		int rc = poll(fds, want_body ? 2 : 1, p->timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			reply_fail(502, EXIT_CGI_RESPONSE, "poll: %s", strerror(errno));
		if (rc == 0)
			timed_out(p, want_body);
		if (fds[0].revents & POLLOUT)
			send_some(p);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (receive(p))
				return;
		if (want_body && fds[1].revents)
			read_body(p);
	}
}

int pump_run(const struct conf *c, const struct request *rq, const uint8_t *pkt)
{
	static struct pump p;
	up_addr_t addr;

	p.sock = connect_backend(c, &p.peer, &addr);
	p.timeout_ms = c->timeout_ms;
	p.out = pkt;
	p.out_len = rq->pkt_len;
	p.in_fd = rq->body_fd;
	p.in_left = rq->body_len;
	relay_init(&p.relay, p.peer, rq->method, rq->nph);
	run(&p);
	close(p.sock);
	return EXIT_CGI_OK;
}
