#include "view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "table.h"

#define C_TITLE "\033[1m"
#define C_RESET "\033[0m"
#define C_BUSY "\033[1;33m"
#define C_IDLE "\033[32m"
#define C_DIM "\033[2m"
#define C_SIG "\033[35m"
#define C_BAD "\033[1;31m"

static const char *status_color(const char *s)
{
	if (!strcmp(s, "busy"))
		return C_BUSY;
	if (!strcmp(s, "idle"))
		return C_IDLE;
	if (!strcmp(s, "cheap") || !strcmp(s, "pause"))
		return C_DIM;
	return !strcmp(s, "sig") ? C_SIG : C_BAD;
}

/* A counter that should stay at 0 is shown in red once it is not. */
static void add_alarm_count(struct table *t, long long v)
{
	table_add(t, fmt_count(v).s, v > 0 ? C_BAD : NULL);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "?";
}

/* "GET /sleep?3 (12s)", "+2" when more of the worker's cores are busy. */
static void current_request(char *out, size_t cap, const struct doc *d,
                            const struct doc_worker *w)
{
	char age[48] = "";
	out[0] = '\0';
	if (!w->busy_cores || (!w->method && !w->uri))
		return;
	if (w->request_start > 0 && d->when >= (double)w->request_start)
		snprintf(age, sizeof age, " (%s)",
			 fmt_duration(d->when - (double)w->request_start).s);
	snprintf(out, cap, "%s %s%s", w->method ? w->method : "?",
		 w->uri ? w->uri : "?", age);
	if (w->busy_cores > 1)
		snprintf(out + strlen(out), cap - strlen(out), " +%zu", w->busy_cores - 1);
}

static int node_header(up_buf_t *out, const struct doc *d, const struct doc_totals *t,
                       double rate, double dt, int color)
{
	int rc = up_buf_printf(out, "%suWSGI %s  pid %s", color ? C_TITLE : "",
			       or_unknown(d->version), fmt_count(d->pid).s);
	if (d->start_time > 0)
		rc |= up_buf_printf(out, "  up %s",
				    fmt_duration(d->when - (double)d->start_time).s);
	rc |= up_buf_printf(out, "  cwd %s%s\n", or_unknown(d->cwd), color ? C_RESET : "");
	rc |= up_buf_printf(out, "listen queue %s/%s  overflows %s  load %s  "
			    "signal queue %s\n", fmt_count(d->listen_queue).s,
			    fmt_count(t->max_queue).s, fmt_count(d->listen_queue_errors).s,
			    fmt_count(d->load).s, fmt_count(d->signal_queue).s);
	rc |= up_buf_printf(out, "workers %zu: %zu busy, %zu idle", d->nworkers,
			    t->busy, t->idle);
	if (t->cheap)
		rc |= up_buf_printf(out, ", %zu cheap", t->cheap);
	if (t->paused)
		rc |= up_buf_printf(out, ", %zu paused", t->paused);
	if (t->sig)
		rc |= up_buf_printf(out, ", %zu in a signal handler", t->sig);
	rc |= up_buf_printf(out, "  requests %lld", t->requests);
	if (!isnan(rate))
		rc |= up_buf_printf(out, "  %s req/s over %.1f s", fmt_rate(rate).s, dt);
	return rc | up_buf_puts(out, "\n\n");
}

static const char *const worker_heads[] = {
	"WORKER", "PID", "STATUS", "REQUESTS", "REQ/S", "EXC", "HARAKIRI",
	"RESPAWNS", "RSS", "VSZ", "AVG RT", "CURRENT REQUEST",
};

static void worker_row(struct table *tb, const struct doc *d, size_t i,
                       const struct doc *prev, double dt)
{
	const struct doc_worker *w = &d->workers[i];
	char cur[256];
	current_request(cur, sizeof cur, d, w);
	table_add(tb, fmt_count(w->id).s, NULL);
	table_add(tb, fmt_count(w->pid).s, NULL);
	table_add(tb, w->status, status_color(w->status));
	table_add(tb, fmt_count(w->requests).s, NULL);
	table_add(tb, fmt_rate(doc_worker_rate(d, prev, i, dt)).s, NULL);
	add_alarm_count(tb, w->exceptions);
	add_alarm_count(tb, w->harakiri);
	add_alarm_count(tb, w->respawns);
	table_add(tb, fmt_mem(w->rss).s, NULL);
	table_add(tb, fmt_mem(w->vsz).s, NULL);
	table_add(tb, fmt_ms(w->avg_rt).s, NULL);
	table_add(tb, cur, NULL);
}

static void worker_total(struct table *tb, const struct doc_totals *t, double rate)
{
	char busy[32];
	snprintf(busy, sizeof busy, "%zu busy", t->busy);
	table_add(tb, "total", C_TITLE);
	table_add(tb, "", NULL);
	table_add(tb, busy, NULL);
	table_add(tb, fmt_count(t->requests).s, NULL);
	table_add(tb, fmt_rate(rate).s, NULL);
	add_alarm_count(tb, t->exceptions);
	add_alarm_count(tb, t->harakiri);
	add_alarm_count(tb, t->respawns);
	table_add(tb, fmt_mem(t->rss_sum).s, NULL);
	table_add(tb, fmt_mem(t->vsz_sum).s, NULL);
	table_add(tb, fmt_ms((long long)t->avg_rt).s, NULL);
	table_add(tb, "", NULL);
}

