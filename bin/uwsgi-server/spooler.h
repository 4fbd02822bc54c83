/* The spooler: --spooler DIR and --spooler-processes N. The master forks N
 * spooler processes (respawned like workers, but not workers: they serve
 * no requests) that take the jobs of DIR one at a time and hand each to
 * the app's callable, uwsgi.spooler. Jobs come from uwsgi.spool() in any
 * process and from modifier1 17 packets on the uwsgi sockets (h_spool.c).
 * The file format and the locking are spool.h's. */
#ifndef UWSGI_SERVER_SPOOLER_H
#define UWSGI_SERVER_SPOOLER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

struct master;

/* uWSGI's return codes of the spooler callable. */
enum { SPOOL_OK = -2, SPOOL_RETRY = -1, SPOOL_IGNORE = 0 };

/* Check the options before any socket is bound: --spooler needs a master;
 * the directory is made (mode 0700) if missing and resolved to an absolute
 * path. Exits 1 with one line when that fails. */
void spooler_init(const struct config *c);

/* The resolved directory, NULL without --spooler. */
const char *spooler_dir(void);

/* 1 in a spooler process. */
int spooler_self(void);

/* The master's side: fork them all at start, take note of one that died
 * (returns 1 when pid was a spooler), respawn those due, signal them, count
 * the running ones. */
void spooler_spawn_all(struct master *m);
int spooler_reaped(struct master *m, pid_t pid, int status);
void spooler_respawn_due(struct master *m);
void spooler_signal_all(struct master *m, int sig);
int spooler_alive(void);

/* pymod_spooler.c: hand one job to uwsgi.spooler (GIL held). Returns
 * SPOOL_OK, SPOOL_RETRY or SPOOL_IGNORE as the callable did (anything else,
 * an exception or no callable at all count as SPOOL_RETRY, logged). */
int spooler_call(const char *name, const uint8_t *vars, size_t vlen, const uint8_t *body,
		 size_t blen);

#endif
