#include "reasm.h"

#include <stdlib.h>
#include <string.h>

struct reasm_seg {
	struct reasm_seg *next;
	uint32_t seq;
	uint32_t len;   /* bytes on the wire */
	uint32_t cap;   /* bytes captured (data holds these) */
	uint64_t ts;
	uint8_t data[];
};

#define WHY_BOUNDS "missing from the capture (a hole held past the flow's limits)"

/* Sequence arithmetic modulo 2^32. */
static int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

void reasm_init(struct reasm *r)
{
	memset(r, 0, sizeof *r);
}

/* Deliver bytes [seq, seq+len) of which the first cap were captured,
 * skipping what was already delivered. */
static void deliver(struct reasm *r, uint32_t seq, const uint8_t *p, size_t cap,
		    size_t len, uint64_t ts, const struct reasm_out *out)
{
	int32_t behind = seq_diff(r->next, seq);
	size_t skip = behind > 0 ? (size_t)behind : 0;
	if (skip >= len)
		return;  /* a retransmission of delivered bytes */
	if (skip < cap)
		out->data(out->ctx, p + skip, cap - skip, ts);
	size_t lost = len - (skip > cap ? skip : cap);
	if (lost)
		out->gap(out->ctx, lost, ts, "cut by the snaplen");
	r->next = seq + (uint32_t)len;
}

static void seg_free(struct reasm_seg *g, struct mem_acct *mem)
{
	mem_give(mem, sizeof *g + g->cap);
	free(g);
}

/* Deliver the queued segments that the stream has reached. */
static void drain(struct reasm *r, struct mem_acct *mem, const struct reasm_out *out)
{
	while (r->q && seq_diff(r->q->seq, r->next) <= 0) {
		struct reasm_seg *g = r->q;
		r->q = g->next;
		r->nq--;
		deliver(r, g->seq, g->data, g->cap, g->len, g->ts, out);
		seg_free(g, mem);
	}
}

/* Declare the hole before the first queued segment lost and go on. */
static void skip_hole(struct reasm *r, struct mem_acct *mem,
		      const struct reasm_out *out, const char *why)
{
	uint32_t seq = r->q->seq, n = seq - r->next;
	r->next = seq;
	out->gap(out->ctx, n, r->q->ts, why);
	drain(r, mem, out);
}

/* Queue a segment that lies ahead of the stream; 0 if it cannot be. */
static int enqueue(struct reasm *r, uint32_t seq, const struct segment *s,
		   struct mem_acct *mem)
{
	struct reasm_seg **pp = &r->q;
	while (*pp && seq_diff((*pp)->seq, seq) < 0)
		pp = &(*pp)->next;
	/* The same segment again (a retransmission ahead of a hole). */
	if (*pp && (*pp)->seq == seq && (*pp)->len >= s->len && (*pp)->cap >= s->cap)
		return 1;
	if (r->nq >= REASM_MAX_QUEUED || !mem_fits(mem, sizeof(struct reasm_seg) + s->cap))
		return 0;
	struct reasm_seg *g = malloc(sizeof *g + s->cap);
	if (!g)
		return 0;
	g->seq = seq;
	g->len = (uint32_t)s->len;
	g->cap = (uint32_t)s->cap;
	g->ts = s->ts;
	memcpy(g->data, s->data, s->cap);
	g->next = *pp;
	*pp = g;
	r->nq++;
	mem_take(mem, sizeof *g + s->cap);
	return 1;
}

/* A segment beyond a hole: queue it. When the queue is at its bounds, the
 * oldest hole is taken as lost, so that memory stays bounded. */
static void ahead(struct reasm *r, uint32_t seq, const struct segment *s,
		  struct mem_acct *mem, const struct reasm_out *out)
{
	while (!enqueue(r, seq, s, mem)) {
		if (r->q) {
			skip_hole(r, mem, out, WHY_BOUNDS);
		} else {
			uint32_t n = seq - r->next;
			out->gap(out->ctx, n, s->ts, WHY_BOUNDS);
			r->next = seq;
		}
		if (seq_diff(seq, r->next) <= 0) {
			deliver(r, seq, s->data, s->cap, s->len, s->ts, out);
			drain(r, mem, out);
			return;
		}
	}
}

static void check_fin(struct reasm *r, uint64_t ts, const struct reasm_out *out)
{
	if (r->fin && !r->done && !r->q && seq_diff(r->next, r->fin_seq) >= 0) {
		r->done = 1;
		out->fin(out->ctx, ts);
	}
}

void reasm_segment(struct reasm *r, const struct segment *s,
		   struct mem_acct *mem, const struct reasm_out *out)
{
	uint32_t seq = s->seq;
	if (s->flags & TCP_SYN) {
		seq++;  /* the SYN takes one sequence number */
		if (!r->started) {
			r->started = r->syn = 1;
			r->next = seq;
		}
	}
	if (!r->started) {
		if (s->len == 0)
			return;  /* a bare ACK tells nothing about the data */
		r->started = 1;
		r->next = seq;
	}
	if (s->flags & TCP_FIN && !r->fin) {
		r->fin = 1;
		r->fin_seq = seq + (uint32_t)s->len;
	}
	if (s->len > 0 && !r->done) {
		if (seq_diff(seq, r->next) <= 0) {
			deliver(r, seq, s->data, s->cap, s->len, s->ts, out);
			drain(r, mem, out);
		} else {
			ahead(r, seq, s, mem, out);
		}
	}
	check_fin(r, s->ts, out);
}

void reasm_acked(struct reasm *r, uint32_t ack, struct mem_acct *mem,
		 const struct reasm_out *out, uint64_t ts)
{
	/* Later bytes (queued, or a FIN) show that the hole is not the end. */
	if (!r->started || r->done || (!r->q && !r->fin) || seq_diff(ack, r->next) <= 0)
		return;
	uint32_t limit = r->q ? r->q->seq : r->fin_seq;
	uint32_t end = seq_diff(ack, limit) < 0 ? ack : limit;
	uint32_t n = end - r->next;
	if (n == 0)
		return;
	out->gap(out->ctx, n, ts, "missing from the capture, though the peer acknowledged them");
	r->next = end;
	drain(r, mem, out);
	check_fin(r, ts, out);
}

void reasm_flush(struct reasm *r, struct mem_acct *mem,
		 const struct reasm_out *out, uint64_t ts, const char *why)
{
	while (r->q)
		skip_hole(r, mem, out, why);
	if (r->fin && !r->done && seq_diff(r->fin_seq, r->next) > 0) {
		uint32_t n = r->fin_seq - r->next;
		out->gap(out->ctx, n, ts, why);
		r->next = r->fin_seq;
	}
	check_fin(r, ts, out);
}

void reasm_free(struct reasm *r, struct mem_acct *mem)
{
	while (r->q) {
		struct reasm_seg *g = r->q;
		r->q = g->next;
		seg_free(g, mem);
	}
	r->nq = 0;
}
