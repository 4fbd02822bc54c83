/* The cache: a key-value table in memory shared by every worker (--cache
 * ITEMS or --cache2 name=...,items=...), made in the master before the first
 * fork. Fixed slots: each item has a key of at most keysize bytes and a
 * value of at most blocksize bytes; a hash table chains items by index (no
 * pointers live in shared memory, so every process reads the same table).
 * One process-shared robust lock guards it all; every call takes it
 * briefly and never holds it across I/O, so call these without the GIL.
 * Expiry is lazy: an expired item is dropped when it is next looked at, or
 * when the table is full and room is needed. */
#ifndef UWSGI_SERVER_CACHE_H
#define UWSGI_SERVER_CACHE_H

#include <stddef.h>
#include <stdint.h>

enum cache_result {
	CACHE_OK = 0,
	CACHE_MISS = -1,      /* no such key (or it expired) */
	CACHE_EXISTS = -2,    /* set without update: the key is there */
	CACHE_FULL = -3,      /* every slot holds a live item */
	CACHE_TOOBIG = -4,    /* the key or the value does not fit a slot */
	CACHE_NOMEM = -5,     /* a private copy could not be allocated */
};

struct cache_conf {
	char name[64];
	uint32_t items;
	uint64_t blocksize;
	uint32_t keysize;
};

struct cache;

/* Map the cache described by *cf; exits 1 with a message when it cannot.
 * It becomes the one cache_default() returns. */
struct cache *cache_create(const struct cache_conf *cf);

/* The cache, or NULL when none was configured. */
struct cache *cache_default(void);

const struct cache_conf *cache_conf(const struct cache *c);

/* A private copy of key's value: *val (malloc'd, the caller frees it) and
 * *vlen. CACHE_OK, CACHE_MISS or CACHE_NOMEM. */
int cache_get(struct cache *c, const void *key, size_t klen, void **val, uint64_t *vlen);

/* CACHE_OK when key is there and live, else CACHE_MISS. */
int cache_exists(struct cache *c, const void *key, size_t klen);

/* Store val under key, expiring `expires` seconds from now (0: never).
 * Without update an existing key is left alone (CACHE_EXISTS); with it, it
 * is overwritten. CACHE_OK, CACHE_EXISTS, CACHE_FULL or CACHE_TOOBIG. */
int cache_set(struct cache *c, const void *key, size_t klen, const void *val, uint64_t vlen,
	      uint64_t expires, int update);

/* CACHE_OK, or CACHE_MISS when there was no such key. */
int cache_del(struct cache *c, const void *key, size_t klen);

/* Drop every item. */
void cache_clear(struct cache *c);

/* Answer modifier1 111 requests on uwsgi sockets from the cache
 * (h_cache.c); call once, in the master, after cache_create. */
void cache_serve_protocol(void);

/* The live keys, each as [u16 native length][bytes], into *blob (malloc'd,
 * the caller frees it; NULL when there are none), their count in *n.
 * CACHE_OK or CACHE_NOMEM. */
int cache_keys(struct cache *c, uint8_t **blob, size_t *len, size_t *n);

#endif
