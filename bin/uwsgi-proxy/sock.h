/* Socket calls the library's net.h does not have: a connect that does not
 * wait (the loop learns the outcome), a UDP socket for subscriptions
 * (joining a multicast group when the address is one), and the last
 * error of a socket. Linux-only flags stay in this file. */
#ifndef UWSGI_PROXY_SOCK_H
#define UWSGI_PROXY_SOCK_H

#include "uwsgiproto/net.h"

/* Start connecting a non-blocking, close-on-exec socket to a. Returns the
 * fd and sets *pending (1: in progress, wait for writability and check
 * sock_error; 0: connected), or -1 with errno set. */
int sock_connect(const up_addr_t *a, int *pending);

/* The pending error of a socket (SO_ERROR): 0 when the connect worked. */
int sock_error(int fd);

/* A non-blocking UDP socket bound to a; for a multicast group address it
 * binds the group's port on every interface and joins the group. Returns
 * the fd or -1 with err filled. */
int sock_udp(const up_addr_t *a, up_err_t *err);

/* Turn Nagle off on TCP sockets (requests and answers are small and go
 * out whole); nothing for UNIX sockets. */
void sock_nodelay(int fd, int family);

/* Make close() reset the connection instead of the FIN exchange: for a
 * backend connection whose answer we have whole, it spares both ends the
 * teardown and leaves no TIME-WAIT socket holding an ephemeral port. */
void sock_reset_on_close(int fd);

#endif
