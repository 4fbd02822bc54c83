#include "range.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number filling exactly s[0..n), at most RANGE_MAX in magnitude.
 * strtod alone would accept "inf", "nan", hex and leading spaces, none of
 * which a range may hold; past RANGE_MAX, range_number could not write it
 * back without an exponent in the room perfdata is given. */
static int parse_number(const char *s, size_t n, double *out)
{
	char tmp[64], *end;
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (strspn(tmp, "+-0123456789.eE") != n)
		return -1;
	*out = strtod(tmp, &end);
	return *end == '\0' && fabs(*out) <= RANGE_MAX ? 0 : -1;
}

int range_parse(const char *text, struct range *r)
{
	const char *p = text, *colon;
	r->inside = 0;
	r->start = 0;
	r->end = INFINITY;
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	if (*p == '\0')
		return -1;
	colon = strchr(p, ':');
	if (!colon) {
		/* "-2" would be 0..-2, which nothing is inside. */
		if (parse_number(p, strlen(p), &r->end) < 0)
			return -1;
		return r->end >= 0 ? 0 : -1;
	}
	if (colon == p && colon[1] == '\0')
		return -1;                      /* ":" says nothing */
	if (colon - p == 1 && *p == '~')
		r->start = -INFINITY;
	else if (colon > p && parse_number(p, (size_t)(colon - p), &r->start) < 0)
		return -1;
	if (colon[1] && parse_number(colon + 1, strlen(colon + 1), &r->end) < 0)
		return -1;
	return r->start <= r->end ? 0 : -1;
}

int range_alert(const struct range *r, double v)
{
	int in = v >= r->start && v <= r->end;
	return r->inside ? in : !in;
}

char *range_number(double v, char *out, size_t cap)
{
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		snprintf(out, cap, "%lld", (long long)v);
		return out;
	}
	snprintf(out, cap, "%.9f", v);
	char *end = out + strlen(out);
	while (end > out && end[-1] == '0')
		*--end = '\0';
	if (end > out && end[-1] == '.')
		end[-1] = '\0';
	return out;
}

char *range_format(const struct range *r, char *out, size_t cap)
{
	char a[48], b[48];
	const char *at = r->inside ? "@" : "";
	if (r->start == 0 && isfinite(r->end))
		snprintf(out, cap, "%s%s", at, range_number(r->end, b, sizeof b));
	else
		snprintf(out, cap, "%s%s:%s", at,
			 isinf(r->start) ? "~" : range_number(r->start, a, sizeof a),
			 isinf(r->end) ? "" : range_number(r->end, b, sizeof b));
	return out;
}
