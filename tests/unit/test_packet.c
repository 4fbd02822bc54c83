/* The 4-byte packet header: decode, encode, up_header_write's limits and the
 * little-endian helpers, checked against literal bytes. */
#include "test.h"

#include "uwsgiproto/error.h"
#include "uwsgiproto/packet.h"

#include <stdint.h>

/* Literal header bytes and what they mean. */
static const struct {
	uint8_t bytes[4];
	uint8_t m1;
	unsigned datasize;
	uint8_t m2;
} header_rows[] = {
	{ { 0x00, 0x00, 0x00, 0x00 }, 0, 0, 0 },
	{ { 0x00, 0x0a, 0x01, 0x00 }, 0, 0x010a, 0 },      /* 10 + 256 = 266 */
	{ { 0x00, 0x01, 0x0a, 0x00 }, 0, 0x0a01, 0 },      /* 1 + 2560 = 2561 */
	{ { 0x64, 0x00, 0x00, 0x01 }, 100, 0, 1 },         /* pong, PROTOCOL.md §3 */
	{ { 0xff, 0x00, 0x00, 0x01 }, 255, 0, 1 },         /* spooler: accepted */
	{ { 0xad, 0x0e, 0x00, 0x00 }, 173, 14, 0 },
	{ { 0x11, 0xff, 0xff, 0x07 }, 17, 65535, 7 },
	{ { 0x00, 0x00, 0x10, 0x00 }, 0, 4096, 0 },
	{ { 0x00, 0x01, 0x10, 0x00 }, 0, 4097, 0 },
	{ { 0x00, 0x00, 0x80, 0xfe }, 0, 32768, 254 },
	{ { 0xe0, 0x34, 0x12, 0x00 }, 224, 0x1234, 0 },
	/* "GET " read as a header: m1 'G' 71, datasize 'E' | 'T' << 8. */
	{ { 'G', 'E', 'T', ' ' }, 71, 21573, ' ' },
};
#define NROWS (sizeof header_rows / sizeof header_rows[0])

static void test_decode_literal(void)
{
	for (size_t i = 0; i < NROWS; i++) {
		up_header_t h = { 0xaa, 0xaaaa, 0xaa };
		CHECK_EQ(up_header_decode(header_rows[i].bytes, 4, &h), UP_HEADER_SIZE);
		CHECK_EQ(h.modifier1, header_rows[i].m1);
		CHECK_EQ(h.datasize, header_rows[i].datasize);
		CHECK_EQ(h.modifier2, header_rows[i].m2);
	}
	/* The example of the brief, spelled out. */
	static const uint8_t b[] = { 0x00, 0x0a, 0x01, 0x00 };
	up_header_t h;
	CHECK_EQ(up_header_decode(b, sizeof b, &h), 4);
	CHECK_EQ(h.datasize, 266);
}

static void test_encode_literal(void)
{
	for (size_t i = 0; i < NROWS; i++) {
		up_header_t h = { header_rows[i].m1, (uint16_t)header_rows[i].datasize,
				  header_rows[i].m2 };
		uint8_t out[6] = { 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
		up_header_encode(out, &h);
		CHECK(memcmp(out, header_rows[i].bytes, 4) == 0);
		CHECK_EQ(out[4], 0xcc);  /* nothing written past the header */
		CHECK_EQ(out[5], 0xcc);
	}
}

static void test_decode_short(void)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5 };
	for (size_t n = 0; n < 4; n++) {
		up_header_t h = { 9, 9, 9 };
		CHECK_EQ(up_header_decode(b, n, &h), 0);
	}
	/* Extra bytes after the header are not part of it. */
	up_header_t h;
	CHECK_EQ(up_header_decode(b, 5, &h), 4);
	CHECK_EQ(h.modifier1, 1);
	CHECK_EQ(h.datasize, 2 | 3 << 8);
	CHECK_EQ(h.modifier2, 4);
}

