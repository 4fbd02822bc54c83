/* uwsgi-stats: reads a uWSGI 2.0-schema stats endpoint (uWSGI itself,
 * uwsgi-server, uwsgi-proxy) for people (summary, --watch), for scripts
 * (--json) and for monitoring systems (--nagios). main parses the options
 * and hands over to the mode's module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "jsonout.h"
#include "metrics.h"
#include "nagios.h"
#include "opts.h"
#include "ping.h"
#include "sample.h"
#include "stats.h"
#include "view.h"
#include "watch.h"

static int list_metrics(void)
{
	size_t n;
	const struct metric_def *m = metric_table(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-12s %-3s %s\n", m[i].name,
		       m[i].kinds == (DOC_NODE | DOC_ROUTER) ? "node,router" :
		       m[i].kinds == DOC_NODE ? "node" : "router",
		       *metric_uom_text(m[i].uom) ? metric_uom_text(m[i].uom) : "-", m[i].help);
	return EXIT_STATS_OK;
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

/* Read the document (or ping) as the mode says; the exit status. */
static int run(const struct stats_opts *o)
{
	struct target t;
	up_err_t err;
	int rc = target_parse(o->address, &t, &err);
	if (rc == UP_ERESOLVE && o->mode == MODE_NAGIOS)
		nagios_die(STATE_CRITICAL, "%s", err.msg);
	if (rc == UP_ERESOLVE)
		die(EXIT_STATS_CONNECT, "%s", err.msg);
	if (rc < 0)
		opts_bad_usage("%s (host:port, [v6]:port, /path.sock, @name or "
			       "http://host:port/)", err.msg);
	switch (o->mode) {
	case MODE_NAGIOS: return o->ping ? ping_run(o, &t) : nagios_run(o, &t);
	case MODE_WATCH: return watch_run(o, &t, want_color(o->color));
	case MODE_SUMMARY:
	case MODE_JSON: break;
	}
	return run_view(o, &t);
}

int main(int argc, char **argv)
{
	struct stats_opts o;
	int rc = EXIT_STATS_OK;

	progname = "uwsgi-stats";
	enum up_opt_action action = opts_load(&o, argc, argv);
	if (action == UP_OPT_HELP)
		opts_usage(stdout);
	else if (action == UP_OPT_VERSION)
		print_version();
	else if (o.list_metrics)
		rc = list_metrics();
	else
		rc = run(&o);
	opts_free(&o);
	return rc;
}
