/* Listening, accepting, connecting, and I/O with deadlines. See
 * uwsgiproto/net.h. The only file in lib/ using accept4 and SOCK_* flags. */
#include "uwsgiproto/net.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

uint64_t up_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int up_ms_left(uint64_t deadline)
{
	uint64_t now = up_now_ms();
	return now >= deadline ? 0 : (int)(deadline - now);
}

int up_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return UP_ESYS;
	int nfl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (nfl != fl && fcntl(fd, F_SETFL, nfl) < 0)
		return UP_ESYS;
	return 0;
}

/* One deadline for a whole operation; ms < 0 means none. */
struct deadline {
	uint64_t at;
	int ms;
};

static struct deadline deadline_start(int timeout_ms)
{
	struct deadline d = { 0, timeout_ms };

	if (timeout_ms >= 0)
		d.at = up_now_ms() + (uint64_t)timeout_ms;
	return d;
}

/* Milliseconds left, for poll(): -1 for no deadline, 0 once it passed. */
static int remaining(const struct deadline *d)
{
	if (d->ms < 0)
		return -1;
	uint64_t now = up_now_ms();
	if (now >= d->at)
		return 0;
	uint64_t left = d->at - now;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Message pieces: "read PEER" or just "read" when peer is NULL. */
static const char *sp(const char *peer) { return peer ? " " : ""; }
static const char *nz(const char *peer) { return peer ? peer : ""; }

/* A connection the peer tore down is UP_ECLOSED, anything else UP_ESYS. */
static int sys_fail(up_err_t *err, const char *verb, const char *peer)
{
	int code = errno == EPIPE || errno == ECONNRESET ? UP_ECLOSED : UP_ESYS;

	return up_err_sys(err, code, "%s%s%s", verb, sp(peer), nz(peer));
}

static int timed_out(up_err_t *err, const char *verb, const char *peer,
                     const struct deadline *d)
{
	return up_err_set(err, UP_ETIMEDOUT, "%s%s%s: timed out after %d ms",
	                  verb, sp(peer), nz(peer), d->ms);
}

/* Wait until fd is ready for events (or has an error or hangup, which the
 * next system call will report) or the deadline passes. */
static int wait_fd(int fd, short events, const struct deadline *d,
                   const char *verb, const char *peer, up_err_t *err)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int r = poll(&p, 1, remaining(d));
		if (r > 0) {
			if (p.revents & POLLNVAL) {
				errno = EBADF;
				return sys_fail(err, verb, peer);
			}
			return 0;
		}
		if (r == 0)
			return timed_out(err, verb, peer, d);
		if (errno != EINTR)
			return sys_fail(err, verb, peer);
	}
}

static void close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

/* ---- listening and accepting ------------------------------------------ */

static const char *sun_path_of(const up_addr_t *a)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&a->ss;

	if (a->family != AF_UNIX || a->len <= offsetof(struct sockaddr_un, sun_path)
	    || sun->sun_path[0] == '\0')
		return NULL;
	return sun->sun_path;
}

/* Remove the socket file at a's path if nobody listens on it any more. A
 * live socket or a file that is not a socket is left alone and reported. */
static int unlink_stale(const up_addr_t *a, const char *path, up_err_t *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return up_err_sys(err, UP_ESYS, "stat %s", path);
	}
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE;
		return up_err_sys(err, UP_ESYS, "bind %s: not a socket, left in "
		                  "place", path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return up_err_sys(err, UP_ESYS, "socket %s", path);
	int r = connect(fd, (const struct sockaddr *)&a->ss, a->len);
	int e = errno;
	close(fd);
	if (r == 0 || e == EAGAIN || e == EINPROGRESS) {
		errno = EADDRINUSE;
		return up_err_sys(err, UP_ESYS, "bind %s: another process is "
		                  "listening on it", path);
	}
	if (e != ECONNREFUSED)
		return 0;  /* can't tell; bind will say what is wrong */
	if (unlink(path) < 0 && errno != ENOENT)
		return up_err_sys(err, UP_ESYS, "unlink %s", path);
	return 0;
}

