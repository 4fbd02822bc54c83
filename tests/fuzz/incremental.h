/* Shared by the HTTP head fuzz targets: a prefix of the input must give 0
 * while the head is not complete, the same length once it is, and never an
 * error the whole input does not give (errors, once decided, stay the same
 * as the prefix grows). */
#ifndef UP_FUZZ_INCREMENTAL_H
#define UP_FUZZ_INCREMENTAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "uwsgiproto/http.h"

/* Parse n bytes of d with the given limits and header capacity. */
typedef ssize_t (*head_parse_fn)(const uint8_t *d, size_t n,
                                 const up_http_limits_t *lim, size_t cap);

static int want_prefix(size_t l, size_t size, ssize_t whole)
{
	if (size <= 300 || l < 64 || l + 64 > size)
		return 1;
	if (whole > 0 && l + 2 >= (size_t)whole && l <= (size_t)whole + 1)
		return 1;
	return l % 61 == 0;
}

static void check_incremental(const uint8_t *data, size_t size,
                              const up_http_limits_t *lim, size_t cap,
                              ssize_t whole, head_parse_fn parse)
{
	ssize_t decided = 0;

	for (size_t l = 0; l < size; l++) {
		ssize_t r;

		if (!want_prefix(l, size, whole))
			continue;
		r = parse(data, l, lim, cap);
		if (whole > 0) {
			if (r != (l < (size_t)whole ? 0 : whole))
				__builtin_trap();
		} else if (whole == 0) {
			if (r != 0)
				__builtin_trap();
		} else {
			if (r != 0 && r != whole)
				__builtin_trap();
			if (decided && r != decided)
				__builtin_trap();
			if (r)
				decided = r;
		}
	}
}

#endif
