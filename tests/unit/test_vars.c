/* The vars block and the uwsgi array: the validator and iterator as a table
 * of (bytes in, result expected), the builder's exact output and its limits,
 * lookups. */
#include "test.h"

#include "uwsgiproto/error.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

#include <stdint.h>
#include <stdlib.h>

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

struct row {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	int rc;        /* count of vars/items, or the error */
	size_t bad_at; /* offset of the bad field when rc < 0 */
};

/* bad_at is the offset of the var (or array item) whose framing is wrong:
 * the iterator stays on it, for a value error too, so that calling it again
 * repeats the error instead of mistaking a truncated var for the end. */
static const struct row vars_rows[] = {
	{ "empty block", (const uint8_t *)"", 0, 0, 0 },
	{ "one var", B(1, 0, 'a', 1, 0, 'b'), 1, 0 },
	{ "empty value", B(1, 0, 'a', 0, 0), 1, 0 },
	{ "two vars", B(1, 0, 'a', 0, 0, 2, 0, 'b', 'c', 1, 0, 'd'), 2, 0 },
	{ "binary key and value", B(2, 0, 0, 0xff, 1, 0, 0), 1, 0 },
	{ "empty key", B(0, 0, 1, 0, 'x'), UP_EEMPTYKEY, 0 },
	{ "empty key, empty value", B(0, 0, 0, 0), UP_EEMPTYKEY, 0 },
	{ "empty key second", B(1, 0, 'a', 0, 0, 0, 0, 0, 0), UP_EEMPTYKEY, 5 },
	{ "single stray byte", B(1), UP_ETRUNC, 0 },
	{ "stray zero byte", B(0), UP_ETRUNC, 0 },
	{ "stray byte after a var", B(1, 0, 'a', 0, 0, 7), UP_ETRUNC, 5 },
	{ "key length past end", B(5, 0, 'a', 'b'), UP_ELENGTH, 0 },
	{ "key length 65535, 1 byte", B(0xff, 0xff, 'a'), UP_ELENGTH, 0 },
	{ "key length big-endian", B(0, 1, 'a', 0, 1, 'b'), UP_ELENGTH, 0 },
	{ "key length one past end", B(2, 0, 'a'), UP_ELENGTH, 0 },
	{ "key only, no value length", B(1, 0, 'a'), UP_ETRUNC, 0 },
	{ "half a value length", B(1, 0, 'a', 0), UP_ETRUNC, 0 },
	{ "value length past end", B(1, 0, 'a', 3, 0, 'x', 'y'), UP_ELENGTH, 0 },
	{ "value length one past end", B(1, 0, 'a', 2, 0, 'x'), UP_ELENGTH, 0 },
	{ "value error in second var", B(1, 0, 'a', 0, 0, 2, 0, 'b', 'c', 9, 0),
	  UP_ELENGTH, 5 },
	{ "trailing garbage", B(1, 0, 'a', 1, 0, 'b', 'x', 'y', 'z'), UP_ELENGTH, 6 },
	{ "trailing byte", B(1, 0, 'a', 1, 0, 'b', 'x'), UP_ETRUNC, 6 },
	{ "trailing zeros", B(1, 0, 'a', 1, 0, 'b', 0, 0), UP_EEMPTYKEY, 6 },
};

static const struct row array_rows[] = {
	{ "empty array", (const uint8_t *)"", 0, 0, 0 },
	{ "one empty item", B(0, 0), 1, 0 },
	{ "three empty items", B(0, 0, 0, 0, 0, 0), 3, 0 },
	{ "rpc hello a b", B(5, 0, 'h', 'e', 'l', 'l', 'o', 1, 0, 'a', 1, 0, 'b'), 3, 0 },
	{ "empty between", B(1, 0, 'x', 0, 0, 1, 0, 'y'), 3, 0 },
	{ "stray byte", B(1), UP_ETRUNC, 0 },
	{ "length past end", B(2, 0, 'a'), UP_ELENGTH, 0 },
	{ "trailing byte", B(1, 0, 'a', 5), UP_ETRUNC, 3 },
	{ "second past end", B(1, 0, 'a', 5, 0, 'b'), UP_ELENGTH, 3 },
};

