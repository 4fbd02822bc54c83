/* The master's state and its parts: the loop (master.c), the commands that
 * signals and the master FIFO share (master_cmd.c), and the once-a-second
 * checks (master_checks.c). */
#ifndef UWSGI_SERVER_MASTER_H
#define UWSGI_SERVER_MASTER_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "server.h"

struct wstate {
	pid_t pid;
	uint64_t spawned_ms;
	uint64_t respawn_at_ms;      /* 0: not waiting to respawn */
	unsigned fast_deaths;        /* failures within 2 s of spawning, in a row */
	int killed_on_purpose;       /* by harakiri or a brutal reload: no backoff */
	uint64_t term_sent_ms;       /* when the master asked it to stop, or 0 */
};

struct master {
	struct server *s;
	struct wstate *ws;           /* cap slots; the first n are wanted */
	int n, cap;
	int respawn;                 /* --master: dead workers come back */
	int stopping;
	int sfd, stats_fd;
	int fifo_fd, fifo_keep;      /* the selected FIFO, and a writer that
					keeps it from signalling EOF forever */
	size_t fifo_idx;
	struct timespec *touch;      /* mtimes of the --touch-reload files */
	/* --cheaper: seconds every running worker was busy / one was idle */
	int overloaded_s, idle_s;
	uint64_t *busy_us;           /* each worker's running_time at the last check */
	struct { pid_t pid; int wid; } retiring[64]; /* removed workers still
							finishing requests */
	int nretiring;
};

/* master.c */
int master_alive(const struct master *m);
void master_signal_all(struct master *m, int sig);
void master_wait_all(struct master *m, int mercy_s);
void master_reload_workers(struct master *m, int brutal);
void master_add_worker(struct master *m);
void master_remove_worker(struct master *m);

/* master_cmd.c: uWSGI's one-letter commands (r R w W q Q s l L P + - and
 * 0-9 to select another FIFO). Returns 1 when the master must stop. */
int master_command(struct master *m, char cmd);
void master_fifo_open(struct master *m);
int master_fifo_read(struct master *m);
void master_fifo_close(struct master *m);
/* In a new worker: close what only the master uses. */
void master_child_cleanup(struct master *m);

/* master_checks.c */
void master_checks_init(struct master *m);
int master_checks(struct master *m);
void master_log_stats(struct master *m);
void master_log_requests(struct master *m);
void master_cheaper(struct master *m);
void master_harakiri(struct master *m);

#endif
