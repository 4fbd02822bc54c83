/* libFuzzer target for uwsgi-stats' threshold ranges (-w, -c: user input).
 *
 * The input is the argument's text. A range that parses must come back
 * from range_format as a standard range that parses again to the same
 * range (perfdata and the status text show that form), and alert exactly
 * where the original does; range_number never writes an exponent.
 */
#include "../../bin/uwsgi-stats/range.c"

#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Equal, or as close as nine decimals can write a fraction. */
static int near(double a, double b)
{
	if (a == b)
		return 1;
	double scale = fabs(a) > 1 ? fabs(a) : 1;
	return fabs(a - b) <= 1e-9 * scale;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], out[112];
	struct range r, again;
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (range_parse(text, &r) < 0)
		return 0;
	ASSERT(r.start <= r.end && !isnan(r.start) && !isnan(r.end));
	range_format(&r, out, sizeof out);
	ASSERT(strlen(out) < sizeof out - 1);          /* never cut short */
	ASSERT(strpbrk(out, "eEinfINF") == NULL);      /* perfdata's alphabet */
	ASSERT(range_parse(out, &again) == 0);
	ASSERT(again.inside == r.inside);
	ASSERT(near(again.start, r.start) && near(again.end, r.end));
	const double probes[] = { r.start, r.end, 0, -1, 1, 1e300, -1e300 };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		if (isfinite(probes[i]) && again.start == r.start && again.end == r.end)
			ASSERT(range_alert(&again, probes[i]) == range_alert(&r, probes[i]));
	return 0;
}
