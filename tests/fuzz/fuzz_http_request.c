/* libFuzzer target: HTTP request heads and the CGI vars made from them.
 *
 * Besides looking for memory errors it checks that the parser is truly
 * incremental: a prefix of the input must give 0 while the head is not
 * complete, the same length once it is, and never an error the whole input
 * does not give (errors, once decided, stay the same as the prefix grows).
 * Prefixes are copied to exact-size heap buffers so ASan sees over-reads.
 */
#include "uwsgiproto/error.h"
#include "uwsgiproto/http.h"
#include "incremental.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CAP 64

static ssize_t parse(const uint8_t *d, size_t n, const up_http_limits_t *lim,
                     size_t cap)
{
	uint8_t *b = malloc(n ? n : 1);
	up_http_header_t h[CAP];
	up_http_request_t rq;
	ssize_t r;

	if (!b)
		abort();
	if (n)
		memcpy(b, d, n);
	r = up_http_parse_request(b, n, lim, &rq, h, cap);
	free(b);
	return r;
}

struct seen {
	const char *key[CAP + 8];
	size_t klen[CAP + 8];
	size_t n;
};

static int emit(void *ctx, const char *key, size_t klen, const uint8_t *val,
                size_t vlen)
{
	struct seen *s = ctx;
	volatile uint8_t sink = 0;

	if (klen == 0 || s->n >= CAP + 8)
		__builtin_trap();
	for (size_t i = 0; i < klen; i++)
		if (key[i] == '-' || (key[i] >= 'a' && key[i] <= 'z'))
			__builtin_trap();
	if ((klen == 17 && !memcmp(key, "HTTP_CONTENT_TYPE", 17)) ||
	    (klen == 19 && !memcmp(key, "HTTP_CONTENT_LENGTH", 19)))
		__builtin_trap();
	for (size_t i = 0; i < s->n; i++)
		if (s->klen[i] == klen && !memcmp(s->key[i], key, klen))
			__builtin_trap();   /* every var at most once */
	for (size_t i = 0; i < vlen; i++)
		sink ^= val[i];
	(void)sink;
	s->key[s->n] = key;
	s->klen[s->n++] = klen;
	return 0;
}

static int inside(up_http_slice_t s, const uint8_t *b, size_t n)
{
	return s.ptr >= b && s.len <= n && (size_t)(s.ptr - b) <= n - s.len;
}

static void check_request(const uint8_t *data, size_t size,
                          const up_http_limits_t *lim, size_t cap)
{
	up_http_header_t h[CAP];
	up_http_request_t rq;
	ssize_t whole = up_http_parse_request(data, size, lim, &rq, h, cap);

	if (whole > (ssize_t)size)
		__builtin_trap();
	check_incremental(data, size, lim, cap, whole, parse);
	if (whole <= 0)
		return;

	size_t head = (size_t)whole;
	if (rq.num_headers > cap || rq.version_minor < 0 || rq.version_minor > 1 ||
	    rq.content_length < -1 || (rq.chunked && rq.content_length >= 0) ||
	    (rq.chunked && rq.version_minor == 0) || rq.head_len != head ||
	    !inside(rq.method, data, head) || !inside(rq.target, data, head) ||
	    !inside(rq.query, data, head) ||
	    (rq.host.ptr && !inside(rq.host, data, head)) ||
	    (rq.version_minor == 0 && rq.expect_continue))
		__builtin_trap();
	for (size_t i = 0; i < rq.num_headers; i++)
		if (!inside(h[i].name, data, head) || !inside(h[i].value, data, head) ||
		    !up_http_header_name_ok(h[i].name.ptr, h[i].name.len) ||
		    !up_http_header_value_ok(h[i].value.ptr, h[i].value.len))
			__builtin_trap();

	size_t need = up_http_cgi_scratch_size(&rq);
	uint8_t *scratch = malloc(need ? need : 1);
	struct seen s = { .n = 0 };
	int r;

	if (!scratch)
		abort();
	r = up_http_cgi_vars(&rq, scratch, need, emit, &s);
	if (r == UP_ENOSPACE || (r < 0 && r != UP_EHTTP_URI) ||
	    (r >= 0 && (size_t)r != s.n))
		__builtin_trap();
	free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size, NULL, CAP);
	if (size >= 3) {
		up_http_limits_t lim = {
			.max_line = 1 + data[0] % 64,
			.max_headers = 1 + data[1] % 8,
			.max_head = 16 + (size_t)data[2] * 2,
		};
		check_request(data, size, &lim, 1 + data[1] % 12);
	}

	/* The percent-decoder never grows its input, in place or not. */
	uint8_t *out = malloc(size ? size : 1);
	if (!out)
		abort();
	ssize_t a = up_http_pct_decode(data, size, out, size, UP_HTTP_PCT_PLUS);
	if (a == UP_ENOSPACE || a > (ssize_t)size)
		__builtin_trap();
	memcpy(out, data, size);
	ssize_t b = up_http_pct_decode(out, size, out, size, UP_HTTP_PCT_PLUS);
	if (a != b)
		__builtin_trap();
	free(out);
	return 0;
}
