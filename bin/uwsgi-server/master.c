/* The master: forks the workers, respawns the ones that die (waiting a
 * little longer each time a worker dies right after its spawn, so a broken
 * app cannot turn it into a fork loop), and turns signals, FIFO commands
 * and its once-a-second checks (harakiri, --evil-reload-on-rss,
 * --touch-reload) into kills, reloads and shutdowns. Everything happens in
 * this one loop: signals arrive through a signalfd. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "master.h"
#include "mgmt.h"
#include "spooler.h"
#include "stats.h"
#include "usig.h"

#define BACKOFF_MAX_MS 30000

static pid_t spawn(struct master *m, int wid)
{
	struct server *s = m->s;
	py_fork_prepare();
	pid_t pid = fork();
	if (pid == 0) {
		py_fork_child();
		master_child_cleanup(m);
		worker_run(s, wid);
	}
	py_fork_parent();
	if (pid < 0) {
		warn("cannot fork worker %d: %m", wid);
		return -1;
	}
	struct worker_slot *w = &s->sb->w[wid - 1];
	w->pid = pid;
	w->last_spawn = (int64_t)time(NULL);
	w->respawn_count++;
	m->ws[wid - 1].pid = pid;
	m->ws[wid - 1].spawned_ms = up_now_ms();
	warn("spawned worker %d (pid: %d)", wid, (int)pid);
	return pid;
}

static int find(const struct master *m, pid_t pid)
{
	for (int i = 0; i < m->cap; i++)
		if (m->ws[i].pid == pid)
			return i;
	return -1;
}

static void describe_exit(int wid, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		warn("worker %d (pid: %d) killed by signal %d", wid, (int)pid, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		warn("worker %d (pid: %d) exited with status %d", wid, (int)pid,
		     WEXITSTATUS(status));
	else
		warn("worker %d (pid: %d) exited", wid, (int)pid);
}

/* A worker that died in a request leaves it in its slot: clear it, or the
 * next worker there would inherit a harakiri deadline and the load. */
static void forget_requests(struct scoreboard *sb, int wid)
{
	for (int k = 0; k < sb->ncores; k++) {
		struct core_slot *c = scoreboard_core(sb, wid, k);
		if (c->in_request)
			__atomic_add_fetch(&sb->load, -1, __ATOMIC_RELAXED);
		c->in_request = 0;
		c->deadline = 0;
		c->parked = 0;
	}
	if (sb->w[wid - 1].status == WORKER_BUSY)
		sb->w[wid - 1].status = WORKER_IDLE;
}

/* A worker removed earlier, whose slot was given to a new one, exited. */
static int retired(struct master *m, pid_t pid, int status)
{
	for (int k = 0; k < m->nretiring; k++) {
		if (m->retiring[k].pid != pid)
			continue;
		describe_exit(m->retiring[k].wid, pid, status);
		m->retiring[k] = m->retiring[--m->nretiring];
		return 1;
	}
	return 0;
}

/* Reap every child (as PID 1 or --reaper, strays too) and plan respawns,
 * backing off while a worker keeps dying right after its spawn. */
static void reap(struct master *m)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i = find(m, pid);
		if (i < 0 && retired(m, pid, status))
			continue;
		if (i < 0) {
			spooler_reaped(m, pid, status);
			continue;
		}
		struct wstate *w = &m->ws[i];
		describe_exit(i + 1, pid, status);
		forget_requests(m->s->sb, i + 1);
		m->s->sb->w[i].pid = 0;
		w->pid = 0;
		w->term_sent_ms = 0;
		if (!m->respawn || m->stopping || i >= m->n)
			continue;
		uint64_t now = up_now_ms();
		int failed = WIFSIGNALED(status) || WEXITSTATUS(status);
		int fast = failed && now - w->spawned_ms < 2000 && !w->killed_on_purpose;
		w->killed_on_purpose = 0;
		w->fast_deaths = fast ? w->fast_deaths + 1 : 0;
		uint64_t delay = 0;
		if (w->fast_deaths) {
			delay = 250u << (w->fast_deaths > 7 ? 7 : w->fast_deaths - 1);
			if (delay > BACKOFF_MAX_MS)
				delay = BACKOFF_MAX_MS;
			warn("worker %d died %u times right after spawning: next try in %llu ms",
			     i + 1, w->fast_deaths, (unsigned long long)delay);
		}
		w->respawn_at_ms = now + delay;
	}
}

