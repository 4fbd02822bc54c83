/* The listening sockets: bound by the master before anything else (and
 * before dropping privileges), or handed over by systemd (LISTEN_FDS);
 * shared by every worker; UNIX socket files removed at exit with --vacuum. */
#ifndef UWSGI_SERVER_SOCKETS_H
#define UWSGI_SERVER_SOCKETS_H

#include <stddef.h>

#include "config.h"
#include "uwsgiproto/net.h"

struct listener {
	int fd;
	enum socket_proto proto;
	up_addr_t addr;
	int inherited;           /* from systemd: never unlinked */
};

struct listeners {
	struct listener *v;
	size_t n;
};

/* Take systemd's sockets, bind the configured ones that are not among
 * them. Exits 1 naming the address when one cannot be bound; exits 1 when
 * there is no socket at all. */
void sockets_open(const struct config *c, struct listeners *ls);

/* Remove the UNIX socket files we created (--vacuum). */
void sockets_vacuum(const struct config *c, const struct listeners *ls);

#endif
