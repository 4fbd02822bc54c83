/* uwsgi-proxy: what the modules share: the process-wide state and the
 * exit codes. One process, one event loop, no threads. */
#ifndef UWSGI_PROXY_H
#define UWSGI_PROXY_H

#include <stddef.h>
#include <time.h>

#define container_of(p, T, m) ((T *)(void *)((char *)(p) - offsetof(T, m)))

#include "conf.h"
#include "loop.h"
#include "node.h"

/* Exit statuses, documented in uwsgi-proxy(1). */
enum proxy_exit {
	EXIT_PROXY_OK = 0,       /* stopped by SIGINT/SIGTERM after draining */
	EXIT_PROXY_USAGE = 1,    /* bad options or configuration file */
	EXIT_PROXY_SOCKET = 2,   /* a socket could not be bound */
	EXIT_PROXY_RUNTIME = 3,  /* the event loop failed, out of memory */
};

enum front { FRONT_UWSGI, FRONT_HTTP };

struct proxy;

/* A front socket (or the stats socket): what it was configured as, so a
 * reload can keep the ones still wanted. */
struct listener {
	struct io io;
	struct proxy *px;
	enum front front;
	up_addr_t addr;
	int made_file;           /* we created a UNIX socket file */
	int keep;                /* reload: still in the configuration */
	char host[64];           /* numeric host, for SERVER_NAME */
	int port;                /* for SERVER_PORT */
	struct listener *next;
};

struct proxy {
	struct loop loop;
	struct conf conf;
	struct registry reg;
	struct listener *listeners;
	int argc;                /* kept for SIGHUP: the command line is */
	char **argv;             /* read again with the ini files */
	size_t bufsz;            /* relay buffer per direction */
	long long nconns;        /* client connections open now */
	long long requests;      /* requests routed */
	long long refused;       /* 5xx answers and refused uwsgi requests */
	int draining;            /* SIGINT/SIGTERM seen */
	time_t started;
	struct timer drain_timer;
	struct subs *subs;       /* subscription server, or NULL */
	struct stats_srv *stats; /* stats server, or NULL */
	struct checker *checker; /* active health checks */
};

#endif
