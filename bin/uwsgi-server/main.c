/* uwsgi-server: a prefork WSGI server embedding Python 3. main reads the
 * configuration and sets the process up in the order that keeps it safe:
 * sockets bound first, privileges dropped next, the app loaded last. */
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "die.h"
#include "log.h"
#include "mgmt.h"
#include "profiler.h"
#include "pymod.h"
#include "server.h"
#include "spooler.h"
#include "static.h"
#include "wsgi.h"

void server_print_version(void)
{
#ifdef UP_ROCK_SOLID
	printf("%s %s (ROCK_SOLID)\n", progname, UP_VERSION);
#else
	print_version();
#endif
	/* The runtime's version, not the header's: it proves what is linked. */
	printf("embedded Python %.*s\n", (int)strcspn(Py_GetVersion(), " "), Py_GetVersion());
}

static void daemonize(const char *logfile)
{
	pid_t pid = fork();
	if (pid < 0)
		die(1, "--daemonize: fork: %m");
	if (pid > 0)
		_exit(0);
	setsid();
	int fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(1, "--daemonize %s: %m", logfile);
	dup2(null, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	close(null);
}

static void drop_privileges(const struct config *c)
{
	if (c->gid) {
		struct group *g = getgrnam(c->gid);
		gid_t gid = g ? g->gr_gid : (gid_t)strtoul(c->gid, NULL, 10);
		if ((!g && strspn(c->gid, "0123456789") != strlen(c->gid)) ||
		    setgroups(0, NULL) < 0 || setgid(gid) < 0)
			die(1, "--gid %s: %s", c->gid, g || errno ? strerror(errno) : "no such group");
	}
	if (c->uid) {
		struct passwd *p = getpwnam(c->uid);
		uid_t uid = p ? p->pw_uid : (uid_t)strtoul(c->uid, NULL, 10);
		if (!p && strspn(c->uid, "0123456789") != strlen(c->uid))
			die(1, "--uid %s: no such user", c->uid);
		if (!c->gid && p && (initgroups(p->pw_name, p->pw_gid) < 0 || setgid(p->pw_gid) < 0))
			die(1, "--uid %s: cannot take its groups: %m", c->uid);
		if (setuid(uid) < 0)
			die(1, "--uid %s: %m", c->uid);
	}
}

static void environment(const struct config *c)
{
	for (size_t i = 0; i < c->env.n; i++) {
		char *kv = c->env.v[i], *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			die(1, "--env '%s': expected KEY=VALUE", kv);
		*eq = 0;
		setenv(kv, eq + 1, 1);
		*eq = '=';
	}
	if (c->chdir && chdir(c->chdir) < 0)
		die(1, "--chdir %s: %m", c->chdir);
}

static void write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
		die(1, "--pidfile %s: %m", path);
}

/* Many idle keep-alive connections need descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	static struct config c;
	static struct server s;

	progname = "uwsgi-server";
	/* Until the master's loop takes them (or a worker sets its handlers),
	 * these stay pending instead of killing a half-started server. */
	sigset_t early;
	sigemptyset(&early);
	sigaddset(&early, SIGTERM);
	sigaddset(&early, SIGINT);
	sigaddset(&early, SIGQUIT);
	sigaddset(&early, SIGHUP);
	sigprocmask(SIG_BLOCK, &early, NULL);
	config_load(&c, argc, argv);
#ifdef UP_ROCK_SOLID
	/* What this build leaves out is refused, not silently ignored. */
	if (c.threads > 1)
		die(1, "--threads %d: this ROCK_SOLID build has no request threads", c.threads);
	if (c.enable_threads)
		die(1, "--enable-threads: this ROCK_SOLID build has no request threads");
	if (c.dynamic_apps)
		die(1, "--dynamic-apps: this ROCK_SOLID build has no dynamic apps");
	if (py_app_count(&c) > 1 && !c.single_interpreter)
		die(1, "%zu apps: each after the first needs a sub-interpreter, which this "
		    "ROCK_SOLID build has not: add --single-interpreter", py_app_count(&c));
#endif
	if (c.show_config) {
		config_print(&c, stdout);
		config_free(&c);
		return 0;
	}
	/* A master re-executed by a reload is already in the background. */
	int reexec = getenv("UWSGI_SERVER_REEXEC") != NULL;
	unsetenv("UWSGI_SERVER_REEXEC");
	if (c.daemonize && !reexec)
		daemonize(c.daemonize);
	else if (c.daemonize && !c.logto)
		c.logto = strdup(c.daemonize);
	if (log_open(&c) < 0)
		return 1;
	raise_fd_limit();
	s.c = &c;
	s.argv = argv;
	s.start_time = (long long)time(NULL);
	s.master_pid = getpid();
	/* Whatever can be wrong in the config fails before a socket is bound. */
	s.statics = static_init(&c);
	mgmt_init(&c);
	spooler_init(&c);
	profiler_init(&c);
	pymod_shared_setup(&c);
	sockets_open(&c, &s.ls);
	drop_privileges(&c);
	environment(&c);
	if (c.pidfile)
		write_pidfile(c.pidfile);
	warn("uwsgi-server %s (Python %.*s) pid %d: %d worker%s x %d thread%s%s",
	     UP_VERSION, (int)strcspn(Py_GetVersion(), " "), Py_GetVersion(), (int)getpid(),
	     c.processes, c.processes > 1 ? "s" : "", c.threads, c.threads > 1 ? "s" : "",
	     c.master ? ", master" : "");
	s.sb = scoreboard_new(c.processes, c.threads);
	pymod_set_server(&s);
	py_init(&c);
	wsgi_types_init();
	py_declare_apps(&c, &s.apps);
	if (s.apps.n == 0)
		warn("no app configured (--wsgi-file, --module, --mount, --paste): "
		     "every request gets a 500");
	if (!c.lazy_apps)
		py_preload_apps(&s.apps);
	int rc;
	if (c.master || c.processes > 1)
		rc = master_run(&s);
	else
		worker_run(&s, 1);
	sockets_vacuum(&c, &s.ls);
	if (c.pidfile)
		unlink(c.pidfile);
	warn("goodbye");
	return rc;
}
