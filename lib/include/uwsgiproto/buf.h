/* A growable byte buffer with a hard cap.
 *
 * The buffer owns its storage (malloc'd); up_buf_free releases it. Growth
 * past `max` fails with UP_ETOOBIG instead of reallocating without bound.
 * Bytes are kept in data[off .. off+len): consuming from the front is O(1)
 * and the space is reclaimed by the next append that needs it.
 */
#ifndef UWSGIPROTO_BUF_H
#define UWSGIPROTO_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct up_buf {
	uint8_t *data;  /* storage, NULL until the first growth */
	size_t off;     /* start of the unconsumed bytes */
	size_t len;     /* number of unconsumed bytes */
	size_t cap;     /* allocated size of data */
	size_t max;     /* hard cap on cap; 0 means SIZE_MAX */
} up_buf_t;

/* Set up an empty buffer that may grow to max bytes (0: no cap). */
void up_buf_init(up_buf_t *b, size_t max);

/* Release the storage; the buffer is empty and reusable afterwards. */
void up_buf_free(up_buf_t *b);

/* Pointer to the first unconsumed byte (valid until the next append).
 * A buffer that never grew has no storage: it gives a valid pointer to no
 * bytes rather than NULL + 0, which C leaves undefined. */
static inline uint8_t *up_buf_head(const up_buf_t *b)
{
	return b->data ? b->data + b->off : (uint8_t *)(uintptr_t)"";
}

/* Make room for n more bytes after the unconsumed ones. Returns 0, or
 * UP_ETOOBIG past the cap, UP_ESYS when malloc fails. */
int up_buf_reserve(up_buf_t *b, size_t n);

/* Pointer to the free space after the data, and how much of it there is
 * (call up_buf_reserve first); up_buf_commit adds n written bytes. */
static inline uint8_t *up_buf_tail(const up_buf_t *b)
{
	return b->data ? b->data + b->off + b->len : (uint8_t *)(uintptr_t)"";
}
static inline size_t up_buf_room(const up_buf_t *b) { return b->cap - b->off - b->len; }
static inline void up_buf_commit(up_buf_t *b, size_t n) { b->len += n; }

/* Append n bytes / a NUL-terminated string / formatted text. 0 or error. */
int up_buf_append(up_buf_t *b, const void *p, size_t n);
int up_buf_puts(up_buf_t *b, const char *s);
int up_buf_printf(up_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int up_buf_vprintf(up_buf_t *b, const char *fmt, va_list ap);

/* Drop n bytes from the front (n > len drops everything). */
void up_buf_consume(up_buf_t *b, size_t n);

/* Forget the contents, keep the storage. */
void up_buf_reset(up_buf_t *b);

#endif
