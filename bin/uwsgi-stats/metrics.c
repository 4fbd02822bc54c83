#include "metrics.h"

#include <math.h>
#include <string.h>

enum {
	M_WORKERS, M_BUSY, M_BUSY_PCT, M_IDLE, M_LISTEN_QUEUE, M_LQ_ERRORS, M_LOAD,
	M_ACTIVE, M_KEYS, M_NODES, M_DEAD, M_REQUESTS, M_EXCEPTIONS, M_HARAKIRI,
	M_RESPAWNS, M_FAILURES, M_RSS, M_RSS_TOTAL, M_VSZ, M_AVG_RT, M_TIME,
	M_COUNT
};

#define NODE DOC_NODE
#define ROUTER DOC_ROUTER
#define BOTH (DOC_NODE | DOC_ROUTER)

static const struct metric_def table[M_COUNT] = {
	[M_WORKERS] = { "workers", NODE, UOM_NONE, "workers" },
	[M_BUSY] = { "busy", NODE, UOM_NONE, "workers serving a request" },
	[M_BUSY_PCT] = { "busy-pct", NODE, UOM_PCT, "busy workers, percent of all" },
	[M_IDLE] = { "idle", NODE, UOM_NONE, "workers waiting for a request" },
	[M_LISTEN_QUEUE] = { "listen-queue", NODE, UOM_NONE,
		"connections waiting in the listen queue" },
	[M_LQ_ERRORS] = { "listen-queue-errors", NODE, UOM_COUNTER,
		"times the listen queue overflowed" },
	[M_LOAD] = { "load", NODE, UOM_NONE, "the node's load (uWSGI's count)" },
	[M_ACTIVE] = { "active-sessions", ROUTER, UOM_NONE,
		"connections the router is serving" },
	[M_KEYS] = { "keys", ROUTER, UOM_NONE, "subscription keys" },
	[M_NODES] = { "nodes", ROUTER, UOM_NONE, "backend nodes (subscribed and static)" },
	[M_DEAD] = { "dead-nodes", ROUTER, UOM_NONE, "backend nodes marked dead" },
	[M_REQUESTS] = { "requests", BOTH, UOM_COUNTER, "requests served (routed)" },
	[M_EXCEPTIONS] = { "exceptions", NODE, UOM_COUNTER, "exceptions raised by the app" },
	[M_HARAKIRI] = { "harakiri", NODE, UOM_COUNTER, "workers killed by harakiri" },
	[M_RESPAWNS] = { "respawns", NODE, UOM_COUNTER, "workers respawned" },
	[M_FAILURES] = { "failures", ROUTER, UOM_COUNTER, "failed connections to nodes" },
	[M_RSS] = { "rss", NODE, UOM_MB, "resident memory of the largest worker, MiB" },
	[M_RSS_TOTAL] = { "rss-total", NODE, UOM_MB, "resident memory of all workers, MiB" },
	[M_VSZ] = { "vsz", NODE, UOM_MB, "address space of the largest worker, MiB" },
	[M_AVG_RT] = { "avg-rt", NODE, UOM_MS,
		"average response time, weighted by each worker's requests" },
	[M_TIME] = { "time", BOTH, UOM_SEC, "time taken to read the stats" },
};

const struct metric_def *metric_table(size_t *count)
{
	*count = M_COUNT;
	return table;
}

const struct metric_def *metric_get(int i)
{
	return &table[i];
}

int metric_find(const char *name)
{
	for (int i = 0; i < M_COUNT; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -1;
}

const char *metric_uom_text(enum metric_uom uom)
{
	static const char *const text[] = { "", "%", "s", "ms", "MB", "c" };
	return text[uom];
}

static double mib(long long bytes)
{
	return bytes > 0 ? (double)bytes / 1048576.0 : 0;
}

/* Metrics of a node: the count of workers bounds the worker counts. */
static double node_value(int i, const struct doc *d, const struct doc_totals *t,
                         double *max)
{
	double n = (double)d->nworkers;
	switch (i) {
	case M_WORKERS: return n;
	case M_BUSY: *max = n; return (double)t->busy;
	case M_BUSY_PCT: *max = 100; return n ? 100.0 * (double)t->busy / n : 0;
	case M_IDLE: *max = n; return (double)t->idle;
	case M_LISTEN_QUEUE:
		if (t->max_queue > 0)
			*max = (double)t->max_queue;
		return d->listen_queue > 0 ? (double)d->listen_queue : 0;
	case M_LQ_ERRORS: return d->listen_queue_errors > 0 ? (double)d->listen_queue_errors : 0;
	case M_LOAD: return d->load > 0 ? (double)d->load : 0;
	case M_EXCEPTIONS: return (double)t->exceptions;
	case M_HARAKIRI: return (double)t->harakiri;
	case M_RESPAWNS: return (double)t->respawns;
	case M_RSS: return mib(t->rss_max);
	case M_RSS_TOTAL: return mib(t->rss_sum);
	case M_VSZ: return mib(t->vsz_max);
	case M_AVG_RT: return t->avg_rt / 1000.0;
	}
	return 0;
}

static double router_value(int i, const struct doc *d, const struct doc_totals *t,
                           double *max)
{
	switch (i) {
	case M_ACTIVE: return d->active_sessions > 0 ? (double)d->active_sessions : 0;
	case M_KEYS: return (double)d->nkeys;
	case M_NODES: return (double)d->nnodes;
	case M_DEAD: *max = (double)d->nnodes; return (double)t->dead_nodes;
	case M_FAILURES: return (double)t->failures;
	}
	return 0;
}

int metric_value(int i, const struct doc *d, const struct doc_totals *t,
                 double *v, double *min, double *max)
{
	if (i < 0 || i >= M_COUNT || !(table[i].kinds & d->kind))
		return -1;
	*min = 0;
	*max = NAN;
	if (i == M_TIME)
		*v = d->fetch_seconds;
	else if (i == M_REQUESTS)
		*v = (double)t->requests;
	else
		*v = d->kind == DOC_NODE ? node_value(i, d, t, max) : router_value(i, d, t, max);
	return 0;
}