static void run_rows(const struct row *rows, size_t n, int array)
{
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		/* An exact-size heap copy, so a read past len is an ASan error. */
		uint8_t *blk = malloc(r->len ? r->len : 1);
		memcpy(blk, r->bytes, r->len);
		size_t bad = (size_t)-1;
		int rc = array ? up_array_check(blk, r->len, &bad)
			       : up_vars_check(blk, r->len, &bad);
		if (rc != r->rc || (rc < 0 && bad != r->bad_at)) {
			test_failed_ = 1;
			printf("# row \"%s\": rc %d bad_at %zu, expected %d bad_at %zu\n",
			       r->name, rc, bad, r->rc, r->bad_at);
		}
		if (rc >= 0 && bad != (size_t)-1) {
			test_failed_ = 1;
			printf("# row \"%s\": bad_at written on success\n", r->name);
		}
		/* NULL bad_at is allowed. */
		CHECK_EQ(array ? up_array_check(blk, r->len, NULL)
			       : up_vars_check(blk, r->len, NULL), r->rc);

		/* The iterator agrees: the same count, then the same error at
		 * the same offset, and every field inside the block. */
		up_vars_iter_t it;
		up_var_t v;
		int k = 0, nr;
		up_vars_iter_init(&it, blk, r->len);
		while ((nr = array ? up_array_next(&it, &v) : up_vars_next(&it, &v)) > 0) {
			k++;
			if (array)
				CHECK(v.key == NULL && v.klen == 0);
			else
				CHECK(v.key >= blk && v.klen >= 1 &&
				      v.klen <= (size_t)(blk + r->len - v.key));
			CHECK(v.val >= blk && v.vlen <= (size_t)(blk + r->len - v.val));
			CHECK(up_vars_iter_offset(&it) <= r->len);
		}
		if (r->rc >= 0) {
			CHECK_EQ(nr, 0);
			CHECK_EQ(k, r->rc);
			CHECK_EQ(up_vars_iter_offset(&it), r->len);
		} else {
			CHECK_EQ(nr, r->rc);
			CHECK_EQ(up_vars_iter_offset(&it), r->bad_at);
			/* Calling again after an error repeats it. */
			int again = array ? up_array_next(&it, &v) : up_vars_next(&it, &v);
			CHECK_EQ(again, r->rc);
		}
		free(blk);
	}
}

static void test_vars_table(void)
{
	run_rows(vars_rows, sizeof vars_rows / sizeof vars_rows[0], 0);
}

static void test_array_table(void)
{
	run_rows(array_rows, sizeof array_rows / sizeof array_rows[0], 1);
}

static void test_vars_iter_values(void)
{
	static const uint8_t blk[] = { 1, 0, 'a', 0, 0, 2, 0, 'b', 'c', 1, 0, 'd' };
	up_vars_iter_t it;
	up_var_t v;
	up_vars_iter_init(&it, blk, sizeof blk);
	CHECK_EQ(up_vars_next(&it, &v), 1);
	CHECK_MEM(v.key, v.klen, "a");
	CHECK_EQ(v.vlen, 0);
	CHECK(v.val == blk + 5);
	CHECK_EQ(up_vars_iter_offset(&it), 5);
	CHECK_EQ(up_vars_next(&it, &v), 1);
	CHECK_MEM(v.key, v.klen, "bc");
	CHECK_MEM(v.val, v.vlen, "d");
	CHECK(v.key == blk + 7);
	CHECK(v.val == blk + 11);
	CHECK_EQ(up_vars_next(&it, &v), 0);
	CHECK_EQ(up_vars_next(&it, &v), 0);  /* still at the end */

	/* A vars block of n vars is an array of 2n items. */
	CHECK_EQ(up_array_check(blk, sizeof blk, NULL), 4);
	up_vars_iter_init(&it, blk, sizeof blk);
	const char *items[] = { "a", "", "bc", "d" };
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(up_array_next(&it, &v), 1);
		CHECK(v.key == NULL);
		CHECK_MEM(v.val, v.vlen, items[i]);
	}
	CHECK_EQ(up_array_next(&it, &v), 0);
}

