/* The option table of uwsgi-proxy. Names follow uWSGI's routers where the
 * feature is the same (fastrouter-to, fastrouter-subscription-server...
 * are accepted as aliases); each row drives the command line, the ini
 * file and --help through lib/'s option engine, which never prints or
 * exits, so a reload can refuse a bad configuration and keep the old. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

/* Headings of --help, in this order. */
enum { GRP_FRONT, GRP_BACKENDS, GRP_HEALTH, GRP_MISC };
static const char *const groups[] = {
	[GRP_FRONT] = "Front sockets",
	[GRP_BACKENDS] = "Backends",
	[GRP_HEALTH] = "Health and timeouts",
	[GRP_MISC] = "Stats, logs and files",
};

#define UP_OPT_TARGET struct conf

/* --balance's values, in enum balance order (the metavar lists them for
 * up_opt_set_choice). */
static const char *const balances[] = { "rr", "lc", "hash" };

static const struct up_opt table[] = {
	{ GRP_FRONT, "uwsgi-socket", 's', UP_ARG_REQUIRED, "ADDR", "accept the uwsgi protocol on ADDR (repeatable)", UP_OPT_LIST(uwsgi_sockets) },
	{ GRP_FRONT, "socket", 0, UP_OPT_ALIAS("uwsgi-socket") },
	{ GRP_FRONT, "fastrouter", 0, UP_OPT_ALIAS("uwsgi-socket") },
	{ GRP_FRONT, "http-socket", 0, UP_ARG_REQUIRED, "ADDR", "accept HTTP/1.1 on ADDR (repeatable)", UP_OPT_LIST(http_sockets) },
	{ GRP_FRONT, "http", 0, UP_OPT_ALIAS("http-socket") },
	{ GRP_FRONT, "listen", 'l', UP_ARG_REQUIRED, "N", "listen backlog of each socket (default 1024)", UP_OPT_LL(listen, 1, 65535) },
	{ GRP_FRONT, "max-conns", 0, UP_ARG_REQUIRED, "N", "client connections at once; more get 503 (default 10000)", UP_OPT_LL(max_conns, 1, 1000000) },
	{ GRP_FRONT, "buffer-size", 'b', UP_ARG_REQUIRED, "BYTES", "largest vars block or HTTP head (default 8192)", UP_OPT_LL(buffer_size, 512, 65535) },

	{ GRP_BACKENDS, "to", 0, UP_ARG_REQUIRED, "ADDR", "a node of the static pool (repeatable)", UP_OPT_LIST(to) },
	{ GRP_BACKENDS, "fastrouter-to", 0, UP_OPT_ALIAS("to") },
	{ GRP_BACKENDS, "http-to", 0, UP_OPT_ALIAS("to") },
	{ GRP_BACKENDS, "balance", 0, UP_ARG_REQUIRED, "rr|lc|hash", "round robin, least connections or hash (default rr)", up_opt_set_choice, NULL, UP_OPT_FIELD(balance), 0, 0, NULL },
	{ GRP_BACKENDS, "hash-key", 0, UP_ARG_REQUIRED, "VAR", "the var --balance hash hashes (default REMOTE_ADDR)", UP_OPT_STR(hash_key) },
	{ GRP_BACKENDS, "subscription-server", 0, UP_ARG_REQUIRED, "ADDR", "UDP address (or multicast group) for subscriptions", UP_OPT_STR(subscription_server) },
	{ GRP_BACKENDS, "fastrouter-subscription-server", 0, UP_OPT_ALIAS("subscription-server") },
	{ GRP_BACKENDS, "http-subscription-server", 0, UP_OPT_ALIAS("subscription-server") },
	{ GRP_BACKENDS, "subscription-timeout", 0, UP_ARG_REQUIRED, "SECONDS", "forget a node not refreshed for this long (default 30)", UP_OPT_MSEC(subscription_timeout, 100, 86400 * 1000LL) },
	{ GRP_BACKENDS, "subscription-tolerance", 0, UP_OPT_ALIAS("subscription-timeout") },

	{ GRP_HEALTH, "check-interval", 0, UP_ARG_REQUIRED, "SECONDS", "ping every node this often; 0: never (default 10)", UP_OPT_MSEC(check_interval, 0, 86400 * 1000LL) },
	{ GRP_HEALTH, "check-timeout", 0, UP_ARG_REQUIRED, "SECONDS", "a ping unanswered this long fails (default 2)", UP_OPT_MSEC(check_timeout, 10, 3600 * 1000LL) },
	{ GRP_HEALTH, "connect-timeout", 0, UP_ARG_REQUIRED, "SECONDS", "give up connecting to a node (default 3)", UP_OPT_MSEC(connect_timeout, 10, 3600 * 1000LL) },
	{ GRP_HEALTH, "timeout", 't', UP_ARG_REQUIRED, "SECONDS", "close a connection idle this long (default 60)", UP_OPT_MSEC(timeout, 100, 86400 * 1000LL) },
	{ GRP_HEALTH, "fastrouter-timeout", 0, UP_OPT_ALIAS("timeout") },
	{ GRP_HEALTH, "drain-timeout", 0, UP_ARG_REQUIRED, "SECONDS", "on SIGTERM/SIGINT wait this long for open requests (default 30)", UP_OPT_MSEC(drain_timeout, 0, 86400 * 1000LL) },

	{ GRP_MISC, "stats", 0, UP_ARG_REQUIRED, "ADDR", "serve the stats JSON on ADDR", UP_OPT_STR(stats) },
	{ GRP_MISC, "fastrouter-stats", 0, UP_OPT_ALIAS("stats") },
	{ GRP_MISC, "stats-server", 0, UP_OPT_ALIAS("stats") },
	{ GRP_MISC, "log-requests", 0, UP_ARG_NONE, NULL, "log one line per proxied request", UP_OPT_FLAG(log_requests) },
	{ GRP_MISC, "pidfile", 0, UP_ARG_REQUIRED, "FILE", "write the process id to FILE", UP_OPT_STR(pidfile) },
	{ GRP_MISC, "ini", 0, UP_ARG_REQUIRED, "FILE[:SECTION]", "load options from section [uwsgi-proxy] of FILE", UP_OPT_CALL(up_opt_set_ini) },
	{ GRP_MISC, "help", 'h', UP_ARG_NONE, NULL, "show this help and exit", UP_OPT_CALL(up_opt_set_help) },
	{ GRP_MISC, "version", 'V', UP_ARG_NONE, NULL, "show the version and exit", UP_OPT_CALL(up_opt_set_version) },
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
              enum up_opt_action *action, char *err, size_t cap)
{
	struct up_opt_run run = {
		.table = table, .n = NOPTS, .target = c, .section = "uwsgi-proxy",
	};
	defaults(c);
	if (up_opt_load_args(&run, argc, argv) < 0) {
		snprintf(err, cap, "%s", run.err);
		conf_free(c);
		return -1;
	}
	*action = run.action;
	if (run.action != UP_OPT_RUN)
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
	up_opt_free(table, NOPTS, c);
}

void conf_help(FILE *out)
{
	/* The aliases are uWSGI's router names, told in the man page; the
	 * help stays short. */
	up_opt_help(table, NOPTS, groups, sizeof groups / sizeof groups[0], 0, out);
}

const char *conf_balance_name(int b)
{
	return b >= 0 && b < (int)(sizeof balances / sizeof balances[0]) ? balances[b] : "?";
}
