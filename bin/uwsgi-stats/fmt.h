/* Numbers for people: each returns a small struct holding the text, so a
 * call can sit inside an argument list (fmt_bytes(n).s). Missing values
 * (negative counts, NAN rates) print as "-". */
#ifndef UWSGI_STATS_FMT_H
#define UWSGI_STATS_FMT_H

typedef struct fmt_text {
	char s[40];
} fmt_text;

fmt_text fmt_count(long long v);        /* "1234" */
fmt_text fmt_bytes(long long bytes);    /* "0B", "512B", "10.6KiB", "58.2MiB" */
fmt_text fmt_mem(long long bytes);      /* fmt_bytes, but 0 is "-" (not measured) */
fmt_text fmt_duration(double seconds);  /* "45s", "5m12s", "3h04m", "2d03h" */
fmt_text fmt_ms(long long us);          /* "0.08ms", "12.3ms", "250ms" */
fmt_text fmt_rate(double per_second);   /* "12.5" */

#endif
