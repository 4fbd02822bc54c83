/* The RPC wire format's decoding, apart from Python and sockets so that
 * tests/fuzz/fuzz_rpc.c reaches it: the call another node sends (h_rpc.c)
 * and the length a modifier2 5 answer announces (pymod_rpc.c). */
#include "rpc.h"

#include <stdio.h>

#include "uwsgiproto/error.h"

int rpc_split_call(const uint8_t *p, size_t len, up_var_t *items, size_t *n, char *err,
		   size_t errcap)
{
	up_vars_iter_t it;
	int rc = 0;
	*n = 0;
	up_vars_iter_init(&it, p, len);
	while (*n < RPC_MAX_ARGS + 1 && (rc = up_array_next(&it, &items[*n])) > 0)
		(*n)++;
	if (rc < 0)
		snprintf(err, errcap, "malformed array: %s at offset %zu", up_strerror(rc),
			 up_vars_iter_offset(&it));
	else if (*n == 0)
		snprintf(err, errcap, "no function name");
	else if (up_vars_iter_offset(&it) != len)
		snprintf(err, errcap, "more than %d arguments", RPC_MAX_ARGS);
	else
		return 0;
	return -1;
}

int rpc_answer_length(const uint8_t *dict, size_t dlen, size_t max, size_t *len, char *err,
		      size_t errcap)
{
	up_var_t v;
	if (up_vars_find(dict, dlen, "CONTENT_LENGTH", 14, &v) != 1) {
		snprintf(err, errcap, "a large answer (modifier2 5) without CONTENT_LENGTH");
		return -1;
	}
	int64_t n;
	if (up_parse_length(v.val, v.vlen, &n) < 0) {
		char shown[32];
		snprintf(err, errcap, "a large answer (modifier2 5) with a bad CONTENT_LENGTH "
			 "'%s'", up_safe_text(shown, sizeof shown, v.val, v.vlen));
		return -1;
	}
	if ((uint64_t)n > max) {
		snprintf(err, errcap, "an answer of %lld bytes (over %zu)", (long long)n, max);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}
