/* uwsgi-stats: reads a uWSGI 2.0-schema stats endpoint (uWSGI itself,
 * uwsgi-server, uwsgi-proxy) for people (summary, --watch), for scripts
 * (--json) and for monitoring systems (--nagios). main parses the options
 * and hands over to the mode's module. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "die.h"
#include "jsonout.h"
#include "metrics.h"
#include "nagios.h"
#include "ping.h"
#include "sample.h"
#include "stats.h"
#include "view.h"
#include "watch.h"

enum {
	OPT_WATCH = 256, OPT_NAGIOS, OPT_PING, OPT_COLOR, OPT_LIST_METRICS,
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "watch", optional_argument, NULL, OPT_WATCH },
	{ "interval", required_argument, NULL, 'i' },
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "ping", no_argument, NULL, OPT_PING },
	{ "metric", required_argument, NULL, 'm' },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "hostname", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "list-metrics", no_argument, NULL, OPT_LIST_METRICS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: %s [OPTIONS] ADDRESS\n"
"       %s --nagios [-m METRIC] [-w RANGE] [-c RANGE]... ADDRESS\n"
"       %s --nagios --ping [-w RANGE] [-c RANGE] ADDRESS\n"
"ADDRESS is a stats socket (host:port, [v6]:port, /path.sock, @name) or the\n"
"http:// URL of a --stats-http endpoint; --ping takes a uwsgi socket.\n"
"Views:\n"
"      (default)            a summary of the node or router and its workers\n"
"  -j, --json               the document, normalised, as JSON\n"
"      --watch[=SECONDS]    redraw the summary in place every SECONDS (2); q quits\n"
"  -i, --interval SECONDS   sample rates over SECONDS (default 1; 0 reads once)\n"
"      --color[=WHEN]       auto (default: a terminal, NO_COLOR unset), always, never\n"
"Monitoring (Monitoring Plugins rules; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN):\n"
"      --nagios             one status line with perfdata\n"
"      --ping               ping a uwsgi socket (modifier1 100) instead\n"
"  -m, --metric NAME        the metric the -w/-c after it apply to (repeatable)\n"
"  -w, --warning RANGE      warning range: 10, 10:, ~:10, 10:20, @10:20\n"
"  -c, --critical RANGE     critical range, same syntax\n"
"  -H, --hostname HOST      with -p PORT: the address, as other plugins take it\n"
"  -p, --port PORT\n"
"  -v, --verbose            a line per worker or node after the status line\n"
"      --list-metrics       list the metrics and their units\n"
"Common:\n"
"  -t, --timeout S[:STATE]  limit for each read (default 10); with --nagios the\n"
"                           state a timeout gives (default unknown)\n"
"  -h, --help               this help;  -V, --version: the version\n"
"Exit (without --nagios): 0 ok, 1 usage, 2 connect, 3 timeout, 4 bad answer.\n",
		progname, progname, progname);
}

static int nagios_mode;

/* A usage error: exit 1 on stderr, or UNKNOWN on stdout for --nagios, as a
 * monitoring system reads only stdout and the exit status. */
static void bad_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void bad_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (nagios_mode)
		nagios_die(STATE_UNKNOWN, "%s", msg);
	die(EXIT_STATS_USAGE, "%s", msg);
}

static double parse_seconds(const char *opt, const char *s, double min)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < min || v > 86400)
		bad_usage("%s: '%s' is not a number of seconds", opt, s);
	return v;
}

static int parse_state(const char *s)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, names[i]) || (s[0] == '0' + i && !s[1]))
			return i;
	bad_usage("-t: '%s' is not a state (ok, warning, critical, unknown)", s);
}

/* -t SECONDS[:STATE], as newer Monitoring Plugins take it. */
static void parse_timeout(struct stats_opts *o, char *arg)
{
	char *colon = strchr(arg, ':');
	if (colon) {
		*colon = '\0';
		o->timeout_state = parse_state(colon + 1);
	}
	double s = parse_seconds("-t", arg, 0.001);
	o->timeout_ms = (int)(s * 1000 + 0.5);
}

