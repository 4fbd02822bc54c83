#include "uwsgiproto/json.h"
#include "uwsgiproto/error.h"

#include <stdint.h>
#include <string.h>

size_t up_utf8_len(const uint8_t *p, size_t n)
{
	if (n == 0)
		return 0;
	uint8_t c = p[0];
	size_t len;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
	else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
	else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int up_json_str(up_buf_t *out, const void *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = s, *end = p + n;
	int rc = up_buf_append(out, "\"", 1);
	while (rc == 0 && p < end) {
		const uint8_t *run = p;
		/* Copy the longest stretch that needs no escaping in one go. */
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			rc = up_buf_append(out, run, (size_t)(p - run));
		if (rc || p == end)
			break;
		uint8_t c = *p;
		char esc[6] = { '\\', 0 };
		if (c >= 0x80) {
			size_t l = up_utf8_len(p, (size_t)(end - p));
			rc = l ? up_buf_append(out, p, l) : up_buf_puts(out, "\\ufffd");
			p += l ? l : 1;
			continue;
		}
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			rc = up_buf_append(out, "\\u00", 4);
			esc[0] = hex[c >> 4];
			esc[1] = hex[c & 15];
			break;
		}
		if (rc == 0)
			rc = up_buf_append(out, esc, 2);
		p++;
	}
	return rc ? rc : up_buf_append(out, "\"", 1);
}

int up_json_cstr(up_buf_t *out, const char *s)
{
	return s ? up_json_str(out, s, strlen(s)) : up_buf_puts(out, "null");
}

int up_json_key(up_buf_t *out, const char *key)
{
	int rc = up_json_cstr(out, key);
	return rc ? rc : up_buf_append(out, ":", 1);
}
