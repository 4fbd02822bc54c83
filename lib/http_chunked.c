/* The chunked transfer coding (RFC 9112 §7.1): an incremental decoder that
 * keeps its place across calls, so input may be split anywhere, and the two
 * small encoder helpers. */
#include "uwsgiproto/http.h"
#include "uwsgiproto/error.h"

#include <string.h>

enum {
	CK_SIZE0,       /* first hex digit of a chunk size */
	CK_SIZE,        /* more hex digits */
	CK_SIZE_WS,     /* spaces after the size, before ';' or the line end */
	CK_EXT,         /* chunk extensions, skipped */
	CK_SIZE_LF,     /* LF after the size line's CR */
	CK_DATA,        /* chunk data */
	CK_DATA_CR,     /* CRLF after the data */
	CK_DATA_LF,
	CK_TRAILER0,    /* start of a trailer line, or the final empty line */
	CK_TRAILER,     /* inside a trailer field line, skipped */
	CK_TRAILER_LF,
	CK_END_LF,      /* LF of the final empty line */
	CK_DONE,
	CK_ERROR
};

void up_chunked_init(up_chunked_t *st, uint64_t max_total)
{
	memset(st, 0, sizeof *st);
	st->state = CK_SIZE0;
	st->max_total = max_total;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_ctl(uint8_t c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static ssize_t fail(up_chunked_t *st, int code)
{
	st->state = CK_ERROR;
	st->err = code;
	return code;
}

/* The size line is complete: start the data, or the trailer section. */
static int size_line_done(up_chunked_t *st)
{
	if (st->size == 0) {
		st->state = CK_TRAILER0;
		return 0;
	}
	if (st->max_total && st->size > st->max_total - st->total)
		return UP_ETOOBIG;
	st->state = CK_DATA;
	return 0;
}

/* A byte of a trailer field line: skipped, but checked and counted. */
static int trailer_byte(up_chunked_t *st, uint8_t c)
{
	if (c == '\r') {
		st->state = CK_TRAILER_LF;
		return 0;
	}
	if (c == '\n') {
		st->state = CK_TRAILER0;
		return 0;
	}
	if (is_ctl(c))
		return UP_EHTTP_CHUNK;
	if (++st->trailer > UP_CHUNKED_MAX_TRAILER)
		return UP_ETOOBIG;
	return 0;
}

/* One framing byte. Returns 0 or an error. */
static int step(up_chunked_t *st, uint8_t c)
{
	int v;

	switch (st->state) {
	case CK_SIZE0:
		v = hexval(c);
		if (v < 0)
			return UP_EHTTP_CHUNK;
		st->size = (uint64_t)v;
		st->line = 1;
		st->state = CK_SIZE;
		return 0;
	case CK_SIZE:
	case CK_SIZE_WS:
	case CK_EXT:
		if (++st->line > UP_CHUNKED_MAX_LINE)
			return UP_EHTTP_CHUNK;
		if (c == '\r') {
			st->state = CK_SIZE_LF;
			return 0;
		}
		if (c == '\n')
			return size_line_done(st);
		if (st->state == CK_EXT)
			return is_ctl(c) ? UP_EHTTP_CHUNK : 0;
		if (c == ';') {
			st->state = CK_EXT;
			return 0;
		}
		if (c == ' ' || c == '\t') {
			st->state = CK_SIZE_WS;
			return 0;
		}
		v = hexval(c);
		if (st->state != CK_SIZE || v < 0 || st->size > (UINT64_MAX >> 4))
			return UP_EHTTP_CHUNK;
		st->size = st->size << 4 | (uint64_t)v;
		return 0;
	case CK_SIZE_LF:
		if (c != '\n')
			return UP_EHTTP_CHUNK;
		return size_line_done(st);
	case CK_DATA_CR:
		if (c == '\r') {
			st->state = CK_DATA_LF;
			return 0;
		}
		if (c != '\n')   /* a bare LF ends the data as well */
			return UP_EHTTP_CHUNK;
		st->state = CK_SIZE0;
		return 0;
	case CK_DATA_LF:
		if (c != '\n')
			return UP_EHTTP_CHUNK;
		st->state = CK_SIZE0;
		return 0;
	case CK_TRAILER0:
		if (c == '\r') {
			st->state = CK_END_LF;
			return 0;
		}
		if (c == '\n') {
			st->state = CK_DONE;
			return 0;
		}
		st->state = CK_TRAILER;
		return trailer_byte(st, c);
	case CK_TRAILER:
		return trailer_byte(st, c);
	case CK_TRAILER_LF:
	case CK_END_LF:
		if (c != '\n')
			return UP_EHTTP_CHUNK;
		st->state = st->state == CK_END_LF ? CK_DONE : CK_TRAILER0;
		return 0;
	}
	return UP_EINVAL;
}

ssize_t up_chunked_parse(up_chunked_t *st, const uint8_t *buf, size_t len,
                         const uint8_t **data, size_t *data_len)
{
	size_t i = 0;

	*data = NULL;
	*data_len = 0;
	if (st->state == CK_ERROR)
		return st->err;
	while (i < len && st->state != CK_DONE) {
		if (st->state == CK_DATA) {
			size_t n = len - i;

			if (n > st->size)
				n = (size_t)st->size;
			*data = buf + i;
			*data_len = n;
			st->size -= n;
			st->total += n;
			if (st->size == 0)
				st->state = CK_DATA_CR;
			return (ssize_t)(i + n);
		}
		int r = step(st, buf[i]);
		if (r < 0)
			return fail(st, r);
		i++;
	}
	if (st->state == CK_DONE)
		st->done = 1;
	return (ssize_t)i;
}

ssize_t up_chunked_decode(up_chunked_t *st, uint8_t *buf, size_t len,
                          size_t *out_len)
{
	size_t in = 0, out = 0;

	*out_len = 0;
	while (in < len) {
		const uint8_t *d;
		size_t dn;
		ssize_t r = up_chunked_parse(st, buf + in, len - in, &d, &dn);

		if (r < 0) {
			*out_len = out;
			return r;
		}
		if (r == 0)
			break;
		if (dn) {
			memmove(buf + out, d, dn);
			out += dn;
		}
		in += (size_t)r;
	}
	*out_len = out;
	return (ssize_t)in;
}

int up_chunked_header(uint8_t *out, size_t cap, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t tmp[UP_CHUNKED_HEADER_MAX];
	size_t k = 0;

	if (n == 0)
		return UP_EINVAL;
	tmp[sizeof tmp - ++k] = '\n';
	tmp[sizeof tmp - ++k] = '\r';
	while (n) {
		tmp[sizeof tmp - ++k] = (uint8_t)hex[n & 15];
		n >>= 4;
	}
	if (k > cap)
		return UP_ENOSPACE;
	memcpy(out, tmp + sizeof tmp - k, k);
	return (int)k;
}

int up_chunked_end(uint8_t *out, size_t cap)
{
	if (5 > cap)
		return UP_ENOSPACE;
	memcpy(out, "0\r\n\r\n", 5);
	return 5;
}