static void add_metric(struct stats_opts *o, const char *name)
{
	int m = metric_find(name);
	if (m < 0)
		bad_usage("--metric: no metric '%s' (--list-metrics lists them)", name);
	if (o->nchecks == MAX_CHECKS)
		bad_usage("--metric: at most %d", MAX_CHECKS);
	o->checks[o->nchecks++].metric = m;
}

/* -w or -c: for the last --metric, or the default metric before any. */
static void add_range(struct stats_opts *o, int crit, const char *text)
{
	if (o->nchecks == 0) {
		o->checks[0].metric = -1;
		o->nchecks = 1;
	}
	struct check *c = &o->checks[o->nchecks - 1];
	int *given = crit ? &c->has_crit : &c->has_warn;
	struct range *r = crit ? &c->crit : &c->warn;
	if (*given)
		bad_usage("%s given twice for one metric", crit ? "-c" : "-w");
	if (range_parse(text, r) < 0)
		bad_usage("%s: '%s' is not a range (10, 10:, ~:10, 10:20, @10:20)",
			  crit ? "-c" : "-w", text);
	*given = 1;
	range_format(r, crit ? c->crit_text : c->warn_text, sizeof c->crit_text);
}

static void list_metrics(void)
{
	size_t n;
	const struct metric_def *m = metric_table(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-12s %-3s %s\n", m[i].name,
		       m[i].kinds == (DOC_NODE | DOC_ROUTER) ? "node,router" :
		       m[i].kinds == DOC_NODE ? "node" : "router",
		       *metric_uom_text(m[i].uom) ? metric_uom_text(m[i].uom) : "-", m[i].help);
	exit(EXIT_STATS_OK);
}

static void set_mode(struct stats_opts *o, enum stats_mode m)
{
	if (o->mode != MODE_SUMMARY && o->mode != m)
		bad_usage("--json, --watch and --nagios exclude each other");
	o->mode = m;
}

static enum color_when parse_color(const char *s)
{
	if (!s || !strcmp(s, "always"))
		return COLOR_ALWAYS;
	if (!strcmp(s, "never"))
		return COLOR_NEVER;
	if (!strcmp(s, "auto"))
		return COLOR_AUTO;
	bad_usage("--color: '%s' is not auto, always or never", s);
}

static void parse_option(struct stats_opts *o, int c, const char **host, const char **port,
                         int *interval_given, const char *bad_arg)
{
	switch (c) {
	case 'j': set_mode(o, MODE_JSON); break;
	case OPT_WATCH:
		set_mode(o, MODE_WATCH);
		if (optarg)
			o->watch_interval = parse_seconds("--watch", optarg, 0.1);
		break;
	case 'i': o->interval = parse_seconds("-i", optarg, 0); *interval_given = 1; break;
	case OPT_NAGIOS: set_mode(o, MODE_NAGIOS); break;
	case OPT_PING: set_mode(o, MODE_NAGIOS); o->ping = 1; break;
	case 'm': add_metric(o, optarg); break;
	case 'w': add_range(o, 0, optarg); break;
	case 'c': add_range(o, 1, optarg); break;
	case 't': parse_timeout(o, optarg); break;
	case 'H': *host = optarg; break;
	case 'p': *port = optarg; break;
	case 'v': o->verbose = 1; break;
	case OPT_COLOR: o->color = parse_color(optarg); break;
	case OPT_LIST_METRICS: list_metrics(); break;
	case 'h': usage(stdout); exit(EXIT_STATS_OK);
	case 'V': print_version(); exit(EXIT_STATS_OK);
	default:
		if (nagios_mode)
			bad_usage("bad option '%s': unknown, or its argument is missing "
				  "(try --help)", bad_arg);
		usage(stderr);
		exit(EXIT_STATS_USAGE);
	}
}

