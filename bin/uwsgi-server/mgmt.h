/* Management over the protocol (modifier1 98 graceful reload, 97 brutal):
 * allowed on UNIX sockets, whose file permissions guard them, and from
 * the addresses of --management-allow ADDR[/BITS]. */
#ifndef UWSGI_SERVER_MGMT_H
#define UWSGI_SERVER_MGMT_H

#include "config.h"
#include "request.h"

/* Parse --management-allow; exits 1 naming a malformed entry. */
void mgmt_init(const struct config *c);

/* 1 when the request's connection may manage the server. */
int mgmt_allowed(const struct request *r);

/* The signal that asks the master for a brutal reload. */
#define MGMT_SIG_BRUTAL (SIGRTMIN + 1)

#endif