static void test_builder_exact_bytes(void)
{
	uint8_t buf[64];
	memset(buf, 0xee, sizeof buf);
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	CHECK_EQ(up_vars_add_str(&b, "a", "b"), 0);
	CHECK_EQ(up_vars_add_str(&b, "PATH_INFO", "/x"), 0);
	CHECK_EQ(up_vars_add(&b, "E", 1, "", 0), 0);
	CHECK_EQ(b.len, 26);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 30);
	static const uint8_t want[] = {
		0x00, 0x1a, 0x00, 0x00,
		0x01, 0x00, 'a', 0x01, 0x00, 'b',
		0x09, 0x00, 'P', 'A', 'T', 'H', '_', 'I', 'N', 'F', 'O',
		0x02, 0x00, '/', 'x',
		0x01, 0x00, 'E', 0x00, 0x00,
	};
	CHECK(memcmp(buf, want, sizeof want) == 0);
	for (size_t i = sizeof want; i < sizeof buf; i++)
		CHECK_EQ(buf[i], 0xee);
	CHECK_EQ(up_vars_check(buf + 4, 26, NULL), 3);

	/* Modifiers land in the header; finish may be called again. */
	CHECK_EQ(up_vars_finish(&b, 17, 3), 30);
	CHECK_EQ(buf[0], 17);
	CHECK_EQ(buf[3], 3);
	CHECK_EQ(up_get_le16(buf + 1), 26);

	/* An empty packet is just the header. */
	up_vars_builder_init(&b, buf, 4);
	CHECK_EQ(up_vars_finish(&b, 100, 0), 4);
	static const uint8_t ping[] = { 0x64, 0, 0, 0 };
	CHECK(memcmp(buf, ping, 4) == 0);

	/* Binary bytes, NULs included, go through untouched. */
	up_vars_builder_init(&b, buf, sizeof buf);
	CHECK_EQ(up_vars_add(&b, "\0k", 2, "\xff\0\x01", 3), 0);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 4 + 2 + 2 + 2 + 3);
	static const uint8_t bin[] = { 0, 9, 0, 0, 2, 0, 0, 'k', 3, 0, 0xff, 0, 1 };
	CHECK(memcmp(buf, bin, sizeof bin) == 0);
}

static void test_builder_sticky(void)
{
	uint8_t buf[64];
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	CHECK_EQ(up_vars_add_str(&b, "a", "1"), 0);
	CHECK_EQ(up_vars_add(&b, "", 0, "v", 1), UP_EEMPTYKEY);
	CHECK_EQ(b.len, 6);
	CHECK_EQ(b.err, UP_EEMPTYKEY);
	/* A good add after the error fails with the first error. */
	CHECK_EQ(up_vars_add_str(&b, "b", "2"), UP_EEMPTYKEY);
	CHECK_EQ(up_array_add(&b, "x", 1), UP_EEMPTYKEY);
	CHECK_EQ(b.len, 6);
	CHECK_EQ(up_vars_finish(&b, 0, 0), UP_EEMPTYKEY);

	/* The first error wins over a later different one. */
	up_vars_builder_init(&b, buf, 12);
	CHECK_EQ(up_vars_add_str(&b, "k", "too long for the buffer"), UP_ENOSPACE);
	CHECK_EQ(up_vars_add(&b, "", 0, "", 0), UP_ENOSPACE);
	CHECK_EQ(up_vars_finish(&b, 0, 0), UP_ENOSPACE);
	CHECK_EQ(b.len, 0);

	/* A buffer smaller than a header fails from the start. */
	for (size_t cap = 0; cap < 4; cap++) {
		uint8_t small[8];
		memset(small, 0xee, sizeof small);
		up_vars_builder_init(&b, small, cap);
		CHECK_EQ(up_vars_add_str(&b, "a", ""), UP_ENOSPACE);
		CHECK_EQ(up_vars_finish(&b, 0, 0), UP_ENOSPACE);
		for (size_t i = 0; i < sizeof small; i++)
			CHECK_EQ(small[i], 0xee);
	}
}

