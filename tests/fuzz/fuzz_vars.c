/* libFuzzer target for the vars block and the uwsgi array.
 *
 * The input is read as a vars block and as an array: the checker and the
 * iterator must agree (count, error, offset), every pointer must stay inside
 * the input, and rebuilding the well-formed part with the builder must give
 * back exactly the same bytes (round trip), which must parse the same again.
 * A builder one byte too small must fail cleanly without writing past its
 * buffer (exact-size heap allocations: ASan sees any overflow).
 */
#include "uwsgiproto/error.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Rebuild n fields of the block [data, data+good) into a packet of cap
 * bytes. Returns the builder's final result. */
static int rebuild(const uint8_t *data, size_t good, int array, size_t cap, uint8_t **out)
{
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf)
		return UP_ESYS;
	up_vars_builder_t b;
	up_vars_iter_t it;
	up_var_t v;
	up_vars_builder_init(&b, buf, cap);
	up_vars_iter_init(&it, data, good);
	int rc;
	while ((rc = array ? up_array_next(&it, &v) : up_vars_next(&it, &v)) > 0) {
		size_t before = b.len;
		int a = array ? up_array_add(&b, v.val, v.vlen)
			      : up_vars_add(&b, v.key, v.klen, v.val, v.vlen);
		if (a < 0) {
			/* A failed add leaves no half var behind. */
			ASSERT(b.len == before);
			ASSERT(a == UP_ENOSPACE || a == UP_ETOOBIG);
		}
	}
	ASSERT(rc == 0);  /* the prefix [0, good) is well-formed */
	int n = up_vars_finish(&b, array ? 173 : 0, 0);
	*out = buf;
	return n;
}

static void one(const uint8_t *data, size_t size, int array)
{
	size_t bad = (size_t)-1;
	int n = array ? up_array_check(data, size, &bad) : up_vars_check(data, size, &bad);

	/* The iterator: same count or error, pointers in bounds. */
	up_vars_iter_t it;
	up_var_t v;
	int count = 0, rc;
	size_t good = 0;  /* end of the last well-formed field */
	const uint8_t *end = data + size;
	up_vars_iter_init(&it, data, size);
	while ((rc = array ? up_array_next(&it, &v) : up_vars_next(&it, &v)) > 0) {
		if (array) {
			ASSERT(v.key == NULL && v.klen == 0);
			ASSERT(v.val == data + good + 2);
		} else {
			ASSERT(v.key == data + good + 2);
			ASSERT(v.klen >= 1 && v.klen <= (size_t)(end - v.key));
			ASSERT(v.val == v.key + v.klen + 2);
		}
		ASSERT(v.val >= data && v.vlen <= (size_t)(end - v.val));
		good = (size_t)(v.val + v.vlen - data);
		ASSERT(up_vars_iter_offset(&it) == good);
		count++;
	}
	if (n >= 0) {
		ASSERT(rc == 0 && n == count && good == size);
		ASSERT(bad == (size_t)-1);
	} else {
		ASSERT(rc == n);
		ASSERT(bad == good && up_vars_iter_offset(&it) == good);
		ASSERT(good < size);
		ASSERT(n == UP_ETRUNC || n == UP_ELENGTH || (!array && n == UP_EEMPTYKEY));
		if (n == UP_ETRUNC && array)
			ASSERT(size - good < 2);
	}

	/* The first var can be found by its key, and it is that very var. */
	if (!array && count > 0) {
		up_var_t first, found;
		up_vars_iter_init(&it, data, size);
		ASSERT(up_vars_next(&it, &first) == 1);
		ASSERT(up_vars_find(data, size, (const char *)first.key, first.klen, &found) == 1);
		ASSERT(found.key == first.key && found.val == first.val);
	}

	/* Round trip: the well-formed part rebuilds to the same bytes. */
	uint8_t *buf = NULL;
	int total = rebuild(data, good, array, UP_HEADER_SIZE + good, &buf);
	if (good > UP_MAX_DATASIZE) {
		ASSERT(total == UP_ETOOBIG);
	} else {
		ASSERT(total == (int)(UP_HEADER_SIZE + good));
		ASSERT(up_get_le16(buf + 1) == good);
		ASSERT(buf[0] == (array ? 173 : 0) && buf[3] == 0);
		ASSERT(memcmp(buf + UP_HEADER_SIZE, data, good) == 0);
		int again = array ? up_array_check(buf + UP_HEADER_SIZE, good, NULL)
				  : up_vars_check(buf + UP_HEADER_SIZE, good, NULL);
		ASSERT(again == count);
	}
	free(buf);

	/* One byte short: refused, and nothing written past the buffer. */
	if (good > 0 && good <= UP_MAX_DATASIZE) {
		buf = NULL;
		total = rebuild(data, good, array, UP_HEADER_SIZE + good - 1, &buf);
		ASSERT(total == UP_ENOSPACE);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, 1);
	return 0;
}
