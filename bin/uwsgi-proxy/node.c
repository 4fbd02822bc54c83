/* Pools of nodes and how a node is picked for a request. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "node.h"

uint32_t node_hash(const void *p, size_t n, uint32_t seed)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	/* FNV's low bits mix poorly; a final avalanche evens out the picks. */
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

int registry_init(struct registry *r)
{
	memset(r, 0, sizeof *r);
	r->nbuckets = 64;
	r->buckets = calloc(r->nbuckets, sizeof *r->buckets);
	return r->buckets ? 0 : -1;
}

static void node_release(struct node *n)
{
	n->pool = NULL;
	if (n->refs == 0)
		free(n);
}

void node_unref(struct node *n)
{
	if (--n->refs == 0 && !n->pool)
		free(n);
}

static int pool_add(struct pool *p, struct node *n)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		struct node **v = realloc(p->nodes, cap * sizeof *v);
		if (!v)
			return -1;
		p->nodes = v;
		p->cap = cap;
	}
	p->nodes[p->n++] = n;
	n->pool = p;
	return 0;
}

/* Remove the node at index i, keeping the order of the others (round
 * robin and the stats keep a stable order). */
static void pool_remove_at(struct pool *p, size_t i)
{
	struct node *n = p->nodes[i];
	memmove(&p->nodes[i], &p->nodes[i + 1], (p->n - i - 1) * sizeof *p->nodes);
	p->n--;
	node_release(n);
}

static void pool_clear(struct pool *p)
{
	while (p->n)
		pool_remove_at(p, p->n - 1);
	free(p->nodes);
	free(p->key);
}

void registry_free(struct registry *r)
{
	pool_clear(&r->statics);
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct pool *p = r->buckets[b], *next;
		for (; p; p = next) {
			next = p->next;
			pool_clear(p);
			free(p);
		}
	}
	free(r->buckets);
	memset(r, 0, sizeof *r);
}

static struct node *node_new(const up_addr_t *a)
{
	struct node *n = calloc(1, sizeof *n);
	if (n)
		n->addr = *a;
	return n;
}

static long find_addr(const struct pool *p, const up_addr_t *a)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->nodes[i]->addr.name, a->name))
			return (long)i;
	return -1;
}

int registry_set_static(struct registry *r, const up_addr_t *addrs, size_t n)
{
	struct pool *p = &r->statics;
	for (size_t i = p->n; i-- > 0;) {
		int keep = 0;
		for (size_t j = 0; j < n && !keep; j++)
			keep = !strcmp(p->nodes[i]->addr.name, addrs[j].name);
		if (!keep)
			pool_remove_at(p, i);
	}
	for (size_t j = 0; j < n; j++) {
		if (find_addr(p, &addrs[j]) >= 0)
			continue;
		struct node *nd = node_new(&addrs[j]);
		if (!nd || pool_add(p, nd) < 0) {
			free(nd);
			return -1;
		}
	}
	return 0;
}

struct pool *registry_find(const struct registry *r, const uint8_t *key, size_t klen)
{
	uint32_t h = node_hash(key, klen, 0);
	struct pool *p = r->buckets[h % r->nbuckets];
	for (; p; p = p->next)
		if (p->hash == h && p->klen == klen && !memcmp(p->key, key, klen))
			return p;
	return NULL;
}

static struct pool *pool_new(struct registry *r, const uint8_t *key, size_t klen)
{
	struct pool *p = calloc(1, sizeof *p);
	if (!p || !(p->key = malloc(klen + 1))) {
		free(p);
		return NULL;
	}
	memcpy(p->key, key, klen);
	p->key[klen] = 0;
	p->klen = klen;
	p->hash = node_hash(key, klen, 0);
	p->next = r->buckets[p->hash % r->nbuckets];
	r->buckets[p->hash % r->nbuckets] = p;
	r->npools++;
	return p;
}

/* A pool whose last node went is forgotten with its key. */
static void pool_drop_if_empty(struct registry *r, struct pool *p)
{
	if (p->n)
		return;
	struct pool **pp = &r->buckets[p->hash % r->nbuckets];
	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	r->npools--;
	pool_clear(p);
	free(p);
}

