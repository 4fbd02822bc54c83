#include "fmt.h"

#include <math.h>
#include <stdio.h>

fmt_text fmt_count(long long v)
{
	fmt_text t = { "-" };
	if (v >= 0)
		snprintf(t.s, sizeof t.s, "%lld", v);
	return t;
}

fmt_text fmt_bytes(long long bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	fmt_text t = { "-" };
	double v = (double)bytes;
	int u = -1;
	if (bytes < 0)
		return t;
	if (bytes < 1024) {
		snprintf(t.s, sizeof t.s, "%lldB", bytes);
		return t;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(t.s, sizeof t.s, v < 100 ? "%.1f%s" : "%.0f%s", v, units[u]);
	return t;
}

/* uWSGI reports memory as 0 unless it runs with --memory-report: a live
 * process never has 0 bytes, so 0 means "not measured". */
fmt_text fmt_mem(long long bytes)
{
	fmt_text t = { "-" };
	return bytes > 0 ? fmt_bytes(bytes) : t;
}

fmt_text fmt_duration(double s)
{
	fmt_text t = { "-" };
	long long n = (long long)s;
	if (!(s >= 0))
		return t;
	if (n < 60)
		snprintf(t.s, sizeof t.s, "%llds", n);
	else if (n < 3600)
		snprintf(t.s, sizeof t.s, "%lldm%02llds", n / 60, n % 60);
	else if (n < 86400)
		snprintf(t.s, sizeof t.s, "%lldh%02lldm", n / 3600, n / 60 % 60);
	else
		snprintf(t.s, sizeof t.s, "%lldd%02lldh", n / 86400, n / 3600 % 24);
	return t;
}

fmt_text fmt_ms(long long us)
{
	fmt_text t = { "-" };
	double ms = (double)us / 1000.0;
	if (us < 0)
		return t;
	snprintf(t.s, sizeof t.s, ms < 1 ? "%.2fms" : ms < 100 ? "%.1fms" : "%.0fms", ms);
	return t;
}

fmt_text fmt_rate(double r)
{
	fmt_text t = { "-" };
	if (!isnan(r))
		snprintf(t.s, sizeof t.s, "%.1f", r);
	return t;
}
