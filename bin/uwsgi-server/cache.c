#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "die.h"
#include "shm.h"

/* One slot's record. Links are item index + 1, 0 ending a chain. */
struct cache_item {
	uint32_t next;        /* the bucket's chain, or the free list */
	uint32_t hash;
	uint32_t keylen;
	uint32_t used;
	uint64_t vallen;
	int64_t expires_ms;   /* CLOCK_MONOTONIC, shared by all processes; 0: never */
};

/* The start of the mapping. */
struct cache_head {
	struct shm_lock lock;
	uint32_t free_head;
	uint32_t count;
};

/* Where the parts of the mapping are, in this process (the same addresses
 * in every process: the mapping is inherited). */
struct cache {
	struct cache_conf cf;
	uint32_t nbuckets;    /* a power of two */
	struct cache_head *head;
	uint32_t *buckets;
	struct cache_item *items;
	uint8_t *keys;        /* items * keysize */
	uint8_t *blocks;      /* items * blocksize */
};

static struct cache the_cache;
static int have_cache;

#define ALIGN64(n) (((n) + 63) & ~(size_t)63)

/* n * size added to *total, or -1 when it would overflow. */
static int add_part(size_t *total, size_t n, size_t size)
{
	if (size && n > (SIZE_MAX - 64) / size)
		return -1;
	size_t part = ALIGN64(n * size);
	if (part > SIZE_MAX - *total)
		return -1;
	*total += part;
	return 0;
}

struct cache *cache_create(const struct cache_conf *cf)
{
	struct cache *c = &the_cache;
	c->cf = *cf;
	c->nbuckets = 16;
	while (c->nbuckets < cf->items && c->nbuckets < (1u << 30))
		c->nbuckets <<= 1;
	/* The parts of the mapping, in order: count and size of each. */
	const size_t part[5][2] = {
		{ 1, sizeof(struct cache_head) },
		{ c->nbuckets, sizeof(uint32_t) },
		{ cf->items, sizeof(struct cache_item) },
		{ cf->items, cf->keysize },
		{ cf->items, (size_t)cf->blocksize },
	};
	size_t off[5], total = 0;
	for (int i = 0; i < 5; i++) {
		off[i] = total;
		if (add_part(&total, part[i][0], part[i][1]) < 0)
			die(1, "cache '%s': %u items of %llu bytes do not fit in memory", cf->name,
			    cf->items, (unsigned long long)cf->blocksize);
	}
	uint8_t *map = shm_map(total, "cache");
	c->head = (struct cache_head *)map;
	c->buckets = (uint32_t *)(map + off[1]);
	c->items = (struct cache_item *)(map + off[2]);
	c->keys = map + off[3];
	c->blocks = map + off[4];
	shm_lock_init(&c->head->lock);
	cache_clear(c);
	have_cache = 1;
	return c;
}

struct cache *cache_default(void)
{
	return have_cache ? &the_cache : NULL;
}

