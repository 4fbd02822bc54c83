/* Addresses, listening and connected sockets, and I/O with deadlines.
 *
 * Address text (what users type after --socket or as a tool's argument):
 *
 *   host:port       a name or an IPv4 literal; names resolve with
 *                   getaddrinfo and the first result wins (IPv4 or IPv6)
 *   :port           every IPv4 interface (0.0.0.0:port)
 *   [v6]:port       an IPv6 literal, always in brackets ([::1]:3031, [::]:80)
 *   /path, ./path   a UNIX socket path; any text containing '/' or starting
 *                   with '.' is a path, so "./x:80" is a file name
 *   @name           a Linux abstract UNIX socket (sun_path[0] is NUL)
 *
 * Ports are decimal, 0..65535; port 0 parses (listening on it binds an
 * ephemeral port, see up_addr_local) but up_connect refuses it.
 *
 * Descriptors returned here are always close-on-exec. Error messages name the
 * operation, the address and the cause ("connect 127.0.0.1:3031: Connection
 * refused"); the I/O calls take a `peer` label for that purpose. On UP_ESYS
 * and UP_ECLOSED, err->sys_errno (and errno) hold the system's reason.
 *
 * This is the one module holding Linux-only socket calls (accept4,
 * SOCK_CLOEXEC/SOCK_NONBLOCK, abstract sockets).
 */
#ifndef UWSGIPROTO_NET_H
#define UWSGIPROTO_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "uwsgiproto/error.h"

/* Longest address text accepted, including the terminating NUL. */
#define UP_ADDR_TEXT_MAX 256

/* A parsed, resolved socket address. Plain data: copy it freely. */
typedef struct up_addr {
	struct sockaddr_storage ss;   /* the address itself */
	socklen_t len;                /* its length, ready for bind/connect */
	int family;                   /* AF_INET, AF_INET6 or AF_UNIX */
	char text[UP_ADDR_TEXT_MAX];  /* the text as given ("localhost:3031") */
	char name[UP_ADDR_TEXT_MAX];  /* printable numeric form ("127.0.0.1:3031") */
} up_addr_t;

/* Options for up_listen; a NULL pointer or all-zero struct means defaults. */
typedef struct up_listen_opts {
	int backlog;          /* listen() backlog; 0 means 100 */
	int unlink_existing;  /* UNIX path: remove a stale socket file first
	                         (only a socket nobody is listening on) */
	unsigned mode;        /* UNIX path: chmod to this after bind; 0 leaves
	                         the umask's choice */
	int nonblock;         /* return the fd in non-blocking mode */
} up_listen_opts_t;

/* Parse and resolve address text (see the top of this file) into *out.
 * Returns 0, UP_EADDR for text that does not parse (empty, missing or bad
 * port, unterminated '[', unbracketed IPv6, a path too long for sun_path,
 * text of UP_ADDR_TEXT_MAX bytes or more), UP_ERESOLVE for a name that does
 * not resolve ("resolve nosuchhost.invalid: Name or service not known"). */
int up_addr_parse(const char *text, up_addr_t *out, up_err_t *err);

/* The printable numeric form of a: "127.0.0.1:3031", "[::1]:3031",
 * "/tmp/x.sock", "@name". Points into a; never NULL. */
const char *up_addr_str(const up_addr_t *a);

/* The port of an IPv4/IPv6 address (0 for UNIX sockets). */
int up_addr_port(const up_addr_t *a);

/* Fill *out from a socket address (from accept, getsockname...); text and
 * name both get the printable form. Returns 0 or UP_EINVAL for a family
 * other than AF_INET, AF_INET6, AF_UNIX or a length that does not fit. */
int up_addr_set(up_addr_t *out, const struct sockaddr *sa, socklen_t len);

/* Fill *out with the local address of socket fd (getsockname): how to learn
 * the port the kernel picked after listening on port 0. 0 or UP_ESYS. */
int up_addr_local(int fd, up_addr_t *out, up_err_t *err);

/* Print a socket address into out[cap] the way up_addr_str does. An unnamed
 * UNIX socket (the usual peer on a UNIX listener) prints as "" and bytes of
 * an abstract name that are not printable as '?'. Returns the length written
 * (without the NUL), UP_ENOSPACE if cap is too small (out then holds ""), or
 * UP_EINVAL for an unknown family or a short length. */
int up_addr_format(const struct sockaddr *sa, socklen_t len, char *out, size_t cap);

/* The numeric host ("127.0.0.1", "::1", no brackets) into host[hostcap] and
 * the port into *port, e.g. for REMOTE_ADDR and REMOTE_PORT. A UNIX socket
 * gives its up_addr_format text as host and port 0. port may be NULL.
 * Returns 0, UP_ENOSPACE or UP_EINVAL as up_addr_format. */
