/* libFuzzer target for the incremental packet parser.
 *
 * Input: three control bytes, then the stream. Control byte 0 picks
 * max_block and the flags; bytes 1 and 2 (with byte 0's top bits) pick the
 * split points. The stream is parsed whole and incrementally at those
 * splits; the results must agree with each other and with an oracle
 * computed from the header, and every pointer must stay inside the input.
 * Prefixes are parsed from exact-size heap copies so that any read past
 * the length given is an ASan error.
 */
#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/stream.h"
#include "uwsgiproto/vars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static const size_t max_blocks[8] = { 0, 1, 4, 16, 100, 266, 4096, 65535 };

/* Where a result is decided: the number of bytes after which the parser
 * must answer rc (before that it must answer 0). */
static size_t decide_point(int rc, const up_packet_t *pkt, const uint8_t *in, size_t len)
{
	if (rc > 0)
		return pkt->head_len;
	if (rc == 0)
		return len + 1;
	if (rc == UP_ETOOBIG || rc == UP_EHTTPONUWSGI)
		return UP_HEADER_SIZE;
	return UP_HEADER_SIZE + (size_t)up_get_le16(in + 1);
}

/* What the parser must answer for the whole input, from first principles. */
static int oracle(const uint8_t *in, size_t len, size_t max_block, unsigned flags,
		  size_t *bad_at, int *nvars)
{
	size_t maxb = max_block == 0 ? 65535 : max_block;
	*nvars = 0;
	if (len < 4)
		return 0;
	if ((flags & UP_STREAM_DETECT_HTTP) && up_looks_like_http(in, len))
		return UP_EHTTPONUWSGI;
	size_t ds = up_get_le16(in + 1);
	if (ds > maxb)
		return UP_ETOOBIG;
	if (len < 4 + ds)
		return 0;
	if (flags & UP_STREAM_RAW)
		return (int)(4 + ds);
	int kind = up_modifier_payload(in[0]), rc;
	if (kind == UP_PAYLOAD_VARS)
		rc = up_vars_check(in + 4, ds, bad_at);
	else if (kind == UP_PAYLOAD_ARRAY)
		rc = up_array_check(in + 4, ds, bad_at);
	else
		return (int)(4 + ds);
	if (rc < 0)
		return rc;
	*nvars = rc;
	return (int)(4 + ds);
}

/* Walk the payload's vars or items: every pointer inside it. */
static void walk(const up_packet_t *pkt, const uint8_t *base, size_t len, unsigned flags)
{
	ASSERT(pkt->payload == base + UP_HEADER_SIZE);
	ASSERT(pkt->payload_len == pkt->hdr.datasize);
	ASSERT(pkt->head_len == UP_HEADER_SIZE + pkt->payload_len);
	ASSERT(pkt->head_len <= len);
	ASSERT(pkt->extra == base + pkt->head_len);
	ASSERT(pkt->extra_len == len - pkt->head_len);
	int kind = (flags & UP_STREAM_RAW) ? UP_PAYLOAD_RAW
					   : up_modifier_payload(pkt->hdr.modifier1);
	if (kind != UP_PAYLOAD_VARS && kind != UP_PAYLOAD_ARRAY) {
		ASSERT(pkt->nvars == 0);
		return;
	}
	const uint8_t *lo = pkt->payload, *hi = pkt->payload + pkt->payload_len;
	up_vars_iter_t it;
	up_var_t v;
	int n = 0, rc;
	up_vars_iter_init(&it, pkt->payload, pkt->payload_len);
	while ((rc = kind == UP_PAYLOAD_VARS ? up_vars_next(&it, &v)
					     : up_array_next(&it, &v)) > 0) {
		if (kind == UP_PAYLOAD_VARS) {
			ASSERT(v.key >= lo && v.klen >= 1 && v.klen <= (size_t)(hi - v.key));
			ASSERT(v.val == v.key + v.klen + 2);
		} else {
			ASSERT(v.key == NULL);
		}
		ASSERT(v.val >= lo && v.vlen <= (size_t)(hi - v.val));
		n++;
	}
	ASSERT(rc == 0);
	ASSERT(n == pkt->nvars);
}

/* Parse the first k bytes of in from an exact-size copy; the packet's
 * pointers are rebased onto in. */
