/* libFuzzer target: the chunked body decoder.
 *
 * The input is decoded whole, then again cut into pieces at places drawn
 * from a PRNG seeded by the input (each piece in its own exact-size heap
 * buffer), byte at a time for short inputs, and in place with
 * up_chunked_decode: all runs must agree on the error, the bytes consumed,
 * completion and the decoded body. Finally the input itself is encoded with
 * the chunk helpers and must decode back to itself.
 */
#include "uwsgiproto/error.h"
#include "uwsgiproto/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct result {
	ssize_t err;
	size_t consumed;
	int done;
	uint8_t *out;
	size_t out_len;
};

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Decode data cut into pieces; cut_max 0 means whole, 1 byte at a time,
 * otherwise random piece lengths 1..cut_max. in_place uses
 * up_chunked_decode instead of up_chunked_parse. */
static void run(const uint8_t *data, size_t size, uint64_t max,
                uint32_t seed, size_t cut_max, int in_place,
                struct result *res)
{
	up_chunked_t st;
	size_t from = 0;

	up_chunked_init(&st, max);
	res->err = 0;
	res->consumed = 0;
	res->done = 0;
	res->out_len = 0;
	while (from < size || from == 0) {
		size_t plen = size - from;
		uint8_t *piece;

		if (cut_max == 1)
			plen = plen ? 1 : 0;
		else if (cut_max && plen)
			plen = 1 + next_rand(&seed) % (plen < cut_max ? plen : cut_max);
		piece = malloc(plen ? plen : 1);
		if (!piece)
			abort();
		if (plen)
			memcpy(piece, data + from, plen);
		if (in_place) {
			size_t dn;
			ssize_t r = up_chunked_decode(&st, piece, plen, &dn);

			if (r < 0) {
				res->err = r;
				free(piece);
				return;
			}
			if ((size_t)r > plen || dn > (size_t)r)
				__builtin_trap();
			if (dn)
				memcpy(res->out + res->out_len, piece, dn);
			res->out_len += dn;
			res->consumed += (size_t)r;
		} else {
			size_t off = 0;

			while (off < plen) {
				const uint8_t *d;
				size_t dn;
				ssize_t r = up_chunked_parse(&st, piece + off, plen - off,
				                             &d, &dn);

				if (r < 0) {
					res->err = r;
					free(piece);
					return;
				}
				if (r == 0)
					break;
				if ((size_t)r > plen - off || dn > (size_t)r ||
				    (dn && (d < piece + off || d + dn > piece + off + (size_t)r)))
					__builtin_trap();
				if (dn)
					memcpy(res->out + res->out_len, d, dn);
				res->out_len += dn;
				off += (size_t)r;
			}
			res->consumed += off;
		}
		res->done = up_chunked_done(&st);
		free(piece);
		from += plen;
		if (plen == 0)
			break;
	}
	if (res->out_len > res->consumed || (res->done && st.total != res->out_len))
		__builtin_trap();
}

static void same(const struct result *a, const struct result *b)
{
	if (a->err != b->err)
		__builtin_trap();
	if (a->err)
		return;
	if (a->consumed != b->consumed || a->done != b->done ||
	    a->out_len != b->out_len || memcmp(a->out, b->out, a->out_len))
		__builtin_trap();
}

static void round_trip(const uint8_t *data, size_t size, uint32_t seed)
{
	size_t cap = size * 2 + 64 + (size + 1) * UP_CHUNKED_HEADER_MAX;
	uint8_t *wire = malloc(cap);
	size_t w = 0, off = 0, dn;
	up_chunked_t st;

	if (!wire)
		abort();
	while (off < size) {
		size_t n = 1 + next_rand(&seed) % (size - off);
		int h = up_chunked_header(wire + w, cap - w, n);

		if (h <= 0)
			__builtin_trap();
		w += (size_t)h;
		memcpy(wire + w, data + off, n);
		w += n;
		memcpy(wire + w, "\r\n", 2);
		w += 2;
		off += n;
	}
	if (up_chunked_end(wire + w, cap - w) != 5)
		__builtin_trap();
	w += 5;
	up_chunked_init(&st, 0);
	if (up_chunked_decode(&st, wire, w, &dn) != (ssize_t)w || dn != size ||
	    !up_chunked_done(&st) || (size && memcmp(wire, data, size)))
		__builtin_trap();
	free(wire);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed = 2463534242u;
	uint64_t max = 0;
	struct result whole, other;

	if (size >= 2) {
		seed ^= (uint32_t)data[0] << 8 | data[1];
		if (data[0] & 1)
			max = (uint64_t)data[1] * 8;
	}
	whole.out = malloc(size + 1);
	other.out = malloc(size + 1);
	if (!whole.out || !other.out)
		abort();

	run(data, size, max, seed, 0, 0, &whole);
	run(data, size, max, seed, 0, 1, &other);
	same(&whole, &other);
	for (size_t cut = 2; cut <= 64; cut *= 4) {
		run(data, size, max, seed + (uint32_t)cut, cut, 0, &other);
		same(&whole, &other);
		run(data, size, max, seed + (uint32_t)cut, cut, 1, &other);
		same(&whole, &other);
	}
	if (size <= 2048) {
		run(data, size, max, seed, 1, 0, &other);
		same(&whole, &other);
		run(data, size, max, seed, 1, 1, &other);
		same(&whole, &other);
	}
	free(whole.out);
	free(other.out);

	round_trip(data, size, seed);
	return 0;
}
