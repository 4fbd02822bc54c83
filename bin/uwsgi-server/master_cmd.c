/* The commands signals and the master FIFO share, with uWSGI's letters,
 * and the reload that re-executes the master with its sockets kept open
 * (a changed binary or app is picked up; connections that arrive
 * meanwhile wait in the listen queue). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "master.h"

/* Replace this process with a fresh copy of the server, same pid, same
 * listening sockets (named in UWSGI_SERVER_FDS for sockets_open). */
static void reexec(struct master *m)
{
	struct server *s = m->s;
	char fds[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < s->ls.n && used < sizeof fds - 16; i++) {
		fcntl(s->ls.v[i].fd, F_SETFD, 0);
		used += (size_t)snprintf(fds + used, sizeof fds - used, "%s%d", i ? "," : "",
					 s->ls.v[i].fd);
	}
	setenv("UWSGI_SERVER_FDS", fds, 1);
	setenv("UWSGI_SERVER_REEXEC", "1", 1);
	warn("re-executing the master (pid: %d) with sockets %s", (int)getpid(), fds);
	fflush(NULL);
	execv("/proc/self/exe", s->argv);
	warn("cannot re-execute %s: %m: going on with the running code", s->argv[0]);
	unsetenv("UWSGI_SERVER_FDS");
	unsetenv("UWSGI_SERVER_REEXEC");
	for (size_t i = 0; i < s->ls.n; i++)
		fcntl(s->ls.v[i].fd, F_SETFD, FD_CLOEXEC);
}

static void reload(struct master *m, int brutal)
{
	warn("%s reload: %s", brutal ? "brutal" : "graceful",
	     brutal ? "killing the workers" : "workers finish their requests first");
	m->stopping = 1;  /* no respawns while the workers go */
	master_signal_all(m, brutal ? SIGKILL : SIGTERM);
	master_wait_all(m, m->s->c->reload_mercy);
	master_fifo_close(m);
	reexec(m);
	m->stopping = 0;
	master_fifo_open(m);
	for (int i = 0; i < m->n; i++)
		m->ws[i].respawn_at_ms = up_now_ms();
}

static int shutdown_now(struct master *m, int brutal)
{
	m->stopping = 1;
	if (brutal) {
		warn("shutting down now");
		master_signal_all(m, SIGINT);
		master_wait_all(m, 3);
	} else {
		warn("graceful shutdown: waiting for the requests in flight");
		master_signal_all(m, SIGTERM);
		master_wait_all(m, m->s->c->reload_mercy);
	}
	return 1;
}

static void rewrite_pidfile(const struct master *m)
{
	const char *path = m->s->c->pidfile;
	FILE *f = path ? fopen(path, "we") : NULL;
	if (!f)
		return;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

int master_command(struct master *m, char cmd)
{
	switch (cmd) {
	case 'r': reload(m, 0); return 0;
	case 'R': reload(m, 1); return 0;
	case 'w': master_reload_workers(m, 0); return 0;
	case 'W': master_reload_workers(m, 1); return 0;
	case 'q': return shutdown_now(m, 0);
	case 'Q': return shutdown_now(m, 1);
	case 's': master_log_stats(m); return 0;
	case 'l': case 'L':
		log_reopen(m->s->c);
		for (int i = 0; i < m->cap; i++)
			if (m->ws[i].pid > 0)
				kill(m->ws[i].pid, SIGHUP);
		return 0;
	case 'P': rewrite_pidfile(m); return 0;
	case '+': master_add_worker(m); return 0;
	case '-': master_remove_worker(m); return 0;
	case 'c':
		if (m->n < m->s->c->processes)
			master_add_worker(m);
		return 0;
	case 'C':
		if (m->n > (m->s->c->cheaper ? m->s->c->cheaper : 1))
			master_remove_worker(m);
		return 0;
	case '\n': case '\r': case ' ': case '\t': return 0;
	}
	if (cmd >= '0' && cmd <= '9') {
		size_t idx = (size_t)(cmd - '0');
		if (idx >= m->s->c->master_fifo.n) {
			warn("master FIFO: there is no FIFO number %zu", idx);
			return 0;
		}
		master_fifo_close(m);
		m->fifo_idx = idx;
		master_fifo_open(m);
		return 0;
	}
	warn("master FIFO: unknown command '%c'", cmd);
	return 0;
}

void master_fifo_open(struct master *m)
{
	const struct up_opt_list *l = &m->s->c->master_fifo;
	if (m->fifo_idx >= l->n)
		return;
	const char *path = l->v[m->fifo_idx];
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode))
		unlink(path);
	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		die(1, "--master-fifo %s: %m", path);
	m->fifo_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	m->fifo_keep = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (m->fifo_fd < 0)
		die(1, "--master-fifo %s: %m", path);
	warn("master FIFO %s ready", path);
}

int master_fifo_read(struct master *m)
{
	char buf[64];
	ssize_t n = read(m->fifo_fd, buf, sizeof buf);
	for (ssize_t i = 0; i < n; i++)
		if (master_command(m, buf[i]))
			return 1;
	return 0;
}

void master_fifo_close(struct master *m)
{
	if (m->fifo_fd >= 0)
		close(m->fifo_fd);
	if (m->fifo_keep >= 0)
		close(m->fifo_keep);
	m->fifo_fd = m->fifo_keep = -1;
}

void master_child_cleanup(struct master *m)
{
	close(m->sfd);
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	master_fifo_close(m);
}
