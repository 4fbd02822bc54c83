#include "jsonout.h"

#include <math.h>
#include <stdio.h>

#include "metrics.h"

/* A count, or null for a missing one. */
static json_t *jcount(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *jreal(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* Seconds rounded to the microsecond, so they print short. */
static json_t *jsec(double v)
{
	/* No libm: the tool links only jansson. The values are never negative. */
	return isnan(v) ? json_null() : json_real((double)(long long)(v * 1e6 + 0.5) / 1e6);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Microseconds as milliseconds. */
static json_t *jms(long long us)
{
	return us >= 0 ? json_real((double)us / 1000.0) : json_null();
}

static json_t *request_json(const struct doc *d, const struct doc_worker *w)
{
	if (!w->busy_cores)
		return json_null();
	double running = w->request_start > 0 ? d->when - (double)w->request_start : NAN;
	return json_pack("{s:o, s:o, s:o, s:o}", "method", jstr(w->method),
			 "uri", jstr(w->uri), "start", jcount(w->request_start),
			 "running_s", jsec(running));
}

static json_t *worker_json(const struct sample *s, size_t i)
{
	const struct doc *d = &s->cur;
	const struct doc_worker *w = &d->workers[i];
	double rate = doc_worker_rate(d, s->have_prev ? &s->prev : NULL, i, s->dt);
	return json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
			 " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "id", jcount(w->id), "pid", jcount(w->pid), "status", w->status,
			 "accepting", json_boolean(w->accepting > 0),
			 "requests", jcount(w->requests), "requests_per_s", jreal(rate),
			 "exceptions", jcount(w->exceptions), "harakiri", jcount(w->harakiri),
			 "respawns", jcount(w->respawns), "signals", jcount(w->signals),
			 "rss_bytes", jcount(w->rss), "vsz_bytes", jcount(w->vsz),
			 "tx_bytes", jcount(w->tx), "avg_rt_ms", jms(w->avg_rt),
			 "running_time_ms", jms(w->running_time),
			 "last_spawn", jcount(w->last_spawn),
			 "cores", json_integer((json_int_t)w->ncores),
			 "busy_cores", json_integer((json_int_t)w->busy_cores),
			 "request", request_json(d, w));
}

static json_t *socket_json(const struct doc_socket *k)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:b}", "name", k->name,
			 "proto", k->proto, "queue", jcount(k->queue),
			 "max_queue", jcount(k->max_queue), "shared", k->shared > 0,
			 "can_offload", k->can_offload > 0);
}

/* Append the result of a builder to an array; 0 or -1. */
static int push(json_t *array, json_t *item)
{
	return item && json_array_append_new(array, item) == 0 ? 0 : -1;
}

static int node_json(json_t *o, const struct sample *s)
{
	const struct doc *d = &s->cur;
	struct doc_totals t;
	json_t *workers = json_array(), *sockets = json_array();
	int rc = 0;
	doc_totals(d, &t);
	for (size_t i = 0; i < d->nworkers; i++)
		rc |= push(workers, worker_json(s, i));
	for (size_t i = 0; i < d->nsockets; i++)
		rc |= push(sockets, socket_json(&d->sockets[i]));
	double up = d->start_time > 0 ? d->when - (double)d->start_time : NAN;
	rc |= json_object_update_new(o, json_pack(
		"{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"start_time", jcount(d->start_time), "uptime_s", jsec(up),
		"listen_queue", jcount(d->listen_queue),
		"listen_queue_max", json_integer(t.max_queue),
		"listen_queue_errors", jcount(d->listen_queue_errors),
		"load", jcount(d->load), "signal_queue", jcount(d->signal_queue),
		"workers", workers, "sockets", sockets));
	return rc;
}

static json_t *rnode_json(const struct sample *s, size_t i)
{
	const struct doc *d = &s->cur;
	const struct doc_rnode *n = &d->nodes[i];
	double rate = doc_rnode_rate(d, s->have_prev ? &s->prev : NULL, i, s->dt);
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
			 "name", n->name, "requests", jcount(n->requests),
			 "requests_per_s", jreal(rate), "last_requests", jcount(n->last_requests),
			 "tx_bytes", jcount(n->tx), "rx_bytes", jcount(n->rx),
			 "load", jcount(n->load), "weight", jcount(n->weight),
			 "failures", jcount(n->failcnt), "pid", jcount(n->pid), "dead", n->dead);
}

static int router_json(json_t *o, const struct sample *s)
{
	const struct doc *d = &s->cur;
	json_t *listen = json_array(), *subs = json_array(), *statics = json_array();
	size_t i, n = 0;
	int rc = 0;
	for (i = 0; i < d->nlisten; i++)
		rc |= push(listen, json_string(d->listen[i]));
	for (i = 0; i < d->nkeys; i++) {
		const struct doc_key *k = &d->keys[i];
		json_t *nodes = json_array();
		for (size_t j = 0; j < k->nnodes; j++)
			rc |= push(nodes, rnode_json(s, n++));
		rc |= push(subs, json_pack("{s:s, s:o, s:b, s:o}", "key", k->key,
					   "hits", jcount(k->hits), "sni_enabled",
					   k->sni_enabled > 0, "nodes", nodes));
	}
	for (; n < d->nnodes; n++)
		rc |= push(statics, rnode_json(s, n));
	rc |= json_object_update_new(o, json_pack(
		"{s:s, s:o, s:o, s:o, s:o, s:o}", "router", d->router, "listen", listen,
		"active_sessions", jcount(d->active_sessions), "cheap", jcount(d->cheap),
		"subscriptions", subs, "static_nodes", statics));
	return rc;
}

/* Whole numbers print as integers, the rest as reals. */
static json_t *jnumber(double v)
{
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *metrics_json(const struct doc *d)
{
	struct doc_totals t;
	size_t n;
	const struct metric_def *m = metric_table(&n);
	json_t *o = json_object();
	double v, min, max;
	doc_totals(d, &t);
	for (size_t i = 0; o && i < n; i++)
		if (metric_value((int)i, d, &t, &v, &min, &max) == 0)
			json_object_set_new(o, m[i].name, jnumber(v));
	return o;
}

int jsonout_print(const struct sample *s, const char *label)
{
	const struct doc *d = &s->cur;
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "address", label,
			      "kind", d->kind == DOC_NODE ? "node" : "router",
			      "time", jsec(d->when), "fetch_s", jsec(d->fetch_seconds),
			      "interval_s", jsec(s->have_prev ? s->dt : NAN),
			      "version", jstr(d->version), "pid", jcount(d->pid),
			      "uid", jcount(d->uid), "gid", jcount(d->gid),
			      "cwd", jstr(d->cwd));
	if (!o)
		return -1;
	int rc = d->kind == DOC_NODE ? node_json(o, s) : router_json(o, s);
	rc |= json_object_set_new(o, "metrics", metrics_json(d));
	if (rc == 0)
		rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(15));
	json_decref(o);
	if (rc == 0 && (putchar('\n') == EOF || fflush(stdout) == EOF))
		rc = -1;
	return rc ? -1 : 0;
}