/* -H HOST -p PORT as one address; IPv6 literals get their brackets. */
static const char *join_host_port(const char *host, const char *port)
{
	static char addr[300];
	int v6 = strchr(host, ':') && host[0] != '[';
	if (!port)
		bad_usage("-H needs -p PORT");
	snprintf(addr, sizeof addr, v6 ? "[%s]:%s" : "%s:%s", host, port);
	return addr;
}

static void check_args(struct stats_opts *o, int argc, char **argv, const char *host,
                       const char *port, int interval_given)
{
	if (host && optind < argc)
		bad_usage("give the address either as ADDRESS or with -H/-p");
	if (port && !host)
		bad_usage("-p goes with -H HOST");
	if (host)
		o->address = join_host_port(host, port);
	else if (optind < argc)
		o->address = argv[optind++];
	else
		bad_usage("no ADDRESS given (try --help)");
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	if (o->nchecks && o->mode != MODE_NAGIOS)
		bad_usage("-m, -w and -c go with --nagios");
	for (int i = 0; i < o->nchecks; i++)
		if (!o->checks[i].has_warn && !o->checks[i].has_crit)
			bad_usage("--metric %s has no -w or -c after it",
				  metric_get(o->checks[i].metric)->name);
	if (interval_given && (o->mode == MODE_NAGIOS || o->mode == MODE_WATCH))
		bad_usage("-i goes with the summary and --json (--watch=SECONDS sets its own)");
}

static void parse_args(int argc, char **argv, struct stats_opts *o)
{
	const char *host = NULL, *port = NULL;
	int c, interval_given = 0;
	/* Known before getopt reports anything: --nagios makes usage errors
	 * UNKNOWN on stdout, which is what a monitoring system reads. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios") || !strcmp(argv[i], "--ping"))
			nagios_mode = 1;
	opterr = !nagios_mode;
	while ((c = getopt_long(argc, argv, "ji:m:w:c:t:H:p:vhV", longopts, NULL)) != -1)
		parse_option(o, c, &host, &port, &interval_given, argv[optind - 1]);
	check_args(o, argc, argv, host, port, interval_given);
}

static int want_color(enum color_when w)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	if (w != COLOR_AUTO)
		return w == COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

static int run_view(const struct stats_opts *o, const struct target *t)
{
	struct sample s;
	up_buf_t out;
	up_err_t err;
	int rc;
	sample_take(&s, t, o);
	if (o->mode == MODE_JSON) {
		rc = jsonout_print(&s, t->label);
	} else {
		up_buf_init(&out, 0);
		rc = view_render(&out, &s.cur, s.have_prev ? &s.prev : NULL, s.dt,
				 want_color(o->color));
		if (rc == 0)
			rc = up_write_all(STDOUT_FILENO, up_buf_head(&out), out.len, -1,
					  "stdout", &err);
		up_buf_free(&out);
	}
	sample_free(&s);
	if (rc < 0)
		die(EXIT_STATS_USAGE, "cannot write the output");
	return EXIT_STATS_OK;
}

int main(int argc, char **argv)
{
	struct stats_opts o = {
		.mode = MODE_SUMMARY, .timeout_ms = 10000, .timeout_state = STATE_UNKNOWN,
		.interval = 1, .watch_interval = 2, .color = COLOR_AUTO,
	};
	struct target t;
	up_err_t err;

	progname = "uwsgi-stats";
	parse_args(argc, argv, &o);
	int rc = target_parse(o.address, &t, &err);
	if (rc == UP_ERESOLVE && o.mode == MODE_NAGIOS)
		nagios_die(STATE_CRITICAL, "%s", err.msg);
	if (rc == UP_ERESOLVE)
		die(EXIT_STATS_CONNECT, "%s", err.msg);
	if (rc < 0)
		bad_usage("%s (host:port, [v6]:port, /path.sock, @name or http://host:port/)",
			  err.msg);
	switch (o.mode) {
	case MODE_NAGIOS: return o.ping ? ping_run(&o, &t) : nagios_run(&o, &t);
	case MODE_WATCH: return watch_run(&o, &t, want_color(o.color));
	case MODE_SUMMARY:
	case MODE_JSON: break;
	}
	return run_view(&o, &t);
}