struct node *registry_subscribe(struct registry *r, const uint8_t *key, size_t klen,
                                const up_addr_t *a, const struct node_params *prm,
                                uint64_t now_ms, int *added)
{
	struct pool *p = registry_find(r, key, klen);
	struct node *n = NULL;
	*added = 0;
	if (!p && !(p = pool_new(r, key, klen)))
		return NULL;
	long i = find_addr(p, a);
	if (i >= 0) {
		n = p->nodes[i];
	} else {
		if (!(n = node_new(a)) || pool_add(p, n) < 0) {
			free(n);
			pool_drop_if_empty(r, p);
			return NULL;
		}
		*added = 1;
	}
	n->modifier1 = prm->modifier1;
	n->modifier2 = prm->modifier2;
	n->cores = prm->cores;
	n->load = prm->load;
	n->weight = prm->weight;
	n->seen_ms = now_ms;
	n->last_check = time(NULL);
	return n;
}

int registry_unsubscribe(struct registry *r, const uint8_t *key, size_t klen,
                         const up_addr_t *a)
{
	struct pool *p = registry_find(r, key, klen);
	long i = p ? find_addr(p, a) : -1;
	if (i < 0)
		return 0;
	pool_remove_at(p, (size_t)i);
	pool_drop_if_empty(r, p);
	return 1;
}

size_t registry_expire(struct registry *r, uint64_t older_than,
                       void (*report)(const struct node *n))
{
	size_t gone = 0;
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct pool *p = r->buckets[b], *next;
		for (; p; p = next) {
			next = p->next;
			for (size_t i = p->n; i-- > 0;) {
				if (p->nodes[i]->seen_ms >= older_than)
					continue;
				if (report)
					report(p->nodes[i]);
				pool_remove_at(p, i);
				gone++;
			}
			pool_drop_if_empty(r, p);
		}
	}
	return gone;
}

void registry_each(struct registry *r, void (*fn)(struct node *n, void *ctx), void *ctx)
{
	for (size_t i = 0; i < r->statics.n; i++)
		fn(r->statics.nodes[i], ctx);
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct pool *p = r->buckets[b]; p; p = p->next)
			for (size_t i = 0; i < p->n; i++)
				fn(p->nodes[i], ctx);
}

static int was_tried(const struct node *n, struct node *const *tried, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		if (tried[i] == n)
			return 1;
	return 0;
}

/* Rendezvous hashing: each node scores hash(key, node); the highest wins.
 * A node that dies moves only its own keys, the others keep their node. */
static long pick_hash(const struct pool *p, const uint8_t *k, size_t klen,
                      const char *ok)
{
	long best = -1;
	uint32_t top = 0, seed = node_hash(k, klen, 0);
	for (size_t i = 0; i < p->n; i++) {
		if (!ok[i])
			continue;
		const char *name = p->nodes[i]->addr.name;
		uint32_t s = node_hash(name, strlen(name), seed);
		if (best < 0 || s > top) {
			best = (long)i;
			top = s;
		}
	}
	return best;
}

/* Round robin from the cursor; with lc, the fewest active connections,
 * ties going to the first from the cursor. */
static long pick_scan(struct pool *p, int lc, const char *ok)
{
	long best = -1;
	for (size_t j = 0; j < p->n; j++) {
		size_t i = (p->rr + j) % p->n;
		if (!ok[i])
			continue;
		if (!lc) {
			best = (long)i;
			break;
		}
		if (best < 0 || p->nodes[i]->active < p->nodes[best]->active)
			best = (long)i;
	}
	if (best >= 0)
		p->rr = (unsigned)(best + 1) % p->n;
	return best;
}

struct node *pool_pick(struct pool *p, int policy, const uint8_t *hkey, size_t hklen,
                       struct node *const *tried, size_t ntried)
{
	char okbuf[64], *ok = p->n <= sizeof okbuf ? okbuf : malloc(p->n);
	size_t live = 0, left = 0;
	long i;
	if (!ok || !p->n) {
		if (ok != okbuf)
			free(ok);
		return NULL;
	}
	for (size_t j = 0; j < p->n; j++) {
		ok[j] = !was_tried(p->nodes[j], tried, ntried);
		left += ok[j];
		live += ok[j] && !p->nodes[j]->dead;
	}
	if (live)  /* dead nodes only when nothing else is left */
		for (size_t j = 0; j < p->n; j++)
			ok[j] = ok[j] && !p->nodes[j]->dead;
	if (!left)
		i = -1;
	else if (policy == BAL_HASH)
		i = pick_hash(p, hkey, hklen, ok);
	else
		i = pick_scan(p, policy == BAL_LC, ok);
	if (ok != okbuf)
		free(ok);
	return i >= 0 ? p->nodes[i] : NULL;
}