int up_listen(const up_addr_t *a, const up_listen_opts_t *o, up_err_t *err)
{
	const up_listen_opts_t defaults = { 0 };
	const char *name = up_addr_str(a);
	const char *path = sun_path_of(a);
	int fd, rc, bound = 0, one = 1;

	if (!o)
		o = &defaults;
	if (path && o->unlink_existing && (rc = unlink_stale(a, path, err)) < 0)
		return rc;
	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC |
	            (o->nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return up_err_sys(err, UP_ESYS, "socket %s", name);
	if (a->family != AF_UNIX &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
		rc = up_err_sys(err, UP_ESYS, "setsockopt SO_REUSEADDR %s", name);
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		rc = up_err_sys(err, UP_ESYS, "bind %s", name);
		goto fail;
	}
	bound = 1;
	/* Before listen(): nobody can connect while the mode is still wrong. */
	if (path && o->mode && chmod(path, (mode_t)(o->mode & 07777)) < 0) {
		rc = up_err_sys(err, UP_ESYS, "chmod %s", name);
		goto fail;
	}
	if (listen(fd, o->backlog > 0 ? o->backlog : 100) < 0) {
		rc = up_err_sys(err, UP_ESYS, "listen %s", name);
		goto fail;
	}
	return fd;
fail:
	close_keep_errno(fd);
	if (bound && path) {
		int e = errno;
		unlink(path);
		errno = e;
	}
	return rc;
}

int up_accept(int lfd, up_addr_t *peer, int nonblock, up_err_t *err)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &len,
	                 SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));

	if (fd < 0) {
		if (err) {
			/* Name the listener; only worth a syscall on failure. */
			int e = errno;
			up_addr_t self;
			const char *name = NULL;
			if (up_addr_local(lfd, &self, NULL) == 0 && self.name[0])
				name = up_addr_str(&self);
			errno = e;
			up_err_sys(err, UP_ESYS, "accept%s%s", sp(name), nz(name));
		}
		return UP_ESYS;
	}
	if (peer && up_addr_set(peer, (struct sockaddr *)&ss, len) < 0) {
		memset(peer, 0, sizeof *peer);
		peer->family = ss.ss_family;
	}
	return fd;
}

/* ---- connecting -------------------------------------------------------- */

/* Wait for a non-blocking connect in progress and collect its result. */
static int connect_finish(int fd, const char *name, const struct deadline *d,
                          up_err_t *err)
{
	int rc, e = 0;
	socklen_t el = sizeof e;

	if ((rc = wait_fd(fd, POLLOUT, d, "connect", name, err)) < 0)
		return rc;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
		return up_err_sys(err, UP_ESYS, "connect %s", name);
	if (e) {
		errno = e;
		return up_err_sys(err, UP_ESYS, "connect %s", name);
	}
	return 0;
}

static int connect_wait(int fd, const up_addr_t *a, const struct deadline *d,
                        up_err_t *err)
{
	const char *name = up_addr_str(a);
	int pause = 1;

	while (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		if (errno == EINPROGRESS || errno == EINTR)
			return connect_finish(fd, name, d, err);
		if (errno != EAGAIN || a->family != AF_UNIX)
			return up_err_sys(err, UP_ESYS, "connect %s", name);
		/* A UNIX listener with a full backlog gives EAGAIN and nothing
		 * to poll on: retry with a growing pause until the deadline. */
		int left = remaining(d);
		if (left == 0)
			return timed_out(err, "connect", name, d);
		poll(NULL, 0, left < 0 || left > pause ? pause : left);
		if (pause < 64)
			pause *= 2;
	}
	return 0;
}

static int is_abstract(const up_addr_t *a)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
	return a->family == AF_UNIX && a->len > offsetof(struct sockaddr_un, sun_path) &&
	       un->sun_path[0] == 0;
}

int up_connect(const up_addr_t *a, int timeout_ms, up_err_t *err)
{
	const char *name = up_addr_str(a);
	struct deadline d = deadline_start(timeout_ms);
	int fd, rc;

	if ((a->family == AF_INET || a->family == AF_INET6) && up_addr_port(a) == 0)
		return up_err_set(err, UP_EADDR, "connect %s: port 0 is not a "
		                  "destination", name);
	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return up_err_sys(err, UP_ESYS, "socket %s", name);
	rc = connect_wait(fd, a, &d, err);
	if (rc < 0 && errno == ECONNREFUSED && is_abstract(a)) {
		/* uWSGI binds "@name" with a trailing NUL in the address; try
		 * that spelling before giving up. */
		up_addr_t alt = *a;
		if (alt.len < sizeof alt.ss) {
			((char *)&alt.ss)[alt.len] = 0;
			alt.len++;
			close_keep_errno(fd);
			fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
			if (fd < 0)
				return up_err_sys(err, UP_ESYS, "socket %s", name);
			up_err_t err2;
			rc = connect_wait(fd, &alt, &d, &err2);
			if (rc < 0)
				errno = ECONNREFUSED;  /* report the first spelling's error */
		}
	}
	if (rc == 0 && up_set_nonblock(fd, 0) < 0)
		rc = up_err_sys(err, UP_ESYS, "connect %s: fcntl", name);
	if (rc < 0) {
		close_keep_errno(fd);
		return rc;
	}
	return fd;
}

/* ---- I/O with deadlines ------------------------------------------------ */

