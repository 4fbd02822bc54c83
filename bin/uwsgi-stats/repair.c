#include "repair.h"

#include "uwsgiproto/json.h"

size_t repair_json_strings(uint8_t *buf, size_t len)
{
	size_t fixed = 0, i = 0;
	int in_string = 0;
	while (i < len) {
		uint8_t c = buf[i];
		if (!in_string) {
			in_string = c == '"';
			i++;
		} else if (c == '\\') {
			i += 2;                 /* the escaped byte is never a quote */
		} else if (c == '"') {
			in_string = 0;
			i++;
		} else if (c < 0x20) {
			buf[i++] = '?';
			fixed++;
		} else if (c < 0x80) {
			i++;
		} else {
			size_t l = up_utf8_len(buf + i, len - i);
			if (l == 0) {
				buf[i] = '?';
				fixed++;
				l = 1;
			}
			i += l;
		}
	}
	return fixed;
}
