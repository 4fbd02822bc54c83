/* libFuzzer target: HTTP response heads (proxy, CGI bridge, dissector).
 *
 * Checks memory safety, that the slices stay inside the head, and that the
 * parser is incremental: every prefix gives 0 until the head is complete,
 * then the same length; an error is never one the whole input would not
 * give. Prefixes are copied to exact-size heap buffers.
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
	up_http_response_t rs;
	ssize_t r;

	if (!b)
		abort();
	if (n)
		memcpy(b, d, n);
	r = up_http_parse_response(b, n, lim, &rs, h, cap);
	free(b);
	return r;
}

static int inside(up_http_slice_t s, const uint8_t *b, size_t n)
{
	return s.ptr >= b && s.len <= n && (size_t)(s.ptr - b) <= n - s.len;
}

static void check_response(const uint8_t *data, size_t size,
                           const up_http_limits_t *lim, size_t cap)
{
	up_http_header_t h[CAP];
	up_http_response_t rs;
	ssize_t whole = up_http_parse_response(data, size, lim, &rs, h, cap);

	if (whole > (ssize_t)size)
		__builtin_trap();
	check_incremental(data, size, lim, cap, whole, parse);
	if (whole <= 0)
		return;

	size_t head = (size_t)whole;
	if (rs.status < 100 || rs.status > 999 || rs.num_headers > cap ||
	    rs.version_minor < 0 || rs.version_minor > 1 ||
	    rs.content_length < -1 || (rs.chunked && rs.content_length >= 0) ||
	    rs.head_len != head || !inside(rs.reason, data, head) ||
	    !up_http_header_value_ok(rs.reason.ptr, rs.reason.len))
		__builtin_trap();
	for (size_t i = 0; i < rs.num_headers; i++)
		if (!inside(h[i].name, data, head) || !inside(h[i].value, data, head) ||
		    !up_http_header_name_ok(h[i].name.ptr, h[i].name.len) ||
		    !up_http_header_value_ok(h[i].value.ptr, h[i].value.len))
			__builtin_trap();
	if (up_http_header_find(h, rs.num_headers, "Content-Length", 0) >= 0 &&
	    rs.content_length < 0)
		__builtin_trap();

	static const char *const methods[] = { "GET", "HEAD", "CONNECT", "POST" };
	for (size_t i = 0; i < 4; i++) {
		int hb = up_http_response_has_body((const uint8_t *)methods[i],
		                                   strlen(methods[i]), rs.status);
		if (hb && (i == 1 || rs.status < 200 || rs.status == 204 ||
		           rs.status == 304))
			__builtin_trap();
	}
	(void)up_http_status_text(rs.status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_response(data, size, NULL, CAP);
	if (size >= 3) {
		up_http_limits_t lim = {
			.max_line = 1 + data[0] % 64,
			.max_headers = 1 + data[1] % 8,
			.max_head = 16 + (size_t)data[2] * 2,
		};
		check_response(data, size, &lim, 1 + data[1] % 12);
	}
	return 0;
}
