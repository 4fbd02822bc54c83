#include "flow.h"

#include <stdlib.h>
#include <string.h>

void flow_key_of(const struct segment *s, struct flow_key *k, int *side)
{
	size_t alen = s->family == 6 ? 16 : 4;
	int c = memcmp(s->src, s->dst, alen);
	int swap = c > 0 || (c == 0 && s->sport > s->dport);
	memset(k, 0, sizeof *k);
	k->family = s->family;
	k->proto = s->proto;
	memcpy(k->addr[swap], s->src, alen);
	memcpy(k->addr[!swap], s->dst, alen);
	k->port[swap] = s->sport;
	k->port[!swap] = s->dport;
	*side = swap;
}

/* FNV-1a over the key: the key is small and the table grows with it. */
static uint32_t key_hash(const struct flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

void flow_table_init(struct flow_table *t)
{
	memset(t, 0, sizeof *t);
}

void flow_table_free(struct flow_table *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = 0;
}

struct flow *flow_find(struct flow_table *t, const struct flow_key *k)
{
	if (!t->nb)
		return NULL;
	uint32_t h = key_hash(k);
	for (struct flow *f = t->b[h & (t->nb - 1)]; f; f = f->hnext)
		if (f->hash == h && key_eq(&f->key, k))
			return f;
	return NULL;
}

/* Double the buckets when flows outnumber them; 0, or -1 when out of
 * memory (the table then just has longer chains). */
static int grow(struct flow_table *t)
{
	size_t nb = t->nb ? t->nb * 2 : 256;
	struct flow **b = calloc(nb, sizeof *b);
	if (!b)
		return -1;
	for (size_t i = 0; i < t->nb; i++)
		while (t->b[i]) {
			struct flow *f = t->b[i];
			t->b[i] = f->hnext;
			f->hnext = b[f->hash & (nb - 1)];
			b[f->hash & (nb - 1)] = f;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

static void list_unlink(struct flow_table *t, struct flow *f)
{
	if (f->older)
		f->older->newer = f->newer;
	else
		t->oldest = f->newer;
	if (f->newer)
		f->newer->older = f->older;
	else
		t->newest = f->older;
	f->older = f->newer = NULL;
}

static void list_append(struct flow_table *t, struct flow *f)
{
	f->older = t->newest;
	f->newer = NULL;
	if (t->newest)
		t->newest->newer = f;
	else
		t->oldest = f;
	t->newest = f;
}

struct flow *flow_add(struct flow_table *t, const struct flow_key *k,
		      struct mem_pool *pool, size_t max_bytes)
{
	if (t->count >= t->nb && grow(t) < 0 && !t->nb)
		return NULL;
	struct flow *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->key = *k;
	f->hash = key_hash(k);
	f->seqno = ++t->seqno;
	f->client = -1;
	f->mem.pool = pool;
	f->mem.limit = max_bytes;
	mem_take(&f->mem, sizeof *f);
	for (int i = 0; i < 2; i++) {
		f->sides[i].f = f;
		f->sides[i].side = i;
		reasm_init(&f->rd[i]);
	}
	up_buf_init(&f->probe, 0);
	size_t i = f->hash & (t->nb - 1);
	f->hnext = t->b[i];
	t->b[i] = f;
	t->count++;
	list_append(t, f);
	return f;
}

void flow_touch(struct flow_table *t, struct flow *f, uint64_t ts)
{
	f->last_ts = ts;
	if (t->newest != f) {
		list_unlink(t, f);
		list_append(t, f);
	}
}

void flow_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->b[f->hash & (t->nb - 1)];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	list_unlink(t, f);
	t->count--;
	/* Whatever is still charged to the flow here was not given back by
	 * its owner: count it (the fuzz target insists on zero) and settle. */
	t->unsettled += f->mem.used - sizeof *f;
	mem_give(&f->mem, f->mem.used);
	free(f);
}
