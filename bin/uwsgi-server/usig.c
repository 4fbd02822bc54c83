#include "usig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "master.h"
#include "shm.h"
#include "uwsgiproto/net.h"

struct entry {
	int registered;
	int wid;                          /* who registered it last (0: master) */
	char target[USIG_TARGET_MAX];
};

struct timer {
	int num, secs, iterations, done;
	uint64_t next_ms;                 /* when it fires next (up_now_ms) */
};

struct table {
	struct shm_lock lock;
	struct entry e[256];
	struct timer t[USIG_MAX_TIMERS];
	int ntimers;
	uint64_t routed, lost;
};

/* Made in the master before the first fork; children inherit them. Each
 * pipe is [read, write], both ends non-blocking: a full pipe loses the
 * signal (and counts it) instead of blocking the sender. */
static struct table *tab;
static int to_master[2] = { -1, -1 };
static int to_spooler[2] = { -1, -1 };
static int (*to_worker)[2];
static int nworker_pipes;
static unsigned next_any;            /* round robin for target "worker" */

static void make_pipe(int p[2])
{
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		die(1, "uwsgi signals: pipe: %m");
}

int usig_setup(struct server *s)
{
	if (tab)
		return 0;
	if (!s || !(s->c->master || s->c->processes > 1))
		return -1;
	tab = shm_map(sizeof *tab, "uwsgi signals");
	shm_lock_init(&tab->lock);
	make_pipe(to_master);
	make_pipe(to_spooler);
	nworker_pipes = s->sb->capacity;
	to_worker = calloc((size_t)nworker_pipes, sizeof *to_worker);
	if (!to_worker)
		die(1, "out of memory");
	for (int i = 0; i < nworker_pipes; i++)
		make_pipe(to_worker[i]);
	return 0;
}

/* "", "worker", "workers", "workerN" (N >= 1), "spooler". */
static int valid_target(const char *t)
{
	if (!*t || !strcmp(t, "worker") || !strcmp(t, "workers") || !strcmp(t, "spooler"))
		return 1;
	if (strncmp(t, "worker", 6) != 0 || !t[6])
		return 0;
	char *end;
	long n = strtol(t + 6, &end, 10);
	return !*end && n >= 1 && n <= nworker_pipes;
}

int usig_register(int num, const char *target, int wid, char *err, size_t errcap)
{
	if (!tab) {
		snprintf(err, errcap, "uwsgi signals need a master (--master)");
		return -1;
	}
	if (strlen(target) >= USIG_TARGET_MAX || !valid_target(target)) {
		snprintf(err, errcap, "unknown signal target '%.40s' (worker, workers, workerN, "
			 "spooler)", target);
		return -1;
	}
	shm_lock_take(&tab->lock, "the uwsgi signal table");
	struct entry *e = &tab->e[num];
	snprintf(e->target, sizeof e->target, "%s", target);
	e->wid = wid;
	e->registered = 1;
	shm_lock_give(&tab->lock);
	log_line("[uwsgi-signal] signum %d registered (wid: %d target: %s)", num, wid,
		 *target ? target : "default, any worker");
	return 0;
}

int usig_registered(int num)
{
	return tab && num >= 0 && num < 256 && tab->e[num].registered;
}

static int send_byte(int fd, int num)
{
	uint8_t b = (uint8_t)num;
	if (fd >= 0 && write(fd, &b, 1) == 1)
		return 0;
	if (tab)
		__atomic_add_fetch(&tab->lost, 1, __ATOMIC_RELAXED);
	return -1;
}

int usig_raise(int num)
{
	if (!tab)
		return -1;
	if (send_byte(to_master[1], num) < 0) {
		warn("uwsgi signal %d lost: the master's signal queue is full", num);
		return -1;
	}
	return 0;
}

