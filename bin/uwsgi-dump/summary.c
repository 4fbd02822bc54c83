#include "summary.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "mem.h"
#include "text.h"
#include "uwsgiproto/modifiers.h"

#define URI_SLOTS 16384        /* distinct URIs counted (then "others") */
#define URI_FILL (URI_SLOTS * 3 / 4)
#define LAT_MAX (16u << 20)    /* latencies kept for the percentiles */

struct uri_count {
	char *s;
	size_t len;
	uint64_t n;
};

void summary_init(struct summary *s, unsigned top)
{
	memset(s, 0, sizeof *s);
	s->top = top;
}

static uint32_t str_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Count one request for its path (the URI without the query). */
static void count_uri(struct summary *s, const struct req *r)
{
	up_var_t m, u;
	const uint8_t *q;
	size_t qlen;
	if (!req_method_uri(r, &m, &u, &q, &qlen))
		return;
	const uint8_t *qm = memchr(u.val, '?', u.vlen);
	size_t n = qm ? (size_t)(qm - u.val) : u.vlen;
	if (!s->uris && !(s->uris = calloc(URI_SLOTS, sizeof *s->uris))) {
		s->uri_other++;
		return;
	}
	size_t i = str_hash(u.val, n) & (URI_SLOTS - 1);
	while (s->uris[i].s && (s->uris[i].len != n || memcmp(s->uris[i].s, u.val, n)))
		i = (i + 1) & (URI_SLOTS - 1);
	if (!s->uris[i].s) {
		char *c;
		if (s->nuris >= URI_FILL || !(c = malloc(n + 1))) {
			s->uri_other++;
			return;
		}
		memcpy(c, u.val, n);
		c[n] = 0;
		s->uris[i].s = c;
		s->uris[i].len = n;
		s->nuris++;
	}
	s->uris[i].n++;
}

static void add_latency(struct summary *s, uint64_t us)
{
	if (s->nlat == s->caplat) {
		size_t cap = s->caplat ? s->caplat * 2 : 1024;
		uint64_t *l = cap <= LAT_MAX ? realloc(s->lat, cap * sizeof *l) : NULL;
		if (!l) {
			s->lat_dropped++;
			return;
		}
		s->lat = l;
		s->caplat = cap;
	}
	s->lat[s->nlat++] = us;
}

void summary_add(struct summary *s, const struct event *ev)
{
	const struct req *r = ev->req;
	switch (ev->kind) {
	case EV_REQUEST:
		s->requests++;
		s->by_mod[r->hdr.modifier1]++;
		count_uri(s, r);
		break;
	case EV_RESPONSE:
		s->responses++;
		if (ev->resp->kind == RESP_HTTP && ev->resp->status < 1000)
			s->by_status[ev->resp->status]++;
		else
			s->non_http++;
		if (r)
			add_latency(s, ev->resp->end_ts > r->ts ? ev->resp->end_ts - r->ts : 0);
		else
			s->unpaired++;
		break;
	case EV_UNANSWERED:
		s->unanswered++;
		break;
	case EV_MALFORMED:
		s->malformed++;
		break;
	case EV_GAP:
		s->gaps++;
		s->lost += ev->lost;
		s->skipped += ev->skipped;
		break;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_uri(const void *a, const void *b)
{
	const struct uri_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->s ? x->s : "", y->s ? y->s : "");
}

/* The nearest-rank percentile p of the sorted latencies, in ms. */
static double pct(const struct summary *s, unsigned p)
{
	size_t rank = (s->nlat * p + 99) / 100;
	return (double)s->lat[rank ? rank - 1 : 0] / 1000.0;
}

static void print_uris(struct summary *s, FILE *fp)
{
	if (!s->nuris || !s->top)
		return;
	/* Gather the used slots at the front, then sort them. */
	size_t n = 0;
	for (size_t i = 0; i < URI_SLOTS; i++)
		if (s->uris[i].s)
			s->uris[n++] = s->uris[i];
	for (size_t i = n; i < URI_SLOTS; i++)
		s->uris[i].s = NULL;
	qsort(s->uris, n, sizeof *s->uris, cmp_uri);
	fprintf(fp, "top URIs (path, query left out):\n");
	up_buf_t line;
	up_buf_init(&line, 0);
	for (size_t i = 0; i < n && i < s->top; i++) {
		up_buf_reset(&line);
		text_escaped(&line, (const uint8_t *)s->uris[i].s, s->uris[i].len, 200);
		fprintf(fp, "  %10" PRIu64 "  %.*s\n", s->uris[i].n, (int)line.len,
			(const char *)up_buf_head(&line));
	}
	up_buf_free(&line);
	if (s->uri_other)
		fprintf(fp, "  %10" PRIu64 "  (other URIs, not counted one by one)\n",
			s->uri_other);
}

void summary_print(struct summary *s, FILE *fp, const struct engine_stats *st)
{
	fprintf(fp, "requests     %" PRIu64 " (%" PRIu64 " without a response)\n",
		s->requests, s->unanswered);
	fprintf(fp, "responses    %" PRIu64 " (%" PRIu64 " whose request was not captured)\n",
		s->responses, s->unpaired);
	fprintf(fp, "malformed    %" PRIu64 "\n", s->malformed);
	fprintf(fp, "gaps         %" PRIu64 " (%" PRIu64 " bytes not captured, %" PRIu64
		" skipped)\n", s->gaps, s->lost, s->skipped);
	fprintf(fp, "requests by modifier:\n");
	for (unsigned m = 0; m < 256; m++)
		if (s->by_mod[m])
			fprintf(fp, "  %10" PRIu64 "  %u %s\n", s->by_mod[m], m, up_modifier_name(m));
	fprintf(fp, "responses by status:\n");
	for (unsigned c = 0; c < 1000; c++)
		if (s->by_status[c])
			fprintf(fp, "  %10" PRIu64 "  %u\n", s->by_status[c], c);
	if (s->non_http)
		fprintf(fp, "  %10" PRIu64 "  (not HTTP: uwsgi packets, raw bytes)\n", s->non_http);
	print_uris(s, fp);
	if (s->nlat) {
		qsort(s->lat, s->nlat, sizeof *s->lat, cmp_u64);
		fprintf(fp, "latency ms   p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  (%zu exchanges)\n",
			pct(s, 50), pct(s, 90), pct(s, 99),
			(double)s->lat[s->nlat - 1] / 1000.0, s->nlat);
	}
	if (st)
		fprintf(fp, "capture      %" PRIu64 " frames, %" PRIu64 " uwsgi connections, "
			"%" PRIu64 " frames cut before their TCP/UDP header\n"
			"memory       peak %" PRIu64 " bytes, %" PRIu64 " flows given up to "
			"stay under the limit\n", st->frames, st->flows, st->truncated,
			st->peak_memory, st->evicted);
}

void summary_free(struct summary *s)
{
	if (s->uris)
		for (size_t i = 0; i < URI_SLOTS; i++)
			free(s->uris[i].s);
	free(s->uris);
	free(s->lat);
	s->uris = NULL;
	s->lat = NULL;
}
