#include "uwsgiproto/buf.h"
#include "uwsgiproto/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void up_buf_init(up_buf_t *b, size_t max)
{
	b->data = NULL;
	b->off = b->len = b->cap = 0;
	b->max = max ? max : SIZE_MAX;
}

void up_buf_free(up_buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}

void up_buf_reset(up_buf_t *b)
{
	b->off = b->len = 0;
}

void up_buf_consume(up_buf_t *b, size_t n)
{
	if (n >= b->len) {
		b->off = b->len = 0;
		return;
	}
	b->off += n;
	b->len -= n;
}

int up_buf_reserve(up_buf_t *b, size_t n)
{
	if (n <= up_buf_room(b))
		return 0;
	if (n > b->max - b->len)
		return UP_ETOOBIG;
	size_t need = b->len + n;
	/* Sliding the data to the front is enough when it fits the storage. */
	if (need <= b->cap) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		return 0;
	}
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	uint8_t *nd = malloc(ncap);
	if (!nd)
		return UP_ESYS;
	if (b->len)
		memcpy(nd, b->data + b->off, b->len);
	free(b->data);
	b->data = nd;
	b->cap = ncap;
	b->off = 0;
	return 0;
}

int up_buf_append(up_buf_t *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	int rc = up_buf_reserve(b, n);
	if (rc < 0)
		return rc;
	memcpy(up_buf_tail(b), p, n);
	b->len += n;
	return 0;
}

int up_buf_puts(up_buf_t *b, const char *s)
{
	return up_buf_append(b, s, strlen(s));
}

int up_buf_vprintf(up_buf_t *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return UP_EINVAL;
	int rc = up_buf_reserve(b, (size_t)n + 1);
	if (rc == UP_ETOOBIG && (size_t)n <= b->max - b->len) {
		/* The text fits under the cap but vsnprintf's NUL would not:
		 * format it aside and append the text alone. */
		char *tmp = malloc((size_t)n + 1);
		if (!tmp)
			return UP_ESYS;
		vsnprintf(tmp, (size_t)n + 1, fmt, ap);
		rc = up_buf_append(b, tmp, (size_t)n);
		free(tmp);
		return rc;
	}
	if (rc < 0)
		return rc;
	vsnprintf((char *)up_buf_tail(b), (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int up_buf_printf(up_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = up_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}
