/* What the master looks at once a second: harakiri deadlines, workers'
 * RSS for --evil-reload-on-rss, --touch-reload files; and the summaries it
 * logs on SIGUSR1 (or 's') and SIGUSR2. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "master.h"
#include "procmem.h"
#include "stats.h"

static unsigned long long rss_of(pid_t pid)
{
	uint64_t rss = 0;
	if (pid > 0)
		proc_memory(pid, &rss, NULL);
	return rss;
}

void master_checks_init(struct master *m)
{
	const struct up_opt_list *l = &m->s->c->touch_reload;
	m->touch = calloc(l->n + 1, sizeof *m->touch);
	for (size_t i = 0; m->touch && i < l->n; i++) {
		struct stat st;
		if (stat(l->v[i], &st) == 0)
			m->touch[i] = st.st_mtim;
	}
}

static void harakiri(struct master *m, int i, int core, struct core_slot *c, time_t now)
{
	struct worker_slot *w = &m->s->sb->w[i];
	pid_t pid = m->ws[i].pid;
	log_line("*** HARAKIRI ON WORKER %d (pid: %d, try: 1) ***", i + 1, (int)pid);
	log_line("HARAKIRI [core %d] %s since %lld (ran %lld s, limit %d s)", core, c->request,
		 (long long)c->request_start, (long long)(now - c->request_start),
		 (int)(c->deadline - c->request_start));
	if (m->s->c->harakiri_verbose) {
		log_line("HARAKIRI [core %d] vars: %s", core, c->vars);
		log_line("HARAKIRI worker %d: %llu requests served, RSS %llu bytes", i + 1,
			 (unsigned long long)w->requests, rss_of(pid));
	}
	w->harakiri_count++;
	c->deadline = 0;
	m->ws[i].killed_on_purpose = 1;
	kill(pid, SIGKILL);
}

static int touched(struct master *m)
{
	const struct up_opt_list *l = &m->s->c->touch_reload;
	for (size_t i = 0; m->touch && i < l->n; i++) {
		struct stat st;
		if (stat(l->v[i], &st) < 0)
			continue;
		if (st.st_mtim.tv_sec != m->touch[i].tv_sec ||
		    st.st_mtim.tv_nsec != m->touch[i].tv_nsec) {
			m->touch[i] = st.st_mtim;
			warn("%s was touched", l->v[i]);
			return 1;
		}
	}
	return 0;
}

/* A full queue leaves handshakes unfinished; the kernel completes them
 * while it retries its SYN-ACKs (31 s with tcp_synack_retries 5), long
 * after most of those clients gave up: their connections land in waves
 * after the load has gone, FIN and all. */
#define OVERFLOW_AFTERMATH_S 40

/* Listen queues: flag a backlog for the workers and warn, once a second
 * at most, when one passes 80% of its size. */
static void check_queues(struct master *m)
{
	struct scoreboard *sb = m->s->sb;
	int backlog = 0;
	for (size_t i = 0; i < m->s->ls.n; i++) {
		const struct listener *l = &m->s->ls.v[i];
		unsigned q, max;
		listen_queue(l->fd, &q, &max);
		backlog |= q > 0;
		if (max && q * 5 >= max * 4) {
			sb->listen_queue_errors++;
			sb->overflowed_until = time(NULL) + OVERFLOW_AFTERMATH_S;
			log_line("*** uWSGI listen queue of socket \"%s\" (fd: %d) full !!! (%u/%u) ***",
				 up_addr_str(&l->addr), l->fd, q, max);
		}
	}
	sb->backlog = backlog;
}

/* Kill the workers whose request is past its deadline (strictly past: a
 * request started late in a second gets its full time). Also run while a
 * reload waits for the workers. */
void master_harakiri(struct master *m)
{
	struct scoreboard *sb = m->s->sb;
	time_t now = time(NULL);
	for (int i = 0; i < m->cap; i++) {
		if (m->ws[i].pid <= 0)
			continue;
		for (int k = 0; k < sb->ncores; k++) {
			struct core_slot *core = scoreboard_core(sb, i + 1, k);
			if (core->in_request && core->deadline && now > core->deadline) {
				harakiri(m, i, k, core, now);
				break;
			}
		}
	}
}

/* Workers the master asked to stop (FIFO w, '-', cheaper) get
 * --worker-reload-mercy seconds, then SIGKILL. */
static void worker_mercy(struct master *m)
{
	uint64_t now = up_now_ms(), limit = (uint64_t)m->s->c->worker_reload_mercy * 1000;
	for (int i = 0; i < m->cap; i++) {
		struct wstate *w = &m->ws[i];
		if (w->pid > 0 && w->term_sent_ms && now - w->term_sent_ms > limit) {
			warn("worker %d (pid: %d) still running %d s after being asked to stop "
			     "(--worker-reload-mercy): killing it", i + 1, (int)w->pid,
			     m->s->c->worker_reload_mercy);
			w->killed_on_purpose = 1;
			kill(w->pid, SIGKILL);
			w->term_sent_ms = 0;
		}
	}
}

