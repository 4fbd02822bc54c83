/* uwsgi signals: uWSGI's numbered events 0-255 (not Unix signals). A table
 * in memory shared by the master and its children says which numbers are
 * registered and where they go ("worker": one worker, "workers": all of
 * them, "workerN": worker N, "spooler": a spooler process); the timers that
 * raise them live there too. Any process raises a signal by writing its
 * number into the master's pipe; the master routes it into the target's
 * pipe; the target runs its Python handler between requests (a worker
 * thread idle in epoll, or the spooler between jobs).
 *
 * Handlers are Python objects, so they live in the process that registered
 * them: registered in the master while the apps load, every child inherits
 * them; registered in a worker (--lazy-apps), that worker alone has them and
 * the others log that they cannot run it. */
#ifndef UWSGI_SERVER_USIG_H
#define UWSGI_SERVER_USIG_H

#include <stddef.h>

struct master;
struct server;

#define USIG_TARGET_MAX 24
#define USIG_MAX_TIMERS 64

/* Map the table and make the pipes, once, in the master before the first
 * fork (master_run calls it; the module calls it earlier if an app
 * registers a signal while it loads). 0, or -1 when s runs without a
 * master (signals need one, as in uWSGI). */
int usig_setup(struct server *s);

/* Record num's target (checked: "", "worker", "workers", "workerN",
 * "spooler") for the routing. wid is the registering process's worker id
 * (0: master). 0, or -1 with the reason in err. */
int usig_register(int num, const char *target, int wid, char *err, size_t errcap);

/* 1 when some process registered num. */
int usig_registered(int num);

/* Ask the master to route num. 0, or -1 (no master, or its queue is
 * full: the signal is lost and counted). */
int usig_raise(int num);

/* A timer raising num every secs seconds; iterations > 0 stops it after
 * that many (uWSGI's rb_timer). 0, or -1 with the reason in err. */
int usig_add_timer(int num, int secs, int iterations, char *err, size_t errcap);

/* The master's side: the fd to poll, reading it (routes what came), and
 * the once-a-second timer check. */
int usig_master_fd(void);
void usig_master_read(struct master *m);
void usig_tick(struct master *m);

/* The children's side: the pipe a worker (or the spooler processes) reads,
 * -1 when signals are off; read what is there and run the handlers. */
int usig_worker_fd(int wid);
int usig_spooler_fd(void);
void usig_dispatch(int fd);

/* pymod_signal.c: run num's Python handler in this process; takes the GIL
 * (and may be called holding it). */
void usig_run_handler(int num);

#endif