static void respawn_due(struct master *m)
{
	uint64_t now = up_now_ms();
	for (int i = 0; i < m->n; i++) {
		struct wstate *w = &m->ws[i];
		if (w->pid || !w->respawn_at_ms || now < w->respawn_at_ms)
			continue;
		w->respawn_at_ms = 0;
		if (spawn(m, i + 1) < 0)
			w->respawn_at_ms = now + 1000;
	}
	spooler_respawn_due(m);
}

int master_alive(const struct master *m)
{
	int k = 0;
	for (int i = 0; i < m->cap; i++)
		k += m->ws[i].pid > 0;
	return k + m->nretiring + spooler_alive();
}

void master_signal_all(struct master *m, int sig)
{
	for (int i = 0; i < m->cap; i++) {
		if (m->ws[i].pid <= 0)
			continue;
		if (sig == SIGKILL)
			m->ws[i].killed_on_purpose = 1;
		kill(m->ws[i].pid, sig);
	}
	for (int k = 0; k < m->nretiring; k++)
		kill(m->retiring[k].pid, sig);
	spooler_signal_all(m, sig);
}

void master_wait_all(struct master *m, int mercy_s)
{
	uint64_t deadline = up_now_ms() + (uint64_t)mercy_s * 1000;
	uint64_t next_check = up_now_ms() + 1000;
	while (master_alive(m)) {
		if (up_now_ms() >= deadline) {
			warn("workers still running after %d s (--reload-mercy): killing them",
			     mercy_s);
			master_signal_all(m, SIGKILL);
			deadline = UINT64_MAX;
		}
		usleep(10000);
		reap(m);
		if (up_now_ms() >= next_check) {
			master_harakiri(m);
			next_check = up_now_ms() + 1000;
		}
	}
}

/* Graceful reload of the workers only: each finishes its requests and is
 * replaced; the sockets stay open here, so nothing is refused. */
void master_reload_workers(struct master *m, int brutal)
{
	warn("%s reload of the workers", brutal ? "brutal" : "graceful");
	for (int i = 0; i < m->cap; i++)
		if (m->ws[i].pid > 0 && !brutal)
			m->ws[i].term_sent_ms = up_now_ms();
	master_signal_all(m, brutal ? SIGKILL : SIGTERM);
}

/* The stats list every worker --processes allows: those not running now
 * (--cheaper) show "cheap", as in uWSGI. */
static void publish_count(struct master *m)
{
	struct scoreboard *sb = m->s->sb;
	int shown = m->s->c->cheaper && m->s->c->processes > m->n ? m->s->c->processes : m->n;
	for (int i = m->n; i < shown; i++)
		sb->w[i].status = WORKER_CHEAP;
	sb->nworkers = shown;
}

void master_add_worker(struct master *m)
{
	if (m->n >= m->cap) {
		warn("cannot add a worker: %d is the most this master has room for", m->cap);
		return;
	}
	if (m->ws[m->n].pid > 0) {
		/* The slot's previous process is still finishing its requests:
		 * keep track of it apart, and give the slot a new worker. */
		if (m->nretiring == (int)(sizeof m->retiring / sizeof m->retiring[0])) {
			warn("cannot add worker %d yet: too many workers still stopping", m->n + 1);
			return;
		}
		m->retiring[m->nretiring].pid = m->ws[m->n].pid;
		m->retiring[m->nretiring++].wid = m->n + 1;
		m->ws[m->n].pid = 0;
		m->ws[m->n].term_sent_ms = 0;
	}
	m->n++;
	publish_count(m);
	m->s->sb->w[m->n - 1].status = WORKER_IDLE;
	m->ws[m->n - 1].fast_deaths = 0;
	spawn(m, m->n);
}

