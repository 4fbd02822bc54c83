/* The option table of uwsgi-stats. The monitoring options are the
 * Monitoring Plugins' (-H, -p, -w, -c, -t, -v); -w and -c apply to the
 * --metric before them, which works because the engine applies options in
 * the order given. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "die.h"
#include "metrics.h"
#include "nagios.h"
#include "opts.h"

/* Headings of --help, in this order. */
enum { GRP_VIEWS, GRP_MONITORING, GRP_COMMON };
static const char *const groups[] = {
	[GRP_VIEWS] = "Views (default: a summary of the node or router and its workers)",
	[GRP_MONITORING] = "Monitoring (Monitoring Plugins rules; exit 0 OK, "
			   "1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
	[GRP_COMMON] = "Common",
};

static int nagios_mode;

void opts_bad_usage(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (nagios_mode)
		nagios_die(STATE_UNKNOWN, "%s", msg);
	die(EXIT_STATS_USAGE, "%s", msg);
}

static int switch_mode(struct up_opt_run *r, enum stats_mode m)
{
	struct stats_opts *o = r->target;
	if (o->mode != MODE_SUMMARY && o->mode != m)
		return up_opt_fail(r, "--json, --watch and --nagios exclude each other");
	o->mode = m;
	return 0;
}

/* --json and --nagios: the row's min names the mode. */
static int set_mode(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	(void)val;
	return switch_mode(r, (enum stats_mode)opt->min);
}

static int set_ping(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct stats_opts *o = r->target;
	(void)opt, (void)val;
	o->ping = 1;
	return switch_mode(r, MODE_NAGIOS);
}

static int set_watch(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	if (switch_mode(r, MODE_WATCH) < 0)
		return -1;
	return val ? up_opt_set_msec(r, opt, val) : 0;
}

/* A bare --color is "always", as in ls and grep. The choices are in enum
 * color_when's order; --help shows them as WHEN to keep its column narrow. */
static int set_color(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct stats_opts *o = r->target;
	struct up_opt choice = *opt;
	if (!val) {
		o->color = COLOR_ALWAYS;
		return 0;
	}
	choice.metavar = "auto|always|never";
	return up_opt_set_choice(r, &choice, val);
}

static int parse_state(const char *s)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, names[i]) || (s[0] == '0' + i && !s[1]))
			return i;
	return -1;
}

/* -t SECONDS[:STATE], as newer Monitoring Plugins take it. */
static int set_timeout(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct stats_opts *o = r->target;
	const char *colon = strchr(val, ':');
	char secs[64];
	if (colon && (o->timeout_state = parse_state(colon + 1)) < 0)
		return up_opt_fail(r, "'%.80s' is not a state (ok, warning, critical, "
				   "unknown)", colon + 1);
	size_t len = colon ? (size_t)(colon - val) : strlen(val);
	if (len >= sizeof secs)
		return up_opt_fail(r, "'%.80s' is not a number of seconds", val);
	memcpy(secs, val, len);
	secs[len] = '\0';
	return up_opt_set_msec(r, opt, secs);
}

static int set_metric(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct stats_opts *o = r->target;
	int m = metric_find(val);
	(void)opt;
	if (m < 0)
		return up_opt_fail(r, "no metric '%.80s' (--list-metrics lists them)", val);
	if (o->nchecks == MAX_CHECKS)
		return up_opt_fail(r, "at most %d", MAX_CHECKS);
	o->checks[o->nchecks++].metric = m;
	return 0;
}

/* -w or -c (the row's min is 1 for -c): for the last --metric, or the
 * default metric before any. */
static int set_range(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct stats_opts *o = r->target;
	int crit = (int)opt->min;
	if (o->nchecks == 0) {
		o->checks[0].metric = -1;
		o->nchecks = 1;
	}
	struct check *c = &o->checks[o->nchecks - 1];
	int *given = crit ? &c->has_crit : &c->has_warn;
	struct range *rg = crit ? &c->crit : &c->warn;
	if (*given)
		return up_opt_fail(r, "given twice for one metric");
	if (range_parse(val, rg) < 0)
		return up_opt_fail(r, "'%.80s' is not a range (10, 10:, ~:10, 10:20, "
				   "@10:20)", val);
	*given = 1;
	range_format(rg, crit ? c->crit_text : c->warn_text, sizeof c->crit_text);
	return 0;
}

#define UP_OPT_TARGET struct stats_opts