static void test_roundtrip_all_sizes(void)
{
	int bad = 0;
	for (unsigned ds = 0; ds <= 65535; ds++) {
		up_header_t h = { (uint8_t)(ds * 7), (uint16_t)ds, (uint8_t)(ds >> 3) }, g;
		uint8_t out[4];
		up_header_encode(out, &h);
		if (out[1] != (ds & 0xff) || out[2] != (ds >> 8))
			bad++;
		if (up_header_decode(out, 4, &g) != 4 || g.datasize != ds ||
		    g.modifier1 != h.modifier1 || g.modifier2 != h.modifier2)
			bad++;
	}
	CHECK_EQ(bad, 0);
}

static void test_le16_helpers(void)
{
	static const uint8_t b[] = { 0x34, 0x12, 0xff, 0xff, 0x00, 0x80 };
	CHECK_EQ(up_get_le16(b), 0x1234);
	CHECK_EQ(up_get_le16(b + 2), 0xffff);
	CHECK_EQ(up_get_le16(b + 4), 0x8000);
	/* Unaligned reads are fine: the helpers go byte by byte. */
	CHECK_EQ(up_get_le16(b + 1), 0xff12);
	uint8_t o[5] = { 0xee, 0xee, 0xee, 0xee, 0xee };
	up_put_le16(o + 1, 0xabcd);
	CHECK_EQ(o[0], 0xee);
	CHECK_EQ(o[1], 0xcd);
	CHECK_EQ(o[2], 0xab);
	CHECK_EQ(o[3], 0xee);
	up_put_le16(o + 3, 1);
	CHECK_EQ(o[3], 1);
	CHECK_EQ(o[4], 0);
}

static void test_write_ok(void)
{
	uint8_t out[8];
	memset(out, 0xcc, sizeof out);
	CHECK_EQ(up_header_write(out, 4, 0, 266, 0), UP_HEADER_SIZE);
	static const uint8_t want[] = { 0x00, 0x0a, 0x01, 0x00 };
	CHECK(memcmp(out, want, 4) == 0);
	CHECK_EQ(out[4], 0xcc);

	CHECK_EQ(up_header_write(out, sizeof out, 100, 0, 1), 4);
	static const uint8_t pong[] = { 0x64, 0x00, 0x00, 0x01 };
	CHECK(memcmp(out, pong, 4) == 0);

	CHECK_EQ(up_header_write(out, 4, 17, 65535, 0), 4);
	static const uint8_t max[] = { 0x11, 0xff, 0xff, 0x00 };
	CHECK(memcmp(out, max, 4) == 0);
}

static void test_write_limits(void)
{
	uint8_t out[8];
	/* Over 65535: refused, nothing written. */
	memset(out, 0xcc, sizeof out);
	CHECK_EQ(up_header_write(out, sizeof out, 0, 65536, 0), UP_ETOOBIG);
	CHECK_EQ(up_header_write(out, sizeof out, 0, 70000, 0), UP_ETOOBIG);
	CHECK_EQ(up_header_write(out, sizeof out, 0, (size_t)-1, 0), UP_ETOOBIG);
	CHECK_EQ(up_header_write(out, sizeof out, 0, 0x10000 + 5, 0), UP_ETOOBIG);
	for (size_t i = 0; i < sizeof out; i++)
		CHECK_EQ(out[i], 0xcc);
	/* Too small a buffer: refused, nothing written. */
	for (size_t cap = 0; cap < 4; cap++) {
		CHECK_EQ(up_header_write(out, cap, 0, 10, 0), UP_ENOSPACE);
		CHECK_EQ(out[0], 0xcc);
	}
	/* Both wrong: one of the two errors, still nothing written. */
	int rc = up_header_write(out, 2, 0, 65536, 0);
	CHECK(rc == UP_ETOOBIG || rc == UP_ENOSPACE);
	CHECK_EQ(out[0], 0xcc);
}

static const struct test_case tests[] = {
	T(test_decode_literal),
	T(test_encode_literal),
	T(test_decode_short),
	T(test_roundtrip_all_sizes),
	T(test_le16_helpers),
	T(test_write_ok),
	T(test_write_limits),
};

TEST_MAIN(tests)