static int parse_prefix(up_stream_t *s, const uint8_t *in, size_t k, up_packet_t *pkt)
{
	uint8_t *copy = malloc(k ? k : 1);
	if (!copy)
		return 0;
	if (k)
		memcpy(copy, in, k);
	memset(pkt, 0, sizeof *pkt);
	int rc = up_stream_parse(s, copy, k, pkt);
	if (rc > 0) {
		walk(pkt, copy, k, s->flags);
		pkt->payload = in + (pkt->payload - copy);
		pkt->extra = in + (pkt->extra - copy);
	}
	free(copy);
	return rc;
}

static int same_packet(const up_packet_t *a, const up_packet_t *b)
{
	return a->hdr.modifier1 == b->hdr.modifier1 && a->hdr.datasize == b->hdr.datasize &&
	       a->hdr.modifier2 == b->hdr.modifier2 && a->payload == b->payload &&
	       a->payload_len == b->payload_len && a->nvars == b->nvars &&
	       a->head_len == b->head_len && a->extra == b->extra;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	uint8_t c0 = data[0], c1 = data[1], c2 = data[2];
	const uint8_t *in = data + 3;
	size_t len = size - 3;
	size_t max_block = max_blocks[c0 & 7];
	unsigned flags = (c0 >> 3) & (UP_STREAM_DETECT_HTTP | UP_STREAM_RAW);

	/* The whole input at once. */
	up_stream_t s;
	up_packet_t whole;
	up_stream_init(&s, max_block, flags);
	int rc = up_stream_parse(&s, in, len, &whole);
	size_t bad_at = s.bad_at;

	size_t obad = 0;
	int onvars = 0;
	int want = oracle(in, len, max_block, flags, &obad, &onvars);
	ASSERT(rc == want);
	if (rc > 0) {
		walk(&whole, in, len, flags);
		ASSERT(whole.nvars == onvars);
	} else if (rc == 0) {
		ASSERT(s.need > len);
		ASSERT(s.need == UP_HEADER_SIZE ||
		       s.need == UP_HEADER_SIZE + (size_t)up_get_le16(in + 1));
	} else if (rc != UP_ETOOBIG && rc != UP_EHTTPONUWSGI) {
		ASSERT(bad_at == obad);
		ASSERT(bad_at < up_get_le16(in + 1));
	}
	size_t decide = decide_point(rc, &whole, in, len);

	/* Incrementally: up to three growing prefixes, then the whole. */
	size_t splits[3] = {
		(size_t)c1 * (len + 1) / 256,
		(size_t)c2 * (len + 1) / 256,
		(size_t)(c0 >> 5),  /* 0..7: inside or just after the header */
	};
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (splits[j] < splits[i]) {
				size_t t = splits[i];
				splits[i] = splits[j];
				splits[j] = t;
			}
	up_stream_t t;
	up_packet_t part;
	up_stream_init(&t, max_block, flags);
	int done = 0;
	for (int i = 0; i < 3 && !done; i++) {
		size_t k = splits[i];
		if (k > len)
			k = len;
		int r = parse_prefix(&t, in, k, &part);
		ASSERT(r == (k >= decide ? rc : 0));
		if (r == 0) {
			ASSERT(t.need > k);
			continue;
		}
		done = 1;
		if (r > 0) {
			ASSERT(same_packet(&part, &whole));
			ASSERT(part.extra_len == k - whole.head_len);
		} else if (r != UP_ETOOBIG && r != UP_EHTTPONUWSGI) {
			ASSERT(t.bad_at == bad_at);
		}
	}
	if (!done) {
		int r = parse_prefix(&t, in, len, &part);
		ASSERT(r == rc);
		if (r > 0) {
			ASSERT(same_packet(&part, &whole));
			ASSERT(part.extra_len == whole.extra_len);
		} else if (r < 0 && r != UP_ETOOBIG && r != UP_EHTTPONUWSGI) {
			ASSERT(t.bad_at == bad_at);
		} else if (r == 0) {
			ASSERT(t.need == s.need);
		}
	}

	/* Pipelining: parse what follows the packet as the next one. */
	if (rc > 0 && whole.extra_len > 0) {
		up_stream_reset(&s);
		up_packet_t next;
		int r2 = up_stream_parse(&s, whole.extra, whole.extra_len, &next);
		ASSERT(r2 <= (int)whole.extra_len);
		if (r2 > 0)
			walk(&next, whole.extra, whole.extra_len, flags);
	}
	return 0;
}
