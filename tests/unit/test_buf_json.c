/* up_buf (growth, the cap, consume-then-append, printf) and JSON string
 * escaping, with a property check through an independent JSON validator. */
#include "test.h"
#include "json_check.h"

#include "uwsgiproto/buf.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/json.h"

#include <stdint.h>
#include <stdlib.h>

static void test_buf_growth(void)
{
	up_buf_t b;
	up_buf_init(&b, 0);
	CHECK(b.data == NULL);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(b.max, SIZE_MAX);
	uint8_t chunk[7];
	size_t total = 0;
	int bad = 0;
	for (int i = 0; i < 1500; i++) {
		for (size_t j = 0; j < sizeof chunk; j++)
			chunk[j] = (uint8_t)(total + j);
		CHECK_EQ(up_buf_append(&b, chunk, sizeof chunk), 0);
		total += sizeof chunk;
		if (b.len != total || b.cap < b.off + b.len)
			bad++;
	}
	CHECK_EQ(bad, 0);
	for (size_t i = 0; i < total; i++)
		if (up_buf_head(&b)[i] != (uint8_t)i)
			bad++;
	CHECK_EQ(bad, 0);
	/* Doubling: never more than twice what is needed (or the first 256). */
	CHECK(b.cap >= total && b.cap < 2 * total);
	/* Appending nothing is fine and changes nothing. */
	CHECK_EQ(up_buf_append(&b, NULL, 0), 0);
	CHECK_EQ(b.len, total);
	/* Reset keeps the storage. */
	size_t cap = b.cap;
	up_buf_reset(&b);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(b.cap, cap);
	CHECK_EQ(up_buf_puts(&b, "again"), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "again");
	up_buf_free(&b);
	CHECK(b.data == NULL);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(b.cap, 0);
	/* Usable after free. */
	CHECK_EQ(up_buf_puts(&b, "x"), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "x");
	up_buf_free(&b);
}

static void test_buf_cap(void)
{
	up_buf_t b;
	up_buf_init(&b, 64);
	uint8_t data[80];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 3 + 1);
	CHECK_EQ(up_buf_append(&b, data, 60), 0);
	CHECK(b.cap <= 64);
	/* Past the cap: refused, nothing changed. */
	CHECK_EQ(up_buf_append(&b, data + 60, 5), UP_ETOOBIG);
	CHECK_EQ(b.len, 60);
	CHECK(memcmp(up_buf_head(&b), data, 60) == 0);
	CHECK_EQ(up_buf_reserve(&b, 5), UP_ETOOBIG);
	CHECK_EQ(up_buf_reserve(&b, SIZE_MAX), UP_ETOOBIG);
	CHECK_EQ(up_buf_puts(&b, "12345"), UP_ETOOBIG);
	CHECK_EQ(up_buf_printf(&b, "%s", "12345"), UP_ETOOBIG);
	CHECK_EQ(b.len, 60);
	CHECK(memcmp(up_buf_head(&b), data, 60) == 0);
	/* Up to the cap exactly: fine. */
	CHECK_EQ(up_buf_append(&b, data + 60, 4), 0);
	CHECK_EQ(b.len, 64);
	CHECK_EQ(b.cap, 64);
	CHECK(memcmp(up_buf_head(&b), data, 64) == 0);
	CHECK_EQ(up_buf_append(&b, "z", 1), UP_ETOOBIG);
	CHECK_EQ(up_buf_reserve(&b, 0), 0);
	CHECK_EQ(b.len, 64);
	up_buf_free(&b);

	/* A cap that is not a power of two, reached by growth. */
	up_buf_init(&b, 1000);
	int rc = 0;
	size_t n = 0;
	while ((rc = up_buf_append(&b, "abc", 3)) == 0)
		n += 3;
	CHECK_EQ(rc, UP_ETOOBIG);
	CHECK_EQ(n, 999);
	CHECK_EQ(b.len, 999);
	CHECK(b.cap <= 1000);
	CHECK_EQ(up_buf_append(&b, "!", 1), 0);
	CHECK_EQ(b.cap, 1000);
	CHECK_EQ(up_buf_head(&b)[999], '!');
	CHECK_EQ(up_buf_head(&b)[998], 'c');
	up_buf_free(&b);

	/* A cap of one byte. */
	up_buf_init(&b, 1);
	CHECK_EQ(up_buf_append(&b, "ab", 2), UP_ETOOBIG);
	CHECK_EQ(up_buf_append(&b, "a", 1), 0);
	CHECK_EQ(up_buf_append(&b, "b", 1), UP_ETOOBIG);
	CHECK_MEM(up_buf_head(&b), b.len, "a");
	up_buf_free(&b);
}

