/* The metrics --nagios can threshold and prints as perfdata, and --json
 * lists: one table, so the help, the man page and the output agree. */
#ifndef UWSGI_STATS_METRICS_H
#define UWSGI_STATS_METRICS_H

#include <stddef.h>

#include "doc.h"

/* Units of measurement as perfdata spells them. */
enum metric_uom { UOM_NONE, UOM_PCT, UOM_SEC, UOM_MS, UOM_MB, UOM_COUNTER };

struct metric_def {
	const char *name;    /* the perfdata label and the --metric argument */
	unsigned kinds;      /* DOC_NODE and/or DOC_ROUTER */
	enum metric_uom uom;
	const char *help;    /* one line for --list-metrics */
};

/* The whole table, in perfdata order. */
const struct metric_def *metric_table(size_t *count);

/* The entry of metric i (a valid index). */
const struct metric_def *metric_get(int i);

/* Index of the metric called name, or -1. */
int metric_find(const char *name);

/* "", "%", "s", "ms", "MB" or "c". */
const char *metric_uom_text(enum metric_uom uom);

/* The value of metric i on d (t from doc_totals), with the bounds perfdata
 * shows (NAN when there is none). Returns 0, or -1 when the metric does
 * not exist for d's kind of document. */
int metric_value(int i, const struct doc *d, const struct doc_totals *t,
                 double *v, double *min, double *max);

#endif
