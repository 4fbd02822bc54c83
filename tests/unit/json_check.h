/* A strict checker for one JSON string token (RFC 8259), written apart from
 * lib/json.c so the tests do not trust the code they test. Used by
 * tests/unit/test_buf_json.c and tests/fuzz/fuzz_json.c.
 */
#ifndef UP_JSON_CHECK_H
#define UP_JSON_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at p (n bytes available), 0 if
 * none starts there. Straight from the Unicode standard's table 3-7 of
 * well-formed byte sequences (no overlongs, no surrogates, <= U+10FFFF). */
static inline size_t jc_utf8_seq(const uint8_t *p, size_t n)
{
	if (n == 0)
		return 0;
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static inline size_t jc_put_utf8(uint8_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | cp >> 6);
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xe0 | cp >> 12);
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | cp >> 18);
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* Four hex digits at p (n bytes available): the value, or -1. */
static inline long jc_hex4(const uint8_t *p, size_t n)
{
	long v = 0;
	if (n < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		uint8_t c = p[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Check that s[0..n) is exactly one JSON string, nothing before or after,
 * in valid UTF-8 and with no lone surrogate escape; decode its value into
 * out (which needs n bytes: no escape decodes longer than itself). Returns
 * the decoded length, or -1 when s is not such a string. */
static inline long jc_decode_string(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t i = 1, o = 0;
	if (n < 2 || s[0] != '"')
		return -1;
	for (;;) {
		if (i >= n)
			return -1;                     /* no closing quote */
		uint8_t c = s[i];
		if (c == '"')
			return i + 1 == n ? (long)o : -1;
		if (c < 0x20)
			return -1;                     /* unescaped control */
		if (c != '\\') {
			size_t l = jc_utf8_seq(s + i, n - i);
			if (l == 0)
				return -1;
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
			continue;
		}
		if (n - i < 2)
			return -1;
		uint8_t e = s[i + 1];
		i += 2;
		switch (e) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			long cp = jc_hex4(s + i, n - i);
			if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff))
				return -1;
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
					return -1;
				long low = jc_hex4(s + i + 2, n - i - 2);
				if (low < 0xdc00 || low > 0xdfff)
					return -1;
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
			}
			o += jc_put_utf8(out + o, (uint32_t)cp);
			break;
		}
		default:
			return -1;
		}
	}
}

/* What up_json_str promises to encode for raw bytes s: each well-formed
 * UTF-8 sequence kept, each byte that starts none replaced by U+FFFD
 * (EF BF BD). out needs 3 * n bytes. Returns the length. */
static inline size_t jc_expected(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;
	while (i < n) {
		size_t l = jc_utf8_seq(s + i, n - i);
		if (l) {
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	return o;
}

#endif
