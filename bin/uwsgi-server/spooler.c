/* The spooler processes and the master's care of them.
 *
 * A spooler process scans the directory (woken by inotify when a job
 * arrives, by its timer for jobs whose `at` or retry time comes, and at
 * least every --spooler-frequency seconds), takes each due job with
 * spool_take, hands it to uwsgi.spooler, and then removes it (SPOOL_OK,
 * SPOOL_IGNORE) or keeps it until the next pass (SPOOL_RETRY, an exception,
 * no callable). SIGTERM lets the job in hand finish first; SIGINT ends the
 * process at once.
 *
 * What runs how often: a job is removed only after its callable returned,
 * and nobody else can take it while it runs, so it never runs twice at the
 * same time and never again once removed. A spooler killed while the
 * callable runs (or after it returned and before the removal, a few
 * microseconds) leaves the job in place, free to be taken again: that job
 * runs once more, at least once in all. Exactly once holds for every job
 * whose spooler was not killed in that window; a callable that must not
 * repeat its effects can key them on spooler_task_name, which is the same
 * on every run of a job. */
#include "spooler.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "master.h"
#include "spool.h"
#include "usig.h"

static char *dir;               /* resolved --spooler */
static int frequency = 30;
static int i_am_spooler;
static struct wstate *procs;    /* the master's view, one per process */
static int nprocs;

void spooler_init(const struct config *c)
{
	if (!c->spooler)
		return;
	if (!c->master && c->processes < 2)
		die(1, "--spooler %s needs a master process (--master)", c->spooler);
	/* Relative to where we started (--chdir comes later); made and
	 * resolved by spooler_spawn_all, as the user the server runs as. */
	char cwd[4096] = "";
	if (c->spooler[0] != '/' && !getcwd(cwd, sizeof cwd))
		die(1, "--spooler %s: getcwd: %m", c->spooler);
	if (asprintf(&dir, "%s%s%s", cwd, cwd[0] ? "/" : "", c->spooler) < 0)
		die(1, "out of memory");
	frequency = c->spooler_frequency;
	nprocs = c->spooler_processes;
}

const char *spooler_dir(void)
{
	return dir;
}

int spooler_self(void)
{
	return i_am_spooler;
}

/* ---- in a spooler process ------------------------------------------------- */

static volatile sig_atomic_t term;

static void on_term(int sig)
{
	(void)sig;
	term = 1;
}

static void on_int(int sig)
{
	(void)sig;
	_exit(0);
}

/* SIGTERM stays blocked but while waiting (ppoll), so it cannot cut a job
 * short; between jobs a pending one is seen here. */
static int term_pending(void)
{
	sigset_t p;
	sigpending(&p);
	return term || sigismember(&p, SIGTERM);
}

static void child_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	int ignored[] = { SIGPIPE, SIGHUP, SIGUSR1, SIGUSR2, SIGTTIN, SIGTTOU };
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		sigaction(ignored[i], &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_SETMASK, &block, NULL);
	sigemptyset(waitmask);
}

static void run_job(struct spool_job *j)
{
	pid_t me = getpid();
	time_t start = time(NULL);
	log_line("[spooler %s pid: %d] managing request %s ...", dir, (int)me, j->name);
	int ret = spooler_call(j->name, j->vars, j->vlen, j->body, j->blen);
	if (ret == SPOOL_OK || ret == SPOOL_IGNORE) {
		spool_remove(j);
		log_line("[spooler %s pid: %d] %s task %s after %lld seconds", dir, (int)me,
			 ret == SPOOL_OK ? "done with" : "ignored (removed)", j->name,
			 (long long)(time(NULL) - start));
	} else {
		spool_keep(j, time(NULL) + frequency);
		log_line("[spooler %s pid: %d] task %s will be retried in %d seconds", dir,
			 (int)me, j->name, frequency);
	}
}

/* One pass over the jobs of dfd; priority subdirectories first when top.
 * Returns -1 when the process must stop. */
static int scan(int dfd, int top, int ino, time_t *due);

/* A stream over dfd from its start (a dup shares the offset, so rewind). */
static DIR *open_dir(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d)
		rewinddir(d);
	else if (fd >= 0)
		close(fd);
	return d;
}

