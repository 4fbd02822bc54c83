/* uwsgi-proxy: the evented load balancer for uwsgi clusters. main loads
 * the configuration, opens the sockets and runs the loop; SIGHUP loads
 * the configuration again, SIGINT/SIGTERM drain and exit. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conn.h"
#include "die.h"
#include "health.h"
#include "listeners.h"
#include "proxy.h"
#include "stats.h"
#include "subs.h"

struct sig_watch {
	struct io io;
	struct proxy *px;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: %s --uwsgi-socket ADDR|--http-socket ADDR [--to ADDR]... [OPTIONS]\n"
		"ADDR is host:port, [v6]:port, /path/to.sock or @abstract.\n", progname);
	conf_help(out);
	fprintf(out, "Signals: HUP reloads the configuration, INT/TERM drain and exit.\n"
		"Exit: 0 stopped, 1 usage, 2 cannot bind a socket, 3 runtime failure.\n");
}

/* Parse every --to of c into a new array (*out, *n). 0 or -1 with err. */
static int parse_static(const struct conf *c, up_addr_t **out, size_t *n, up_err_t *err)
{
	up_addr_t *a = calloc(c->to.n ? c->to.n : 1, sizeof *a);
	if (!a)
		return up_err_set(err, UP_ENOSPACE, "out of memory");
	for (size_t i = 0; i < c->to.n; i++) {
		if (up_addr_parse(c->to.v[i], &a[i], err) < 0) {
			free(a);
			return -1;
		}
	}
	*out = a;
	*n = c->to.n;
	return 0;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Open, close or move the subscription and stats sockets to match the
 * configuration (old is NULL at start). */
static int apply_aux(struct proxy *px, const struct conf *old, up_err_t *err)
{
	const struct conf *c = &px->conf;
	if (!old || !same(old->subscription_server, c->subscription_server)) {
		subs_close(px);
		if (c->subscription_server) {
			if (subs_open(px, c->subscription_server, err) < 0)
				return -1;
			warn("subscription server on %s", subs_addr(px));
		}
	}
	if (!old || !same(old->stats, c->stats)) {
		stats_close(px);
		if (c->stats) {
			if (stats_open(px, c->stats, err) < 0)
				return -1;
			warn("stats server on %s", stats_addr(px));
		}
	}
	return 0;
}

static size_t relay_bufsz(const struct conf *c)
{
	size_t need = (size_t)c->buffer_size + 4 + 256;
	return need > 32768 ? need : 32768;
}

static void write_pidfile(const struct conf *c)
{
	if (!c->pidfile)
		return;
	FILE *f = fopen(c->pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
		warn("pidfile %s: %s", c->pidfile, strerror(errno));
}

/* SIGHUP: the command line and the ini files again. A configuration that
 * does not load leaves everything as it was. */
static void reload(struct proxy *px)
{
	struct conf nc, old;
	enum up_opt_action act;
	char msg[600];
	up_addr_t *addrs;
	size_t naddrs;
	up_err_t err;
	if (conf_load(&nc, px->argc, px->argv, &act, msg, sizeof msg) < 0) {
		warn("reload refused, configuration kept: %s", msg);
		return;
	}
	if (parse_static(&nc, &addrs, &naddrs, &err) < 0) {
		warn("reload refused, configuration kept: %s", err.msg);
		conf_free(&nc);
		return;
	}
	old = px->conf;
	px->conf = nc;
	if (nc.buffer_size != old.buffer_size)
		warn("reload: --buffer-size applies to new connections only");
	px->bufsz = relay_bufsz(&px->conf);
	if (registry_set_static(&px->reg, addrs, naddrs) < 0)
		warn("reload: out of memory updating the static pool");
	free(addrs);
	listeners_apply(px, &px->conf, 0, &err);
	if (apply_aux(px, &old, &err) < 0)
		warn("reload: %s", err.msg);
	health_start(px);
	write_pidfile(&px->conf);
	conf_free(&old);
	warn("reloaded: %zu static nodes, balance %s", px->reg.statics.n,
	     conf_balance_name(px->conf.balance));
}

static void drain_expired(struct loop *l, struct timer *t)
{
	(void)t;
	warn("drain timeout: closing %lld connections", container_of(l, struct proxy, loop)->nconns);
	l->stop = 1;
}

static void start_drain(struct proxy *px)
{
	if (px->draining) {
		warn("second signal: exiting now");
		px->loop.stop = 1;
		return;
	}
	px->draining = 1;
	warn("draining %lld connections, then exiting", px->nconns);
	listeners_close_all(px);
	subs_close(px);
	health_stop(px);
	conn_drain(px);
	px->drain_timer.fn = drain_expired;
	timer_arm(&px->loop, &px->drain_timer, px->loop.now + (uint64_t)px->conf.drain_timeout);
}

static void on_signal(struct loop *l, struct io *io, uint32_t ev)
{
	struct sig_watch *w = container_of(io, struct sig_watch, io);
	struct signalfd_siginfo si;
	(void)l;
	(void)ev;
	while (read(io->fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGHUP)
			reload(w->px);
		else
			start_drain(w->px);
	}
}

static void after_batch(struct loop *l, void *ctx)
{
	struct proxy *px = ctx;
	conn_reap(px);
	if (px->draining && px->nconns == 0)
		l->stop = 1;
}

static int setup_signals(struct proxy *px, struct sig_watch *w)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	w->px = px;
	w->io.fn = on_signal;
	w->io.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (w->io.fd < 0)
		return -1;
	return loop_add_level(&px->loop, &w->io);
}

/* Load the configuration or exit. */
static void load(struct proxy *px, int argc, char **argv)
{
	enum up_opt_action act;
	char msg[600];
	if (conf_load(&px->conf, argc, argv, &act, msg, sizeof msg) < 0)
		die(EXIT_PROXY_USAGE, "%s", msg);
	if (act == UP_OPT_HELP) {
		usage(stdout);
		exit(0);
	}
	if (act == UP_OPT_VERSION) {
		print_version();
		exit(0);
	}
	px->argc = argc;
	px->argv = argv;
	px->bufsz = relay_bufsz(&px->conf);
}

static void open_all(struct proxy *px)
{
	up_addr_t *addrs;
	size_t n;
	up_err_t err;
	if (loop_init(&px->loop) < 0 || registry_init(&px->reg) < 0)
		die(EXIT_PROXY_RUNTIME, "cannot start: %s", strerror(errno));
	if (parse_static(&px->conf, &addrs, &n, &err) < 0)
		die(EXIT_PROXY_USAGE, "--to: %s", err.msg);
	if (registry_set_static(&px->reg, addrs, n) < 0)
		die(EXIT_PROXY_RUNTIME, "out of memory");
	free(addrs);
	if (listeners_apply(px, &px->conf, 1, &err) < 0 || apply_aux(px, NULL, &err) < 0)
		die(EXIT_PROXY_SOCKET, "%s", err.msg);
	if (health_start(px) < 0)
		die(EXIT_PROXY_RUNTIME, "out of memory");
}

static void shutdown_all(struct proxy *px, struct sig_watch *w)
{
	conn_close_all(px);
	conn_reap(px);
	conn_pool_free();
	listeners_close_all(px);
	subs_close(px);
	stats_close(px);
	health_stop(px);
	health_abort(px);
	loop_close_io(&px->loop, &w->io);
	timer_stop(&px->loop, &px->drain_timer);
	loop_close(&px->loop);   /* frees what waited for the batch's end */
	registry_free(&px->reg);
	if (px->conf.pidfile)
		unlink(px->conf.pidfile);
	conf_free(&px->conf);
}

int main(int argc, char **argv)
{
	static struct proxy px;
	struct sig_watch w = { 0 };

	progname = "uwsgi-proxy";
	load(&px, argc, argv);
	open_all(&px);
	if (setup_signals(&px, &w) < 0)
		die(EXIT_PROXY_RUNTIME, "signals: %s", strerror(errno));
	px.started = time(NULL);
	px.loop.after = after_batch;
	px.loop.after_ctx = &px;
	write_pidfile(&px.conf);
	warn("%s ready: %zu static nodes, balance %s, checks every %lld ms", UP_VERSION,
	     px.reg.statics.n, conf_balance_name(px.conf.balance), px.conf.check_interval);
	int rc = loop_run(&px.loop);
	if (rc < 0)
		warn("event loop: %s", strerror(errno));
	shutdown_all(&px, &w);
	warn("goodbye");
	return rc < 0 ? EXIT_PROXY_RUNTIME : EXIT_PROXY_OK;
}
