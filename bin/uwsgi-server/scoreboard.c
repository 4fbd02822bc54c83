#include "scoreboard.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "die.h"

#define ADD(field, v) __atomic_add_fetch(&(field), (v), __ATOMIC_RELAXED)

struct scoreboard *scoreboard_new(int n, int cores)
{
	int want = n;
	n = n + 32;
	size_t head = sizeof(struct scoreboard) + (size_t)n * sizeof(struct worker_slot);
	size_t size = head + (size_t)n * (size_t)cores * sizeof(struct core_slot);
	struct scoreboard *sb = mmap(NULL, size, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sb == MAP_FAILED)
		die(1, "cannot map the scoreboard: %m");
	sb->nworkers = want;
	sb->capacity = n;
	sb->ncores = cores;
	sb->cores = (struct core_slot *)((char *)sb + head);
	return sb;
}

static int64_t now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

uint64_t scoreboard_count(struct scoreboard *sb, const struct sb_request *q)
{
	struct worker_slot *w = &sb->w[q->wid - 1];
	struct core_slot *c = scoreboard_core(sb, q->wid, q->core);
	ADD(w->requests, 1);
	ADD(w->delta_requests, 1);
	ADD(w->tx, q->tx);
	ADD(w->running_time_us, q->us);
	/* An exponential moving average; a lost update between threads only
	 * nudges an estimate. */
	w->avg_rt_us = w->avg_rt_us ? (w->avg_rt_us * 7 + q->us) / 8 : q->us;
	ADD(c->requests, 1);
	if (q->is_static)
		ADD(c->static_requests, 1);
	if (q->write_error)
		ADD(c->write_errors, 1);
	if (q->read_error)
		ADD(c->read_errors, 1);
	if (q->exception)
		ADD(w->exceptions, 1);
	if (q->app >= 0) {
		int a = q->app < SB_MAX_APPS ? q->app : SB_MAX_APPS - 1;
		ADD(w->app_requests[a], 1);
		if (q->exception)
			ADD(w->app_exceptions[a], 1);
	}
	return ADD(sb->total_requests, 1);
}

void scoreboard_busy(struct scoreboard *sb, int wid, int core, const char *what, int len,
		     int harakiri)
{
	struct worker_slot *w = &sb->w[wid - 1];
	struct core_slot *c = scoreboard_core(sb, wid, core);
	int64_t now = now_us();
	size_t n = (size_t)len < sizeof c->request - 1 ? (size_t)len : sizeof c->request - 1;
	memcpy(c->request, what, n);
	c->request[n] = 0;
	w->request_start_us = now;
	c->request_start = now / 1000000;
	c->deadline = harakiri > 0 ? now / 1000000 + harakiri : 0;
	w->status = WORKER_BUSY;
	c->in_request = 1;
	ADD(sb->load, 1);
}

void scoreboard_idle(struct scoreboard *sb, int wid, int core)
{
	struct worker_slot *w = &sb->w[wid - 1];
	struct core_slot *c = scoreboard_core(sb, wid, core);
	c->deadline = 0;
	c->in_request = 0;
	ADD(sb->load, -1);
	for (int i = 0; i < sb->ncores; i++)
		if (scoreboard_core(sb, wid, i)->in_request)
			return;
	w->status = WORKER_IDLE;
	w->request_start_us = 0;
}

const char *scoreboard_status_name(int status)
{
	static const char *const names[] = { "idle", "busy", "cheap", "pause", "sig" };
	return status >= 0 && status <= WORKER_SIG ? names[status] : "idle";
}
