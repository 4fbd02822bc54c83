/* The table of connections: a hash table keyed by the address/port pair
 * (the same entry for both directions), plus a list from the least to the
 * most recently active flow, so that idle flows and, when memory runs
 * short, the stalest ones are found at its head without a scan. */
#ifndef UWSGI_DUMP_FLOW_H
#define UWSGI_DUMP_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode.h"
#include "frame.h"
#include "mem.h"
#include "reasm.h"

struct flow_key {
	uint8_t family, proto;
	uint16_t port[2];
	uint8_t addr[2][16];
};

enum flow_state {
	FLOW_UNKNOWN,   /* no uwsgi port: the first bytes will tell */
	FLOW_UWSGI,
	FLOW_IGNORED,   /* looked, and it is something else */
};

struct flow;

/* The reassembly callbacks' context: one per side. */
struct flow_side {
	struct flow *f;
	int side;
};

struct flow {
	struct flow *hnext;            /* hash chain */
	struct flow *older, *newer;    /* activity list */
	struct flow_key key;
	uint32_t hash;
	uint64_t seqno;                /* the n-th flow seen */
	uint64_t last_ts;
	enum flow_state state;
	int client;                    /* key side of the client, -1 unknown */
	int dead;                      /* finished: free after this packet */
	uint8_t syn[2];                /* key side i sent a SYN */
	uint32_t isn[2];
	char name[2][FRAME_NAME_MAX];  /* key side i as "ip:port" */
	struct flow_side sides[2];
	struct reasm rd[2];            /* the bytes key side i sends */
	struct mem_acct mem;
	struct conv conv;              /* FLOW_UWSGI only */
	up_buf_t probe;                /* FLOW_UNKNOWN: first bytes, to judge */
	int probe_side;
	uint64_t probe_ts;
	FILE *out[2];                  /* --dump-streams files */
	void *owner;                   /* the engine */
};

struct flow_table {
	struct flow **b;
	size_t nb, count;
	struct flow *oldest, *newest;
	uint64_t seqno;
	size_t unsettled;   /* bytes still charged to flows when removed */
};

/* The canonical key of a segment's flow; *side is the sender's side. */
void flow_key_of(const struct segment *s, struct flow_key *k, int *side);

void flow_table_init(struct flow_table *t);
void flow_table_free(struct flow_table *t);

struct flow *flow_find(struct flow_table *t, const struct flow_key *k);

/* A new flow for k, charged to pool (NULL when out of memory). Its memory
 * account has the cap max_bytes. */
struct flow *flow_add(struct flow_table *t, const struct flow_key *k,
		      struct mem_pool *pool, size_t max_bytes);

/* Mark f active at ts (to the newest end of the list). */
void flow_touch(struct flow_table *t, struct flow *f, uint64_t ts);

/* Unlink f and free its record (its contents must be freed already). */
void flow_remove(struct flow_table *t, struct flow *f);

#endif
