/* Framing the answer: uwsgi sockets get the raw HTTP response as uWSGI
 * sends it (close-delimited); HTTP sockets get HTTP/1.1 with Content-Length
 * or chunked framing so the connection can be kept alive. The head waits in
 * c->head and leaves with the first body bytes in one writev. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include "request.h"
#include "uwsgiproto/net.h"

static int is(const struct var *h, const char *name)
{
	return h->kl == strlen(name) && strncasecmp(h->k, name, h->kl) == 0;
}

static int put(struct request *r, const void *p, size_t n)
{
	return up_buf_append(&r->c->head, p, n);
}

/* Decide the body framing of an HTTP socket and add its headers. */
static int http_framing(struct request *r, int64_t cl, int64_t known, int app_close)
{
	int bodyless = r->status < 200 || r->status == 204 || r->status == 304;
	char line[64];
	int rc = 0;
	if (app_close)
		r->keep_alive = 0;
	if (cl < 0 && known >= 0 && !bodyless) {
		cl = known;
		snprintf(line, sizeof line, "Content-Length: %lld\r\n", (long long)cl);
		rc |= put(r, line, strlen(line));
	}
	if (cl < 0 && !bodyless && !r->head_only) {
		if (r->http_minor >= 1) {
			r->resp_chunked = 1;
			rc |= put(r, "Transfer-Encoding: chunked\r\n", 28);
		} else {
			r->keep_alive = 0;  /* the close marks the end */
		}
	}
	/* A worker on its way out tells the client, so that its next request
	 * goes to a new connection instead of into a closing one. */
	if (r->c->closing && *r->c->closing)
		r->keep_alive = 0;
	if (!r->keep_alive)
		rc |= put(r, "Connection: close\r\n", 19);
	else if (r->http_minor == 0)
		rc |= put(r, "Connection: keep-alive\r\n", 24);
	r->resp_left = bodyless ? 0 : cl;
	return rc;
}

int resp_head(struct request *r, const char *status_line, size_t status_len,
	      const struct var *hdrs, size_t nhdrs, int64_t cl, int64_t known)
{
	struct conn *c = r->c;
	int app_close = 0, rc = 0;
	up_buf_reset(&c->head);
	r->status = 0;
	for (size_t i = 0; i < 3 && i < status_len; i++)
		r->status = r->status * 10 + (status_line[i] - '0');
	if (c->http)
		rc |= put(r, "HTTP/1.1 ", 9);
	else if (r->proto_len > 5 && memcmp(r->proto, "HTTP/", 5) == 0)
		rc |= put(r, r->proto, r->proto_len) | put(r, " ", 1);
	else
		rc |= put(r, "HTTP/1.0 ", 9);
	rc |= put(r, status_line, status_len) | put(r, "\r\n", 2);
	for (size_t i = 0; i < nhdrs; i++) {
		const struct var *h = &hdrs[i];
		if (c->http && (is(h, "Transfer-Encoding") || is(h, "Keep-Alive")))
			continue;  /* hop-by-hop: the framing is ours */
		if (c->http && is(h, "Connection")) {
			app_close = h->vl == 5 && strncasecmp(h->v, "close", 5) == 0;
			continue;
		}
		rc |= put(r, h->k, h->kl) | put(r, ": ", 2) | put(r, h->v, h->vl) |
		      put(r, "\r\n", 2);
		r->resp_headers++;
	}
	r->resp_left = cl;
	if (c->http)
		rc |= http_framing(r, cl, known, app_close);
	rc |= put(r, "\r\n", 2);
	r->head_sent = 1;
	r->resp_head_bytes = c->head.len;
	if (rc) {
		snprintf(r->err, sizeof r->err, "response head too large");
		r->write_error = 1;
		return -1;
	}
	return 0;
}

static int send_iov(struct request *r, struct iovec *iov, int n)
{
	up_err_t err;
	if (up_writev_all(r->c->fd, iov, n, r->c->timeout_ms, r->c->peer, &err) < 0) {
		if (!r->err[0])
			snprintf(r->err, sizeof r->err, "%.150s", err.msg);
		r->write_error = 1;
		return -1;
	}
	up_buf_reset(&r->c->head);
	return 0;
}

