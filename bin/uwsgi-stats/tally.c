/* Sums over a document and rates between two of them (doc.h). */
#include "doc.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* *sum += v for v > 0, stopping at LLONG_MAX: the counters come from the
 * document, and two huge ones must not overflow (undefined behaviour). */
static void add_pos(long long *sum, long long v)
{
	if (v > 0)
		*sum = v > LLONG_MAX - *sum ? LLONG_MAX : *sum + v;
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
		add_pos(&t->requests, w->requests);
		add_pos(&t->exceptions, w->exceptions);
		add_pos(&t->harakiri, w->harakiri);
		add_pos(&t->respawns, w->respawns);
		add_pos(&t->tx, w->tx);
		add_pos(&t->rss_sum, w->rss);
		add_pos(&t->vsz_sum, w->vsz);
		if (w->rss > t->rss_max)
			t->rss_max = w->rss;
		if (w->vsz > t->vsz_max)
			t->vsz_max = w->vsz;
		if (w->requests > 0 && w->avg_rt >= 0) {
			rt_weighted += (double)w->avg_rt * (double)w->requests;
			add_pos(&rt_requests, w->requests);
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
		add_pos(&t->requests, n->requests);
		add_pos(&t->tx, n->tx);
		add_pos(&t->failures, n->failcnt);
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
