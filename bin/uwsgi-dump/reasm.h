/* TCP reassembly for one direction of a connection: segments in, the
 * byte stream out in sequence order, through three callbacks.
 *
 * In-order payload is handed on straight from the capture buffer (no copy);
 * only segments that arrive ahead of a hole are copied, into a queue sorted
 * by sequence number, charged to the flow's memory account. Retransmitted
 * and overlapping bytes are delivered once: what arrived first wins, as in
 * a receiving TCP. A hole that will not fill (the capture lost the
 * segment, the queue hit its bounds, the flow ends) is reported as a gap of
 * a known size, and so are bytes the snaplen cut off: nothing is guessed.
 */
#ifndef UWSGI_DUMP_REASM_H
#define UWSGI_DUMP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "mem.h"

/* Where the stream goes. */
struct reasm_out {
	void (*data)(void *ctx, const uint8_t *p, size_t n, uint64_t ts);
	void (*gap)(void *ctx, uint64_t n, uint64_t ts, const char *why);
	void (*fin)(void *ctx, uint64_t ts);  /* every byte up to the FIN is out */
	void *ctx;
};

struct reasm_seg;

#define REASM_MAX_QUEUED 256  /* segments held ahead of a hole */

struct reasm {
	uint8_t started;      /* next is meaningful */
	uint8_t syn;          /* the stream's start was seen */
	uint8_t fin;          /* a FIN was seen at fin_seq */
	uint8_t done;         /* fin delivered */
	uint32_t next;        /* sequence number of the next byte to deliver */
	uint32_t fin_seq;
	struct reasm_seg *q;  /* ahead of next, sorted by seq */
	unsigned nq;
};

void reasm_init(struct reasm *r);

/* Feed one segment (its payload as captured: s->cap of s->len bytes). */
void reasm_segment(struct reasm *r, const struct segment *s,
		   struct mem_acct *mem, const struct reasm_out *out);

/* The peer acknowledged every byte before `ack`: a hole below it, with
 * later bytes already queued, was received by the peer and so is missing
 * from the capture, not late. Report it now, not at the flow's end. */
void reasm_acked(struct reasm *r, uint32_t ack, struct mem_acct *mem,
		 const struct reasm_out *out, uint64_t ts);

/* Give up on every hole: deliver what is queued, with gaps between. */
void reasm_flush(struct reasm *r, struct mem_acct *mem,
		 const struct reasm_out *out, uint64_t ts, const char *why);

/* Free the queue. */
void reasm_free(struct reasm *r, struct mem_acct *mem);

#endif
