/* The master: forks the workers, respawns the ones that die (waiting a
 * little longer each time a worker dies right after its spawn, so a broken
 * app cannot turn it into a fork loop), and turns signals into shutdowns
 * and reloads. Signals arrive through a signalfd, so every decision is
 * made in this one loop. */
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
#include "server.h"
#include "stats.h"

#define MERCY_MS 60000          /* graceful stop: then SIGKILL */
#define BACKOFF_MAX_MS 30000

struct wstate {
	pid_t pid;
	uint64_t spawned_ms;
	uint64_t respawn_at_ms;      /* 0: not waiting */
	unsigned fast_deaths;        /* deaths within 2 s of spawning, in a row */
};

static pid_t spawn(struct server *s, int wid)
{
	py_fork_prepare();
	pid_t pid = fork();
	if (pid == 0) {
		py_fork_child();
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
	warn("spawned worker %d (pid: %d)", wid, (int)pid);
	return pid;
}

static int find(const struct wstate *ws, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (ws[i].pid == pid)
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

/* A worker died: plan its respawn, backing off while deaths come fast. */
static void reap(struct server *s, struct wstate *ws, int n, int respawn)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i = find(ws, n, pid);
		if (i < 0)
			continue;
		describe_exit(i + 1, pid, status);
		s->sb->w[i].pid = 0;
		ws[i].pid = 0;
		if (!respawn)
			continue;
		uint64_t now = up_now_ms();
		int fast = now - ws[i].spawned_ms < 2000 && (WIFSIGNALED(status) ||
							     WEXITSTATUS(status));
		ws[i].fast_deaths = fast ? ws[i].fast_deaths + 1 : 0;
		uint64_t delay = 0;
		if (ws[i].fast_deaths) {
			delay = 250u << (ws[i].fast_deaths > 7 ? 7 : ws[i].fast_deaths - 1);
			if (delay > BACKOFF_MAX_MS)
				delay = BACKOFF_MAX_MS;
			warn("worker %d died %u times right after spawning: next try in %llu ms",
			     i + 1, ws[i].fast_deaths, (unsigned long long)delay);
		}
		ws[i].respawn_at_ms = now + delay;
	}
}

static void respawn_due(struct server *s, struct wstate *ws, int n)
{
	uint64_t now = up_now_ms();
	for (int i = 0; i < n; i++) {
		if (ws[i].pid || !ws[i].respawn_at_ms || now < ws[i].respawn_at_ms)
			continue;
		ws[i].respawn_at_ms = 0;
		ws[i].spawned_ms = now;
		ws[i].pid = spawn(s, i + 1);
		if (ws[i].pid < 0) {
			ws[i].pid = 0;
			ws[i].respawn_at_ms = now + 1000;
		}
	}
}

static int alive(const struct wstate *ws, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += ws[i].pid > 0;
	return k;
}

static void signal_all(const struct wstate *ws, int n, int sig)
{
	for (int i = 0; i < n; i++)
		if (ws[i].pid > 0)
			kill(ws[i].pid, sig);
}

/* Wait for every worker to exit, SIGKILLing the ones past the mercy. */
static void wait_all(struct server *s, struct wstate *ws, int n, int mercy_ms)
{
	uint64_t deadline = up_now_ms() + (uint64_t)mercy_ms;
	while (alive(ws, n)) {
		if (up_now_ms() >= deadline) {
			warn("workers still running after %d ms: killing them", mercy_ms);
			signal_all(ws, n, SIGKILL);
			deadline = UINT64_MAX;
		}
		usleep(20000);
		reap(s, ws, n, 0);
	}
}

static int setup_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die(1, "signalfd: %m");
	return fd;
}

int master_run(struct server *s)
{
	int n = s->c->processes;
	struct wstate *ws = calloc((size_t)n, sizeof *ws);
	if (!ws)
		die(1, "out of memory");
	int sfd = setup_signals();
	for (int i = 0; i < n; i++) {
		ws[i].spawned_ms = up_now_ms();
		ws[i].pid = spawn(s, i + 1);
	}
	int respawn = s->c->master;
	int stats_fd = stats_open(s->c);
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = stats_fd, .events = POLLIN } };
		poll(p, stats_fd >= 0 ? 2 : 1, 1000);
		if (stats_fd >= 0 && (p[1].revents & POLLIN))
			stats_serve(s, stats_fd);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == sizeof si) {
			switch (si.ssi_signo) {
			case SIGCHLD:
				reap(s, ws, n, respawn);
				if (!respawn && !alive(ws, n))
					return 0;
				break;
			case SIGTERM:
				warn("SIGTERM: graceful shutdown, waiting for in-flight requests");
				signal_all(ws, n, SIGTERM);
				wait_all(s, ws, n, MERCY_MS);
				free(ws);
				return 0;
			case SIGINT:
			case SIGQUIT:
				warn("%s: shutting down now", strsignal((int)si.ssi_signo));
				signal_all(ws, n, SIGINT);
				wait_all(s, ws, n, 3000);
				free(ws);
				return 0;
			case SIGHUP:
				warn("SIGHUP: graceful reload of the workers");
				log_reopen(s->c);
				/* Each worker finishes its requests and is respawned;
				 * the sockets stay open here, so nothing is refused. */
				signal_all(ws, n, SIGTERM);
				break;
			}
		}
		if (respawn)
			respawn_due(s, ws, n);
	}
}