static void test_buf_consume_reuse(void)
{
	up_buf_t b;
	up_buf_init(&b, 64);
	uint8_t data[128];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)i;
	CHECK_EQ(up_buf_append(&b, data, 64), 0);
	uint8_t *storage = b.data;
	up_buf_consume(&b, 32);
	CHECK_EQ(b.len, 32);
	CHECK_EQ(b.off, 32);
	CHECK_EQ(up_buf_head(&b)[0], 32);
	/* The consumed front is reused: 32 more fit under the cap of 64. */
	CHECK_EQ(up_buf_append(&b, data + 64, 32), 0);
	CHECK_EQ(b.len, 64);
	CHECK_EQ(b.cap, 64);
	CHECK(b.data == storage);  /* slid, not reallocated */
	CHECK(memcmp(up_buf_head(&b), data + 32, 64) == 0);
	/* And again, through reserve / tail / commit. */
	up_buf_consume(&b, 10);
	CHECK_EQ(up_buf_reserve(&b, 10), 0);
	CHECK(up_buf_room(&b) >= 10);
	memcpy(up_buf_tail(&b), data + 96, 10);
	up_buf_commit(&b, 10);
	CHECK_EQ(b.len, 64);
	CHECK(memcmp(up_buf_head(&b), data + 42, 64) == 0);
	CHECK_EQ(up_buf_reserve(&b, 1), UP_ETOOBIG);
	/* consume(0) changes nothing; consume(more than len) empties. */
	up_buf_consume(&b, 0);
	CHECK_EQ(b.len, 64);
	up_buf_consume(&b, 1000);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(b.off, 0);
	CHECK_EQ(up_buf_append(&b, data, 64), 0);
	CHECK(memcmp(up_buf_head(&b), data, 64) == 0);
	up_buf_free(&b);

	/* A stream of reads and consumes through a small capped buffer keeps
	 * the bytes in order. */
	up_buf_init(&b, 48);
	size_t in = 0, out = 0;
	int bad = 0;
	for (int round = 0; round < 500; round++) {
		size_t want = (size_t)(round * 7 % 30) + 1;
		uint8_t piece[32];
		for (size_t j = 0; j < want; j++)
			piece[j] = (uint8_t)(in + j);
		if (up_buf_append(&b, piece, want) == 0)
			in += want;
		else if (b.len + want <= 48)
			bad++;  /* refused although it fits */
		size_t take = (size_t)(round * 5 % 20);
		if (take > b.len)
			take = b.len;
		for (size_t j = 0; j < take; j++)
			if (up_buf_head(&b)[j] != (uint8_t)(out + j))
				bad++;
		up_buf_consume(&b, take);
		out += take;
		if (b.cap > 48)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(in > 1000);
	up_buf_free(&b);
}

static void test_buf_printf(void)
{
	up_buf_t b;
	up_buf_init(&b, 0);
	CHECK_EQ(up_buf_printf(&b, "%d-%s-%c", 42, "x", 'y'), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "42-x-y");
	CHECK_EQ(up_buf_printf(&b, "%s", ""), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "42-x-y");
	CHECK_EQ(up_buf_printf(&b, "[%05u]", 7u), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "42-x-y[00007]");
	/* Long output grows the buffer. */
	CHECK_EQ(up_buf_printf(&b, "%3000d|", 1), 0);
	CHECK_EQ(b.len, 13 + 3001);
	CHECK_EQ(up_buf_head(&b)[b.len - 1], '|');
	CHECK_EQ(up_buf_head(&b)[b.len - 2], '1');
	CHECK_EQ(up_buf_head(&b)[13], ' ');
	up_buf_free(&b);

	/* Under a cap: refused when the text does not fit, intact. */
	up_buf_init(&b, 16);
	CHECK_EQ(up_buf_puts(&b, "0123456789"), 0);
	CHECK_EQ(up_buf_printf(&b, "%s", "abcdefg"), UP_ETOOBIG);
	CHECK_MEM(up_buf_head(&b), b.len, "0123456789");
	/* Text that exactly fills the cap is accepted, as with append: the
	 * NUL that vsnprintf writes is not part of the contents. */
	CHECK_EQ(up_buf_printf(&b, "%s", "abcdef"), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "0123456789abcdef");
	CHECK(b.cap <= 16);
	CHECK_EQ(up_buf_printf(&b, "%s", ""), 0);
	CHECK_EQ(up_buf_printf(&b, "%c", 'x'), UP_ETOOBIG);
	CHECK_EQ(b.len, 16);
	up_buf_free(&b);
	/* The same after consuming from the front. */
	up_buf_init(&b, 8);
	CHECK_EQ(up_buf_puts(&b, "abcdefgh"), 0);
	up_buf_consume(&b, 3);
	CHECK_EQ(up_buf_printf(&b, "%d", 123), 0);
	CHECK_MEM(up_buf_head(&b), b.len, "defgh123");
	up_buf_free(&b);
}

