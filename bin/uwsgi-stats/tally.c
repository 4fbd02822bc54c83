/* Sums over a document and rates between two of them (doc.h). */
#include "doc.h"

#include <math.h>
#include <string.h>

static long long pos(long long v)
{
	return v > 0 ? v : 0;
}

static void count_status(struct doc_totals *t, const char *s)
{
	if (!strcmp(s, "busy"))
		t->busy++;
	else if (!strcmp(s, "idle"))
		t->idle++;
	else if (!strcmp(s, "cheap"))
		t->cheap++;
	else if (!strcmp(s, "pause"))
		t->paused++;
	else if (!strcmp(s, "sig"))
		t->sig++;
	else
		t->other++;
}

static void tally_workers(const struct doc *d, struct doc_totals *t)
{
	double rt_weighted = 0;
	long long rt_requests = 0;
	for (size_t i = 0; i < d->nworkers; i++) {
		const struct doc_worker *w = &d->workers[i];
		count_status(t, w->status);
		t->requests += pos(w->requests);
		t->exceptions += pos(w->exceptions);
		t->harakiri += pos(w->harakiri);
		t->respawns += pos(w->respawns);
		t->tx += pos(w->tx);
		t->rss_sum += pos(w->rss);
		t->vsz_sum += pos(w->vsz);
		if (w->rss > t->rss_max)
			t->rss_max = w->rss;
		if (w->vsz > t->vsz_max)
			t->vsz_max = w->vsz;
		if (w->requests > 0 && w->avg_rt >= 0) {
			rt_weighted += (double)w->avg_rt * (double)w->requests;
			rt_requests += w->requests;
		}
	}
	t->avg_rt = rt_requests ? rt_weighted / (double)rt_requests : 0;
	for (size_t i = 0; i < d->nsockets; i++)
		if (d->sockets[i].max_queue > t->max_queue)
			t->max_queue = d->sockets[i].max_queue;
}

void doc_totals(const struct doc *d, struct doc_totals *t)
{
	memset(t, 0, sizeof *t);
	tally_workers(d, t);
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct doc_rnode *n = &d->nodes[i];
		t->requests += pos(n->requests);
		t->tx += pos(n->tx);
		t->failures += pos(n->failcnt);
		t->dead_nodes += n->dead != 0;
	}
}

static double per_second(long long now, long long before, double dt)
{
	if (now < 0 || before < 0 || now < before || dt <= 0)
		return NAN;
	return (double)(now - before) / dt;
}

double doc_worker_rate(const struct doc *d, const struct doc *prev, size_t i, double dt)
{
	const struct doc_worker *w = &d->workers[i];
	if (!prev || prev->kind != d->kind)
		return NAN;
	for (size_t j = 0; j < prev->nworkers; j++) {
		const struct doc_worker *p = &prev->workers[j];
		if (p->id == w->id)
			return p->pid == w->pid ? per_second(w->requests, p->requests, dt) : NAN;
	}
	return NAN;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

double doc_rnode_rate(const struct doc *d, const struct doc *prev, size_t i, double dt)
{
	const struct doc_rnode *n = &d->nodes[i];
	if (!prev || prev->kind != d->kind)
		return NAN;
	for (size_t j = 0; j < prev->nnodes; j++) {
		const struct doc_rnode *p = &prev->nodes[j];
		if (same_str(p->key, n->key) && same_str(p->name, n->name))
			return per_second(n->requests, p->requests, dt);
	}
	return NAN;
}

double doc_total_rate(const struct doc *d, const struct doc *prev, double dt)
{
	double sum = 0;
	int node = d->kind == DOC_NODE;
	if (!prev || prev->kind != d->kind)
		return NAN;
	for (size_t i = 0; i < (node ? d->nworkers : d->nnodes); i++) {
		double r = node ? doc_worker_rate(d, prev, i, dt) : doc_rnode_rate(d, prev, i, dt);
		if (!isnan(r))
			sum += r;
	}
	return sum;
}
