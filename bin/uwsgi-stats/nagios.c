#include "nagios.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fmt.h"
#include "metrics.h"
#include "sample.h"

const char *nagios_state_name(int state)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	return state >= 0 && state <= 3 ? names[state] : "UNKNOWN";
}

void nagios_die(int state, const char *fmt, ...)
{
	va_list ap;
	printf("UWSGI %s - ", nagios_state_name(state));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(state);
}

int nagios_check_state(const struct check *c, double v)
{
	if (c->has_crit && range_alert(&c->crit, v))
		return STATE_CRITICAL;
	if (c->has_warn && range_alert(&c->warn, v))
		return STATE_WARNING;
	return STATE_OK;
}

/* Numbers as perfdata wants them: digits, '-' and '.', never an exponent.
 * Seconds keep six decimals, as check_tcp prints them. */
static int perf_number(up_buf_t *out, int metric, double v)
{
	if (metric_get(metric)->uom == UOM_SEC)
		return up_buf_printf(out, "%.6f", v);
	char text[64];
	return up_buf_puts(out, range_number(v, text, sizeof text));
}

int nagios_value_text(up_buf_t *out, int metric, double v)
{
	const struct metric_def *m = metric_get(metric);
	int rc = perf_number(out, metric, v);
	const char *uom = metric_uom_text(m->uom);
	if (m->uom == UOM_COUNTER || !*uom)
		return rc;
	return rc | up_buf_printf(out, "%s%s", m->uom == UOM_PCT ? "" : " ", uom);
}

int nagios_problem(up_buf_t *out, int metric, const struct check *c, double v,
                   int state)
{
	int rc = up_buf_printf(out, "%s is ", metric_get(metric)->name);
	rc |= nagios_value_text(out, metric, v);
	return rc | up_buf_printf(out, " (%s %s)",
				  state == STATE_CRITICAL ? "critical" : "warning",
				  state == STATE_CRITICAL ? c->crit_text : c->warn_text);
}

int nagios_perfdata(up_buf_t *out, int metric, const struct check *c,
                    double v, double min, double max)
{
	const struct metric_def *m = metric_get(metric);
	int rc = up_buf_printf(out, "%s=", m->name);
	rc |= perf_number(out, metric, v);
	rc |= up_buf_puts(out, metric_uom_text(m->uom));
	/* The fields after the value; trailing empty ones are left out. */
	const char *warn = c && c->has_warn ? c->warn_text : "";
	const char *crit = c && c->has_crit ? c->crit_text : "";
	int last = !isnan(max) ? 4 : !isnan(min) ? 3 : *crit ? 2 : *warn ? 1 : 0;
	for (int f = 1; f <= last; f++) {
		rc |= up_buf_puts(out, ";");
		if (f == 1)
			rc |= up_buf_puts(out, warn);
		else if (f == 2)
			rc |= up_buf_puts(out, crit);
		else if (!isnan(f == 3 ? min : max))
			rc |= perf_number(out, metric, f == 3 ? min : max);
	}
	return rc;
}

/* The metric a -w/-c given before any --metric applies to. */
static int default_metric(const struct doc *d)
{
	return metric_find(d->kind == DOC_NODE ? "busy-pct" : "dead-nodes");
}

static const struct check *check_for(const struct stats_opts *o, int metric,
                                     const struct doc *d)
{
	for (int i = 0; i < o->nchecks; i++) {
		int m = o->checks[i].metric < 0 ? default_metric(d) : o->checks[i].metric;
		if (m == metric)
			return &o->checks[i];
	}
	return NULL;
}

/* Evaluate every check; the ones not OK are described in problems. */
static int evaluate(const struct stats_opts *o, const struct doc *d,
                    const struct doc_totals *t, up_buf_t *problems)
{
	int state = STATE_OK;
	double v, min, max;
	for (int i = 0; i < o->nchecks; i++) {
		const struct check *c = &o->checks[i];
		int metric = c->metric < 0 ? default_metric(d) : c->metric;
		if (metric_value(metric, d, t, &v, &min, &max) < 0)
			nagios_die(STATE_UNKNOWN, "--metric %s does not apply to the %s's "
				   "document at %s", metric_get(metric)->name,
				   d->kind == DOC_NODE ? "node" : d->router, o->address);
		int s = nagios_check_state(c, v);
		if (s == STATE_OK)
			continue;
		if (problems->len)
			up_buf_puts(problems, ", ");
		nagios_problem(problems, metric, c, v, s);
		if (s > state)
			state = s;
	}
	return state;
}

