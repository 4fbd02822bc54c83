/* --bench: one process, one epoll loop, -c connections in flight, each
 * carrying one request (uwsgi nodes close after answering). Latency runs
 * from the start of connect() to the end of the answer: Content-Length or
 * chunked framing when the answer is HTTP, else the node's close. */
#include "bench.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "body.h"
#include "conn.h"
#include "die.h"
#include "request.h"
#include "uwsgiproto/http.h"

#define RBUF 16384
#define MAX_COUNT 10000000L
#define DEFAULT_TIMEOUT_MS 10000

enum slot_state { SLOT_IDLE, SLOT_CONNECTING, SLOT_SENDING, SLOT_READING };

struct slot {
	int fd;
	enum slot_state state;
	size_t sent;           /* bytes of the request written */
	uint64_t start_us;
	uint64_t deadline_ms;
	uint8_t head[RBUF];    /* the answer's first bytes, until the head parses */
	size_t hlen;
	int status;            /* HTTP status, 0 until known */
	int64_t body_left;     /* -1: until close */
	int complete;          /* the answer is whole; waiting for the close */
	uint64_t done_us;
};

struct bench {
	const struct send_opts *o;
	up_addr_t addr;
	const uint8_t *req;    /* packet and body, contiguous */
	size_t req_len;
	int http;              /* answers are HTTP (WSGI mode) */
	int epfd;
	long started, finished, errors, connect_errors;
	uint32_t *lat_us;      /* one per finished request */
	long status_count[600];
	int timeout_ms;
	char first_error[256];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void slot_close(struct bench *b, struct slot *s)
{
	epoll_ctl(b->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	s->state = SLOT_IDLE;
}

static void slot_error(struct bench *b, struct slot *s, const char *what, int err)
{
	if (!b->first_error[0])
		snprintf(b->first_error, sizeof b->first_error, "%s %s: %s", what,
			 up_addr_str(&b->addr), err ? strerror(err) : "malformed answer");
	if (s->state == SLOT_CONNECTING)
		b->connect_errors++;
	b->errors++;
	b->finished++;
	slot_close(b, s);
}

static void slot_finish(struct bench *b, struct slot *s)
{
	uint64_t end = s->complete ? s->done_us : now_us();
	b->lat_us[b->finished - b->errors] = (uint32_t)(end - s->start_us > UINT32_MAX
							 ? UINT32_MAX : end - s->start_us);
	if (s->status > 0 && s->status < 600)
		b->status_count[s->status]++;
	b->finished++;
	slot_close(b, s);
}

static void slot_start(struct bench *b, struct slot *s)
{
	memset(s, 0, offsetof(struct slot, head));
	s->hlen = 0;
	s->status = 0;
	s->body_left = -1;
	s->complete = 0;
	s->start_us = now_us();
	s->deadline_ms = up_now_ms() + (uint64_t)b->timeout_ms;
	b->started++;
	s->fd = socket(b->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->state = SLOT_CONNECTING;
	if (s->fd < 0) {
		int e = errno;
		s->fd = -1;
		b->connect_errors++, b->errors++, b->finished++;
		s->state = SLOT_IDLE;
		if (!b->first_error[0])
			snprintf(b->first_error, sizeof b->first_error, "socket: %s", strerror(e));
		return;
	}
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = s };
	epoll_ctl(b->epfd, EPOLL_CTL_ADD, s->fd, &ev);
	if (connect(s->fd, (struct sockaddr *)&b->addr.ss, b->addr.len) < 0 &&
	    errno != EINPROGRESS)
		slot_error(b, s, "connect", errno);
}

static void slot_send(struct bench *b, struct slot *s)
{
	if (s->state == SLOT_CONNECTING) {
		int err = 0;
		socklen_t l = sizeof err;
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err)
			return slot_error(b, s, "connect", err);
		s->state = SLOT_SENDING;
	}
	while (s->sent < b->req_len) {
		ssize_t n = send(s->fd, b->req + s->sent, b->req_len - s->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return slot_error(b, s, "send", errno);
		s->sent += (size_t)n;
	}
	s->state = SLOT_READING;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
	epoll_ctl(b->epfd, EPOLL_CTL_MOD, s->fd, &ev);
}

/* Account for n answer bytes; sets complete once the HTTP framing says so. */
static int slot_account(struct bench *b, struct slot *s, const uint8_t *p, size_t n)
{
	if (!b->http || s->complete)
		return 0;
	if (!s->status) {
		size_t take = n < RBUF - s->hlen ? n : RBUF - s->hlen;
		memcpy(s->head + s->hlen, p, take);
		s->hlen += take;
		up_http_header_t h[64];
		up_http_response_t r;
		ssize_t hl = up_http_parse_response(s->head, s->hlen, NULL, &r, h, 64);
		if (hl < 0 || (hl == 0 && s->hlen == RBUF))
			return -1;
		if (hl == 0)
			return 0;
		s->status = r.status;
		s->body_left = r.chunked ? -1 : r.content_length;
		if (s->body_left >= 0)
			s->body_left -= (int64_t)(s->hlen - (size_t)hl);
	} else if (s->body_left >= 0) {
		s->body_left -= (int64_t)n;
	}
	if (s->body_left == 0) {
		s->complete = 1;
		s->done_us = now_us();
	}
	return 0;
}

static void slot_read(struct bench *b, struct slot *s)
{
	uint8_t buf[RBUF];
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return slot_error(b, s, "recv", errno);
		if (n == 0) {
			/* Close-delimited answers end here; framed ones must be whole. */
			int ok = b->http ? (s->status && (s->complete || s->body_left < 0))
					 : s->sent == b->req_len;
			if (!ok)
				return slot_error(b, s, "answer from", ECONNRESET);
			return slot_finish(b, s);
		}
		if (slot_account(b, s, buf, (size_t)n) < 0)
			return slot_error(b, s, "answer from", 0);
	}
}

/* Give a finished slot the next request, if any is left. */
static void refill(struct bench *b, struct slot *s)
{
	while (s->state == SLOT_IDLE && b->started < b->o->count)
		slot_start(b, s);
}

static void expire(struct bench *b, struct slot *slots, int c)
{
	uint64_t now = up_now_ms();
	for (int i = 0; i < c; i++) {
		struct slot *s = &slots[i];
		if (s->state == SLOT_IDLE || now < s->deadline_ms)
			continue;
		if (s->complete)   /* whole answer, the node just kept it open */
			slot_finish(b, s);
		else
			slot_error(b, s, "timeout waiting for", ETIMEDOUT);
		refill(b, s);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void report(struct bench *b, double secs)
{
	long ok = b->finished - b->errors;
	printf("target      %s, %lld requests, %d connections\n", up_addr_str(&b->addr),
	       b->o->count, b->o->concurrency);
	printf("requests    %ld complete, %ld errors\n", ok, b->errors);
	printf("time        %.3f s\n", secs);
	printf("rate        %.1f requests/s\n", secs > 0 ? ok / secs : 0.0);
	if (ok > 0) {
		qsort(b->lat_us, (size_t)ok, sizeof *b->lat_us, cmp_u32);
#define PCT(p) (b->lat_us[(size_t)((ok - 1) * (p) / 100)] / 1000.0)
		printf("latency     p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
		       PCT(50), PCT(90), PCT(99), b->lat_us[ok - 1] / 1000.0);
#undef PCT
	}
	if (b->http && ok > 0) {
		printf("status     ");
		for (int i = 0; i < 600; i++)
			if (b->status_count[i])
				printf(" %d: %ld", i, b->status_count[i]);
		printf("\n");
	}
	if (b->first_error[0])
		warn("%ld errors, the first: %s", b->errors, b->first_error);
}

/* The request once, packet and body together, sent as is every time. */
static void build_request(struct bench *b, uint8_t **owned)
{
	const struct send_opts *o = b->o;
	static uint8_t pkt[REQUEST_MAX];
	struct body body;
	body_open(&body, o->mode == MODE_WSGI ? &o->data : NULL);
	body_load(&body, 64u << 20);
	size_t n = request_build(o, NULL, body.present ? (int64_t)body.len : -1, pkt);
	if (o->verbose)
		request_print(pkt, n);
	uint8_t *r = malloc(n + body.len);
	if (!r)
		die(EXIT_SEND_USAGE, "out of memory");
	memcpy(r, pkt, n);
	if (body.len)
		memcpy(r + n, body.mem, body.len);
	b->req = r;
	b->req_len = n + body.len;
	*owned = r;
	body_close(&body);
}

int bench_run(const struct send_opts *o)
{
	struct bench b = { .o = o, .http = o->mode == MODE_WSGI };
	uint8_t *owned;
	if (o->count > MAX_COUNT)
		die(EXIT_SEND_USAGE, "-n: at most %ld requests per run", MAX_COUNT);
	conn_resolve(o, &b.addr);
	build_request(&b, &owned);
	b.timeout_ms = o->timeout_ms >= 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	b.lat_us = malloc((size_t)o->count * sizeof *b.lat_us);
	int c = o->concurrency < o->count ? o->concurrency : (int)o->count;
	struct slot *slots = calloc((size_t)c, sizeof *slots);
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!b.lat_us || !slots || b.epfd < 0)
		die(EXIT_SEND_USAGE, "cannot set up the benchmark: %s", strerror(errno));

	uint64_t t0 = now_us(), next_expiry = up_now_ms() + 100;
	for (int i = 0; i < c; i++)
		refill(&b, &slots[i]);
	struct epoll_event ev[256];
	while (b.finished < o->count) {
		int n = epoll_wait(b.epfd, ev, 256, 100);
		for (int i = 0; i < n; i++) {
			struct slot *s = ev[i].data.ptr;
			if (s->state == SLOT_CONNECTING || s->state == SLOT_SENDING)
				slot_send(&b, s);
			else if (s->state == SLOT_READING)
				slot_read(&b, s);
			refill(&b, s);
		}
		if (up_now_ms() >= next_expiry) {
			expire(&b, slots, c);
			next_expiry = up_now_ms() + 100;
		}
	}
	double secs = (double)(now_us() - t0) / 1e6;
	report(&b, secs);
	close(b.epfd);
	free(slots);
	free(b.lat_us);
	free(owned);
	if (b.connect_errors == o->count)
		return EXIT_SEND_CONNECT;
	return b.errors ? EXIT_SEND_RESPONSE : EXIT_SEND_OK;
}
