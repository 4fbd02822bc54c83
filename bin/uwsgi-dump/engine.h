/* From captured frames to decoded conversations: finds each segment's
 * flow, decides whether the flow carries uwsgi (by port, or by its first
 * bytes), runs the reassembly and the decoder, and frees flows on FIN,
 * RST, idleness, memory pressure and at the end. Knows nothing of libpcap
 * or of printing: frames come in, events go out through env.emit. */
#ifndef UWSGI_DUMP_ENGINE_H
#define UWSGI_DUMP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "detect.h"
#include "flow.h"
#include "mem.h"
#include "streams.h"

#define PROBE_MAX 4096  /* bytes of an unknown flow judged at most */

struct engine_stats {
	uint64_t frames;        /* frames seen */
	uint64_t other;         /* not TCP or UDP over IP */
	uint64_t truncated;     /* cut before the end of their transport header */
	uint64_t fragments;     /* IP fragments of uwsgi datagrams */
	uint64_t flows;         /* uwsgi connections */
	uint64_t evicted;       /* flows given up to stay under the memory cap */
	uint64_t peak_memory;   /* most bytes held at once */
};

struct engine {
	struct flow_table ft;
	struct mem_pool pool;
	struct dec_env env;
	struct ports ports;     /* where uwsgi is expected */
	int heuristic;          /* look at the first bytes on other ports */
	size_t max_flow;        /* bytes one flow may hold */
	uint64_t idle_us;       /* a flow idle this long is closed */
	struct streams streams;
	struct engine_stats st;
	int stopped;            /* -c reached: ignore the rest */
};

/* Set up e; fill in env.emit/env.ctx, ports, heuristic, streams.dir and
 * env.keep_body afterwards as needed. */
void engine_init(struct engine *e, size_t max_flow, size_t max_total,
		 uint64_t idle_us);

/* One captured frame (caplen bytes of a frame of link type `link`). */
void engine_frame(struct engine *e, int link, const uint8_t *p, size_t caplen,
		  uint64_t ts);

/* No frame for a while (a quiet live capture): close idle flows as of
 * now (microseconds since the epoch). */
void engine_tick(struct engine *e, uint64_t now);

/* Close every flow, reporting what is left unanswered with `why`
 * ("end of capture"); silently when e->stopped. */
void engine_finish(struct engine *e, const char *why);

#endif
