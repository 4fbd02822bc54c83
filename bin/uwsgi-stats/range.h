/* Threshold ranges as the Monitoring Plugins guidelines define them:
 * [@][start:][end]. "10" alerts outside 0..10, "10:" below 10, "~:10"
 * above 10, "10:20" outside 10..20, "@10:20" inside 10..20; the ends are
 * inclusive and the numbers may be fractions. */
#ifndef UWSGI_STATS_RANGE_H
#define UWSGI_STATS_RANGE_H

#include <stddef.h>

struct range {
	double start;   /* -INFINITY for "~" */
	double end;     /* INFINITY when omitted ("10:") */
	int inside;     /* '@': alert inside the range instead of outside */
};

/* The largest magnitude a range's number may have. */
#define RANGE_MAX 1e15

/* Parse text into *r. Returns 0, or -1 for anything else: an empty range,
 * a bare ":" or "@", a number that does not parse or is beyond RANGE_MAX,
 * start greater than end (a lone negative end among them), trailing
 * bytes. */
int range_parse(const char *text, struct range *r);

/* Write r in its shortest standard form ("10", "10:", "~:10", "@10:20"),
 * numbers as range_number writes them. Returns out. */
char *range_format(const struct range *r, char *out, size_t cap);

/* Write v with digits, '-' and '.' only (never an exponent, which
 * perfdata does not allow): whole numbers bare, others with up to nine
 * decimals, trailing zeros dropped. Returns out. */
char *range_number(double v, char *out, size_t cap);

/* 1 when value v raises the alert the range describes, else 0. */
int range_alert(const struct range *r, double v);

#endif
