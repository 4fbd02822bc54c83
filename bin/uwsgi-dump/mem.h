/* Memory accounting for the dissector: every byte a flow holds (its record,
 * its buffers, queued segments) is charged to the flow and to the pool of
 * the whole run, so --max-flow-bytes and --max-total-bytes are real
 * bounds and not hopes. */
#ifndef UWSGI_DUMP_MEM_H
#define UWSGI_DUMP_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/buf.h"

struct mem_pool {
	size_t used;
	size_t limit;
};

struct mem_acct {
	struct mem_pool *pool;
	size_t used;
	size_t limit;    /* this flow's cap */
};

/* 1 if n more bytes fit under the flow's cap. */
static inline int mem_fits(const struct mem_acct *a, size_t n)
{
	return n <= a->limit - a->used;
}

void mem_take(struct mem_acct *a, size_t n);
void mem_give(struct mem_acct *a, size_t n);

/* Append n bytes to b (whose storage is charged to a), growing it only
 * within both b's own cap (`max`) and what is left of a's. 0, or
 * UP_ETOOBIG when it does not fit, UP_ESYS when malloc fails. */
int mem_buf_append(struct mem_acct *a, up_buf_t *b, size_t max,
		   const void *p, size_t n);

/* Free b's storage and give its bytes back. */
void mem_buf_free(struct mem_acct *a, up_buf_t *b);

#endif