const struct cache_conf *cache_conf(const struct cache *c)
{
	return &c->cf;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a: short keys, good spread, no state. */
static uint32_t hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint8_t *key_of(struct cache *c, uint32_t idx)
{
	return c->keys + (size_t)idx * c->cf.keysize;
}

static uint8_t *block_of(struct cache *c, uint32_t idx)
{
	return c->blocks + (size_t)idx * c->cf.blocksize;
}

static int expired(const struct cache_item *it, int64_t now)
{
	return it->expires_ms && now >= it->expires_ms;
}

static void lock(struct cache *c)
{
	shm_lock_take(&c->head->lock, "the cache lock");
}

static void unlock(struct cache *c)
{
	shm_lock_give(&c->head->lock);
}

/* Unlink the item *link points at and put it on the free list. */
static void drop(struct cache *c, uint32_t *link)
{
	uint32_t n = *link;
	struct cache_item *it = &c->items[n - 1];
	*link = it->next;
	it->next = c->head->free_head;
	it->used = 0;
	c->head->free_head = n;
	c->head->count--;
}

/* The link that points at key's live item, or NULL. An expired one met on
 * the way is dropped. */
static uint32_t *find(struct cache *c, const void *key, size_t klen, uint32_t h, int64_t now)
{
	uint32_t *link = &c->buckets[h & (c->nbuckets - 1)];
	while (*link) {
		struct cache_item *it = &c->items[*link - 1];
		if (it->hash == h && it->keylen == klen && !memcmp(key_of(c, *link - 1), key, klen)) {
			if (!expired(it, now))
				return link;
			drop(c, link);
			return NULL;  /* keys are unique: nothing more to find */
		}
		link = &it->next;
	}
	return NULL;
}

/* Drop every expired item (when the table is full). */
static void sweep(struct cache *c, int64_t now)
{
	for (uint32_t b = 0; b < c->nbuckets; b++) {
		uint32_t *link = &c->buckets[b];
		while (*link) {
			if (expired(&c->items[*link - 1], now))
				drop(c, link);
			else
				link = &c->items[*link - 1].next;
		}
	}
}

/* A free slot's index + 1, or 0 when the table is full. */
static uint32_t take_slot(struct cache *c, int64_t now)
{
	if (!c->head->free_head)
		sweep(c, now);
	uint32_t n = c->head->free_head;
	if (n) {
		c->head->free_head = c->items[n - 1].next;
		c->head->count++;
	}
	return n;
}

int cache_get(struct cache *c, const void *key, size_t klen, void **val, uint64_t *vlen)
{
	int rc = CACHE_MISS;
	*val = NULL;
	*vlen = 0;
	lock(c);
	uint32_t *link = find(c, key, klen, hash(key, klen), now_ms());
	if (link) {
		const struct cache_item *it = &c->items[*link - 1];
		/* One extra byte so an empty value is not a NULL pointer. */
		*val = malloc(it->vallen + 1);
		rc = *val ? CACHE_OK : CACHE_NOMEM;
		if (*val) {
			memcpy(*val, block_of(c, *link - 1), it->vallen);
			*vlen = it->vallen;
		}
	}
	unlock(c);
	return rc;
}

int cache_exists(struct cache *c, const void *key, size_t klen)
{
	lock(c);
	uint32_t *link = find(c, key, klen, hash(key, klen), now_ms());
	unlock(c);
	return link ? CACHE_OK : CACHE_MISS;
}

/* Seconds from now as a deadline; huge values mean never. */
static int64_t deadline(int64_t now, uint64_t expires)
{
	if (!expires || expires > (uint64_t)(INT64_MAX / 2000))
		return 0;
	return now + (int64_t)expires * 1000;
}

int cache_set(struct cache *c, const void *key, size_t klen, const void *val, uint64_t vlen,
	      uint64_t expires, int update)
{
	if (klen > c->cf.keysize || vlen > c->cf.blocksize)
		return CACHE_TOOBIG;
	uint32_t h = hash(key, klen);
	int rc = CACHE_OK;
	lock(c);
	int64_t now = now_ms();
	uint32_t *link = find(c, key, klen, h, now);
	uint32_t n = link ? *link : 0;
	if (link && !update) {
		rc = CACHE_EXISTS;
	} else if (!link && !(n = take_slot(c, now))) {
		rc = CACHE_FULL;
	} else {
		struct cache_item *it = &c->items[n - 1];
		if (!link) {
			*it = (struct cache_item){ .next = c->buckets[h & (c->nbuckets - 1)], .hash = h,
						   .keylen = (uint32_t)klen, .used = 1 };
			memcpy(key_of(c, n - 1), key, klen);
			c->buckets[h & (c->nbuckets - 1)] = n;
		}
		memcpy(block_of(c, n - 1), val, vlen);
		it->vallen = vlen;
		it->expires_ms = deadline(now, expires);
	}
	unlock(c);
	return rc;
}

int cache_del(struct cache *c, const void *key, size_t klen)
{
	lock(c);
	uint32_t *link = find(c, key, klen, hash(key, klen), now_ms());
	if (link)
		drop(c, link);
	unlock(c);
	return link ? CACHE_OK : CACHE_MISS;
}

void cache_clear(struct cache *c)
{
	uint32_t n = c->cf.items;
	lock(c);
	memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
	for (uint32_t i = 0; i < n; i++)
		c->items[i] = (struct cache_item){ .next = i + 1 < n ? i + 2 : 0 };
	c->head->free_head = n ? 1 : 0;
	c->head->count = 0;
	unlock(c);
}

int cache_keys(struct cache *c, uint8_t **blob, size_t *len, size_t *n)
{
	int64_t now = now_ms();
	size_t need = 0, pos = 0;
	*blob = NULL;
	*len = *n = 0;
	lock(c);
	sweep(c, now);
	for (uint32_t i = 0; i < c->cf.items; i++)
		if (c->items[i].used)
			need += 2 + c->items[i].keylen;
	uint8_t *out = need ? malloc(need) : NULL;
	for (uint32_t i = 0; out && i < c->cf.items; i++) {
		if (!c->items[i].used)
			continue;
		uint16_t kl = (uint16_t)c->items[i].keylen;
		memcpy(out + pos, &kl, 2);
		memcpy(out + pos + 2, key_of(c, i), kl);
		pos += 2 + (size_t)kl;
		(*n)++;
	}
	unlock(c);
	*blob = out;
	*len = pos;
	return need && !out ? CACHE_NOMEM : CACHE_OK;
}
