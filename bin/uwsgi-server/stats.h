/* The stats server (--stats ADDR): one JSON document per connection, in
 * the schema of uWSGI 2.0's stats server, so uwsgitop, check scripts and
 * uwsgi-stats read it as they read uWSGI's. Served by the master. */
#ifndef UWSGI_SERVER_STATS_H
#define UWSGI_SERVER_STATS_H

#include "server.h"
#include "uwsgiproto/buf.h"

/* Bind --stats; -1 when it is not configured. Exits 1 when it cannot be
 * bound. */
int stats_open(const struct config *c);

/* Accept the waiting connections on fd and answer each with the document
 * (as an HTTP response with --stats-http). */
void stats_serve(struct server *s, int fd);

/* Connections waiting to be accepted on a listening socket and its
 * backlog, from TCP_INFO (0 and 0 for UNIX sockets). */
void listen_queue(int fd, unsigned *queue, unsigned *max);

/* The document itself, appended to out. */
int stats_json(struct server *s, up_buf_t *out);

#endif
