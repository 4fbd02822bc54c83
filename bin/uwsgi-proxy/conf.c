/* The option table of uwsgi-proxy. Names follow uWSGI's routers where the
 * feature is the same (fastrouter-to, fastrouter-subscription-server...
 * are accepted as aliases); each row drives the command line, the ini
 * file and --help. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

#define F(field) offsetof(struct conf, field)
#define MS(lo, hi) (lo), (hi) * 1000LL
#define HEAD(text) { NULL, 0, OPT_FLAG, 0, NULL, text, 0, 0, NULL, NULL }
#define ALIAS(name, target) { name, 0, OPT_FLAG, 0, NULL, NULL, 0, 0, NULL, target }

static const char *const balances[] = { "rr", "lc", "hash", NULL };

static const struct opt_def table[] = {
	HEAD("Front sockets"),
	{ "uwsgi-socket", 's', OPT_LIST, F(uwsgi_sockets), "ADDR", "accept the uwsgi protocol on ADDR (repeatable)", 0, 0, NULL, NULL },
	ALIAS("socket", "uwsgi-socket"),
	ALIAS("fastrouter", "uwsgi-socket"),
	{ "http-socket", 0, OPT_LIST, F(http_sockets), "ADDR", "accept HTTP/1.1 on ADDR (repeatable)", 0, 0, NULL, NULL },
	ALIAS("http", "http-socket"),
	{ "listen", 'l', OPT_INT, F(listen), "N", "listen backlog of each socket (default 1024)", 1, 65535, NULL, NULL },
	{ "max-conns", 0, OPT_INT, F(max_conns), "N", "client connections at once; more get 503 (default 10000)", 1, 1000000, NULL, NULL },
	{ "buffer-size", 'b', OPT_INT, F(buffer_size), "BYTES", "largest vars block or HTTP head (default 8192)", 512, 65535, NULL, NULL },
	HEAD("Backends"),
	{ "to", 0, OPT_LIST, F(to), "ADDR", "a node of the static pool (repeatable)", 0, 0, NULL, NULL },
	ALIAS("fastrouter-to", "to"),
	ALIAS("http-to", "to"),
	{ "balance", 0, OPT_CHOICE, F(balance), "rr|lc|hash", "round robin, least connections or hash (default rr)", 0, 0, balances, NULL },
	{ "hash-key", 0, OPT_STR, F(hash_key), "VAR", "the var --balance hash hashes (default REMOTE_ADDR)", 0, 0, NULL, NULL },
	{ "subscription-server", 0, OPT_STR, F(subscription_server), "ADDR", "UDP address (or multicast group) for subscriptions", 0, 0, NULL, NULL },
	ALIAS("fastrouter-subscription-server", "subscription-server"),
	ALIAS("http-subscription-server", "subscription-server"),
	{ "subscription-timeout", 0, OPT_MSEC, F(subscription_timeout), "SECONDS", "forget a node not refreshed for this long (default 30)", MS(100, 86400), NULL, NULL },
	ALIAS("subscription-tolerance", "subscription-timeout"),
	HEAD("Health and timeouts"),
	{ "check-interval", 0, OPT_MSEC, F(check_interval), "SECONDS", "ping every node this often; 0: never (default 10)", MS(0, 86400), NULL, NULL },
	{ "check-timeout", 0, OPT_MSEC, F(check_timeout), "SECONDS", "a ping unanswered this long fails (default 2)", MS(10, 3600), NULL, NULL },
	{ "connect-timeout", 0, OPT_MSEC, F(connect_timeout), "SECONDS", "give up connecting to a node (default 3)", MS(10, 3600), NULL, NULL },
	{ "timeout", 't', OPT_MSEC, F(timeout), "SECONDS", "close a connection idle this long (default 60)", MS(100, 86400), NULL, NULL },
	ALIAS("fastrouter-timeout", "timeout"),
	{ "drain-timeout", 0, OPT_MSEC, F(drain_timeout), "SECONDS", "on SIGTERM/SIGINT wait this long for open requests (default 30)", MS(0, 86400), NULL, NULL },
	HEAD("Stats, logs and files"),
	{ "stats", 0, OPT_STR, F(stats), "ADDR", "serve the stats JSON on ADDR", 0, 0, NULL, NULL },
	ALIAS("fastrouter-stats", "stats"),
	ALIAS("stats-server", "stats"),
	{ "log-requests", 0, OPT_FLAG, F(log_requests), NULL, "log one line per proxied request", 0, 0, NULL, NULL },
	{ "pidfile", 0, OPT_STR, F(pidfile), "FILE", "write the process id to FILE", 0, 0, NULL, NULL },
	{ "ini", 0, OPT_INCLUDE, 0, "FILE[:SECTION]", "load options from section [uwsgi-proxy] of FILE", 0, 0, NULL, NULL },
	{ "help", 'h', OPT_HELP, 0, NULL, "show this help and exit", 0, 0, NULL, NULL },
	{ "version", 'V', OPT_VERSION, 0, NULL, "show the version and exit", 0, 0, NULL, NULL },
};

#define NOPTS (sizeof table / sizeof table[0])

static void defaults(struct conf *c)
{
	memset(c, 0, sizeof *c);
	c->balance = BAL_RR;
	c->subscription_timeout = 30000;
	c->check_interval = 10000;
	c->check_timeout = 2000;
	c->connect_timeout = 3000;
	c->timeout = 60000;
	c->drain_timeout = 30000;
	c->max_conns = 10000;
	c->buffer_size = 8192;
	c->listen = 1024;
}

int conf_load(struct conf *c, int argc, char *const argv[],
              enum opt_action *action, char *err, size_t cap)
{
	struct opt_run run = {
		.table = table, .n = NOPTS, .target = c, .section = "uwsgi-proxy",
		.include_off = F(ini),
	};
	defaults(c);
	if (opt_load_args(&run, argc, argv) < 0) {
		snprintf(err, cap, "%s", run.err);
		conf_free(c);
		return -1;
	}
	*action = run.action;
	if (run.action != OPT_ACT_RUN)
		return 0;
	if (!c->uwsgi_sockets.n && !c->http_sockets.n) {
		snprintf(err, cap, "no front socket: give --uwsgi-socket or --http-socket");
		conf_free(c);
		return -1;
	}
	return 0;
}

void conf_free(struct conf *c)
{
	opt_free(table, NOPTS, c);
	opt_list_free(&c->ini);
}

void conf_help(FILE *out)
{
	opt_help(table, NOPTS, out);
}

const char *conf_balance_name(int b)
{
	return b >= 0 && b < 3 ? balances[b] : "?";
}
