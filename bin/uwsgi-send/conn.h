/* The connection to the node: address, connect with its own timeout, and
 * I/O bounded by one deadline for the whole exchange (-t). Failures that
 * end the program exit with the code uwsgi-send(1) documents. */
#ifndef UWSGI_SEND_CONN_H
#define UWSGI_SEND_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "send.h"
#include "uwsgiproto/net.h"

struct conn {
	int fd;
	up_addr_t addr;
	const char *peer;     /* printable address, for messages */
	uint64_t deadline;    /* CLOCK_MONOTONIC ms; 0 when there is none */
	int timeout_ms;       /* -t as given, for messages */
};

/* Resolve o->address into *a; exits 1 (bad address) or 2 (resolve). */
void conn_resolve(const struct send_opts *o, up_addr_t *a);

/* Resolve and connect; exits 2 (refused, unreachable) or 3 (timeout). The
 * deadline of the exchange starts here. */
void conn_open(struct conn *c, const struct send_opts *o);

/* Milliseconds left before the deadline (-1: no deadline). */
int conn_left(const struct conn *c);

/* Send n bytes. Returns 0, or UP_ECLOSED/UP_ESYS when the node stopped
 * reading (it may have answered already: read on); exits 3 on timeout. */
int conn_send(struct conn *c, const void *p, size_t n);

/* Read what is there (up to cap). Returns > 0, or 0 when the node closed;
 * exits 3 on timeout and 4 on a broken connection. */
size_t conn_read(struct conn *c, void *buf, size_t cap);

/* Read exactly n bytes; exits 4 naming `what` if the node closes first. */
void conn_read_exact(struct conn *c, void *buf, size_t n, const char *what);

/* Exit 4: "ADDRESS: empty reply from server". */
void conn_empty_reply(const struct conn *c) __attribute__((noreturn));

/* Exit 3 with a message naming the limit that passed. */
void conn_timed_out(const struct conn *c) __attribute__((noreturn));

void conn_close(struct conn *c);

#endif