int master_checks(struct master *m)
{
	check_queues(m);
	master_harakiri(m);
	worker_mercy(m);
	const struct config *c = m->s->c;
	for (int i = 0; i < m->n; i++) {
		pid_t pid = m->ws[i].pid;
		if (pid <= 0)
			continue;
		if (c->evil_reload_on_rss && m->ws[i].pid > 0) {
			unsigned long long rss = rss_of(pid);
			if (rss > ((unsigned long long)c->evil_reload_on_rss << 20)) {
				warn("worker %d (pid: %d): RSS %llu MB over --evil-reload-on-rss %d: "
				     "killing it", i + 1, (int)pid, rss >> 20, c->evil_reload_on_rss);
				m->ws[i].killed_on_purpose = 1;
				kill(pid, SIGKILL);
			}
		}
	}
	if (c->cheaper)
		master_cheaper(m);
	if (touched(m))
		return master_command(m, 'r');
	return 0;
}

/* --cheaper, once a second: a worker that spent over 90% of the last
 * second in requests counts as busy. All running workers busy (or a
 * listen queue) for --cheaper-overload seconds starts --cheaper-step more;
 * a worker idle that long above the --cheaper minimum is stopped
 * gracefully, one at a time. */
void master_cheaper(struct master *m)
{
	const struct config *c = m->s->c;
	struct scoreboard *sb = m->s->sb;
	int running = 0, busy = 0;
	uint64_t total = 0;
	for (int i = 0; i < m->n; i++) {
		uint64_t t = sb->w[i].running_time_us;
		uint64_t used = t - m->busy_us[i];
		m->busy_us[i] = t;
		if (m->ws[i].pid <= 0)
			continue;
		running++;
		total += used;
		if (used > 900000 || sb->w[i].status == WORKER_BUSY)
			busy++;
	}
	m->overloaded_s = (running == m->n && busy == running) || sb->backlog
		? m->overloaded_s + 1 : 0;
	/* Idle: the last second's work would have fitted in one worker fewer
	 * at half their capacity. */
	int spare = m->n > c->cheaper && !sb->backlog &&
		    total < (uint64_t)(m->n - 1) * 500000;
	m->idle_s = spare ? m->idle_s + 1 : 0;
	if (m->overloaded_s >= c->cheaper_overload && m->n < c->processes) {
		int add = c->cheaper_step;
		warn("cheaper: all %d workers busy for %d s: starting %d more", m->n,
		     m->overloaded_s, add < c->processes - m->n ? add : c->processes - m->n);
		for (int k = 0; k < add && m->n < c->processes; k++) {
			master_add_worker(m);
			m->busy_us[m->n - 1] = sb->w[m->n - 1].running_time_us;
		}
		m->overloaded_s = 0;
	} else if (m->idle_s >= c->cheaper_overload) {
		warn("cheaper: %d s of spare capacity: stopping worker %d", m->idle_s, m->n);
		master_remove_worker(m);
		m->idle_s = 0;
	}
}

void master_log_stats(struct master *m)
{
	struct scoreboard *sb = m->s->sb;
	log_line("stats: %d workers, %llu requests, load %d", m->n,
		 (unsigned long long)sb->total_requests, sb->load);
	for (int i = 0; i < m->n; i++) {
		const struct worker_slot *w = &sb->w[i];
		log_line("worker %d (pid: %d) %s: %llu requests, %llu exceptions, %llu harakiri, "
			 "%llu respawns, avg %llu us, RSS %llu MB", i + 1, (int)w->pid,
			 scoreboard_status_name(w->status), (unsigned long long)w->requests,
			 (unsigned long long)w->exceptions, (unsigned long long)w->harakiri_count,
			 (unsigned long long)w->respawn_count, (unsigned long long)w->avg_rt_us,
			 rss_of(w->pid) >> 20);
	}
}

void master_log_requests(struct master *m)
{
	struct scoreboard *sb = m->s->sb;
	time_t now = time(NULL);
	for (int i = 0; i < m->n; i++) {
		for (int k = 0; k < sb->ncores; k++) {
			const struct core_slot *c = scoreboard_core(sb, i + 1, k);
			if (c->in_request)
				log_line("worker %d (pid: %d) core %d: %s since %lld (%lld s)", i + 1,
					 (int)sb->w[i].pid, k, c->request,
					 (long long)c->request_start,
					 (long long)(now - c->request_start));
			else
				log_line("worker %d (pid: %d) core %d: idle", i + 1,
					 (int)sb->w[i].pid, k);
		}
	}
}