int up_addr_host_port(const struct sockaddr *sa, socklen_t len,
                      char *host, size_t hostcap, int *port);

/* Create a listening socket on a, with SO_REUSEADDR on TCP. For [::] the
 * kernel's IPV6_V6ONLY default is kept (on Linux usually dual-stack, see
 * net.ipv6.bindv6only). o may be NULL. Returns the fd (the caller owns and
 * closes it; a UNIX socket file stays until the caller unlinks it) or
 * UP_ESYS ("bind [::1]:80: Permission denied"). On failure nothing is left
 * behind: no fd, and no socket file this call created. */
int up_listen(const up_addr_t *a, const up_listen_opts_t *o, up_err_t *err);

/* Accept one connection on listening socket lfd. The new fd is close-on-exec
 * and non-blocking if nonblock is set; the caller owns it. If peer is not
 * NULL it receives the peer's address. Returns the fd, or UP_ESYS with errno
 * set; EINTR, EAGAIN and ECONNABORTED are returned, not retried, so an event
 * loop can tell them apart. */
int up_accept(int lfd, up_addr_t *peer, int nonblock, up_err_t *err);

/* Connect to a, waiting at most timeout_ms (< 0: no limit). Returns a
 * connected, BLOCKING, close-on-exec fd the caller owns, or UP_ETIMEDOUT
 * ("connect 10.0.0.1:3031: timed out after 4000 ms"), UP_ESYS ("connect
 * 127.0.0.1:3031: Connection refused"), UP_EADDR for port 0. An abstract
 * name that refuses is tried once more with a trailing NUL byte in the
 * address, the spelling uWSGI binds "@name" with. */
int up_connect(const up_addr_t *a, int timeout_ms, up_err_t *err);

/* The I/O calls below work on blocking and non-blocking fds alike: they
 * poll before each system call and retry EINTR and EAGAIN. timeout_ms bounds
 * the whole call (one CLOCK_MONOTONIC deadline set on entry), not each
 * system call, so a peer trickling bytes cannot stretch it; < 0 means no
 * limit, 0 means only what is possible right now. peer labels the messages
 * ("read 127.0.0.1:3031: timed out after 4000 ms"); NULL gives "read: ...".
 * A reset or broken connection (ECONNRESET, EPIPE) is UP_ECLOSED with the
 * errno kept; a timeout is UP_ETIMEDOUT; other failures are UP_ESYS. */

/* Read up to cap bytes (cap > 0). Returns the count (> 0), 0 at end of file,
 * or a negative code. */
ssize_t up_read_some(int fd, void *buf, size_t cap, int timeout_ms,
                     const char *peer, up_err_t *err);

/* Read exactly n bytes. Returns 0, or UP_ECLOSED if the peer closes first
 * ("read PEER: connection closed after 3 of 10 bytes"), or another code; on
 * failure an unknown number of bytes has been consumed. */
int up_read_exact(int fd, void *buf, size_t n, int timeout_ms,
                  const char *peer, up_err_t *err);

/* Write all n bytes. Sockets are written with send(MSG_NOSIGNAL |
 * MSG_DONTWAIT), so a closed peer gives UP_ECLOSED (EPIPE), never SIGPIPE,
 * and a blocking socket cannot overrun the deadline. Other fds (pipes,
 * files, ttys) fall back to write(): SIGPIPE there is the tool's to ignore,
 * and a blocking one under a deadline is written PIPE_BUF bytes at a time.
 * Returns 0 or a negative code (an unknown prefix may have been written). */
int up_write_all(int fd, const void *buf, size_t n, int timeout_ms,
                 const char *peer, up_err_t *err);

/* Write every byte of iov[0..iovcnt) in order, as up_write_all, resuming
 * partial writes mid-vector. The array is used as scratch: entries are
 * advanced past what was written, so the caller must rebuild it before
 * reusing it. Returns 0 or a negative code. */
int up_writev_all(int fd, struct iovec *iov, int iovcnt, int timeout_ms,
                  const char *peer, up_err_t *err);

/* Milliseconds on CLOCK_MONOTONIC, for deadlines and elapsed times. */
uint64_t up_now_ms(void);

/* The milliseconds from now until deadline (an up_now_ms() value), 0 once
 * it has passed: the timeout_ms of the next call in an exchange that has
 * one deadline for all its calls. */
int up_ms_left(uint64_t deadline);

/* Set (on != 0) or clear O_NONBLOCK on fd. 0, or UP_ESYS with errno set. */
int up_set_nonblock(int fd, int on);

#endif
