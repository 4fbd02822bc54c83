/* Per-worker accounting in memory shared by the master and the workers
 * (an anonymous MAP_SHARED mapping made before the first fork). Each worker
 * writes only its own slot; the master reads them all for logs, stats,
 * harakiri and recycling decisions. */
#ifndef UWSGI_SERVER_SCOREBOARD_H
#define UWSGI_SERVER_SCOREBOARD_H

#include <stdint.h>
#include <sys/types.h>

enum worker_status { WORKER_IDLE, WORKER_BUSY, WORKER_CHEAP, WORKER_PAUSE, WORKER_SIG };

/* Apps counted separately per worker; more share the last counter. */
#define SB_MAX_APPS 16

/* One serving thread of a worker ("core" in uWSGI's stats). */
struct core_slot {
	uint64_t requests;
	uint64_t static_requests;
	uint64_t write_errors;
	uint64_t read_errors;
	volatile int in_request;
	volatile int parked;           /* idle keep-alive connections it holds */
	volatile int64_t deadline;     /* harakiri: Unix time, 0 when none */
	int64_t request_start;         /* Unix time the request began */
	char request[160];             /* "METHOD URI peer", for harakiri */
	char vars[1024];               /* its vars, with --harakiri-verbose */
};

struct worker_slot {
	pid_t pid;                 /* 0 when not running */
	volatile int status;       /* enum worker_status */
	uint64_t requests;         /* served by this worker, all its lives */
	uint64_t delta_requests;   /* served by its current process */
	uint64_t exceptions;
	uint64_t harakiri_count;
	uint64_t respawn_count;
	uint64_t tx;               /* response bytes sent */
	uint64_t running_time_us;  /* time spent serving requests */
	uint64_t avg_rt_us;        /* moving average response time */
	int64_t last_spawn;        /* Unix time */
	int64_t request_start_us;  /* wall clock of the current request, 0 if idle */
	int64_t deadline;          /* harakiri deadline (Unix time), 0: none */
	uint64_t app_requests[SB_MAX_APPS];
	uint64_t app_exceptions[SB_MAX_APPS];
};

struct scoreboard {
	int nworkers;              /* workers wanted now */
	int capacity;              /* slots mapped (room for added workers) */
	int ncores;                /* threads per worker */
	volatile uint64_t total_requests;
	volatile int load;         /* requests in progress, all workers */
	volatile int backlog;      /* a listen queue was not empty at the last
				      check: workers skip abandoned requests */
	volatile int64_t overflowed_until; /* Unix time: a queue overflowed
				      lately, skip abandoned requests too */
	volatile uint64_t listen_queue_errors; /* times a queue passed 80% */
	struct core_slot *cores;   /* nworkers * ncores, after the workers */
	struct worker_slot w[];    /* 1-based ids: w[0] is worker 1 */
};

/* What one finished request adds to the counters. */
struct sb_request {
	int wid, core, app;        /* app: -1 when no app answered */
	uint64_t tx, us;
	int exception, is_static, write_error, read_error;
};

/* Map a scoreboard for n workers of `cores` threads, with room for more
 * added later (SIGTTIN, the FIFO's '+'); exits 1 when mmap fails. */
struct scoreboard *scoreboard_new(int n, int cores);

static inline struct core_slot *scoreboard_core(struct scoreboard *sb, int wid, int core)
{
	return &sb->cores[(wid - 1) * sb->ncores + core];
}

/* Count one finished request; returns the new total of all workers, for
 * the request log. Threads of one worker share its slot: atomic adds. */
uint64_t scoreboard_count(struct scoreboard *sb, const struct sb_request *q);

/* Mark a thread of worker wid busy with a request (what harakiri logs),
 * with a harakiri deadline `harakiri` seconds ahead (0: none), or idle. */
void scoreboard_busy(struct scoreboard *sb, int wid, int core, const char *what, int len,
		     int harakiri);
void scoreboard_idle(struct scoreboard *sb, int wid, int core);

/* The status word uWSGI's stats use: "idle", "busy", "cheap", "pause", "sig". */
const char *scoreboard_status_name(int status);

#endif