int resp_body(struct request *r, const void *p, size_t n)
{
	struct conn *c = r->c;
	if (r->write_error)
		return -1;
	if (r->head_only || r->resp_left == 0)
		n = 0;  /* HEAD, or more than Content-Length announced: dropped */
	if (r->resp_left > 0 && (uint64_t)r->resp_left < n)
		n = (size_t)r->resp_left;
	if (n == 0 && c->head.len == 0)
		return 0;
	struct iovec iov[4];
	int k = 0;
	char ch[UP_CHUNKED_HEADER_MAX];
	if (c->head.len)
		iov[k++] = (struct iovec){ up_buf_head(&c->head), c->head.len };
	if (n && r->resp_chunked) {
		int hl = up_chunked_header((uint8_t *)ch, sizeof ch, n);
		iov[k++] = (struct iovec){ ch, (size_t)hl };
	}
	if (n)
		iov[k++] = (struct iovec){ (void *)p, n };
	if (n && r->resp_chunked)
		iov[k++] = (struct iovec){ "\r\n", 2 };
	if (send_iov(r, iov, k) < 0)
		return -1;
	r->resp_bytes += n;
	if (r->resp_left > 0)
		r->resp_left -= (int64_t)n;
	return 0;
}

int resp_sendfile(struct request *r, int fd, off_t off, uint64_t n)
{
	if (r->resp_chunked || r->head_only || r->c->head.len) {
		/* Framing or the head must go first: small files via read. */
		if (resp_body(r, "", 0) < 0)
			return -1;
		if (r->resp_chunked) {
			char tmp[65536];
			while (n > 0) {
				ssize_t got = pread(fd, tmp, n < sizeof tmp ? n : sizeof tmp, off);
				if (got <= 0)
					return -1;
				if (resp_body(r, tmp, (size_t)got) < 0)
					return -1;
				off += got;
				n -= (uint64_t)got;
			}
			return 0;
		}
		if (r->head_only)
			return 0;
	}
	if (r->resp_left >= 0 && (uint64_t)r->resp_left < n)
		n = (uint64_t)r->resp_left;
	while (n > 0) {
		ssize_t s = sendfile(r->c->fd, fd, &off, n > (1u << 30) ? (1u << 30) : n);
		if (s < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = { .fd = r->c->fd, .events = POLLOUT };
			if (poll(&pfd, 1, r->c->timeout_ms) <= 0) {
				snprintf(r->err, sizeof r->err, "write %s: timed out", r->c->peer);
				r->write_error = 1;
				return -1;
			}
			continue;
		}
		if (s <= 0) {
			snprintf(r->err, sizeof r->err, "sendfile to %s: %s", r->c->peer,
				 s < 0 ? strerror(errno) : "file ended early");
			r->write_error = 1;
			return -1;
		}
		n -= (uint64_t)s;
		r->resp_bytes += (uint64_t)s;
		if (r->resp_left > 0)
			r->resp_left -= s;
	}
	return 0;
}

int resp_end(struct request *r)
{
	if (r->write_error)
		return -1;
	if (r->resp_chunked && !r->head_only) {
		struct iovec iov[2];
		int k = 0;
		if (r->c->head.len)
			iov[k++] = (struct iovec){ up_buf_head(&r->c->head), r->c->head.len };
		iov[k++] = (struct iovec){ "0\r\n\r\n", 5 };
		return send_iov(r, iov, k);
	}
	if (resp_body(r, "", 0) < 0)
		return -1;
	if (r->resp_left > 0 && !r->head_only) {
		/* The app sent less than its Content-Length: the client would
		 * wait for the rest, so the connection has to end here. */
		snprintf(r->err, sizeof r->err, "response shorter than its "
			 "Content-Length by %lld bytes", (long long)r->resp_left);
		r->keep_alive = 0;
	}
	return 0;
}

void resp_error(struct request *r, int status, const char *text)
{
	char status_line[64], cl[24];
	snprintf(status_line, sizeof status_line, "%d %s", status, up_http_status_text(status));
	size_t tl = strlen(text);
	snprintf(cl, sizeof cl, "%zu", tl);
	struct var h[2] = {
		{ "Content-Type", "text/plain", 12, 10 },
		{ "Content-Length", cl, 14, (uint16_t)strlen(cl) },
	};
	r->keep_alive = 0;
	if (resp_head(r, status_line, strlen(status_line), h, 2, (int64_t)tl, -1) == 0 &&
	    resp_body(r, text, tl) == 0)
		resp_end(r);
}