static void summary_text(up_buf_t *out, const struct doc *d, const struct doc_totals *t)
{
	if (d->kind == DOC_NODE)
		up_buf_printf(out, "%zu workers: %zu busy, %zu idle, listen queue %lld/%lld, "
			      "%lld requests", d->nworkers, t->busy, t->idle,
			      d->listen_queue > 0 ? d->listen_queue : 0, t->max_queue,
			      t->requests);
	else
		up_buf_printf(out, "%s: %lld active sessions, %zu nodes (%zu dead), "
			      "%zu keys, %lld requests", d->router,
			      d->active_sessions > 0 ? d->active_sessions : 0, d->nnodes,
			      t->dead_nodes, d->nkeys, t->requests);
}

static void all_perfdata(up_buf_t *out, const struct stats_opts *o,
                         const struct doc *d, const struct doc_totals *t)
{
	size_t n;
	double v, min, max;
	int first = 1;
	metric_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (metric_value((int)i, d, t, &v, &min, &max) < 0)
			continue;
		if (!first)
			up_buf_puts(out, " ");
		nagios_perfdata(out, (int)i, check_for(o, (int)i, d), v, min, max);
		first = 0;
	}
}

/* -v: one line per worker or backend node after the status line. */
static void long_output(up_buf_t *out, const struct doc *d)
{
	for (size_t i = 0; i < d->nworkers; i++) {
		const struct doc_worker *w = &d->workers[i];
		up_buf_printf(out, "worker %lld (pid %lld): %s, %lld requests, %lld exceptions, "
			      "%lld harakiri, %lld respawns, rss %s, avg rt %s",
			      w->id, w->pid, w->status, w->requests, w->exceptions,
			      w->harakiri, w->respawns, fmt_mem(w->rss).s, fmt_ms(w->avg_rt).s);
		if (w->busy_cores && w->uri)
			up_buf_printf(out, ", serving %s %s", w->method ? w->method : "?", w->uri);
		up_buf_puts(out, "\n");
	}
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct doc_rnode *r = &d->nodes[i];
		up_buf_printf(out, "node %s %s: %s, %lld requests, %lld failures\n",
			      r->key ? r->key : "(static)", r->name, r->dead ? "dead" : "alive",
			      r->requests, r->failcnt);
	}
}

int nagios_run(const struct stats_opts *o, const struct target *t)
{
	struct doc d;
	struct doc_totals tt;
	struct fetch_result r;
	up_buf_t line, problems;
	enum fetch_status s = snapshot(t, o->timeout_ms, &d, &r);
	if (s != FETCH_OK)
		nagios_die(s == FETCH_CONNECT ? STATE_CRITICAL : s == FETCH_TIMEOUT ?
			   o->timeout_state : STATE_UNKNOWN, "%s", r.msg);
	doc_totals(&d, &tt);
	up_buf_init(&line, 0);
	up_buf_init(&problems, 0);
	int state = evaluate(o, &d, &tt, &problems);
	up_buf_printf(&line, "UWSGI %s - ", nagios_state_name(state));
	if (problems.len)
		up_buf_printf(&line, "%.*s; ", (int)problems.len, (const char *)up_buf_head(&problems));
	summary_text(&line, &d, &tt);
	up_buf_puts(&line, "|");
	all_perfdata(&line, o, &d, &tt);
	up_buf_puts(&line, "\n");
	if (o->verbose)
		long_output(&line, &d);
	fwrite(up_buf_head(&line), 1, line.len, stdout);
	fflush(stdout);
	up_buf_free(&line);
	up_buf_free(&problems);
	doc_free(&d);
	return state;
}