/* JSON: bytes in, exact text out. */
static const struct {
	const char *in;
	size_t len;
	const char *out;
} json_rows[] = {
#define J(in, out) { in, sizeof(in) - 1, out }
	J("", "\"\""),
	J("abc", "\"abc\""),
	J("a\"b", "\"a\\\"b\""),
	J("a\\b", "\"a\\\\b\""),
	J("\\\"", "\"\\\\\\\"\""),
	J("\n\t", "\"\\n\\t\""),
	J("\r\b\f", "\"\\r\\b\\f\""),
	J("\x01", "\"\\u0001\""),
	J("\x1f", "\"\\u001f\""),
	J("\x1b[0m", "\"\\u001b[0m\""),
	J("a\0b", "\"a\\u0000b\""),
	J("\x7f", "\"\x7f\""),                  /* DEL needs no escape */
	J("/path", "\"/path\""),
	J("caf\xc3\xa9", "\"caf\xc3\xa9\""),     /* é kept */
	J("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),  /* 😀 kept */
	J("\xe2\x82\xac", "\"\xe2\x82\xac\""),    /* € kept */
	J("\xed\x9f\xbf", "\"\xed\x9f\xbf\""),    /* U+D7FF, below the surrogates */
	J("\xee\x80\x80", "\"\xee\x80\x80\""),    /* U+E000, above them */
	J("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),  /* U+10FFFF */
	J("\xef\xbf\xbd", "\"\xef\xbf\xbd\""),    /* U+FFFD itself */
	J("\xff", "\"\\ufffd\""),
	J("\x80", "\"\\ufffd\""),                  /* lone continuation */
	J("\xc0\xaf", "\"\\ufffd\\ufffd\""),       /* overlong '/' */
	J("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""),
	J("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	J("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),  /* surrogate D800 */
	J("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\""),  /* surrogate DFFF */
	J("\xe2\x82", "\"\\ufffd\\ufffd\""),       /* truncated € */
	J("\xe2\x82" "A", "\"\\ufffd\\ufffdA\""),
	J("\xc3", "\"\\ufffd\""),
	J("a\xff" "b", "\"a\\ufffdb\""),
	J("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),  /* > U+10FFFF */
	J("\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""),
	J("\xfe\xff", "\"\\ufffd\\ufffd\""),
	J("\xc3\xa9\xc3", "\"\xc3\xa9\\ufffd\""),
	J("\x80\xc3\xa9", "\"\\ufffd\xc3\xa9\""),
	J("\"\xff\n", "\"\\\"\\ufffd\\n\""),
#undef J
};

static void test_json_rows(void)
{
	for (size_t i = 0; i < sizeof json_rows / sizeof json_rows[0]; i++) {
		up_buf_t b;
		up_buf_init(&b, 0);
		CHECK_EQ(up_json_str(&b, json_rows[i].in, json_rows[i].len), 0);
		size_t want = strlen(json_rows[i].out);
		if (b.len != want || memcmp(up_buf_head(&b), json_rows[i].out, want) != 0) {
			test_failed_ = 1;
			printf("# json row %zu: got %.*s, expected %s\n", i, (int)b.len,
			       (const char *)up_buf_head(&b), json_rows[i].out);
		}
		/* And the validator agrees it is one valid JSON string. */
		uint8_t dec[256];
		CHECK(jc_decode_string(up_buf_head(&b), b.len, dec) >= 0);
		up_buf_free(&b);
	}
}

static void test_json_helpers(void)
{
	up_buf_t b;
	up_buf_init(&b, 0);
	CHECK_EQ(up_buf_puts(&b, "{"), 0);
	CHECK_EQ(up_json_key(&b, "cwd"), 0);
	CHECK_EQ(up_json_cstr(&b, "/srv/\"app\""), 0);
	CHECK_EQ(up_buf_puts(&b, ","), 0);
	CHECK_EQ(up_json_key(&b, "mountpoint"), 0);
	CHECK_EQ(up_json_cstr(&b, NULL), 0);
	CHECK_EQ(up_buf_puts(&b, ","), 0);
	CHECK_EQ(up_json_key(&b, "a\\b"), 0);
	CHECK_EQ(up_json_cstr(&b, ""), 0);
	CHECK_EQ(up_buf_puts(&b, "}"), 0);
	CHECK_MEM(up_buf_head(&b), b.len,
		  "{\"cwd\":\"/srv/\\\"app\\\"\",\"mountpoint\":null,\"a\\\\b\":\"\"}");
	up_buf_free(&b);

	/* A capped buffer: the error comes back and the cap holds. */
	up_buf_init(&b, 8);
	CHECK_EQ(up_json_str(&b, "abcdefghij", 10), UP_ETOOBIG);
	CHECK(b.len <= 8);
	up_buf_reset(&b);
	CHECK_EQ(up_json_str(&b, "abcdef", 6), 0);  /* exactly 8 with quotes */
	CHECK_MEM(up_buf_head(&b), b.len, "\"abcdef\"");
	up_buf_reset(&b);
	CHECK_EQ(up_json_str(&b, "\x01\x02", 2), UP_ETOOBIG);  /* 14 bytes */
	CHECK(b.len <= 8);
	up_buf_reset(&b);
	CHECK_EQ(up_json_str(&b, "\xff", 1), 0);  /* "\ufffd" is 8 */
	CHECK_MEM(up_buf_head(&b), b.len, "\"\\ufffd\"");
	up_buf_free(&b);
}

/* The validator itself: a few strings it must accept and refuse, so the
 * property check below means something. */
static void test_validator(void)
{
	static const char *const good[] = {
		"\"\"", "\"a\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\/\"",
		"\"\xc3\xa9\"", "\"\\\"\"", "\"\x7f\"",
	};
	static const char *const bad[] = {
		"", "\"", "a", "\"a", "\"a\"x", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\x01\"", "\"\xff\"", "\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"", "\"\xe2\x82\"", "\"\\\"", "'a'", " \"a\"", "\"\n\"",
	};
	uint8_t out[64];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECK(jc_decode_string((const uint8_t *)good[i], strlen(good[i]), out) >= 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (jc_decode_string((const uint8_t *)bad[i], strlen(bad[i]), out) >= 0) {
			test_failed_ = 1;
			printf("# validator accepted bad string %zu\n", i);
		}
	CHECK_EQ(jc_decode_string((const uint8_t *)"\"\\ud83d\\ude00\"", 14, out), 4);
	CHECK(memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
}

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* 5 000 random byte strings: the output is one valid JSON string whose
 * value is the input with each invalid UTF-8 byte replaced by U+FFFD. */
static void test_json_property(void)
{
	static const char *const pieces[] = {
		"\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
		"\xef\xbf\xbd", "\xe2\x82", "\xf0\x9f", "u", "\\u0041",
	};
	int failures = 0;
	up_buf_t b;
	up_buf_init(&b, 0);
	for (int iter = 0; iter < 5000 && failures < 5; iter++) {
		uint8_t in[96];
		size_t n = 0, target = (size_t)(rnd() % 64);
		while (n < target) {
			uint64_t r = rnd();
			switch (r % 4) {
			case 0:
			case 1:
				in[n++] = (uint8_t)(r >> 8);
				break;
			case 2:
				in[n++] = (uint8_t)(' ' + (r >> 8) % 95);
				break;
			default: {
				const char *p = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
				size_t l = strlen(p);
				memcpy(in + n, p, l);
				n += l;
			}
			}
		}
		up_buf_reset(&b);
		int rc = up_json_str(&b, in, n);
		uint8_t dec[96 * 6], want[96 * 3];
		long dl = rc == 0 ? jc_decode_string(up_buf_head(&b), b.len, dec) : -1;
		size_t wl = jc_expected(in, n, want);
		if (dl < 0 || (size_t)dl != wl || memcmp(dec, want, wl) != 0) {
			failures++;
			printf("# iteration %d: rc %d, %zu bytes in, output %.*s\n", iter, rc,
			       n, (int)b.len, (const char *)up_buf_head(&b));
		}
	}
	up_buf_free(&b);
	CHECK_EQ(failures, 0);
}

static const struct test_case tests[] = {
	T(test_buf_growth),
	T(test_buf_cap),
	T(test_buf_consume_reuse),
	T(test_buf_printf),
	T(test_json_rows),
	T(test_json_helpers),
	T(test_validator),
	T(test_json_property),
};

TEST_MAIN(tests)
