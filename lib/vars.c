#include "uwsgiproto/vars.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/packet.h"

#include <string.h>

void up_vars_builder_init(up_vars_builder_t *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = cap < UP_HEADER_SIZE ? UP_ENOSPACE : 0;
	size_t room = cap < UP_HEADER_SIZE ? 0 : cap - UP_HEADER_SIZE;
	b->limit = room < UP_MAX_DATASIZE ? room : UP_MAX_DATASIZE;
}

/* Append one length-prefixed field after checking both limits. */
static int put_field(up_vars_builder_t *b, const void *p, size_t n, size_t more)
{
	size_t need = 2 + n;
	if (need > UP_MAX_DATASIZE - b->len || more > UP_MAX_DATASIZE - b->len - need)
		return UP_ETOOBIG;
	if (need + more > b->limit - b->len)
		return UP_ENOSPACE;
	uint8_t *w = b->buf + UP_HEADER_SIZE + b->len;
	up_put_le16(w, (uint16_t)n);
	if (n)
		memcpy(w + 2, p, n);
	b->len += need;
	return 0;
}

int up_vars_add(up_vars_builder_t *b, const void *key, size_t klen,
		const void *val, size_t vlen)
{
	if (b->err)
		return b->err;
	if (klen == 0)
		return b->err = UP_EEMPTYKEY;
	/* Check the pair as a whole so a failure never leaves half a var. */
	if (klen > UP_MAX_DATASIZE || vlen > UP_MAX_DATASIZE)
		return b->err = UP_ETOOBIG;
	int rc = put_field(b, key, klen, 2 + vlen);
	if (rc == 0)
		rc = put_field(b, val, vlen, 0);
	return b->err = rc;
}

int up_vars_add_str(up_vars_builder_t *b, const char *key, const char *val)
{
	return up_vars_add(b, key, strlen(key), val, strlen(val));
}

int up_array_add(up_vars_builder_t *b, const void *item, size_t len)
{
	if (b->err)
		return b->err;
	if (len > UP_MAX_DATASIZE)
		return b->err = UP_ETOOBIG;
	return b->err = put_field(b, item, len, 0);
}

int up_vars_finish(up_vars_builder_t *b, uint8_t m1, uint8_t m2)
{
	if (b->err)
		return b->err;
	up_header_write(b->buf, b->cap, m1, b->len, m2);
	return (int)(UP_HEADER_SIZE + b->len);
}

void up_vars_iter_init(up_vars_iter_t *it, const uint8_t *block, size_t len)
{
	it->start = it->p = block;
	it->end = block + len;
}

/* Read one length-prefixed field at *pp without moving past end. */
static int take_field(const uint8_t **pp, const uint8_t *end,
		      const uint8_t **out, size_t *n)
{
	const uint8_t *p = *pp;
	if ((size_t)(end - p) < 2)
		return UP_ETRUNC;
	size_t len = up_get_le16(p);
	p += 2;
	if (len > (size_t)(end - p))
		return UP_ELENGTH;
	*out = p;
	*n = len;
	*pp = p + len;
	return 1;
}

int up_vars_next(up_vars_iter_t *it, up_var_t *v)
{
	if (it->p == it->end)
		return 0;
	const uint8_t *p = it->p;
	int rc = take_field(&p, it->end, &v->key, &v->klen);
	if (rc < 0)
		return rc;
	if (v->klen == 0)
		return UP_EEMPTYKEY;
	rc = take_field(&p, it->end, &v->val, &v->vlen);
	if (rc < 0)
		return rc;
	it->p = p;
	return 1;
}

int up_array_next(up_vars_iter_t *it, up_var_t *v)
{
	if (it->p == it->end)
		return 0;
	v->key = NULL;
	v->klen = 0;
	return take_field(&it->p, it->end, &v->val, &v->vlen);
}

static int check_all(const uint8_t *block, size_t len, size_t *bad_at,
		     int (*next)(up_vars_iter_t *, up_var_t *))
{
	up_vars_iter_t it;
	up_var_t v;
	int n = 0, rc;
	up_vars_iter_init(&it, block, len);
	while ((rc = next(&it, &v)) > 0)
		n++;
	if (rc < 0) {
		if (bad_at)
			*bad_at = up_vars_iter_offset(&it);
		return rc;
	}
	return n;
}

int up_vars_check(const uint8_t *block, size_t len, size_t *bad_at)
{
	return check_all(block, len, bad_at, up_vars_next);
}

int up_array_check(const uint8_t *block, size_t len, size_t *bad_at)
{
	return check_all(block, len, bad_at, up_array_next);
}

int up_vars_find(const uint8_t *block, size_t len, const char *key, size_t klen,
		 up_var_t *v)
{
	up_vars_iter_t it;
	int rc;
	up_vars_iter_init(&it, block, len);
	while ((rc = up_vars_next(&it, v)) > 0)
		if (v->klen == klen && memcmp(v->key, key, klen) == 0)
			return 1;
	return rc;
}

int up_var_is(const up_var_t *v, const char *key)
{
	size_t n = strlen(key);
	return v->key && v->klen == n && memcmp(v->key, key, n) == 0;
}

int up_parse_length(const void *p, size_t n, int64_t *out)
{
	const uint8_t *s = p;
	int64_t x = 0;

	if (n == 0)
		return UP_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d = s[i] - '0';

		if (d < 0 || d > 9 || x > (INT64_MAX - d) / 10)
			return UP_EINVAL;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}