static const struct up_opt table[] = {
	{ GRP_VIEWS, "json", 'j', UP_ARG_NONE, NULL, "the document, normalised, as JSON", set_mode, NULL, 0, MODE_JSON, 0, NULL },
	{ GRP_VIEWS, "watch", 0, UP_ARG_OPTIONAL, "SECONDS", "redraw the summary in place every SECONDS (2); q quits", set_watch, NULL, UP_OPT_FIELD(watch_ms), 100, 86400 * 1000LL, NULL },
	{ GRP_VIEWS, "interval", 'i', UP_ARG_REQUIRED, "SECONDS", "sample rates over SECONDS (default 1; 0 reads once)", UP_OPT_MSEC(interval_ms, 0, 86400 * 1000LL) },
	{ GRP_VIEWS, "color", 0, UP_ARG_OPTIONAL, "WHEN", "auto (default: a terminal, NO_COLOR unset), always, never", set_color, NULL, UP_OPT_FIELD(color), 0, 0, NULL },
	{ GRP_VIEWS, "colour", 0, UP_OPT_ALIAS("color") },

	{ GRP_MONITORING, "nagios", 0, UP_ARG_NONE, NULL, "one status line with perfdata", set_mode, NULL, 0, MODE_NAGIOS, 0, NULL },
	{ GRP_MONITORING, "ping", 0, UP_ARG_NONE, NULL, "ping a uwsgi socket (modifier1 100) instead", UP_OPT_CALL(set_ping) },
	{ GRP_MONITORING, "metric", 'm', UP_ARG_REQUIRED, "NAME", "the metric the -w/-c after it apply to (repeatable)", UP_OPT_CALL(set_metric) },
	{ GRP_MONITORING, "warning", 'w', UP_ARG_REQUIRED, "RANGE", "warning range: 10, 10:, ~:10, 10:20, @10:20", set_range, NULL, 0, 0, 0, NULL },
	{ GRP_MONITORING, "critical", 'c', UP_ARG_REQUIRED, "RANGE", "critical range, same syntax", set_range, NULL, 0, 1, 0, NULL },
	{ GRP_MONITORING, "hostname", 'H', UP_ARG_REQUIRED, "HOST", "with -p PORT: the address, as other plugins take it", UP_OPT_STR(host) },
	{ GRP_MONITORING, "port", 'p', UP_ARG_REQUIRED, "PORT", "the port of -H", UP_OPT_STR(port) },
	{ GRP_MONITORING, "verbose", 'v', UP_ARG_NONE, NULL, "a line per worker or node after the status line", UP_OPT_FLAG(verbose) },
	{ GRP_MONITORING, "list-metrics", 0, UP_ARG_NONE, NULL, "list the metrics and their units", UP_OPT_FLAG(list_metrics) },

	{ GRP_COMMON, "timeout", 't', UP_ARG_REQUIRED, "S[:STATE]", "limit for each read (default 10); STATE: the --nagios state then (unknown)", set_timeout, NULL, UP_OPT_FIELD(timeout_ms), 1, 86400 * 1000LL, NULL },
	{ GRP_COMMON, "help", 'h', UP_ARG_NONE, NULL, "this help", UP_OPT_CALL(up_opt_set_help) },
	{ GRP_COMMON, "version", 'V', UP_ARG_NONE, NULL, "the version", UP_OPT_CALL(up_opt_set_version) },
};

#define NOPTS (sizeof table / sizeof table[0])

void opts_usage(FILE *out)
{
	fprintf(out,
"usage: %s [OPTIONS] ADDRESS\n"
"       %s --nagios [-m METRIC] [-w RANGE] [-c RANGE]... ADDRESS\n"
"       %s --nagios --ping [-w RANGE] [-c RANGE] ADDRESS\n"
"ADDRESS is a stats socket (host:port, [v6]:port, /path.sock, @name) or the\n"
"http:// URL of a --stats-http endpoint; --ping takes a uwsgi socket.\n",
		progname, progname, progname);
	up_opt_help(table, NOPTS, groups, sizeof groups / sizeof groups[0], 0, out);
	fprintf(out, "Exit (without --nagios): 0 ok, 1 usage, 2 connect, 3 timeout, "
		"4 bad answer.\n");
}

/* -H HOST -p PORT as one address; IPv6 literals get their brackets. */
static const char *join_host_port(const char *host, const char *port)
{
	static char addr[300];
	int v6 = strchr(host, ':') && host[0] != '[';
	if (!port)
		opts_bad_usage("-H needs -p PORT");
	snprintf(addr, sizeof addr, v6 ? "[%s]:%s" : "%s:%s", host, port);
	return addr;
}

static void check_args(struct stats_opts *o)
{
	size_t n = o->words.n;
	if (o->host && n)
		opts_bad_usage("give the address either as ADDRESS or with -H/-p");
	if (o->port && !o->host)
		opts_bad_usage("-p goes with -H HOST");
	if (o->host)
		o->address = join_host_port(o->host, o->port);
	else if (n)
		o->address = o->words.v[0];
	else
		opts_bad_usage("no ADDRESS given (try --help)");
	if (n > 1)
		opts_bad_usage("unexpected argument '%s'", o->words.v[1]);
	if (o->nchecks && o->mode != MODE_NAGIOS)
		opts_bad_usage("-m, -w and -c go with --nagios");
	for (int i = 0; i < o->nchecks; i++)
		if (!o->checks[i].has_warn && !o->checks[i].has_crit)
			opts_bad_usage("--metric %s has no -w or -c after it",
				       metric_get(o->checks[i].metric)->name);
	if (o->interval_ms >= 0 && (o->mode == MODE_NAGIOS || o->mode == MODE_WATCH))
		opts_bad_usage("-i goes with the summary and --json (--watch=SECONDS "
			       "sets its own)");
	if (o->interval_ms < 0)
		o->interval_ms = 1000;
}

enum up_opt_action opts_load(struct stats_opts *o, int argc, char **argv)
{
	/* The address may come before the options that say how to read it. */
	struct up_opt_run run = {
		.table = table, .n = NOPTS, .target = o,
		.positional = up_opt_keep_word, .words = &o->words,
	};
	*o = (struct stats_opts){
		.mode = MODE_SUMMARY, .timeout_ms = 10000, .timeout_state = STATE_UNKNOWN,
		.interval_ms = -1, .watch_ms = 2000, .color = COLOR_AUTO,
	};
	/* Known before the engine reports anything: --nagios makes usage
	 * errors UNKNOWN on stdout, which is what a monitoring system reads. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios") || !strcmp(argv[i], "--ping"))
			nagios_mode = 1;
	if (up_opt_load_args(&run, argc, argv) < 0)
		opts_bad_usage("%s", run.err);
	if (run.action == UP_OPT_RUN && !o->list_metrics)
		check_args(o);
	return run.action;
}

void opts_free(struct stats_opts *o)
{
	up_opt_free(table, NOPTS, o);
	up_opt_list_free(&o->words);
}