#define CANARY 0xa5

static int canary_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != CANARY)
			return 0;
	return 1;
}

static void test_builder_nospace(void)
{
	uint8_t mem[64];
	memset(mem, CANARY, sizeof mem);
	up_vars_builder_t b;
	up_vars_builder_init(&b, mem, 16);  /* room for 12 bytes of vars */
	CHECK_EQ(up_vars_add_str(&b, "a", "b"), 0);      /* 6 */
	CHECK_EQ(up_vars_add_str(&b, "cd", ""), 0);      /* 6: exactly full */
	CHECK_EQ(b.len, 12);
	CHECK_EQ(up_vars_add_str(&b, "e", ""), UP_ENOSPACE);
	CHECK_EQ(b.len, 12);
	CHECK(canary_ok(mem + 16, sizeof mem - 16));
	CHECK_EQ(up_vars_finish(&b, 0, 0), UP_ENOSPACE);

	/* Exactly full then finished: the packet is whole and valid. */
	memset(mem, CANARY, sizeof mem);
	up_vars_builder_init(&b, mem, 16);
	CHECK_EQ(up_vars_add_str(&b, "a", "b"), 0);
	CHECK_EQ(up_vars_add_str(&b, "cd", ""), 0);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 16);
	CHECK_EQ(up_vars_check(mem + 4, 12, NULL), 2);
	CHECK(canary_ok(mem + 16, sizeof mem - 16));

	/* The key would fit but not the value: no half var written. */
	memset(mem, CANARY, sizeof mem);
	up_vars_builder_init(&b, mem, 16);
	CHECK_EQ(up_vars_add_str(&b, "a", "b"), 0);
	CHECK_EQ(up_vars_add_str(&b, "key", "value"), UP_ENOSPACE);
	CHECK_EQ(b.len, 6);
	CHECK(canary_ok(mem + 10, sizeof mem - 10));

	/* Every capacity from 0 to 40 against a growing list of vars: either
	 * the var fits entirely or the add fails with the block unchanged,
	 * and nothing is ever written at or past cap. */
	for (size_t cap = 0; cap <= 40; cap++) {
		memset(mem, CANARY, sizeof mem);
		up_vars_builder_init(&b, mem, cap);
		int rc = 0;
		size_t i;
		for (i = 0; rc == 0 && i < 20; i++) {
			size_t before = b.len;
			size_t vl = i % 5;
			rc = up_vars_add(&b, "KEY", 1 + i % 3, "VALUE", vl);
			size_t need = 2 + 1 + i % 3 + 2 + vl;
			if (rc == 0)
				CHECK_EQ(b.len, before + need);
			else {
				CHECK_EQ(rc, UP_ENOSPACE);
				CHECK_EQ(b.len, before);
				CHECK(cap < 4 || before + need > cap - 4);
			}
		}
		CHECK(rc == UP_ENOSPACE);
		CHECK(canary_ok(mem + cap, sizeof mem - cap));
		if (cap >= 4)
			CHECK_EQ(up_vars_check(mem + 4, b.len, NULL), (int)(i - 1));
	}
}

