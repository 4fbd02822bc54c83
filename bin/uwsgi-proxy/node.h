/* Backend nodes and the pools that hold them: the static pool (--to) and
 * one pool per subscription key. A node lives while it is in a pool or
 * while a connection or a health check still points at it (refs). */
#ifndef UWSGI_PROXY_NODE_H
#define UWSGI_PROXY_NODE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "uwsgiproto/net.h"

struct pool;

struct node {
	up_addr_t addr;
	struct pool *pool;       /* NULL once removed from it */
	int dead;                /* a check or a connect failed, none worked since */
	int refs;                /* connections and checks pointing here */
	int active;              /* connections to it now (least connections) */
	long long requests;      /* requests sent to it */
	long long failures;      /* connects or checks that failed */
	long long tx, rx;        /* bytes to the client / from the client */
	uint64_t seen_ms;        /* last subscription refresh (monotonic) */
	time_t last_check;       /* wall time of the last check or refresh */
	int modifier1, modifier2, cores, load, weight;  /* from subscriptions */
	void *check;             /* the health check's state (check.c) */
};

struct pool {
	char *key;               /* NULL for the static pool */
	size_t klen;
	unsigned hash;
	long long hits;          /* requests routed to this pool */
	struct node **nodes;
	size_t n, cap;
	unsigned rr;             /* round-robin cursor */
	struct pool *next;       /* hash chain */
};

struct registry {
	struct pool statics;
	struct pool **buckets;   /* subscription pools by key */
	size_t nbuckets;
	size_t npools;
};

/* Subscription parameters of a node (modifier1... from the packet). */
struct node_params {
	int modifier1, modifier2, cores, load, weight;
};

int registry_init(struct registry *r);

/* Free every pool and every node nobody refers to any more. */
void registry_free(struct registry *r);

/* Make the static pool hold exactly these addresses (already parsed):
 * nodes already there keep their counters and state, others are added,
 * missing ones removed. 0 or -1 (out of memory). */
int registry_set_static(struct registry *r, const up_addr_t *addrs, size_t n);

/* The pool of key, or NULL. */
struct pool *registry_find(const struct registry *r, const uint8_t *key, size_t klen);

/* Add or refresh node a under key. Returns the node (new nodes: *added
 * set to 1), or NULL when memory runs out. */
struct node *registry_subscribe(struct registry *r, const uint8_t *key, size_t klen,
                                const up_addr_t *a, const struct node_params *p,
                                uint64_t now_ms, int *added);

/* Remove node a from key's pool; 1 if it was there, else 0. */
int registry_unsubscribe(struct registry *r, const uint8_t *key, size_t klen,
                         const up_addr_t *a);

/* Remove subscribed nodes not refreshed since older_than; calls report
 * for each (before it goes). Returns how many went. */
size_t registry_expire(struct registry *r, uint64_t older_than,
                       void (*report)(const struct node *n));

/* Call fn on every node of every pool (static first). fn must not add or
 * remove nodes. */
void registry_each(struct registry *r, void (*fn)(struct node *n, void *ctx), void *ctx);

/* Pick a node of p for one attempt: never one in tried[0..ntried), never a
 * dead one while a live one is left (dead ones are the last resort: a
 * check may not have seen one come back yet). policy is enum balance;
 * hkey the value --balance hash hashes. NULL when every node was tried. */
struct node *pool_pick(struct pool *p, int policy, const uint8_t *hkey, size_t hklen,
                       struct node *const *tried, size_t ntried);

/* Take / drop a reference; the last unref of a removed node frees it. */
static inline void node_ref(struct node *n) { n->refs++; }
void node_unref(struct node *n);

/* FNV-1a over bytes, the hash of keys and of --balance hash. */
uint32_t node_hash(const void *p, size_t n, uint32_t seed);

#endif
