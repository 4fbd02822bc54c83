/* The vars block: [u16 LE key length][key][u16 LE value length][value]...,
 * no padding, no terminator, ending exactly at the block's end. The same
 * framing without keys, [u16 LE length][bytes]..., is an "uwsgi array"
 * (RPC arguments).
 *
 * The builder writes into a caller buffer and never overflows it; the
 * iterator checks every length against the block before touching the bytes
 * it announces, so it cannot read outside the slice it was given.
 */
#ifndef UWSGIPROTO_VARS_H
#define UWSGIPROTO_VARS_H

#include <stddef.h>
#include <stdint.h>

/* One var (or one array item, with key NULL), pointing into the block. */
typedef struct up_var {
	const uint8_t *key;
	size_t klen;
	const uint8_t *val;
	size_t vlen;
} up_var_t;

/* Builds a whole packet in buf: the 4-byte header first (written by
 * up_vars_finish), then the vars. The first error is sticky: later adds fail
 * with it and so does finish, so callers may check once at the end. */
typedef struct up_vars_builder {
	uint8_t *buf;
	size_t cap;     /* size of buf */
	size_t len;     /* bytes of vars written after the header */
	size_t limit;   /* largest vars block allowed (<= 65535) */
	int err;        /* first error, 0 if none */
} up_vars_builder_t;

/* Start a packet in buf (cap bytes, at least 4). The block may grow to
 * min(65535, cap - 4) bytes. */
void up_vars_builder_init(up_vars_builder_t *b, uint8_t *buf, size_t cap);

/* Append key=val. Returns 0, UP_EEMPTYKEY for an empty key, UP_ETOOBIG when
 * the block would pass 65535 bytes, UP_ENOSPACE when buf is too small. */
int up_vars_add(up_vars_builder_t *b, const void *key, size_t klen,
		const void *val, size_t vlen);

/* up_vars_add with NUL-terminated strings. */
int up_vars_add_str(up_vars_builder_t *b, const char *key, const char *val);

/* Append one uwsgi array item (empty items are allowed). */
int up_array_add(up_vars_builder_t *b, const void *item, size_t len);

/* Write the header (modifier1, datasize = vars length, modifier2). Returns
 * the packet's total length (4 + vars) or the sticky error. */
int up_vars_finish(up_vars_builder_t *b, uint8_t m1, uint8_t m2);

/* Walks a vars block or an array. */
typedef struct up_vars_iter {
	const uint8_t *start;
	const uint8_t *p;
	const uint8_t *end;
} up_vars_iter_t;

void up_vars_iter_init(up_vars_iter_t *it, const uint8_t *block, size_t len);

/* Next var: 1 and *v filled, 0 at the exact end of the block, or
 * UP_ETRUNC (fewer than 2 bytes left for a length), UP_ELENGTH (a length
 * past the end of the block), UP_EEMPTYKEY. After an error the iterator
 * stays at the start of the bad var (its key length, even when the fault is
 * in the value): up_vars_iter_offset says where. */
int up_vars_next(up_vars_iter_t *it, up_var_t *v);

/* Next array item (v->key is NULL): 1, 0 at the end, UP_ETRUNC, UP_ELENGTH. */
int up_array_next(up_vars_iter_t *it, up_var_t *v);

/* Offset of the iterator's position from the start of the block. */
static inline size_t up_vars_iter_offset(const up_vars_iter_t *it)
{
	return (size_t)(it->p - it->start);
}

/* Validate a whole vars block; on success returns the number of vars, on
 * failure the error of the first bad var (and the offset where that var
 * starts in *bad_at if not NULL). */
int up_vars_check(const uint8_t *block, size_t len, size_t *bad_at);

/* Validate a whole array; returns the number of items or the error. */
int up_array_check(const uint8_t *block, size_t len, size_t *bad_at);

/* Find the first var named key (klen bytes, case-sensitive): 1 and *v
 * filled, 0 if absent, negative if the block is malformed before it. */
int up_vars_find(const uint8_t *block, size_t len, const char *key, size_t klen,
		 up_var_t *v);

/* Convenience: 1 if the var's key equals the NUL-terminated string. */
int up_var_is(const up_var_t *v, const char *key);

/* A length as CONTENT_LENGTH carries it (RFC 3875): one or more decimal
 * digits and nothing else (no sign, no spaces), at most INT64_MAX. 0 and
 * *out set, or UP_EINVAL. */
int up_parse_length(const void *p, size_t n, int64_t *out);

#endif