static void test_builder_toobig(void)
{
	size_t cap = 4 + 65535;
	uint8_t *mem = malloc(cap + 64);
	uint8_t *val = malloc(70000);
	memset(val, 'v', 70000);
	up_vars_builder_t b;

	/* One var making a block of exactly 65535 bytes: 2+1+2+65530. */
	memset(mem, CANARY, cap + 64);
	up_vars_builder_init(&b, mem, cap);
	CHECK_EQ(b.limit, 65535);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, 65530), 0);
	CHECK_EQ(b.len, 65535);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 65539);
	CHECK_EQ(mem[1], 0xff);
	CHECK_EQ(mem[2], 0xff);
	CHECK_EQ(up_vars_check(mem + 4, 65535, NULL), 1);
	CHECK(canary_ok(mem + cap, 64));

	/* 65536 bytes: refused even with a buffer big enough for it. */
	uint8_t *big = malloc(4 + 70000);
	up_vars_builder_init(&b, big, 4 + 70000);
	CHECK_EQ(b.limit, 65535);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, 65531), UP_ETOOBIG);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(up_vars_finish(&b, 0, 0), UP_ETOOBIG);
	up_vars_builder_init(&b, big, 4 + 70000);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, 65530), 0);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 65539);
	free(big);

	/* The same limit reached by many small vars: 13107 * 5 = 65535. */
	memset(mem, CANARY, cap + 64);
	up_vars_builder_init(&b, mem, cap);
	int rc = 0;
	for (int i = 0; i < 13107 && rc == 0; i++)
		rc = up_vars_add(&b, "k", 1, "", 0);
	CHECK_EQ(rc, 0);
	CHECK_EQ(b.len, 65535);
	CHECK_EQ(up_vars_add(&b, "k", 1, "", 0), UP_ETOOBIG);
	CHECK_EQ(b.len, 65535);
	CHECK(canary_ok(mem + cap, 64));
	CHECK_EQ(up_vars_check(mem + 4, 65535, NULL), 13107);

	/* One byte short of the limit: a 5-byte var does not fit either. */
	up_vars_builder_init(&b, mem, cap);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, 65529), 0);
	CHECK_EQ(b.len, 65534);
	CHECK_EQ(up_vars_add(&b, "k", 1, "", 0), UP_ETOOBIG);
	CHECK_EQ(b.len, 65534);

	/* Oversized key or value alone, into a small buffer: too big. */
	uint8_t small[32];
	memset(small, CANARY, sizeof small);
	up_vars_builder_init(&b, small, 16);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, 70000), UP_ETOOBIG);
	up_vars_builder_init(&b, small, 16);
	CHECK_EQ(up_vars_add(&b, val, 65536, "", 0), UP_ETOOBIG);
	up_vars_builder_init(&b, small, 16);
	CHECK_EQ(up_vars_add(&b, val, (size_t)-1, "", 0), UP_ETOOBIG);
	up_vars_builder_init(&b, small, 16);
	CHECK_EQ(up_vars_add(&b, "k", 1, val, (size_t)-1), UP_ETOOBIG);
	CHECK_EQ(b.len, 0);
	CHECK(canary_ok(small + 16, sizeof small - 16));

	/* Arrays: one item of 65533 makes 65535; 65534 is one too many. */
	up_vars_builder_init(&b, mem, cap);
	CHECK_EQ(up_array_add(&b, val, 65533), 0);
	CHECK_EQ(up_vars_finish(&b, 173, 0), 65539);
	CHECK_EQ(up_array_check(mem + 4, 65535, NULL), 1);
	up_vars_builder_init(&b, mem, cap);
	CHECK_EQ(up_array_add(&b, val, 65534), UP_ETOOBIG);
	CHECK_EQ(b.len, 0);
	up_vars_builder_init(&b, small, 16);
	CHECK_EQ(up_array_add(&b, val, 70000), UP_ETOOBIG);

	free(val);
	free(mem);
}

static void test_parse_length(void)
{
	int64_t x = -1;
	CHECK_EQ(up_parse_length("0", 1, &x), 0);
	CHECK_EQ(x, 0);
	CHECK_EQ(up_parse_length("12345", 5, &x), 0);
	CHECK_EQ(x, 12345);
	CHECK_EQ(up_parse_length("9223372036854775807", 19, &x), 0);
	CHECK(x == INT64_MAX);
	x = 7;
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "12a", "0x10",
					   "9223372036854775808" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_EQ(up_parse_length(bad[i], strlen(bad[i]), &x), UP_EINVAL);
	CHECK_EQ(x, 7);  /* untouched on failure */
}

