/* What the master and the workers share: configuration, sockets, apps,
 * the scoreboard, the static file maps. */
#ifndef UWSGI_SERVER_SERVER_H
#define UWSGI_SERVER_SERVER_H

#include <signal.h>

#include "config.h"
#include "pyapp.h"
#include "scoreboard.h"
#include "sockets.h"

struct static_files;

struct server {
	struct config *c;
	struct listeners ls;
	struct apps apps;
	struct scoreboard *sb;
	struct static_files *statics;
	int master_pid;
	char **argv;              /* to re-execute the master on reload */
	long long start_time;     /* Unix time the master started */
};

/* Run worker `wid` (1-based) in the calling process until it is told to
 * stop; never returns. Called right after fork (GIL held) or, without a
 * master, in the only process. */
void worker_run(struct server *s, int wid) __attribute__((noreturn));

/* Fork the workers and look after them until shutdown; returns the exit
 * status. Called with the GIL held. */
int master_run(struct server *s);

#endif