static ssize_t read_until(int fd, void *buf, size_t cap, const struct deadline *d,
                          const char *peer, up_err_t *err)
{
	/* Sockets are read with MSG_DONTWAIT first and polled only when they
	 * have nothing: one system call in the common case. Other fds under a
	 * deadline are polled first, since a blocking one would not return. */
	int sock = 1, must_wait = 0;

	for (;;) {
		if (must_wait) {
			int rc = wait_fd(fd, POLLIN, d, "read", peer, err);
			if (rc < 0)
				return rc;
		}
		ssize_t n = sock ? recv(fd, buf, cap, MSG_DONTWAIT) : read(fd, buf, cap);
		if (n >= 0)
			return n;
		if (sock && errno == ENOTSOCK) {
			sock = 0;
			must_wait = d->ms >= 0;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			must_wait = 1;
		} else if (errno != EINTR) {
			return sys_fail(err, "read", peer);
		}
	}
}

ssize_t up_read_some(int fd, void *buf, size_t cap, int timeout_ms,
                     const char *peer, up_err_t *err)
{
	struct deadline d = deadline_start(timeout_ms);

	if (cap == 0)
		return up_err_set(err, UP_EINVAL, "read%s%s: empty buffer",
		                  sp(peer), nz(peer));
	return read_until(fd, buf, cap, &d, peer, err);
}

int up_read_exact(int fd, void *buf, size_t n, int timeout_ms,
                  const char *peer, up_err_t *err)
{
	struct deadline d = deadline_start(timeout_ms);
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read_until(fd, p + got, n - got, &d, peer, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return up_err_set(err, UP_ECLOSED, "read%s%s: connection "
			                  "closed after %zu of %zu bytes",
			                  sp(peer), nz(peer), got, n);
		got += (size_t)r;
	}
	return 0;
}

/* How put() writes: decided on the first call, through ENOTSOCK. */
enum put_kind { PUT_UNKNOWN, PUT_SOCKET, PUT_WRITEV, PUT_BOUNDED };

/* One write of a prefix of iov[0..cnt) that never blocks for long, so the
 * caller's poll() keeps the deadline: sockets get sendmsg(MSG_DONTWAIT |
 * MSG_NOSIGNAL) whatever the fd's mode; other fds get writev(), except a
 * blocking one under a deadline, which gets at most PIPE_BUF bytes (what a
 * writable pipe is sure to take at once). */
static ssize_t put(int fd, struct iovec *iov, int cnt, int deadline,
                   enum put_kind *kind)
{
	if (*kind == PUT_UNKNOWN || *kind == PUT_SOCKET) {
		struct msghdr m;
		memset(&m, 0, sizeof m);
		m.msg_iov = iov;
		m.msg_iovlen = (size_t)cnt;
		ssize_t n = sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0 || errno != ENOTSOCK) {
			*kind = PUT_SOCKET;
			return n;
		}
		int fl = fcntl(fd, F_GETFL);
		*kind = deadline && fl >= 0 && !(fl & O_NONBLOCK) ? PUT_BOUNDED
		                                                  : PUT_WRITEV;
		if (deadline) {
			/* Not a socket: let the caller poll before the first write. */
			errno = EAGAIN;
			return -1;
		}
	}
	if (*kind == PUT_BOUNDED)
		return write(fd, iov->iov_base,
		             iov->iov_len < PIPE_BUF ? iov->iov_len : PIPE_BUF);
	return writev(fd, iov, cnt);
}

int up_writev_all(int fd, struct iovec *iov, int iovcnt, int timeout_ms,
                  const char *peer, up_err_t *err)
{
	struct deadline d = deadline_start(timeout_ms);
	/* Sockets are written with MSG_DONTWAIT: poll only once they are full. */
	int must_wait = 0;
	enum put_kind kind = PUT_UNKNOWN;

	if (iovcnt < 0 || (iovcnt > 0 && !iov))
		return up_err_set(err, UP_EINVAL, "write%s%s: bad iovec",
		                  sp(peer), nz(peer));
	for (;;) {
		while (iovcnt > 0 && iov->iov_len == 0) {
			iov++;
			iovcnt--;
		}
		if (iovcnt == 0)
			return 0;
		if (must_wait) {
			int rc = wait_fd(fd, POLLOUT, &d, "write", peer, err);
			if (rc < 0)
				return rc;
		}
		ssize_t n = put(fd, iov, iovcnt < IOV_MAX ? iovcnt : IOV_MAX,
		                timeout_ms >= 0, &kind);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				must_wait = 1;
			else if (errno != EINTR)
				return sys_fail(err, "write", peer);
			continue;
		}
		if (n == 0) {
			errno = EIO;
			return sys_fail(err, "write", peer);
		}
		size_t left = (size_t)n;
		while (left >= iov->iov_len) {  /* stops at the first entry not
		                                   fully written, or the end */
			left -= iov->iov_len;
			iov++;
			if (--iovcnt == 0)
				break;
		}
		if (iovcnt > 0 && left > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
}

int up_write_all(int fd, const void *buf, size_t n, int timeout_ms,
                 const char *peer, up_err_t *err)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };

	return up_writev_all(fd, &iov, 1, timeout_ms, peer, err);
}
