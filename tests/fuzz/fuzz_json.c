/* libFuzzer target for JSON string escaping.
 *
 * Whatever the bytes, up_json_str must produce exactly one valid JSON string
 * (checked by the independent validator in tests/unit/json_check.h) whose
 * value is the input with each invalid UTF-8 byte replaced by U+FFFD. Under
 * a cap it either succeeds with the same text or fails with UP_ETOOBIG,
 * never growing past the cap.
 */
#include "../unit/json_check.h"

#include "uwsgiproto/buf.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	up_buf_t b;
	up_buf_init(&b, 0);
	ASSERT(up_json_str(&b, data, size) == 0);
	/* At most 6 output bytes per input byte, plus the quotes. */
	ASSERT(b.len >= size + 2 && b.len <= 6 * size + 2);

	uint8_t *dec = malloc(b.len);
	uint8_t *want = malloc(3 * size + 1);
	ASSERT(dec && want);
	long dl = jc_decode_string(up_buf_head(&b), b.len, dec);
	ASSERT(dl >= 0);
	size_t wl = jc_expected(data, size, want);
	ASSERT((size_t)dl == wl);
	ASSERT(memcmp(dec, want, wl) == 0);

	/* Under a cap picked from the data: all or UP_ETOOBIG. */
	size_t cap = size ? (size_t)data[0] * 2 + 1 : 1;
	up_buf_t c;
	up_buf_init(&c, cap);
	int rc = up_json_str(&c, data, size);
	ASSERT(c.len <= cap && c.cap <= cap);
	if (rc == 0)
		ASSERT(c.len == b.len && memcmp(up_buf_head(&c), up_buf_head(&b), b.len) == 0);
	else
		ASSERT(rc == UP_ETOOBIG && b.len > cap);

	/* After other content, as the stats producers use it. */
	up_buf_reset(&c);
	c.max = SIZE_MAX;
	ASSERT(up_buf_puts(&c, "{") == 0);
	ASSERT(up_json_str(&c, data, size) == 0);
	ASSERT(c.len == b.len + 1 && memcmp(up_buf_head(&c) + 1, up_buf_head(&b), b.len) == 0);

	up_buf_free(&c);
	up_buf_free(&b);
	free(dec);
	free(want);
	return 0;
}