static int cmp_prio(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int scan_priorities(int dfd, int ino, time_t *due)
{
	long prios[256];
	size_t n = 0;
	DIR *d = open_dir(dfd);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && n < 256)
		if (e->d_name[0] && strspn(e->d_name, "0123456789") == strlen(e->d_name) &&
		    strlen(e->d_name) <= 9)
			prios[n++] = atol(e->d_name);
	if (d)
		closedir(d);
	qsort(prios, n, sizeof *prios, cmp_prio);
	for (size_t i = 0; i < n; i++) {
		char name[16], path[4200];
		snprintf(name, sizeof name, "%ld", prios[i]);
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		inotify_add_watch(ino, path, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
		int rc = scan(sub, 0, ino, due);
		close(sub);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int scan(int dfd, int top, int ino, time_t *due)
{
	if (top && scan_priorities(dfd, ino, due) < 0)
		return -1;
	DIR *d = open_dir(dfd);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct spool_job j;
		if (strncmp(e->d_name, SPOOL_PREFIX, sizeof SPOOL_PREFIX - 1) != 0)
			continue;
		if (spool_take(dfd, e->d_name, time(NULL), &j, due) != 1)
			continue;
		run_job(&j);
		usig_dispatch(usig_spooler_fd());
		if (term_pending())
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* Sleep until a job may be due, a job arrives or a signal comes. */
static void wait_for_work(int ino, time_t due, const sigset_t *waitmask)
{
	time_t now = time(NULL);
	long wait_s = frequency;
	if (due && due - now < wait_s)
		wait_s = due > now ? (long)(due - now) : 0;
	struct timespec ts = { wait_s, due ? 10 * 1000 * 1000 : 0 };
	struct pollfd p[2] = { { .fd = ino, .events = POLLIN },
			       { .fd = usig_spooler_fd(), .events = POLLIN } };
	int n;
	Py_BEGIN_ALLOW_THREADS
	n = ppoll(p, 2, &ts, waitmask);
	Py_END_ALLOW_THREADS
	char buf[4096];
	while (n > 0 && read(ino, buf, sizeof buf) > 0)
		;  /* one pass covers every event so far */
	if (n > 0 && (p[1].revents & POLLIN))
		usig_dispatch(p[1].fd);
}

static void __attribute__((noreturn)) child_main(struct server *s, int id)
{
	sigset_t waitmask;
	i_am_spooler = 1;
	child_signals(&waitmask);
	/* A master killed outright takes its spoolers along (after their job). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != s->master_pid)
		_exit(0);
	for (size_t i = 0; i < s->ls.n; i++)
		close(s->ls.v[i].fd);
	py_load_apps(&s->apps);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (dfd < 0 || ino < 0 || inotify_add_watch(ino, dir, IN_CREATE | IN_MOVED_TO) < 0)
		die(1, "spooler %d: cannot watch %s: %m", id, dir);
	while (!term_pending()) {
		time_t due = 0;
		if (scan(dfd, 1, ino, &due) < 0)
			break;
		wait_for_work(ino, due, &waitmask);
	}
	log_line("[spooler %s pid: %d] stopping", dir, (int)getpid());
	_exit(0);
}

/* ---- in the master --------------------------------------------------------- */

static void spawn(struct master *m, int i)
{
	py_fork_prepare();
	pid_t pid = fork();
	if (pid == 0) {
		py_fork_child();
		master_child_cleanup(m);
		child_main(m->s, i + 1);
	}
	py_fork_parent();
	if (pid < 0) {
		warn("cannot fork spooler %d: %m", i + 1);
		procs[i].respawn_at_ms = up_now_ms() + 1000;
		return;
	}
	procs[i].pid = pid;
	procs[i].spawned_ms = up_now_ms();
	warn("spawned the spooler %d on dir %s (pid: %d)", i + 1, dir, (int)pid);
}

void spooler_spawn_all(struct master *m)
{
	if (!dir)
		return;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		die(1, "--spooler %s: %m", dir);
	char *real = realpath(dir, NULL);
	if (!real || access(real, R_OK | W_OK | X_OK) < 0)
		die(1, "--spooler %s: %m", dir);
	free(dir);
	dir = real;
	procs = calloc((size_t)nprocs, sizeof *procs);
	if (!procs)
		die(1, "out of memory");
	for (int i = 0; i < nprocs; i++)
		spawn(m, i);
}

int spooler_reaped(struct master *m, pid_t pid, int status)
{
	int i = 0;
	while (i < nprocs && procs[i].pid != pid)
		i++;
	if (i == nprocs)
		return 0;
	struct wstate *w = &procs[i];
	if (WIFSIGNALED(status))
		warn("spooler %d (pid: %d) killed by signal %d", i + 1, (int)pid, WTERMSIG(status));
	else
		warn("spooler %d (pid: %d) exited with status %d", i + 1, (int)pid,
		     WEXITSTATUS(status));
	uint64_t now = up_now_ms();
	int failed = WIFSIGNALED(status) || WEXITSTATUS(status);
	int fast = failed && !w->killed_on_purpose && now - w->spawned_ms < 2000;
	w->fast_deaths = fast ? w->fast_deaths + 1 : 0;
	w->killed_on_purpose = 0;
	w->pid = 0;
	/* A spooler that keeps dying at once (a broken app) is not a fork loop. */
	w->respawn_at_ms = now + (w->fast_deaths ? 1000u << (w->fast_deaths > 5 ? 5 : w->fast_deaths - 1) : 0);
	(void)m;
	return 1;
}

void spooler_respawn_due(struct master *m)
{
	if (!procs || !m->respawn || m->stopping)
		return;
	uint64_t now = up_now_ms();
	for (int i = 0; i < nprocs; i++)
		if (!procs[i].pid && now >= procs[i].respawn_at_ms)
			spawn(m, i);
}

void spooler_signal_all(struct master *m, int sig)
{
	(void)m;
	for (int i = 0; i < nprocs; i++) {
		if (procs[i].pid <= 0)
			continue;
		if (sig == SIGKILL)
			procs[i].killed_on_purpose = 1;
		kill(procs[i].pid, sig);
	}
}

int spooler_alive(void)
{
	int k = 0;
	for (int i = 0; procs && i < nprocs; i++)
		k += procs[i].pid > 0;
	return k;
}