static const char *const socket_heads[] = {
	"SOCKET", "PROTO", "QUEUE", "MAX QUEUE", "SHARED", "OFFLOAD",
};

static int socket_table(up_buf_t *out, const struct doc *d, int color)
{
	struct table tb;
	table_init(&tb, 6, socket_heads, "llrrll");
	for (size_t i = 0; i < d->nsockets; i++) {
		const struct doc_socket *s = &d->sockets[i];
		table_add(&tb, s->name, NULL);
		table_add(&tb, s->proto, NULL);
		table_add(&tb, fmt_count(s->queue).s, s->queue > 0 ? C_BUSY : NULL);
		table_add(&tb, fmt_count(s->max_queue).s, NULL);
		table_add(&tb, s->shared > 0 ? "yes" : "no", NULL);
		table_add(&tb, s->can_offload > 0 ? "yes" : "no", NULL);
	}
	int rc = up_buf_puts(out, "\n") | table_render(&tb, out, color);
	table_free(&tb);
	return rc;
}

static int node_view(up_buf_t *out, const struct doc *d, const struct doc *prev,
                     double dt, int color)
{
	struct doc_totals t;
	struct table tb;
	double rate = doc_total_rate(d, prev, dt);
	doc_totals(d, &t);
	int rc = node_header(out, d, &t, rate, dt, color);
	table_init(&tb, 12, worker_heads, "rrlrrrrrrrrl");
	for (size_t i = 0; i < d->nworkers; i++)
		worker_row(&tb, d, i, prev, dt);
	worker_total(&tb, &t, rate);
	rc |= table_render(&tb, out, color);
	table_free(&tb);
	if (d->nsockets)
		rc |= socket_table(out, d, color);
	return rc;
}

static int router_header(up_buf_t *out, const struct doc *d, const struct doc_totals *t,
                         double rate, double dt, int color)
{
	/* "uWSGI fastrouter 2.0.21", but "uwsgi-proxy 0.1.0", not "uWSGI uwsgi-...". */
	int rc = up_buf_printf(out, "%s%s%s %s  pid %s  on", color ? C_TITLE : "",
			       strncmp(d->router, "uwsgi", 5) ? "uWSGI " : "", d->router,
			       or_unknown(d->version), fmt_count(d->pid).s);
	for (size_t i = 0; i < d->nlisten; i++)
		rc |= up_buf_printf(out, "%s %s", i ? "," : "", d->listen[i]);
	rc |= up_buf_printf(out, "%s%s\n", d->nlisten ? "" : " ?", color ? C_RESET : "");
	rc |= up_buf_printf(out, "active sessions %s  keys %zu  nodes %zu (%zu dead)  "
			    "requests %lld", fmt_count(d->active_sessions).s, d->nkeys,
			    d->nnodes, t->dead_nodes, t->requests);
	if (!isnan(rate))
		rc |= up_buf_printf(out, "  %s req/s over %.1f s", fmt_rate(rate).s, dt);
	return rc | up_buf_puts(out, "\n\n");
}

static const char *const node_heads[] = {
	"KEY", "NODE", "REQUESTS", "REQ/S", "TX", "RX", "LOAD", "WEIGHT",
	"FAILS", "STATE",
};

static void rnode_row(struct table *tb, const struct doc *d, size_t i,
                      const struct doc *prev, double dt)
{
	const struct doc_rnode *n = &d->nodes[i];
	table_add(tb, n->key ? n->key : "(static)", NULL);
	table_add(tb, n->name, NULL);
	table_add(tb, fmt_count(n->requests).s, NULL);
	table_add(tb, fmt_rate(doc_rnode_rate(d, prev, i, dt)).s, NULL);
	table_add(tb, fmt_bytes(n->tx).s, NULL);
	table_add(tb, fmt_bytes(n->rx).s, NULL);
	table_add(tb, fmt_count(n->load).s, NULL);
	table_add(tb, fmt_count(n->weight).s, NULL);
	add_alarm_count(tb, n->failcnt);
	table_add(tb, n->dead ? "dead" : "alive", n->dead ? C_BAD : C_IDLE);
}

static int router_view(up_buf_t *out, const struct doc *d, const struct doc *prev,
                       double dt, int color)
{
	struct doc_totals t;
	struct table tb;
	double rate = doc_total_rate(d, prev, dt);
	char dead[32];
	doc_totals(d, &t);
	int rc = router_header(out, d, &t, rate, dt, color);
	table_init(&tb, 10, node_heads, "llrrrrrrrl");
	for (size_t i = 0; i < d->nnodes; i++)
		rnode_row(&tb, d, i, prev, dt);
	snprintf(dead, sizeof dead, "%zu dead", t.dead_nodes);
	table_add(&tb, "total", C_TITLE);
	table_add(&tb, "", NULL);
	table_add(&tb, fmt_count(t.requests).s, NULL);
	table_add(&tb, fmt_rate(rate).s, NULL);
	table_add(&tb, fmt_bytes(t.tx).s, NULL);
	for (int i = 0; i < 3; i++)
		table_add(&tb, "", NULL);
	add_alarm_count(&tb, t.failures);
	table_add(&tb, dead, t.dead_nodes ? C_BAD : NULL);
	rc |= table_render(&tb, out, color);
	table_free(&tb);
	return rc;
}

int view_render(up_buf_t *out, const struct doc *d, const struct doc *prev,
                double dt, int color)
{
	if (d->kind == DOC_NODE)
		return node_view(out, d, prev, dt, color);
	return router_view(out, d, prev, dt, color);
}
