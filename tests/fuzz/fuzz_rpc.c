/* libFuzzer target for the server's RPC wire decoding (rpc_wire.c): the
 * call another node sends (modifier1 173: an uwsgi array, the function's
 * name first) and the CONTENT_LENGTH dict of a modifier2 5 answer read
 * back by uwsgi.rpc.
 *
 * The input is read as both. A call that splits must be 1 to 256 items
 * lying end to end over the whole payload; one that does not must say why
 * on one line. An answer's length must be the decimal digits of its
 * CONTENT_LENGTH exactly, never over the limit.
 */
#include "../../bin/uwsgi-server/rpc_wire.c"

#include <stdint.h>
#include <string.h>

#include "uwsgiproto/packet.h"

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static void call(const uint8_t *data, size_t size)
{
	static up_var_t items[RPC_MAX_ARGS + 1];
	size_t n = 12345;
	char err[128] = "";
	if (rpc_split_call(data, size, items, &n, err, sizeof err) < 0) {
		ASSERT(err[0] && !strchr(err, '\n'));
		return;
	}
	ASSERT(n >= 1 && n <= RPC_MAX_ARGS + 1 && !err[0]);
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		ASSERT(items[i].key == NULL && items[i].val == p + 2);
		ASSERT(up_get_le16(p) == items[i].vlen);
		p = items[i].val + items[i].vlen;
	}
	ASSERT(p == data + size);
}

static void answer(const uint8_t *data, size_t size)
{
	size_t len = 7, max = 64u << 20;
	char err[128] = "";
	up_var_t v;
	if (rpc_answer_length(data, size, max, &len, err, sizeof err) < 0) {
		ASSERT(err[0] && !strchr(err, '\n') && len == 7);
		return;
	}
	ASSERT(len <= max);
	ASSERT(up_vars_find(data, size, "CONTENT_LENGTH", 14, &v) == 1);
	ASSERT(v.vlen > 0);  /* leading zeros may make it long */
	size_t back = 0;
	for (size_t i = 0; i < v.vlen; i++) {
		ASSERT(v.val[i] >= '0' && v.val[i] <= '9');
		back = back * 10 + (size_t)(v.val[i] - '0');
	}
	ASSERT(back == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	call(data, size);
	answer(data, size);
	return 0;
}