void master_remove_worker(struct master *m)
{
	if (m->n <= 1) {
		warn("cannot remove the last worker");
		return;
	}
	struct wstate *w = &m->ws[m->n - 1];
	m->n--;
	publish_count(m);
	w->respawn_at_ms = 0;
	if (w->pid > 0) {
		warn("removing worker %d (pid: %d)", m->n + 1, (int)w->pid);
		w->term_sent_ms = up_now_ms();
		kill(w->pid, SIGTERM);
	}
}

static int setup_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
		       SIGTTIN, SIGTTOU, MGMT_SIG_BRUTAL };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die(1, "signalfd: %m");
	return fd;
}

/* Returns 1 when the master must stop. */
static int on_signal(struct master *m, int sig)
{
	switch (sig) {
	case SIGCHLD:
		reap(m);
		return !m->respawn && !master_alive(m);
	case SIGTERM:
		return master_command(m, 'q');
	case SIGINT:
	case SIGQUIT:
		return master_command(m, 'Q');
	case SIGHUP:
		return master_command(m, 'r');
	case SIGUSR1:
		return master_command(m, 's');
	case SIGUSR2:
		master_log_requests(m);
		return 0;
	case SIGTTIN:
		return master_command(m, '+');
	case SIGTTOU:
		return master_command(m, '-');
	}
	if (sig == MGMT_SIG_BRUTAL)
		return master_command(m, 'R');
	return 0;
}

int master_run(struct server *s)
{
	struct master m = { .s = s, .n = s->c->processes, .respawn = s->c->master,
			    .fifo_fd = -1, .fifo_keep = -1 };
	m.cap = s->sb->capacity;
	m.ws = calloc((size_t)m.cap, sizeof *m.ws);
	m.busy_us = calloc((size_t)m.cap, sizeof *m.busy_us);
	if (!m.ws || !m.busy_us)
		die(1, "out of memory");
	if (s->c->cheaper) {
		int start = s->c->cheaper_initial ? s->c->cheaper_initial : s->c->cheaper;
		m.n = start < s->c->processes ? start : s->c->processes;
		warn("cheaper: %d of %d workers to start, never fewer than %d", m.n,
		     s->c->processes, s->c->cheaper);
	}
	publish_count(&m);
	m.sfd = setup_signals();
	m.stats_fd = stats_open(s->c);
	master_fifo_open(&m);
	master_checks_init(&m);
	if (s->c->min_worker_lifetime && s->c->max_requests)
		warn("--min-worker-lifetime %d: workers younger than that are not recycled",
		     s->c->min_worker_lifetime);
	usig_setup(s);
	for (int i = 0; i < m.n; i++)
		spawn(&m, i + 1);
	spooler_spawn_all(&m);
	int done = 0;
	uint64_t next_tick = up_now_ms() + 1000;
	while (!done) {
		struct pollfd p[4] = { { .fd = m.sfd, .events = POLLIN },
				       { .fd = m.stats_fd, .events = POLLIN },
				       { .fd = m.fifo_fd, .events = POLLIN },
				       { .fd = usig_master_fd(), .events = POLLIN } };
		uint64_t now = up_now_ms(), wake = next_tick;
		for (int i = 0; i < m.n; i++)
			if (!m.ws[i].pid && m.ws[i].respawn_at_ms && m.ws[i].respawn_at_ms < wake)
				wake = m.ws[i].respawn_at_ms;
		poll(p, 4, now >= wake ? 0 : (int)(wake - now));
		struct signalfd_siginfo si;
		while (!done && read(m.sfd, &si, sizeof si) == sizeof si)
			done = on_signal(&m, (int)si.ssi_signo);
		if (!done && m.stats_fd >= 0 && (p[1].revents & POLLIN))
			stats_serve(s, m.stats_fd);
		if (!done && m.fifo_fd >= 0 && (p[2].revents & POLLIN))
			done = master_fifo_read(&m);
		if (!done && (p[3].revents & POLLIN))
			usig_master_read(&m);
		if (!done && up_now_ms() >= next_tick) {
			next_tick = up_now_ms() + 1000;
			done = master_checks(&m);
			usig_tick(&m);
		}
		if (!done && m.respawn)
			respawn_due(&m);
	}
	master_fifo_close(&m);
	free(m.touch);
	free(m.busy_us);
	free(m.ws);
	return 0;
}