static void test_find(void)
{
	uint8_t buf[128];
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	up_vars_add_str(&b, "AB", "x");
	up_vars_add_str(&b, "A", "1");
	up_vars_add_str(&b, "B", "2");
	up_vars_add_str(&b, "A", "3");
	up_vars_add_str(&b, "E", "");
	int n = up_vars_finish(&b, 0, 0);
	CHECK(n > 0);
	const uint8_t *blk = buf + 4;
	size_t len = (size_t)n - 4;
	up_var_t v;

	CHECK_EQ(up_vars_find(blk, len, "A", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "1");  /* the first match, not "3" */
	CHECK_MEM(v.key, v.klen, "A");
	CHECK(up_var_is(&v, "A"));
	CHECK(!up_var_is(&v, "AB"));
	CHECK(!up_var_is(&v, ""));
	CHECK_EQ(up_vars_find(blk, len, "AB", 2, &v), 1);
	CHECK_MEM(v.val, v.vlen, "x");
	CHECK_EQ(up_vars_find(blk, len, "B", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "2");
	CHECK_EQ(up_vars_find(blk, len, "E", 1, &v), 1);
	CHECK_EQ(v.vlen, 0);
	/* Missing, a prefix of a key, case differs, a longer key. */
	CHECK_EQ(up_vars_find(blk, len, "C", 1, &v), 0);
	CHECK_EQ(up_vars_find(blk, len, "a", 1, &v), 0);
	CHECK_EQ(up_vars_find(blk, len, "ABC", 3, &v), 0);
	CHECK_EQ(up_vars_find(blk, len, "", 0, &v), 0);
	/* klen counts: "AB" with klen 1 is "A". */
	CHECK_EQ(up_vars_find(blk, len, "AB", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "1");
	CHECK_EQ(up_vars_find(blk, 0, "A", 1, &v), 0);

	/* Malformed block: the error if it comes before the key, the var if
	 * the key comes first. */
	static const uint8_t bad[] = { 1, 0, 'A', 1, 0, '1', 5, 0, 'x' };
	CHECK_EQ(up_vars_find(bad, sizeof bad, "A", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "1");
	CHECK_EQ(up_vars_find(bad, sizeof bad, "Z", 1, &v), UP_ELENGTH);
	static const uint8_t empty_key[] = { 0, 0, 0, 0, 1, 0, 'A', 0, 0 };
	CHECK_EQ(up_vars_find(empty_key, sizeof empty_key, "A", 1, &v), UP_EEMPTYKEY);
	static const uint8_t trunc[] = { 1, 0, 'A', 0, 0, 1 };
	CHECK_EQ(up_vars_find(trunc, sizeof trunc, "Q", 1, &v), UP_ETRUNC);

	/* An array item has no key. */
	up_var_t item = { NULL, 0, (const uint8_t *)"A", 1 };
	CHECK(!up_var_is(&item, "A"));
}

static void test_array_builder(void)
{
	uint8_t buf[64];
	memset(buf, 0xee, sizeof buf);
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	CHECK_EQ(up_array_add(&b, "hello", 5), 0);
	CHECK_EQ(up_array_add(&b, "", 0), 0);
	CHECK_EQ(up_array_add(&b, "a", 1), 0);
	CHECK_EQ(up_array_add(&b, NULL, 0), 0);  /* empty item, no pointer */
	CHECK_EQ(up_vars_finish(&b, 173, 0), 4 + 7 + 2 + 3 + 2);
	static const uint8_t want[] = {
		0xad, 14, 0, 0,
		5, 0, 'h', 'e', 'l', 'l', 'o',
		0, 0,
		1, 0, 'a',
		0, 0,
	};
	CHECK(memcmp(buf, want, sizeof want) == 0);
	CHECK_EQ(buf[sizeof want], 0xee);

	CHECK_EQ(up_array_check(buf + 4, 14, NULL), 4);
	up_vars_iter_t it;
	up_var_t v;
	const char *items[] = { "hello", "", "a", "" };
	up_vars_iter_init(&it, buf + 4, 14);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(up_array_next(&it, &v), 1);
		CHECK(v.key == NULL);
		CHECK_MEM(v.val, v.vlen, items[i]);
	}
	CHECK_EQ(up_array_next(&it, &v), 0);
	/* An array with empty items is not a valid vars block here. */
	CHECK_EQ(up_vars_check(buf + 4, 14, NULL), 2);  /* hello="" , a="" */
	uint8_t arr2[] = { 0, 0, 1, 0, 'x' };
	size_t bad;
	CHECK_EQ(up_vars_check(arr2, sizeof arr2, &bad), UP_EEMPTYKEY);
	CHECK_EQ(bad, 0);
	CHECK_EQ(up_array_check(arr2, sizeof arr2, &bad), 2);

	/* Array of only empty items, up to the space available. */
	up_vars_builder_init(&b, buf, 10);
	CHECK_EQ(up_array_add(&b, "", 0), 0);
	CHECK_EQ(up_array_add(&b, "", 0), 0);
	CHECK_EQ(up_array_add(&b, "", 0),0);
	CHECK_EQ(up_array_add(&b, "", 0), UP_ENOSPACE);
	CHECK_EQ(up_vars_finish(&b, 173, 0), UP_ENOSPACE);
	CHECK_EQ(up_array_check(buf + 4, 6, NULL), 3);
}

static void test_ten_thousand_vars(void)
{
	/* 10 000 vars of 1-byte key and 1-byte value: 6 bytes each, 60 000 in
	 * all, under the 65535 limit. */
	enum { N = 10000 };
	size_t cap = 4 + 6 * N;
	uint8_t *buf = malloc(cap);
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, cap);
	int rc = 0;
	for (int i = 0; i < N && rc == 0; i++) {
		uint8_t k = (uint8_t)('a' + i % 26), val = (uint8_t)(i & 0xff);
		rc = up_vars_add(&b, &k, 1, &val, 1);
	}
	CHECK_EQ(rc, 0);
	CHECK_EQ(up_vars_finish(&b, 0, 0), 4 + 60000);
	CHECK_EQ(up_get_le16(buf + 1), 60000);
	CHECK_EQ(up_vars_check(buf + 4, 60000, NULL), N);

	up_vars_iter_t it;
	up_var_t v;
	int i = 0, bad = 0;
	up_vars_iter_init(&it, buf + 4, 60000);
	while ((rc = up_vars_next(&it, &v)) > 0) {
		if (v.klen != 1 || v.key[0] != 'a' + i % 26 || v.vlen != 1 ||
		    v.val[0] != (i & 0xff) || up_vars_iter_offset(&it) != 6 * (size_t)(i + 1))
			bad++;
		i++;
	}
	CHECK_EQ(rc, 0);
	CHECK_EQ(i, N);
	CHECK_EQ(bad, 0);
	CHECK_EQ(up_vars_find(buf + 4, 60000, "z", 1, &v), 1);
	CHECK_EQ(v.val[0], 25);
	CHECK_EQ(up_vars_find(buf + 4, 60000, "Z", 1, &v), 0);
	/* Truncate the last var's value: the error is found at the very end. */
	size_t at;
	CHECK_EQ(up_vars_check(buf + 4, 59999, &at), UP_ELENGTH);
	CHECK_EQ(at, 59994);
	free(buf);
}

static const struct test_case tests[] = {
	T(test_vars_table),
	T(test_array_table),
	T(test_vars_iter_values),
	T(test_builder_exact_bytes),
	T(test_builder_sticky),
	T(test_builder_nospace),
	T(test_builder_toobig),
	T(test_parse_length),
	T(test_find),
	T(test_array_builder),
	T(test_ten_thousand_vars),
};

TEST_MAIN(tests)
