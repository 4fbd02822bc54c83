#include "mem.h"

void mem_take(struct mem_acct *a, size_t n)
{
	a->used += n;
	a->pool->used += n;
}

void mem_give(struct mem_acct *a, size_t n)
{
	/* Never below zero, whatever a caller's arithmetic did. */
	a->used -= n < a->used ? n : a->used;
	a->pool->used -= n < a->pool->used ? n : a->pool->used;
}

int mem_buf_append(struct mem_acct *a, up_buf_t *b, size_t max,
		   const void *p, size_t n)
{
	size_t old = b->cap;
	size_t left = a->limit > a->used ? a->limit - a->used : 0;
	size_t room = max > old ? max - old : 0;
	/* The buffer may grow by what the flow has left, never past max. */
	b->max = old + (left < room ? left : room);
	int rc = up_buf_append(b, p, n);
	if (b->cap > old)
		mem_take(a, b->cap - old);
	return rc;
}

void mem_buf_free(struct mem_acct *a, up_buf_t *b)
{
	mem_give(a, b->cap);
	up_buf_free(b);
}
