/* JSON output helpers for the stats producers. Parsing JSON is jansson's
 * job (in the tools that read it); this module only writes.
 */
#ifndef UWSGIPROTO_JSON_H
#define UWSGIPROTO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/buf.h"

/* Append s (n bytes) to out as a quoted JSON string. Quotes, backslashes
 * and control characters are escaped; valid UTF-8 passes through; every
 * byte of an invalid UTF-8 sequence becomes U+FFFD, so the output is always
 * valid JSON. Returns 0 or the buffer's error. */
int up_json_str(up_buf_t *out, const void *s, size_t n);

/* Length of the valid UTF-8 sequence starting at p (n bytes available): 1
 * for ASCII, 2-4 for a multi-byte character, 0 when the bytes there are not
 * valid UTF-8 (overlong forms, surrogates, past U+10FFFF, cut short). */
size_t up_utf8_len(const uint8_t *p, size_t n);

/* up_json_str of a NUL-terminated string ("null" for NULL). */
int up_json_cstr(up_buf_t *out, const char *s);

/* Append `"key":` (the key escaped like a string). */
int up_json_key(up_buf_t *out, const char *key);

#endif