int usig_add_timer(int num, int secs, int iterations, char *err, size_t errcap)
{
	if (!tab) {
		snprintf(err, errcap, "uwsgi timers need a master (--master)");
		return -1;
	}
	if (secs < 1) {
		snprintf(err, errcap, "a timer needs at least 1 second, not %d", secs);
		return -1;
	}
	int rc = 0;
	shm_lock_take(&tab->lock, "the uwsgi signal table");
	if (tab->ntimers >= USIG_MAX_TIMERS) {
		snprintf(err, errcap, "no room for more than %d timers", USIG_MAX_TIMERS);
		rc = -1;
	} else {
		/* CLOCK_MONOTONIC: the same clock in every process. */
		tab->t[tab->ntimers] = (struct timer){ num, secs, iterations, 0,
						       up_now_ms() + (uint64_t)secs * 1000 };
		__atomic_store_n(&tab->ntimers, tab->ntimers + 1, __ATOMIC_RELEASE);
	}
	shm_lock_give(&tab->lock);
	return rc;
}

int usig_master_fd(void)
{
	return to_master[0];
}

int usig_worker_fd(int wid)
{
	return wid >= 1 && wid <= nworker_pipes ? to_worker[wid - 1][0] : -1;
}

int usig_spooler_fd(void)
{
	return to_spooler[0];
}

static int worker_up(const struct master *m, int i)
{
	return i < m->n && m->ws[i].pid > 0;
}

static int to_one(struct master *m, int num, int i)
{
	if (!worker_up(m, i)) {
		log_line("[uwsgi-signal] signal %d: worker %d is not running", num, i + 1);
		return -1;
	}
	if (send_byte(to_worker[i][1], num) < 0) {
		log_line("[uwsgi-signal] could not deliver signal %d to worker %d", num, i + 1);
		return -1;
	}
	return 0;
}

/* Target "worker": the next running worker, an idle one if there is. */
static int to_any(struct master *m, int num)
{
	int pick = -1;
	for (int k = 0; k < m->n; k++) {
		int i = (int)((next_any + (unsigned)k) % (unsigned)m->n);
		if (!worker_up(m, i))
			continue;
		if (pick < 0)
			pick = i;
		if (m->s->sb->w[i].status == WORKER_IDLE) {
			pick = i;
			break;
		}
	}
	if (pick < 0) {
		log_line("[uwsgi-signal] signal %d: no worker is running", num);
		return -1;
	}
	next_any = (unsigned)pick + 1;
	return to_one(m, num, pick);
}

static void route(struct master *m, int num)
{
	struct entry e = tab->e[num];
	if (!e.registered) {
		log_line("[uwsgi-signal] signal %d is not registered: dropped", num);
		return;
	}
	int rc = 0;
	if (!e.target[0] || !strcmp(e.target, "worker")) {
		rc = to_any(m, num);
	} else if (!strcmp(e.target, "workers")) {
		for (int i = 0; i < m->n; i++)
			if (worker_up(m, i))
				rc |= to_one(m, num, i);
	} else if (!strcmp(e.target, "spooler")) {
		rc = send_byte(to_spooler[1], num);
		if (rc < 0)
			log_line("[uwsgi-signal] could not deliver signal %d to the spooler", num);
	} else {
		rc = to_one(m, num, atoi(e.target + 6) - 1);
	}
	if (rc == 0)
		tab->routed++;
}

void usig_master_read(struct master *m)
{
	uint8_t buf[256];
	ssize_t n;
	while ((n = read(to_master[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			route(m, buf[i]);
}

void usig_tick(struct master *m)
{
	if (!tab)
		return;
	uint64_t now = up_now_ms();
	int n = __atomic_load_n(&tab->ntimers, __ATOMIC_ACQUIRE);
	for (int i = 0; i < n; i++) {
		struct timer *t = &tab->t[i];
		uint64_t every = (uint64_t)t->secs * 1000;
		if (t->iterations > 0 && t->done >= t->iterations)
			continue;
		if (now + 50 < t->next_ms)
			continue;  /* the tick is about a second: 50 ms early is on time */
		route(m, t->num);
		t->done++;
		t->next_ms = t->next_ms + every > now ? t->next_ms + every : now + every;
	}
}

void usig_dispatch(int fd)
{
	uint8_t buf[64];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : 0;
	for (ssize_t i = 0; i < n; i++)
		usig_run_handler(buf[i]);
}
